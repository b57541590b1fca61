/**
 * NodeLowering: what an op mapping sees of the IR node it lowers — its inputs as
 * Lowered values, read as the ONNX op needs them (a tensor, or an int known at export
 * time), and the builder of the graph the node goes into. Every refusal goes through
 * `fail`, which names the node's kind and the TypeScript line it came from.
 */
import { fail } from "../errors.js";
import type { Node } from "../ir/Graph.js";
import { isOpKind, opOfKind } from "../ir/opKinds.js";
import { formatNodeLine } from "../ir/printer.js";
import { isDType, type DType } from "../tensor/dtype.js";
import { Tensor } from "../tensor/Tensor.js";
import { loweredTensor, scalarDType, type ConstantValue, type Lowered, type LoweredTensor } from "./lowered.js";
import type { OnnxAttribute, OnnxGraphBuilder } from "./OnnxGraphBuilder.js";

export class NodeLowering {
  constructor(
    readonly builder: OnnxGraphBuilder,
    readonly node: Node,
    readonly inputs: readonly Lowered[],
    readonly opset: number,
  ) {}

  fail(reason: string): never {
    return failAt(this.node, reason);
  }

  /** Input `index` as an ONNX tensor (constants become initializers, lists are concatenated). */
  tensor(index: number): LoweredTensor {
    return materialize(this.builder, this.inputs[index]!, (reason) => this.fail(`argument ${this.argumentName(index)}: ${reason}`));
  }

  /** `value`, derived from argument `what`, as an ONNX tensor. */
  tensorOf(value: Lowered, what: string): LoweredTensor {
    return materialize(this.builder, value, (reason) => this.fail(`${what}: ${reason}`));
  }

  optionalTensor(index: number): LoweredTensor | undefined {
    return this.isNone(index) ? undefined : this.tensor(index);
  }

  isNone(index: number): boolean {
    const input = this.inputs[index]!;
    return input.kind === "constant" && input.value === null;
  }

  /** Input `index` when it is known at export time. */
  constant(index: number): ConstantValue | undefined {
    const input = this.inputs[index]!;
    if (input.kind === "constant") return input.value;
    if (input.kind === "list" && input.items.every((item) => item.kind === "constant" && typeof item.value === "number")) {
      return input.items.map((item) => (item as { value: number }).value);
    }
    return undefined;
  }

  /** An int or float argument known at export time (ONNX takes it as an attribute). */
  number(index: number): number {
    const value = this.constant(index);
    if (typeof value !== "number") this.#needsConstant(index);
    return value;
  }

  int(index: number): number {
    return this.number(index);
  }

  optionalInt(index: number): number | undefined {
    return this.isNone(index) ? undefined : this.int(index);
  }

  ints(index: number): number[] {
    const value = this.constant(index);
    if (typeof value === "number") return [value];
    if (!Array.isArray(value)) this.#needsConstant(index);
    return [...(value as number[])];
  }

  optionalInts(index: number): number[] | undefined {
    return this.isNone(index) ? undefined : this.ints(index);
  }

  float(index: number): number {
    return this.number(index);
  }

  bool(index: number): boolean {
    const value = this.constant(index);
    if (typeof value !== "boolean") this.#needsConstant(index);
    return value;
  }

  str(index: number): string {
    const value = this.constant(index);
    if (typeof value !== "string") this.#needsConstant(index);
    return value;
  }

  /** A `ScalarType? dtype` argument: undefined for None. */
  dtype(index: number): DType | undefined {
    if (this.isNone(index)) return undefined;
    const value = this.constant(index);
    if (typeof value !== "string" || !isDType(value)) this.#needsConstant(index);
    return value;
  }

  /** Emits `opType(inputs)` with one output of the given dtype and rank. */
  op(opType: string, inputs: readonly (LoweredTensor | string)[], dtype: DType, rank: number | undefined, attributes: Record<string, OnnxAttribute> = {}): LoweredTensor {
    const names = inputs.map((input) => (typeof input === "string" ? input : input.name));
    return loweredTensor(this.builder.op(opType, names, attributes), dtype, rank);
  }

