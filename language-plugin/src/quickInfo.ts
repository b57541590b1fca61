/**
 * Hover text for `@script` code, added to TypeScript's own quick info:
 *
 * - on the name of a `@script` function or method (or of the const a `script(function ...)`
 *   is assigned to): the compiled signature and a summary of its graph, e.g.
 *
 *       @script step(h: Tensor, x: Tensor) -> Tensor
 *       graph: 14 nodes, 1 loop, 2 ifs
 *       ops: aten::add, aten::gt.float, aten::relu
 *
 *   or, when the site does not compile, how many TSJ errors it has;
 * - on an op called inside `@script` code (`relu(x)`, `x.relu()`): the op's schemas
 *   from the registry, the ones the frontend binds the call against.
 */
import type * as ts from "typescript";
import type { AnalyzedSite, FileAnalysis } from "../../transformer/analyzeFile.js";
import { isOpFunction, isTsjitDeclaration, symbolAt } from "../../transformer/frontend/sites.js";
import type { BlockJSON, GraphJSON, NodeJSON } from "../../runtime/ir/json.js";
import "../../runtime/ops/index.js";
import { allOps, type OpDef } from "../../runtime/ops/registry.js";
import { camelCase } from "../../runtime/ops/schema.js";

/** The innermost node of `file` whose text contains `position`. */
export function nodeAt(tsi: typeof ts, file: ts.SourceFile, position: number): ts.Node | undefined {
  let found: ts.Node | undefined;
  const visit = (node: ts.Node): void => {
    if (position < node.getStart(file) || position >= node.getEnd()) return;
    found = node;
    tsi.forEachChild(node, visit);
  };
  tsi.forEachChild(file, visit);
  return found;
}

interface Hover {
  readonly span: ts.TextSpan;
  readonly lines: readonly string[];
}

/** Our hover text at `position`, or undefined when the position is not in `@script` code. */
export function scriptHover(tsi: typeof ts, checker: ts.TypeChecker, file: ts.SourceFile, analysis: FileAnalysis, position: number): Hover | undefined {
  const node = nodeAt(tsi, file, position);
  if (node === undefined || !tsi.isIdentifier(node)) return undefined;
  const span = { start: node.getStart(file), length: node.getWidth(file) };
  for (const site of analysis.sites) {
    const graph = graphNamedBy(tsi, site, node);
    if (graph !== undefined) return { span, lines: describeSite(site, graph) };
  }
  const inSite = analysis.sites.some((s) => s.site.declaration.getStart(file) <= position && position < s.site.declaration.getEnd());
  if (!inSite) return undefined;
  const ops = opsCalledAt(tsi, checker, node);
  if (ops === undefined || ops.length === 0) return undefined;
  return { span, lines: [`tsjit op ${ops[0]!.parsed.namespace}::${ops[0]!.parsed.name}${ops.length > 1 ? ` (${ops.length} overloads)` : ""}:`, ...ops.map((op) => `  ${op.parsed.text}`)] };
}

/** When `name` names a function or method this site compiles: its graph name (undefined graph = site has errors). */
function graphNamedBy(tsi: typeof ts, analyzed: AnalyzedSite, name: ts.Identifier): { name: string; graph: GraphJSON | undefined } | undefined {
  const { site } = analyzed;
  const payload = analyzed.payloadJSON === undefined ? undefined : (JSON.parse(analyzed.payloadJSON) as { name: string; graphs: Record<string, GraphJSON> });
  const parent = name.parent;
  if (site.kind === "function") {
    const decl = site.declaration;
    const call = analyzed.node;
    const namesVariable = tsi.isVariableDeclaration(parent) && parent.name === name && parent.initializer === call;
    if (decl.name !== name && !namesVariable) return undefined;
    const graphName = payload?.name ?? decl.name?.text ?? name.text;
    return { name: graphName, graph: payload?.graphs[graphName] };
  }
  if (!tsi.isMethodDeclaration(parent) || parent.name !== name) return undefined;
  if (site.kind === "method" && site.declaration !== parent) return undefined;
  if (site.kind === "class" && parent.parent !== site.declaration) return undefined;
  if (payload === undefined) return site.kind === "method" || name.text === "forward" ? { name: name.text, graph: undefined } : undefined;
  const graph = payload.graphs[name.text];
  return graph === undefined ? undefined : { name: name.text, graph };
}

