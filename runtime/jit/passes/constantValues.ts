/** Turning values known at compile time into `prim::Constant` attributes (shared by propagateConstants and freeze). */
import type { AttributeValue, Graph } from "../../ir/Graph.js";
import type { IRType } from "../../ir/types.js";
import { isDType } from "../../tensor/dtype.js";
import { Tensor } from "../../tensor/Tensor.js";

/**
 * The attribute of a `prim::Constant` of type `type` holding `value`, a tensor for a
 * tensor constant, or undefined when a constant cannot hold it (tuples, lists of
 * tensors or strings, a value of the wrong type).
 */
export function constantAttribute(value: unknown, type: IRType): AttributeValue | Tensor | undefined {
  switch (type.kind) {
    case "int":
      return typeof value === "number" && Number.isInteger(value) ? value : undefined;
    case "float":
      return typeof value === "number" ? value : undefined;
    case "bool":
      return typeof value === "boolean" ? value : undefined;
    case "str":
      return typeof value === "string" ? value : undefined;
    case "None":
      return value === null ? null : undefined;
    case "ScalarType":
      return isDType(value) ? value : undefined;
    case "Optional":
      return value === null ? null : constantAttribute(value, type.inner);
    case "List": {
      const element = type.element.kind;
      if (!Array.isArray(value) || (element !== "int" && element !== "float")) return undefined;
      const numbers = value.every((v) => typeof v === "number" && (element === "float" || Number.isInteger(v)));
      return numbers ? [...(value as number[])] : undefined;
    }
    case "Tensor":
      return value instanceof Tensor ? value : undefined;
    default:
      return undefined;
  }
}

/** Adds tensors to a graph's constants, once each: a tensor already there keeps its name. */
export class TensorConstants {
  readonly #names = new Map<Tensor, string>();

  constructor(readonly graph: Graph) {
    for (const [name, tensor] of graph.constants) if (!this.#names.has(tensor)) this.#names.set(tensor, name);
  }

  /** The attribute for `value`: a tensor becomes a reference to its constant, named `preferredName` if that is free. */
  attribute(value: AttributeValue | Tensor, preferredName?: string): AttributeValue {
    if (!(value instanceof Tensor)) return value;
    let name = this.#names.get(value);
    if (name === undefined) {
      name = preferredName ?? `c${this.graph.constants.size}`;
      for (let i = this.graph.constants.size; this.graph.constants.has(name); i++) name = preferredName ? `${preferredName}_${i}` : `c${i}`;
      this.graph.addTensorConstant(value, name);
      this.#names.set(value, name);
    }
    return { tensor: name };
  }
}