  /** A 0-d constant of `like`'s dtype. */
  scalarLike(value: number, like: LoweredTensor): LoweredTensor {
    return loweredTensor(this.builder.scalar(value, like.dtype), like.dtype, 0);
  }

  int64s(values: readonly number[]): LoweredTensor {
    return loweredTensor(this.builder.int64s(values), "int64", 1);
  }

  /** `dim` in [0, rank), for ops whose ONNX form needs it non-negative. */
  normalizeDim(dim: number, rank: number | undefined): number {
    if (dim >= 0) return dim;
    if (rank === undefined) this.fail(`needs the rank of its input to resolve dim ${dim}; pass exampleInputs to exportOnnx`);
    return dim + rank;
  }

  /** The rank of input `index`, which the ONNX form needs. */
  rankOf(index: number): number {
    const rank = this.tensor(index).rank;
    if (rank === undefined) this.fail(`needs the rank of argument ${this.argumentName(index)}; pass exampleInputs to exportOnnx`);
    return rank;
  }

  #needsConstant(index: number): never {
    const input = this.inputs[index]!;
    const why = input.kind === "constant" ? `it is ${input.value === null ? "None" : typeof input.value}` : "it is computed at run time";
    return this.fail(`needs argument ${this.argumentName(index)} known at export time (${why})`);
  }

  argumentName(index: number): string {
    const name = opArgumentName(this.node, index);
    return name === undefined ? `#${index}` : `'${name}'`;
  }
}

/** Throws the exporter's NOT_IMPLEMENTED error for `node`: its kind, why, the node as IR and its TypeScript line. */
export function failAt(node: Node, reason: string): never {
  const where = node.source ? `${node.source.file}:${node.source.line}:${node.source.col}` : "an unknown TypeScript line (the node has no source range)";
  fail("NOT_IMPLEMENTED", `exportOnnx(): ${node.kind} ${reason}, at ${where}\n  ${formatNodeLine(node)}`);
}

/** An ONNX tensor for `value`; `refuse` is called with the reason when it cannot be one. */
export function materialize(builder: OnnxGraphBuilder, value: Lowered, refuse: (reason: string) => never): LoweredTensor {
  if (value.kind === "tensor") return value;
  if (value.kind === "constant") {
    const constant = value.value;
    if (constant instanceof Tensor) return loweredTensor(builder.tensorConstant(constant, value.name), constant.dtype, constant.shape.length);
    if (typeof constant === "number" || typeof constant === "boolean") {
      const dtype = scalarDType(value.type) ?? (typeof constant === "boolean" ? "bool" : Number.isInteger(constant) ? "int64" : "float32");
      return loweredTensor(builder.scalar(constant, dtype), dtype, 0);
    }
    if (Array.isArray(constant)) {
      const element = value.type.kind === "List" ? value.type.element.kind : "int";
      if (element === "float") return loweredTensor(builder.literal(constant as number[], "float32"), "float32", 1);
      return loweredTensor(builder.int64s(constant as number[]), "int64", 1);
    }
    return refuse(`${constant === null ? "None" : "a string"} has no ONNX tensor form`);
  }
  const items = value.items.map((item) => materialize(builder, item, refuse));
  if (items.every((item) => item.rank === 0)) {
    const dtype = items[0]?.dtype ?? "int64";
    const axes = builder.int64s([0]);
    const pieces = items.map((item) => builder.op("Unsqueeze", [item.name, axes]));
    return loweredTensor(builder.op("Concat", pieces, { axis: { int: 0 } }), dtype, 1);
  }
  return refuse("a list of tensors is not one ONNX tensor");
}

function opArgumentName(node: Node, index: number): string | undefined {
  return isOpKind(node.kind) ? opOfKind(node.kind).parsed.arguments[index]?.name : undefined;
}
