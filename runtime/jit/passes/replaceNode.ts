/** The rewrite the fusion passes share: one node's result computed by a new node in its place. */
import type { Graph, Node, Value } from "../../ir/Graph.js";

/**
 * A new `kind` node over `inputs`, inserted where `node` is, whose output takes over the
 * uses, type and name of `node`'s one output; `node` is removed.
 */
export function replaceNode(graph: Graph, node: Node, kind: string, inputs: readonly Value[]): Node {
  const replacement = graph.createNode(kind, inputs, node.source);
  const output = replacement.addOutput(node.outputs[0]!.type, node.outputs[0]!.debugName);
  node.owningBlock!.insertBefore(replacement, node);
  node.outputs[0]!.replaceAllUsesWith(output);
  node.destroy();
  return replacement;
}
