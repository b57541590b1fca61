/**
 * The ts-patch "before" transformer: `{ "transform": "tsjit/transformer" }`.
 *
 * Rewrites each `@script` site that compiled without errors so it carries its IR:
 *
 *   script(function f(x: Tensor) { ... })   →  script.compiled("<payload JSON>", function f(x: Tensor) { ... })
 *   script(f)                               →  script.compiled("<payload JSON>", f)
 *   @script / @L.script                     →  @script.compiled("<payload JSON>") / @L.script.compiled("<payload JSON>")
 *
 * The new callee is a property access on the ORIGINAL callee expression, so the module
 * transforms that run later still rewrite the imported name (a fresh identifier would
 * not be, and would fail at run time with a ReferenceError). Nodes are rebuilt with
 * `factory.update*` around the original subtrees, so the body keeps its positions and
 * the source map stays exact. A site with errors is left as written: the runtime's
 * plain `script` then fails clearly ("not compiled"), and the errors themselves are
 * reported by the program transformer in `diagnostics.ts` (Note [Diagnostics at
 * check time, not at emit] there). When that entry is not configured, this one reports
 * them itself through ts-patch's `addDiagnostic`, so they are not lost; they then have
 * the weaknesses of emit-time diagnostics (none with --noEmit, for one).
 *
 * Uses only the TypeScript instance ts-patch hands it (`extras.ts`): `typescript` is
 * imported for types only.
 */
import type * as ts from "typescript";
import { analyzeFile, areDiagnosticsReported, type FileAnalysis } from "./analyzeFile.js";
import { toTsDiagnostic } from "./tsDiagnostics.js";

interface Extras {
  readonly ts: typeof ts;
  readonly addDiagnostic?: (diagnostic: ts.Diagnostic) => number;
}

/** Analyses whose diagnostics this entry already reported (one analysis per program and file). */
const addedAtEmit = new WeakSet<FileAnalysis>();

export default function tsjitTransformer(program: ts.Program, _config?: unknown, extras?: Extras): ts.TransformerFactory<ts.SourceFile> {
  const tsInstance = extras?.ts;
  const addDiagnostic = extras?.addDiagnostic;
  if (tsInstance === undefined) throw new Error("tsjit/transformer: ts-patch did not pass its TypeScript instance (extras.ts); use ts-patch 3.x");
  return (context) => (sourceFile) => {
    let analysis: FileAnalysis;
    try {
      analysis = analyzeFile(tsInstance, program, sourceFile);
    } catch {
      return sourceFile; // never break the build from here: the program transformer reports problems
    }
    if (addDiagnostic !== undefined && analysis.diagnostics.length > 0 && !areDiagnosticsReported(program) && !addedAtEmit.has(analysis)) {
      addedAtEmit.add(analysis); // a file emitted twice reports once
      for (const diagnostic of analysis.diagnostics) addDiagnostic(toTsDiagnostic(tsInstance, diagnostic));
    }
    if (!analysis.sites.some((site) => site.payloadJSON !== undefined)) return sourceFile;
    return rewriteSites(tsInstance, context, sourceFile, analysis);
  };
}

/** Rewrites the compiled sites of `analysis` in `sourceFile`. */
function rewriteSites(tsInstance: typeof ts, context: ts.TransformationContext, sourceFile: ts.SourceFile, analysis: FileAnalysis): ts.SourceFile {
  const { factory } = context;
  const visit = (node: ts.Node): ts.Node => {
    const visited = tsInstance.visitEachChild(node, visit, context);
    const site = analysis.byNode.get(tsInstance.getParseTreeNode(node) ?? node);
    if (site?.payloadJSON === undefined) return visited;
    const payload = factory.createStringLiteral(site.payloadJSON);
    if (tsInstance.isCallExpression(visited)) {
      const callee = factory.createPropertyAccessExpression(visited.expression, "compiled");
      return factory.updateCallExpression(visited, callee, visited.typeArguments, [payload, ...visited.arguments]);
    }
    if (tsInstance.isDecorator(visited)) {
      const callee = factory.createPropertyAccessExpression(visited.expression, "compiled");
      return factory.updateDecorator(visited, factory.createCallExpression(callee, undefined, [payload]));
    }
    return visited;
  };
  return tsInstance.visitEachChild(sourceFile, visit, context);
}
