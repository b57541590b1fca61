/**
 * One analysis of a source file's `@script` sites, shared by every entry that needs it:
 * the emit-time transformer (`index.ts`, which rewrites the sites), the program
 * transformer (`diagnostics.ts`, which reports their errors as semantic diagnostics)
 * and, later, the language plugin.
 *
 * Note [One analysis per file per program]: both ts-patch entries see the same
 * `ts.Program` object (the program transformer returns the program it was given, and
 * emit runs on it), so a WeakMap keyed by program, then by source file, makes the
 * checker walk and `compileScriptSite` happen once per site per program. The two
 * entries are bundled by rollup into chunks that share this module, so they share
 * this cache too (see rollup.config.mjs).
 */
import type * as ts from "typescript";
import { compileScriptSite, DIAGNOSTICS, formatDiagnosticMessage, isScriptCallee, type ScriptDiagnostic, type ScriptSite } from "./frontend/index.js";

/** One place in the source that asks for compilation, with its result. */
export interface AnalyzedSite {
  readonly site: ScriptSite;
  /**
   * The node the transformer rewrites: the `script(...)` call, or the decorator.
   * Always a parse-tree node (has positions and parents).
   */
  readonly node: ts.CallExpression | ts.Decorator;
  /** `JSON.stringify(payload)`; undefined when the site has errors (it is then left as written). */
  readonly payloadJSON: string | undefined;
  readonly diagnostics: readonly ScriptDiagnostic[];
}

export interface FileAnalysis {
  readonly sites: readonly AnalyzedSite[];
  /** Every site's diagnostics, in source order. */
  readonly diagnostics: readonly ScriptDiagnostic[];
  /** Sites by their rewrite node, for the transformer's visitor. */
  readonly byNode: ReadonlyMap<ts.Node, AnalyzedSite>;
}

const cache = new WeakMap<ts.Program, WeakMap<ts.SourceFile, FileAnalysis>>();

/** Programs whose semantic diagnostics already include the TSJ errors (diagnostics.ts ran on them). */
const checkedPrograms = new WeakSet<ts.Program>();

export function markDiagnosticsReported(program: ts.Program): void {
  checkedPrograms.add(program);
}

export function areDiagnosticsReported(program: ts.Program): boolean {
  return checkedPrograms.has(program);
}

const EMPTY: FileAnalysis = { sites: [], diagnostics: [], byNode: new Map() };

/**
 * Finds and compiles the `@script` sites of `sourceFile`: `script(function f ...)`,
 * `script(f)` where `f` is a function declared in the same file, and `@script` (or
 * `@ns.script`, or an alias) on methods and classes. Callees are matched by symbol
 * (`isScriptCallee`), never by name. A frontend that throws (it promises not to)
 * gives the catalog's internal-error diagnostic on the site rather than a crashed build.
 */
export function analyzeFile(tsInstance: typeof ts, program: ts.Program, sourceFile: ts.SourceFile): FileAnalysis {
  const file = (tsInstance.getParseTreeNode(sourceFile) as ts.SourceFile | undefined) ?? sourceFile;
  let perProgram = cache.get(program);
  if (perProgram === undefined) {
    perProgram = new WeakMap();
    cache.set(program, perProgram);
  }
  const cached = perProgram.get(file);
  if (cached !== undefined) return cached;
  const analysis = file.isDeclarationFile || program.isSourceFileFromExternalLibrary(file) ? EMPTY : analyze(tsInstance, program, file);
  perProgram.set(file, analysis);
  return analysis;
}

