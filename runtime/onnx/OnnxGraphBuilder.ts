/**
 * OnnxGraphBuilder: collects the NodeProtos of one ONNX graph (the model's, or an
 * If branch or Loop body) and hands out fresh value names. Builders of one model
 * share a ModelScope: the name counter and the initializers, which all live in the
 * top-level graph (subgraphs see them as outer-scope values), each tensor and each
 * small constant stored once.
 */
import { fail } from "../errors.js";
import type { DType } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/Tensor.js";
import { OnnxAttributeType, OnnxDataType, type AttributeProto, type GraphProto, type NodeProto, type TensorProto, type ValueInfoProto } from "./proto.js";

/** An attribute as the exporter writes it; the builder picks the AttributeProto field. */
export type OnnxAttribute = { readonly int: number } | { readonly ints: readonly number[] } | { readonly float: number } | { readonly string: string } | { readonly graph: GraphProto };

/** A runtime ONNX value: its name and element type (0-d for the IR's int, float and bool). */
export interface OnnxTensor {
  readonly name: string;
  readonly dtype: DType;
}

const DATA_TYPES: Record<DType, OnnxDataType> = { float32: OnnxDataType.FLOAT, int32: OnnxDataType.INT32, int64: OnnxDataType.INT64, bool: OnnxDataType.BOOL };

export function onnxDataType(dtype: DType): OnnxDataType {
  return DATA_TYPES[dtype];
}

class ModelScope {
  readonly initializers: TensorProto[] = [];
  readonly #tensorNames = new Map<Tensor, string>();
  readonly #literalNames = new Map<string, string>();
  readonly #taken = new Set<string>();
  #nextId = 0;

  /** Marks a name as used (graph inputs and outputs), so no initializer or node output takes it. */
  reserve(name: string): void {
    if (this.#taken.has(name)) fail("INVALID_ARGUMENT", `exportOnnx(): the name '${name}' is given to two graph inputs or outputs`);
    this.#taken.add(name);
  }

  fresh(hint: string): string {
    let name: string;
    do name = `${hint}_${this.#nextId++}`;
    while (this.#taken.has(name));
    this.#taken.add(name);
    return name;
  }

  /** The tensor's initializer, named `preferredName` (the graph constant's name, e.g. `fc.weight`) when that is free. */
  tensorInitializer(tensor: Tensor, preferredName: string): string {
    let name = this.#tensorNames.get(tensor);
    if (name === undefined) {
      name = this.#add(preferredName, tensor.dtype, [...tensor.shape], tensorBytes(tensor), true);
      this.#tensorNames.set(tensor, name);
    }
    return name;
  }

  literalInitializer(values: readonly (number | boolean)[], dtype: DType, dims: readonly number[]): string {
    const key = `${dtype}|${dims.join(",")}|${values.join(",")}`;
    let name = this.#literalNames.get(key);
    if (name === undefined) {
      name = this.#add("const", dtype, [...dims], literalBytes(values, dtype));
      this.#literalNames.set(key, name);
    }
    return name;
  }

  #add(hint: string, dtype: DType, dims: number[], raw: Uint8Array, exact = false): string {
    const name = exact && !this.#taken.has(hint) ? hint : this.fresh(hint);
    this.#taken.add(name);
    this.initializers.push({ name, dims, data_type: onnxDataType(dtype), raw_data: raw });
    return name;
  }
}

export class OnnxGraphBuilder {
  readonly nodes: NodeProto[] = [];

  private constructor(private readonly scope: ModelScope) {}

  static forModel(): OnnxGraphBuilder {
    return new OnnxGraphBuilder(new ModelScope());
  }

  /** A builder for a subgraph (If branch, Loop body) of the same model. */
  subgraph(): OnnxGraphBuilder {
    return new OnnxGraphBuilder(this.scope);
  }

  fresh(hint: string): string {
    return this.scope.fresh(hint);
  }

  reserve(name: string): void {
    this.scope.reserve(name);
  }

