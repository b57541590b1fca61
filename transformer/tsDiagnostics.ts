/**
 * ScriptDiagnostic → ts.Diagnostic, the one conversion every entry uses so `tspc`, the
 * program transformer and the language plugin report the same code at the same span.
 *
 * Note [TSJ codes]: tsc prints numeric codes as `TS<code>`, so a TSJ diagnostic n gets
 * code 90000 + n (TSJ1001 → TS91001) and a message starting `TSJ<n>: `, printed as
 * `file.ts(6,15): error TS91001: TSJ1001: ...`, with `source: "tsjit"`.
 */
import type * as ts from "typescript";
import type { ScriptDiagnostic } from "./frontend/index.js";

export const TSJ_CODE_BASE = 90000;

export function toTsDiagnostic(tsInstance: typeof ts, diagnostic: ScriptDiagnostic): ts.Diagnostic {
  const node = tsInstance.getParseTreeNode(diagnostic.node) ?? diagnostic.node;
  const file = node.getSourceFile();
  const start = node.getStart(file);
  return {
    file,
    start,
    length: node.getEnd() - start,
    code: TSJ_CODE_BASE + diagnostic.code,
    category: diagnostic.category === "error" ? tsInstance.DiagnosticCategory.Error : tsInstance.DiagnosticCategory.Warning,
    messageText: `TSJ${diagnostic.code}: ${diagnostic.message}`,
    source: "tsjit",
  };
}
