/**
 * One module through the project's program: its `@script` sites compiled by the same
 * transformer `tspc` runs (transformer/index.ts), the TypeScript emitted as an ES
 * module with its source map, and the problems found on the way.
 */
import type * as ts from "typescript";
import { typescript } from "./typescript.js";
import { analyzeFile } from "../analyzeFile.js";
import tsjitTransformer from "../index.js";
import type { ScriptDiagnostic } from "../frontend/index.js";

/** A problem at a place in a source file, in the terms rollup's logs use (line 1-based, column 0-based). */
export interface ModuleProblem {
  readonly severity: "error" | "warning";
  /** `TSJ1004` for the @script frontend, `TS2322` for TypeScript's own. */
  readonly code: string;
  readonly message: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface CompiledModule {
  readonly code: string;
  readonly map: string;
}

/** The frontend's diagnostics of `sourceFile`, compiled once per program (analyzeFile's cache). */
export function scriptProblems(program: ts.Program, sourceFile: ts.SourceFile): ModuleProblem[] {
  return analyzeFile(typescript, program, sourceFile).diagnostics.map((diagnostic) => scriptProblem(sourceFile, diagnostic));
}

function scriptProblem(sourceFile: ts.SourceFile, diagnostic: ScriptDiagnostic): ModuleProblem {
  const node = typescript.getParseTreeNode(diagnostic.node) ?? diagnostic.node;
  const { line, character } = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile));
  return { severity: diagnostic.category, code: `TSJ${diagnostic.code}`, message: diagnostic.message, file: sourceFile.fileName, line: line + 1, column: character };
}

/** TypeScript's syntax errors (errors: nothing sensible can be emitted) and type errors (warnings, as @rollup/plugin-typescript reports them). */
export function typeScriptProblems(program: ts.Program, sourceFile: ts.SourceFile): ModuleProblem[] {
  const syntactic = program.getSyntacticDiagnostics(sourceFile).map((d) => typeScriptProblem(d, "error"));
  const semantic = program.getSemanticDiagnostics(sourceFile).map((d) => typeScriptProblem(d, "warning"));
  return [...syntactic, ...semantic];
}

function typeScriptProblem(diagnostic: ts.Diagnostic, severity: ModuleProblem["severity"]): ModuleProblem {
  const file = diagnostic.file!;
  const { line, character } = file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
  return { severity, code: `TS${diagnostic.code}`, message: typescript.flattenDiagnosticMessageText(diagnostic.messageText, "\n"), file: file.fileName, line: line + 1, column: character };
}

/** Emits `sourceFile` with the tsjit transformer; the map names the TypeScript file by its absolute path and carries its text. */
export function emitModule(program: ts.Program, sourceFile: ts.SourceFile): CompiledModule {
  let code: string | undefined;
  let map: string | undefined;
  const writeFile: ts.WriteFileCallback = (fileName, text) => {
    if (/\.map$/.test(fileName)) map = text;
    else if (/\.[cm]?js$/.test(fileName)) code = text;
  };
  program.emit(sourceFile, writeFile, undefined, false, { before: [tsjitTransformer(program, undefined, { ts: typescript })] });
  if (code === undefined || map === undefined) throw new Error(`tsjit: TypeScript emitted no JavaScript for ${sourceFile.fileName}`);
  const sourceMap = JSON.parse(map) as { sources: string[]; sourcesContent?: (string | null)[] };
  sourceMap.sources = [sourceFile.fileName];
  sourceMap.sourcesContent = [sourceFile.text];
  return { code: withoutHelperGuards(code).replace(/\n\/\/# sourceMappingURL=\S+\s*$/, "\n"), map: JSON.stringify(sourceMap) };
}

/**
 * TypeScript's helpers (the decorators' `__esDecorate`, `__runInitializers`, ...) start
 * `var __x = (this && this.__x) || function ...`, for scripts. In an ES module `this` is
 * undefined at the top level, so the guard always falls through; dropping it spares
 * rollup's "this has been rewritten to undefined" warnings. Only helper lines (which
 * carry no source mappings) change.
 */
function withoutHelperGuards(code: string): string {
  return code.replace(/^var (__\w+) = \(this && this\.\1\) \|\| /gm, "var $1 = ");
}
