/** IR text in, IR text out: how the pass tests state what a pass does. */
import type { Graph } from "../../../runtime/ir/Graph.js";
import { parseGraph } from "../../../runtime/ir/parser.js";
import { printGraph } from "../../../runtime/ir/printer.js";
import type { Tensor } from "../../../runtime/tensor/Tensor.js";

/** Runs `pass` on the parsed `text`; checks that the input graph is left as it was; returns the result as text. */
export function runPass(pass: (graph: Graph) => Graph, text: string, constants?: ReadonlyMap<string, Tensor>): string {
  const graph = parseGraph(text, constants);
  const before = printGraph(graph);
  const result = printGraph(pass(graph));
  if (printGraph(graph) !== before) throw new Error("the pass changed its input graph");
  return result;
}

/** The IR text as the printer writes it (so that expectations can be written loosely indented). */
export function ir(text: string): string {
  return printGraph(parseGraph(text));
}
