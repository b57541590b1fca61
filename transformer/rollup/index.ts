/**
 * `tsjit/rollup`: bundles code that uses tsjit.
 *
 * - TypeScript modules (`include`/`exclude`, default every .ts/.tsx/.mts/.cts outside
 *   node_modules) are compiled through ONE `ts.Program` for the project (`tsconfig`,
 *   default ./tsconfig.json), kept across modules and watch rebuilds (project.ts), with
 *   the `@script` transformer `tspc` runs: the bundle holds each site's precompiled IR
 *   and never calls the compiler. TSJ errors fail the build (`this.error`, file, line and
 *   column), TSJ warnings and type errors are `this.warn`s. Alongside
 *   @rollup/plugin-typescript, that plugin compiles and this one only reports: pass it
 *   `transformers: plugin.api.transformers` (docs/bundling.md).
 * - `import model from "./m.tsjit"` becomes the loaded ScriptModule (modelImport.ts).
 */
import { readFileSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { createFilter, type FilterPattern } from "@rollup/pluginutils";
import type { Plugin, PluginContext, RollupLog, TransformPluginContext } from "rollup";
import type * as ts from "typescript";
import { typescript } from "./typescript.js";
import tsjitTransformer from "../index.js";
import { emitModule, scriptProblems, typeScriptProblems, type ModuleProblem } from "./compileModule.js";
import { MODEL_EXTENSION, modelFileProblem, modelModuleCode } from "./modelImport.js";
import { Project, ProjectConfigError } from "./project.js";

export interface TsjitPluginOptions {
  /** TypeScript modules to compile (picomatch patterns or RegExps); default every .ts, .tsx, .mts, .cts. */
  readonly include?: FilterPattern;
  /** Modules to leave alone; default anything under node_modules. */
  readonly exclude?: FilterPattern;
  /** The project's tsconfig.json, relative to the working directory; default ./tsconfig.json. */
  readonly tsconfig?: string;
  /** Model files smaller than this many bytes are inlined in the bundle (base64); larger ones are emitted as assets. Default 16384. */
  readonly inlineLimit?: number;
  /** Whether a .tsjit import is the ScriptModule (top-level await: es and system outputs) or a Promise of it (for cjs). Default true. */
  readonly topLevelAwait?: boolean;
}

/** The custom transformers to give @rollup/plugin-typescript (`typescript({ transformers: plugin.api.transformers })`). */
export interface TsjitTransformers {
  readonly before: readonly [{ readonly type: "program"; readonly factory: (program: ts.Program, getProgram?: () => ts.Program) => ts.TransformerFactory<ts.SourceFile> }];
}

export interface TsjitPlugin extends Plugin {
  readonly api: { readonly transformers: TsjitTransformers };
}

const DEFAULT_INLINE_LIMIT = 16 * 1024;

export default function tsjit(options: TsjitPluginOptions = {}): TsjitPlugin {
  const filter = createFilter(options.include ?? /\.[cm]?tsx?$/, options.exclude ?? /[\\/]node_modules[\\/]/);
  const inlineLimit = options.inlineLimit ?? DEFAULT_INLINE_LIMIT;
  const topLevelAwait = options.topLevelAwait ?? true;
  const project = new Project(resolve(options.tsconfig ?? "tsconfig.json"));
  /** Set when @rollup/plugin-typescript compiles with our transformers: its latest program. */
  let typescriptPluginProgram: (() => ts.Program) | undefined;

  const transformers: TsjitTransformers = {
    before: [
      {
        type: "program",
        factory: (program, getProgram = () => program) => {
          typescriptPluginProgram = getProgram;
          return (context) => (sourceFile) => tsjitTransformer(getProgram(), undefined, { ts: typescript })(context)(sourceFile);
        },
      },
    ],
  };

  return {
    name: "tsjit",
    api: { transformers },

    watchChange(id) {
      project.invalidate(id);
    },

    resolveId(source, importer) {
      if (importer === undefined) return null;
      if (source.endsWith(MODEL_EXTENSION)) return source.startsWith(".") || source.startsWith("/") ? resolve(dirname(importer), source) : null;
      // `./report.js` in TypeScript means report.ts: resolve as the project does.
      if (typescriptPluginProgram !== undefined || !filter(importer)) return null;
      return project.resolveSourceModule(source, importer) ?? null;
    },

    load(id) {
      if (!id.endsWith(MODEL_EXTENSION)) return null;
      this.addWatchFile(id);
      const bytes = readModelFile(this, id);
      const problem = modelFileProblem(bytes);
      if (problem !== undefined) this.error({ message: `tsjit: ${id} is not a usable model file: ${problem}`, id });
      if (bytes.byteLength < inlineLimit) return modelModuleCode({ inline: bytes, topLevelAwait });
      const assetReference = this.emitFile({ type: "asset", name: basename(id), source: bytes });
      return modelModuleCode({ assetReference, topLevelAwait });
    },

    transform(code, id) {
      if (!filter(id) || id.endsWith(".d.ts")) return null;
      if (typescriptPluginProgram !== undefined) {
        const program = typescriptPluginProgram();
        const sourceFile = program.getSourceFile(id);
        if (sourceFile !== undefined) report(this, id, scriptProblems(program, sourceFile));
        return null;
      }
      const program = currentProgram(this, project, id);
      const sourceFile = program.getSourceFile(id)!;
      if (code.replace(/^\uFEFF/, "") !== sourceFile.text) {
        this.error({ message: `tsjit: ${id} was already transformed by another plugin (@rollup/plugin-typescript?); let tsjit compile it, or give that plugin tsjit's transformers (docs/bundling.md)`, id });
      }
      report(this, id, [...typeScriptProblems(program, sourceFile), ...scriptProblems(program, sourceFile)]);
      watchProjectFiles(this, program, project.tsconfigPath);
      return emitModule(program, sourceFile);
    },
  };
}

/**
 * A module's compilation depends on every project file its types come from, bundled or
 * not (a type-only import, a .d.ts): watch mode rebuilds when any of them, or the
 * tsconfig, changes. Library files (node_modules, TypeScript's lib) are not watched.
 */
function watchProjectFiles(context: TransformPluginContext, program: ts.Program, tsconfigPath: string): void {
  context.addWatchFile(tsconfigPath);
  for (const file of program.getSourceFiles()) {
    if (!program.isSourceFileFromExternalLibrary(file) && !program.isSourceFileDefaultLibrary(file)) context.addWatchFile(file.fileName);
  }
}

function readModelFile(context: PluginContext, id: string): Uint8Array {
  try {
    return readFileSync(id);
  } catch (error) {
    return context.error({ message: `tsjit: cannot read model file ${id}: ${(error as Error).message}`, id });
  }
}

function currentProgram(context: TransformPluginContext, project: Project, id: string): ts.Program {
  try {
    return project.current(id);
  } catch (error) {
    if (error instanceof ProjectConfigError) context.error({ message: error.message, id: project.tsconfigPath });
    throw error;
  }
}

/** Warnings through `this.warn`; errors fail the build through `this.error`, at the first, which lists the others after it. */
function report(context: TransformPluginContext, id: string, problems: readonly ModuleProblem[]): void {
  for (const problem of problems) if (problem.severity === "warning") context.warn(toLog(id, problem, `${problem.code}: ${problem.message}`));
  const [first, ...others] = problems.filter((problem) => problem.severity === "error");
  if (first === undefined) return;
  const more = others.map((problem) => `\n${problem.file}:${problem.line}:${problem.column + 1}: ${problem.code}: ${problem.message}`).join("");
  context.error(toLog(id, first, `${first.code}: ${first.message}${more}`));
}

function toLog(id: string, problem: ModuleProblem, message: string): RollupLog {
  return { message, id, pluginCode: problem.code, loc: { file: problem.file, line: problem.line, column: problem.column } };
}
