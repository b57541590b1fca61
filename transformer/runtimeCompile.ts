/**
 * The run-time compiler: `script(fn)` on a function the transformer did not compile
 * (vitest, tsx, a REPL) compiles it from its TypeScript source, as `torch.jit.script`
 * does from Python source. Only for development: it needs `typescript` at run time and
 * the `.ts` file on disk.
 *
 *   import { registerRuntimeCompiler } from "tsjit/transformer/runtime";
 *   registerRuntimeCompiler();          // once; then script(fn) works without tspc
 *
 * Note [Finding the source of a function]: under vitest or tsx `fn.toString()` is the
 * type-stripped JavaScript, useless to the frontend, which needs the types. So the
 * compiler reads the original file instead: the files on the call stack of `script(fn)`
 * (the caller is almost always the file that declares `fn`), skipping tsjit's own
 * `runtime/` and `transformer/` frames, mapping a `.js` frame to its `.ts` source
 * through its `.map` when there is one. In each candidate it looks for a function
 * declaration or named function expression called `fn.name`. A function it cannot find
 * gives `undefined`, and `script` throws its NOT_COMPILED error.
 *
 * The `ts.Program` for a file uses the options of the nearest tsconfig.json (so `paths`
 * such as "tsjit" → runtime/index.ts resolve as in the editor) with only that file as
 * root; it is cached per file and reused as `oldProgram` when the text changes.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type * as ts from "typescript";
import { TsjitError } from "../runtime/errors.js";
import { setRuntimeCompiler } from "../runtime/jit/script.js";
import { compileScriptSite, type ScriptPayload } from "./frontend/index.js";
import { toTsDiagnostic } from "./tsDiagnostics.js";

let loaded: typeof ts | null | undefined;

/** `typescript`, or undefined when it cannot be required from here. */
function typescript(): typeof ts | undefined {
  if (loaded === undefined) {
    try {
      loaded = createRequire(import.meta.url)("typescript") as typeof ts;
    } catch {
      loaded = null;
    }
  }
  return loaded ?? undefined;
}

interface CachedProgram {
  readonly text: string;
  readonly program: ts.Program;
}

const programs = new Map<string, CachedProgram>();
const compiled = new WeakMap<Function, ScriptPayload>();

/**
 * Compiles the function `functionName` declared in `sourceText` (the contents of
 * `fileName`). Returns undefined when the file declares no such function; throws a
 * TsjitError COMPILE_ERROR listing every TSJ error (as `file(line,col): TSJnnnn: ...`)
 * when it does not compile, and NOT_COMPILED when `typescript` cannot be loaded.
 */
export function compileFromSource(fileName: string, sourceText: string, functionName: string): ScriptPayload | undefined {
  const tsInstance = typescript();
  if (tsInstance === undefined) {
    throw new TsjitError("NOT_COMPILED", `script(${functionName}): compiling at run time needs the 'typescript' package, which cannot be loaded here`);
  }
  const path = resolve(fileName);
  const program = programFor(tsInstance, path, sourceText);
  const sourceFile = program.getSourceFile(path);
  if (sourceFile === undefined) return undefined;
  const declaration = findFunction(tsInstance, sourceFile, functionName);
  if (declaration === undefined) return undefined;
  const { payload, diagnostics } = compileScriptSite(tsInstance, program.getTypeChecker(), { kind: "function", declaration });
  const errors = diagnostics.filter((d) => d.category === "error");
  if (errors.length > 0 || payload === undefined) {
    const lines = errors.map((d) => formatDiagnostic(tsInstance, toTsDiagnostic(tsInstance, d)));
    throw new TsjitError("COMPILE_ERROR", `script(${functionName}): cannot compile ${functionName} in ${fileName}:\n${lines.join("\n")}`);
  }
  return payload;
}

/** Installs the run-time compiler into the runtime's `script`. Idempotent. */
export function registerRuntimeCompiler(): void {
  setRuntimeCompiler(compileFunction);
}

/** The compiler `script` calls for a function the transformer did not compile. */
export function compileFunction(fn: Function): ScriptPayload | undefined {
  const known = compiled.get(fn);
  if (known !== undefined) return known;
  if (fn.name === "" || typescript() === undefined) return undefined;
  for (const file of callerFiles()) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    if (!text.includes(fn.name)) continue;
    const payload = compileFromSource(file, text, fn.name);
    if (payload !== undefined) {
      compiled.set(fn, payload);
      return payload;
    }
  }
  return undefined;
}

