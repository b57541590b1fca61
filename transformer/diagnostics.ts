/**
 * The ts-patch program transformer:
 * `{ "transform": "tsjit/transformer/diagnostics", "transformProgram": true }`.
 *
 * Note [Diagnostics at check time, not at emit]: diagnostics added while emitting are
 * lost with `--noEmit` (no emit), with `noEmitOnError` plus any type error (emit
 * skipped), and go stale with `incremental` (stored in tsbuildinfo, replayed at old
 * positions). So this entry adds the `@script` errors to the program's SEMANTIC
 * diagnostics instead, where they behave exactly like type errors: `tspc` prints
 * `file.ts(6,15): error TS91001: TSJ1001: ...` and exits non-zero, `noEmitOnError`
 * skips emit, the builder caches them per file and recomputes them when the file
 * changes. The analysis is the one the emit transformer uses (analyzeFile.ts), so each
 * site is compiled once per program.
 *
 * Two program methods are wrapped: `getSemanticDiagnostics` (tsc, `getPreEmitDiagnostics`,
 * `noEmitOnError`) and the internal `getBindAndCheckDiagnostics`, which is what the
 * builder program (incremental and `tsc -b`) reads per file. Neither calls the other
 * through the program object, so nothing is reported twice.
 */
import type * as ts from "typescript";
import { analyzeFile, areDiagnosticsReported, markDiagnosticsReported } from "./analyzeFile.js";
import { toTsDiagnostic } from "./tsDiagnostics.js";

interface Extras {
  readonly ts: typeof ts;
}

type FileDiagnostics = (sourceFile?: ts.SourceFile, cancellationToken?: ts.CancellationToken) => readonly ts.Diagnostic[];

export default function tsjitDiagnostics(program: ts.Program, _host?: ts.CompilerHost, _config?: unknown, extras?: Extras): ts.Program {
  const tsInstance = extras?.ts;
  if (tsInstance === undefined || areDiagnosticsReported(program)) return program;
  markDiagnosticsReported(program);

  const scriptDiagnostics = (sourceFile: ts.SourceFile | undefined): ts.Diagnostic[] => {
    const files = sourceFile === undefined ? program.getSourceFiles() : [sourceFile];
    const result: ts.Diagnostic[] = [];
    for (const file of files) {
      try {
        for (const diagnostic of analyzeFile(tsInstance, program, file).diagnostics) result.push(toTsDiagnostic(tsInstance, diagnostic));
      } catch {
        // analyzeFile never throws by design; a bug there must not hide the type errors.
      }
    }
    return result;
  };

  const mutable = program as unknown as Record<string, unknown>;
  for (const method of ["getSemanticDiagnostics", "getBindAndCheckDiagnostics"]) {
    const original = mutable[method];
    if (typeof original !== "function") continue;
    const wrapped: FileDiagnostics = (sourceFile, cancellationToken) => {
      const base = (original as FileDiagnostics).call(program, sourceFile, cancellationToken);
      const extra = scriptDiagnostics(sourceFile);
      return extra.length === 0 ? base : [...base, ...extra];
    };
    mutable[method] = wrapped;
  }
  return program;
}
