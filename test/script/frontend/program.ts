/** One ts.Program over test files, with "tsjit" mapped to runtime/index.ts, and helpers to compile sites. */
import { resolve } from "node:path";
import * as ts from "typescript";
import { compileScriptSite, type ScriptPayload, type ScriptSite } from "../../../transformer/frontend/index.js";
import { graphFromJSON } from "../../../runtime/ir/json.js";
import type { Graph } from "../../../runtime/ir/Graph.js";
import type { ScriptDiagnostic } from "../../../transformer/frontend/diagnostics.js";

export const ROOT = resolve(import.meta.dirname, "../../..");

export function makeProgram(files: readonly string[]): ts.Program {
  return ts.createProgram(
    files.map((f) => resolve(ROOT, f)),
    {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      skipLibCheck: true,
      noEmit: true,
      types: ["node"],
      baseUrl: ROOT,
      paths: { tsjit: ["./runtime/index.ts"] },
    },
  );
}

export function sourceFile(program: ts.Program, file: string): ts.SourceFile {
  const sf = program.getSourceFile(resolve(ROOT, file));
  if (!sf) throw new Error(`no source file ${file}`);
  return sf;
}

/** Exported function declarations of a file, by name. */
export function functionSites(sf: ts.SourceFile): Map<string, ts.FunctionDeclaration> {
  const out = new Map<string, ts.FunctionDeclaration>();
  for (const s of sf.statements) if (ts.isFunctionDeclaration(s) && s.name && s.body) out.set(s.name.text, s);
  return out;
}

export function classSites(sf: ts.SourceFile): Map<string, ts.ClassDeclaration> {
  const out = new Map<string, ts.ClassDeclaration>();
  for (const s of sf.statements) if (ts.isClassDeclaration(s) && s.name) out.set(s.name.text, s);
  return out;
}

export function compile(program: ts.Program, site: ScriptSite): { payload: ScriptPayload | undefined; diagnostics: ScriptDiagnostic[] } {
  return compileScriptSite(ts, program.getTypeChecker(), site, { cwd: ROOT });
}

export function graphsOf(payload: ScriptPayload): { graphs: Map<string, Graph>; functions: Map<string, Graph> } {
  return {
    graphs: new Map(Object.entries(payload.graphs).map(([k, g]) => [k, graphFromJSON(g)])),
    functions: new Map(Object.entries(payload.functions).map(([k, g]) => [k, graphFromJSON(g)])),
  };
}

export function formatDiagnostic(d: ScriptDiagnostic): string {
  const sf = d.node.getSourceFile();
  const { line, character } = sf.getLineAndCharacterOfPosition(d.node.getStart(sf));
  return `TSJ${d.code} ${line + 1}:${character + 1} ${d.message}`;
}
