/**
 * Checking the arguments of a call into a compiled graph against its input types,
 * so that a wrong call fails at the boundary with the method's signature, not deep
 * inside the graph.
 */
import { fail } from "../../errors.js";
import type { Graph, Value } from "../../ir/Graph.js";
import { formatIRType, type IRType } from "../../ir/types.js";
import { describeValue } from "../../ops/bind.js";
import { Tensor } from "../../tensor/Tensor.js";

/** `forward(x: Tensor, n: int) -> Tensor`, from the graph's inputs (after `skip` leading ones, e.g. self) and outputs. */
export function formatSignature(name: string, graph: Graph, skip: number): string {
  const params = graph.inputs.slice(skip).map((v, i) => `${paramName(v, i)}: ${formatIRType(v.type)}`);
  const returns = graph.outputs.map((v) => formatIRType(v.type));
  return `${name}(${params.join(", ")}) -> ${returns.length === 1 ? returns[0] : `(${returns.join(", ")})`}`;
}

function paramName(value: Value, index: number): string {
  return value.debugName ?? `arg${index}`;
}

/**
 * Checks `inputs` against the graph's inputs after the first `skip`, and returns them
 * with `undefined` made `null` where an Optional is expected. `what` names the callee.
 */
export function checkInputs(what: string, name: string, graph: Graph, skip: number, inputs: readonly unknown[]): unknown[] {
  const params = graph.inputs;
  const count = params.length - skip;
  if (inputs.length !== count) {
    fail("ARGUMENT_COUNT", `${what}: ${formatSignature(name, graph, skip)} expects ${count} argument${count === 1 ? "" : "s"}, got ${inputs.length}`);
  }
  const checked = new Array<unknown>(count);
  for (let i = 0; i < count; i++) {
    const param = params[i + skip]!;
    const value = inputs[i];
    if (!matchesType(value, param.type)) {
      fail("ARGUMENT_TYPE", `${what}: ${formatSignature(name, graph, skip)}: argument ${i + 1} '${paramName(param, i)}' must be ${formatIRType(param.type)}, got ${describeValue(value)}`);
    }
    checked[i] = value === undefined ? null : value;
  }
  return checked;
}

function matchesType(value: unknown, type: IRType): boolean {
  switch (type.kind) {
    case "Tensor":
      return value instanceof Tensor;
    case "int":
      return typeof value === "number" && Number.isInteger(value);
    case "float":
      return typeof value === "number";
    case "bool":
      return typeof value === "boolean";
    case "str":
    case "ScalarType":
      return typeof value === "string";
    case "None":
      return value === null || value === undefined;
    case "Optional":
      return value === null || value === undefined || matchesType(value, type.inner);
    case "List":
      return Array.isArray(value) && value.every((item) => matchesType(item, type.element));
    case "Tuple":
      return Array.isArray(value) && value.length === type.elements.length && value.every((item, i) => matchesType(item, type.elements[i]!));
    case "Module":
      return typeof value === "object" && value !== null;
  }
}

/** A method's or function's result: its one output, or an array of several. Tuples are arrays already. */
export function packOutputs(outputs: unknown[]): unknown {
  return outputs.length === 1 ? outputs[0] : outputs;
}