  /** Appends `opType(inputs)` and returns its `outputCount` fresh output names ("" inputs are omitted optional ones). */
  emit(opType: string, inputs: readonly string[], attributes: Record<string, OnnxAttribute> = {}, outputCount = 1): string[] {
    return this.emitTo(opType, inputs, Array.from({ length: outputCount }, () => this.fresh(opType.toLowerCase())), attributes);
  }

  /** Appends `opType(inputs)` writing the given output names. */
  emitTo(opType: string, inputs: readonly string[], outputs: readonly string[], attributes: Record<string, OnnxAttribute> = {}): string[] {
    this.nodes.push({
      name: this.fresh(`n_${opType}`),
      op_type: opType,
      input: [...inputs],
      output: [...outputs],
      attribute: Object.entries(attributes).map(([name, value]) => attributeProto(name, value)),
    });
    return [...outputs];
  }

  /** `emit` for the usual one-output op. */
  op(opType: string, inputs: readonly string[], attributes: Record<string, OnnxAttribute> = {}): string {
    return this.emit(opType, inputs, attributes, 1)[0]!;
  }

  tensorConstant(tensor: Tensor, preferredName = "tensor"): string {
    return this.scope.tensorInitializer(tensor, preferredName);
  }

  /** A 0-d constant. */
  scalar(value: number | boolean, dtype: DType): string {
    return this.scope.literalInitializer([value], dtype, []);
  }

  /** A 1-d int64 constant (shapes, axes, starts and ends). */
  int64s(values: readonly number[]): string {
    return this.literal(values, "int64");
  }

  /** A 1-d constant. */
  literal(values: readonly number[], dtype: DType): string {
    return this.scope.literalInitializer(values, dtype, [values.length]);
  }

  get initializers(): readonly TensorProto[] {
    return this.scope.initializers;
  }

  toGraph(name: string, inputs: ValueInfoProto[], outputs: ValueInfoProto[], withInitializers: boolean): GraphProto {
    return { name, node: this.nodes, initializer: withInitializers ? [...this.scope.initializers] : [], input: inputs, output: outputs };
  }
}

/** A typed graph input or output; `dims` entries are sizes, dim_param names, or undefined for unknown. */
export function valueInfo(name: string, dtype: DType, dims?: readonly (number | string | undefined)[]): ValueInfoProto {
  const shape = dims && { dim: dims.map((d) => (typeof d === "string" ? { dim_param: d } : typeof d === "number" ? { dim_value: d } : {})) };
  return { name, type: { tensor_type: { elem_type: onnxDataType(dtype), ...(shape ? { shape } : {}) } } };
}

function attributeProto(name: string, value: OnnxAttribute): AttributeProto {
  if ("int" in value) return { name, type: OnnxAttributeType.INT, i: value.int };
  if ("ints" in value) return { name, type: OnnxAttributeType.INTS, ints: [...value.ints] };
  if ("float" in value) return { name, type: OnnxAttributeType.FLOAT, f: value.float };
  if ("string" in value) return { name, type: OnnxAttributeType.STRING, s: new TextEncoder().encode(value.string) };
  return { name, type: OnnxAttributeType.GRAPH, g: value.graph };
}

/** Little-endian raw_data, as TensorProto wants it; int64 goes from tsjit's Float64Array storage to 8-byte integers. */
function tensorBytes(tensor: Tensor): Uint8Array {
  const data = tensor.toTypedArray();
  if (data instanceof Float32Array || data instanceof Int32Array) return bytesOf(data);
  return literalBytes(Array.from(data as ArrayLike<number>), tensor.dtype);
}

function literalBytes(values: readonly (number | boolean)[], dtype: DType): Uint8Array {
  switch (dtype) {
    case "float32":
      return bytesOf(Float32Array.from(values, Number));
    case "int32":
      return bytesOf(Int32Array.from(values, Number));
    case "int64":
      return bytesOf(BigInt64Array.from(values, (v) => BigInt(Number(v))));
    case "bool":
      return Uint8Array.from(values, (v) => (v ? 1 : 0));
  }
}

function bytesOf(array: Float32Array | Int32Array | BigInt64Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}
