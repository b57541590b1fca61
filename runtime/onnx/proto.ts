/**
 * ONNX protobuf messages through protobufjs and the vendored official schema
 * (onnxProto.ts). Field names are the schema's own (`ir_version`, `opset_import`):
 * the schema is parsed with `keepCase`, so the plain objects built by the exporter
 * read like onnx.proto.
 */
import protobuf from "protobufjs";
import { ONNX_PROTO } from "./onnxProto.js";

/** The IR version written: 8 is the one that introduced opset 17 (ONNX 1.12). */
export const ONNX_IR_VERSION = 8;

/** TensorProto.DataType values for the dtypes tsjit has. */
export const OnnxDataType = { FLOAT: 1, INT32: 6, INT64: 7, BOOL: 9 } as const;
export type OnnxDataType = (typeof OnnxDataType)[keyof typeof OnnxDataType];

/** AttributeProto.AttributeType values the exporter writes. */
export const OnnxAttributeType = { FLOAT: 1, INT: 2, STRING: 3, GRAPH: 5, INTS: 7 } as const;

export interface TensorProto {
  name: string;
  dims: number[];
  data_type: OnnxDataType;
  raw_data: Uint8Array;
}

export interface AttributeProto {
  name: string;
  type: number;
  i?: number;
  f?: number;
  s?: Uint8Array;
  ints?: number[];
  g?: GraphProto;
}

export interface NodeProto {
  name: string;
  op_type: string;
  input: string[];
  output: string[];
  attribute: AttributeProto[];
  /** The TypeScript `file:line:col` the IR node came from, when known. */
  doc_string?: string;
}

export interface TensorShapeDimension {
  dim_value?: number;
  dim_param?: string;
}

export interface ValueInfoProto {
  name: string;
  type: { tensor_type: { elem_type: OnnxDataType; shape?: { dim: TensorShapeDimension[] } } };
}

export interface GraphProto {
  name: string;
  node: NodeProto[];
  initializer: TensorProto[];
  input: ValueInfoProto[];
  output: ValueInfoProto[];
}

export interface ModelProto {
  ir_version: number;
  producer_name: string;
  producer_version: string;
  opset_import: { domain: string; version: number }[];
  graph: GraphProto;
}

let modelType: protobuf.Type | undefined;

function modelProtoType(): protobuf.Type {
  modelType ??= protobuf.parse(ONNX_PROTO, { keepCase: true }).root.lookupType("onnx.ModelProto");
  return modelType;
}

export function encodeModelProto(model: ModelProto): Uint8Array {
  const type = modelProtoType();
  return type.encode(type.fromObject(model)).finish();
}

/** Decodes ModelProto bytes to a plain object (int64 fields as numbers, bytes as Uint8Array). */
export function decodeModelProto(bytes: Uint8Array): ModelProto {
  const type = modelProtoType();
  return type.toObject(type.decode(bytes), { longs: Number, defaults: false, arrays: true }) as ModelProto;
}