function analyze(tsInstance: typeof ts, program: ts.Program, file: ts.SourceFile): FileAnalysis {
  const checker = program.getTypeChecker();
  const cwd = projectDirectory(program);
  const found: { node: ts.CallExpression | ts.Decorator; site: ScriptSite }[] = [];
  const isScript = (expression: ts.Expression): boolean => {
    try {
      return isScriptCallee(tsInstance, checker, expression);
    } catch {
      return false;
    }
  };

  const visit = (node: ts.Node): void => {
    if (tsInstance.isCallExpression(node) && node.arguments.length === 1 && isCalleeShape(tsInstance, node.expression)) {
      const declaration = functionArgument(tsInstance, checker, file, node.arguments[0]!);
      if (declaration !== undefined && isScript(node.expression)) found.push({ node, site: { kind: "function", declaration } });
    }
    if (tsInstance.isMethodDeclaration(node) || tsInstance.isClassDeclaration(node)) {
      for (const decorator of tsInstance.getDecorators(node) ?? []) {
        if (!isCalleeShape(tsInstance, decorator.expression) || !isScript(decorator.expression)) continue;
        const site: ScriptSite = tsInstance.isMethodDeclaration(node) ? { kind: "method", declaration: node } : { kind: "class", declaration: node };
        found.push({ node: decorator, site });
      }
    }
    tsInstance.forEachChild(node, visit);
  };
  visit(file);

  const sites: AnalyzedSite[] = [];
  const diagnostics: ScriptDiagnostic[] = [];
  const byNode = new Map<ts.Node, AnalyzedSite>();
  for (const { node, site } of found) {
    const result = compileSafely(tsInstance, checker, site, node, cwd);
    const hasError = result.diagnostics.some((d) => d.category === "error");
    const analyzed: AnalyzedSite = {
      site,
      node,
      payloadJSON: result.payload !== undefined && !hasError ? JSON.stringify(result.payload) : undefined,
      diagnostics: result.diagnostics,
    };
    sites.push(analyzed);
    byNode.set(node, analyzed);
    diagnostics.push(...result.diagnostics);
  }
  return { sites, diagnostics, byNode };
}

/**
 * The folder the graphs' source ranges are relative to: the tsconfig.json's, so the
 * emitted payload is the same whichever directory the build runs from (deterministic
 * emit), falling back to the compiler's current directory.
 */
function projectDirectory(program: ts.Program): string {
  const configFile = program.getCompilerOptions().configFilePath;
  return typeof configFile === "string" ? configFile.replace(/[\\/][^\\/]*$/, "") : program.getCurrentDirectory();
}

/** `script`, `s`, `L.script`, `a.b.script`: the shapes a callee or decorator can take. */
function isCalleeShape(tsInstance: typeof ts, expression: ts.Expression): boolean {
  if (tsInstance.isIdentifier(expression)) return true;
  return tsInstance.isPropertyAccessExpression(expression) && tsInstance.isIdentifier(expression.name) && isCalleeShape(tsInstance, expression.expression);
}

/**
 * The function a `script(...)` argument names: a function expression written in
 * place, or an identifier bound to a function declaration of this file. Anything else
 * (a module instance, an imported function) is a run-time `script(...)` call, not a site.
 */
function functionArgument(
  tsInstance: typeof ts,
  checker: ts.TypeChecker,
  file: ts.SourceFile,
  argument: ts.Expression,
): ts.FunctionDeclaration | ts.FunctionExpression | undefined {
  let expression = argument;
  while (tsInstance.isParenthesizedExpression(expression)) expression = expression.expression;
  if (tsInstance.isFunctionExpression(expression)) return expression;
  if (!tsInstance.isIdentifier(expression)) return undefined;
  const symbol = checker.getSymbolAtLocation(expression);
  const declaration = symbol?.valueDeclaration;
  if (declaration === undefined || !tsInstance.isFunctionDeclaration(declaration) || declaration.body === undefined) return undefined;
  return declaration.getSourceFile() === file ? declaration : undefined;
}

/**
 * The frontend promises never to throw; if it does anyway, the build must still go on,
 * so the failure becomes the catalog's `internalError` diagnostic on the site.
 */
function compileSafely(
  tsInstance: typeof ts,
  checker: ts.TypeChecker,
  site: ScriptSite,
  node: ts.Node,
  cwd: string,
): { payload: unknown; diagnostics: readonly ScriptDiagnostic[] } {
  try {
    return compileScriptSite(tsInstance, checker, site, { cwd });
  } catch (error) {
    const detail = error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
    const code = DIAGNOSTICS.find((kind) => kind.name === "internalError")?.code ?? 1000;
    return { payload: undefined, diagnostics: [{ code, message: formatDiagnosticMessage("internalError", [detail]), node, category: "error" }] };
  }
}
