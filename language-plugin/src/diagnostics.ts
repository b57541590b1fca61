/**
 * The TSJ diagnostics of one file, exactly as the build reports them: the same
 * analysis (transformer/analyzeFile.ts, cached per program and file) and the same
 * conversion (transformer/tsDiagnostics.ts), so codes, messages and spans match `tspc`.
 * Only the `severity` option may change a category, and only in the editor.
 *
 * Note [Files without @script cost nothing]: a `@script` site needs a callee that
 * resolves to tsjit's `script`, and `script` is not a global: it reaches a file only
 * through an import. So before walking the file, `importsScript` looks at the file's
 * import declarations alone and asks whether any imported module exports tsjit's
 * `script` (under any name, through re-exports too). The answer is cached per module
 * symbol and program, so a file that imports only React and lodash costs a few map
 * look-ups per request.
 */
import type * as ts from "typescript";
import { analyzeFile, type FileAnalysis } from "../../transformer/analyzeFile.js";
import { isTsjitDeclaration, resolveSymbol } from "../../transformer/frontend/sites.js";
import { toTsDiagnostic } from "../../transformer/tsDiagnostics.js";
import type { PluginOptions, Severity } from "./options.js";

const exportsScript = new WeakMap<ts.Program, WeakMap<ts.Symbol, boolean>>();

/** Whether some import of `file` brings tsjit's `script` into scope (Note [Files without @script cost nothing]). */
export function importsScript(tsi: typeof ts, program: ts.Program, file: ts.SourceFile): boolean {
  const checker = program.getTypeChecker();
  let perProgram = exportsScript.get(program);
  if (perProgram === undefined) {
    perProgram = new WeakMap();
    exportsScript.set(program, perProgram);
  }
  for (const statement of file.statements) {
    let specifier: ts.Expression | undefined;
    if (tsi.isImportDeclaration(statement)) specifier = statement.moduleSpecifier;
    else if (tsi.isImportEqualsDeclaration(statement) && tsi.isExternalModuleReference(statement.moduleReference)) specifier = statement.moduleReference.expression;
    if (specifier === undefined) continue;
    const moduleSymbol = checker.getSymbolAtLocation(specifier);
    if (moduleSymbol === undefined) continue;
    let answer = perProgram.get(moduleSymbol);
    if (answer === undefined) {
      answer = checker.getExportsOfModule(moduleSymbol).some((symbol) => {
        const target = resolveSymbol(tsi, checker, symbol);
        return target?.getName() === "script" && (target.getDeclarations() ?? []).some((d) => isTsjitDeclaration(d, "jit/script") || isTsjitDeclaration(d, "index"));
      });
      perProgram.set(moduleSymbol, answer);
    }
    if (answer) return true;
  }
  return false;
}

/** The file's analysis, or undefined when it has no `@script` code (without walking it). */
export function analysisOf(tsi: typeof ts, program: ts.Program, file: ts.SourceFile): FileAnalysis | undefined {
  if (file.isDeclarationFile || !importsScript(tsi, program, file)) return undefined;
  return analyzeFile(tsi, program, file);
}

export function scriptDiagnostics(tsi: typeof ts, program: ts.Program, file: ts.SourceFile, options: PluginOptions): ts.Diagnostic[] {
  const analysis = analysisOf(tsi, program, file);
  if (analysis === undefined) return [];
  const result: ts.Diagnostic[] = [];
  for (const diagnostic of analysis.diagnostics) {
    const converted = toTsDiagnostic(tsi, diagnostic);
    const severity = options.severity.get(diagnostic.code);
    if (severity === "off") continue;
    result.push(severity === undefined ? converted : { ...converted, category: categoryOf(tsi, severity) });
  }
  return result;
}

function categoryOf(tsi: typeof ts, severity: Exclude<Severity, "off">): ts.DiagnosticCategory {
  switch (severity) {
    case "error":
      return tsi.DiagnosticCategory.Error;
    case "warning":
      return tsi.DiagnosticCategory.Warning;
    case "suggestion":
      return tsi.DiagnosticCategory.Suggestion;
    case "message":
      return tsi.DiagnosticCategory.Message;
  }
}