function describeSite(site: AnalyzedSite, { name, graph }: { name: string; graph: GraphJSON | undefined }): string[] {
  if (graph === undefined) {
    const errors = site.diagnostics.filter((d) => d.category === "error");
    const codes = [...new Set(errors.map((d) => `TSJ${d.code}`))].join(", ");
    return [`@script ${name}: not compiled, ${errors.length} error${errors.length === 1 ? "" : "s"} (${codes})`];
  }
  const summary = summarize(graph);
  const parts = [`${summary.nodes} node${summary.nodes === 1 ? "" : "s"}`, `${summary.loops} loop${summary.loops === 1 ? "" : "s"}`, `${summary.ifs} if${summary.ifs === 1 ? "" : "s"}`];
  return [`@script ${signatureOf(name, graph)}`, `graph: ${parts.join(", ")}`, `ops: ${summary.ops.length === 0 ? "(none)" : summary.ops.join(", ")}`];
}

/** `name(x: Tensor, n: float) -> Tensor`, from the graph's inputs and outputs (self left out). */
export function signatureOf(name: string, graph: GraphJSON): string {
  const types = new Map<number, string>();
  for (const input of graph.inputs) types.set(input.id, input.type);
  const visitBlock = (nodes: readonly NodeJSON[]): void => {
    for (const node of nodes) {
      for (const output of node.outputs) types.set(output.id, output.type);
      for (const block of node.blocks ?? []) {
        for (const param of block.params) types.set(param.id, param.type);
        visitBlock(block.nodes);
      }
    }
  };
  visitBlock(graph.nodes);
  const inputs = graph.inputs.filter((input) => input.name !== "self").map((input) => `${input.name ?? `%${input.id}`}: ${input.type}`);
  const outputs = graph.outputs.map((id) => types.get(id) ?? "?");
  const result = outputs.length === 0 ? "None" : outputs.length === 1 ? outputs[0]! : `(${outputs.join(", ")})`;
  return `${name}(${inputs.join(", ")}) -> ${result}`;
}

export interface GraphSummary {
  readonly nodes: number;
  readonly loops: number;
  readonly ifs: number;
  /** Node kinds other than prim::Constant, sorted. */
  readonly ops: readonly string[];
}

export function summarize(graph: GraphJSON): GraphSummary {
  let nodes = 0;
  let loops = 0;
  let ifs = 0;
  const ops = new Set<string>();
  const visit = (list: readonly NodeJSON[]): void => {
    for (const node of list) {
      nodes++;
      if (node.kind === "prim::Loop") loops++;
      if (node.kind === "prim::If") ifs++;
      if (node.kind !== "prim::Constant" && node.kind !== "prim::Loop" && node.kind !== "prim::If") ops.add(node.kind);
      for (const block of node.blocks ?? ([] as BlockJSON[])) visit(block.nodes);
    }
  };
  visit(graph.nodes);
  return { nodes, loops, ifs, ops: [...ops].sort() };
}

/** The registry's overloads of the op `name` calls (`relu(x)` or `x.relu()`), as the frontend resolves them. */
function opsCalledAt(tsi: typeof ts, checker: ts.TypeChecker, name: ts.Identifier): readonly OpDef[] | undefined {
  const parent = name.parent;
  if (tsi.isCallExpression(parent) && parent.expression === name) {
    const symbol = symbolAt(tsi, checker, name);
    return symbol !== undefined && isOpFunction(symbol) ? opsNamed(name.text, false) : undefined;
  }
  if (tsi.isPropertyAccessExpression(parent) && parent.name === name && tsi.isCallExpression(parent.parent) && parent.parent.expression === parent) {
    const symbol = checker.getSymbolAtLocation(name);
    const fromTsjit = (symbol?.getDeclarations() ?? []).some((d) => isTsjitDeclaration(d));
    return fromTsjit ? opsNamed(name.text, true) : undefined;
  }
  return undefined;
}

let byCamel: Map<string, OpDef[]> | undefined;

/** Same grouping as the frontend's `opsNamed` (transformer/frontend/calls.ts). */
function opsNamed(camel: string, methodsOnly: boolean): OpDef[] {
  if (byCamel === undefined) {
    byCamel = new Map();
    for (const op of allOps()) {
      if (op.parsed.namespace === "tsjit" && !op.method) continue;
      const key = camelCase(op.parsed.name);
      byCamel.set(key, [...(byCamel.get(key) ?? []), op]);
    }
  }
  const ops = byCamel.get(camel) ?? [];
  return methodsOnly ? ops.filter((op) => op.method) : ops;
}
