/** What the passes read of operands that are `prim::Constant`s. */
import { Node, type AttributeValue, type Graph, type Value } from "../../ir/Graph.js";
import type { Tensor } from "../../tensor/Tensor.js";

/** The value of a non-tensor `prim::Constant`, or undefined. */
export function constantValue(value: Value | undefined): unknown {
  const definer = value?.definer;
  if (!(definer instanceof Node) || definer.kind !== "prim::Constant") return undefined;
  return definer.attributes.get("value");
}

/** The name in `graph.constants` of a tensor `prim::Constant`, or undefined. */
export function constantTensorName(value: Value | undefined): string | undefined {
  const attribute = constantValue(value) as AttributeValue | undefined;
  if (typeof attribute !== "object" || attribute === null || !("tensor" in attribute)) return undefined;
  return attribute.tensor;
}

/** The tensor a tensor `prim::Constant` holds, or undefined. */
export function constantTensor(graph: Graph, value: Value | undefined): Tensor | undefined {
  const name = constantTensorName(value);
  return name === undefined ? undefined : graph.constants.get(name);
}
