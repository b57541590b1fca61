/** Which tensor constants (`graph.constants`) a graph's `prim::Constant` nodes refer to. */
import type { Graph } from "../ir/Graph.js";

export function referencedConstants(graph: Graph): Set<string> {
  const names = new Set<string>();
  for (const node of graph.allNodes()) {
    if (node.kind !== "prim::Constant") continue;
    const value = node.attributes.get("value");
    if (typeof value === "object" && value !== null && !Array.isArray(value) && "tensor" in value) names.add(value.tensor);
  }
  return names;
}