function programFor(tsInstance: typeof ts, path: string, sourceText: string): ts.Program {
  const cached = programs.get(path);
  if (cached !== undefined && cached.text === sourceText) return cached.program;
  const options = compilerOptionsFor(tsInstance, path);
  const host = tsInstance.createCompilerHost(options, true);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, languageVersion, onError, shouldCreate) =>
    resolve(name) === path ? tsInstance.createSourceFile(name, sourceText, languageVersion, true) : getSourceFile(name, languageVersion, onError, shouldCreate);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => resolve(name) === path || fileExists(name);
  const program = tsInstance.createProgram({ rootNames: [path], options, host, ...(cached !== undefined ? { oldProgram: cached.program } : {}) });
  programs.set(path, { text: sourceText, program });
  return program;
}

function compilerOptionsFor(tsInstance: typeof ts, path: string): ts.CompilerOptions {
  const defaults: ts.CompilerOptions = {
    target: tsInstance.ScriptTarget.ES2022,
    module: tsInstance.ModuleKind.NodeNext,
    moduleResolution: tsInstance.ModuleResolutionKind.NodeNext,
    strict: true,
  };
  const configPath = tsInstance.findConfigFile(dirname(path), tsInstance.sys.fileExists);
  let options = defaults;
  if (configPath !== undefined) {
    const read = tsInstance.readConfigFile(configPath, tsInstance.sys.readFile);
    if (read.error === undefined) options = tsInstance.parseJsonConfigFileContent(read.config, tsInstance.sys, dirname(configPath), undefined, configPath).options;
  }
  // Only checking is needed; build-mode and emit settings would only cost time or fail.
  return { ...options, noEmit: true, incremental: false, composite: false, declaration: false, declarationMap: false, sourceMap: false, skipLibCheck: true };
}

function findFunction(tsInstance: typeof ts, sourceFile: ts.SourceFile, name: string): ts.FunctionDeclaration | ts.FunctionExpression | undefined {
  let found: ts.FunctionDeclaration | ts.FunctionExpression | undefined;
  const visit = (node: ts.Node): void => {
    if (found !== undefined) return;
    if ((tsInstance.isFunctionDeclaration(node) || tsInstance.isFunctionExpression(node)) && node.name?.text === name && node.body !== undefined) {
      found = node;
      return;
    }
    tsInstance.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

function formatDiagnostic(tsInstance: typeof ts, diagnostic: ts.Diagnostic): string {
  const message = tsInstance.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
  if (diagnostic.file === undefined || diagnostic.start === undefined) return message;
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  return `${diagnostic.file.fileName}(${line + 1},${character + 1}): ${message}`;
}

/** tsjit's own source folders (`runtime/`, `transformer/`), whose frames are never the caller. */
const OWN_DIRS = (() => {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
  return [resolve(root, "runtime") + sep, resolve(root, "transformer") + sep];
})();

/** The source files on the current call stack, innermost first, without tsjit's own. */
function callerFiles(): string[] {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 64;
  const stack = new Error().stack ?? "";
  Error.stackTraceLimit = limit;
  const files: string[] = [];
  for (const line of stack.split("\n")) {
    const match = /\(?((?:file:\/\/)?\/[^():]+|[A-Za-z]:\\[^():]+):\d+:\d+\)?\s*$/.exec(line);
    if (match === null) continue;
    let file = match[1]!;
    if (file.startsWith("file://")) file = fileURLToPath(file);
    if (file.includes(`${sep}node_modules${sep}`) || OWN_DIRS.some((dir) => file.startsWith(dir))) continue;
    const source = typeScriptSource(file);
    if (source !== undefined && !files.includes(source)) files.push(source);
  }
  return files;
}

/** The TypeScript file behind a stack frame's file: itself, or the source its `.map` names. */
function typeScriptSource(file: string): string | undefined {
  if (/\.[cm]?tsx?$/.test(file)) return file;
  if (!/\.[cm]?js$/.test(file) || !existsSync(`${file}.map`)) return undefined;
  try {
    const map = JSON.parse(readFileSync(`${file}.map`, "utf8")) as { sources?: unknown; sourceRoot?: unknown };
    const first = Array.isArray(map.sources) ? map.sources[0] : undefined;
    if (typeof first !== "string") return undefined;
    const root = typeof map.sourceRoot === "string" ? map.sourceRoot : "";
    const source = resolve(dirname(file), root, first);
    return /\.[cm]?tsx?$/.test(source) && existsSync(source) ? source : undefined;
  } catch {
    return undefined;
  }
}
