/**
 * `tensor(data)`: a tensor from JS values. JavaScript has one number type, so
 * plain numbers give float32 unless a dtype is passed; booleans give bool; typed
 * arrays give their own type (Int32Array -> int32, BigInt64Array -> int64).
 */
import { fail, formatShape } from "../errors.js";
import { castScalar, typedArrayFor, type DType } from "./dtype.js";
import { numelOf } from "./shape.js";
import { Tensor, type NestedList } from "./Tensor.js";

export type TensorData = NestedList | Float32Array | Float64Array | Int32Array | Uint8Array | BigInt64Array;

export interface TensorOptions {
  readonly dtype?: DType;
  /** With flat typed-array or array data: the shape to give it. */
  readonly shape?: readonly number[];
}

export function tensor(data: TensorData, options: TensorOptions = {}): Tensor {
  const { values, shape: inferredShape, dtype: inferredDType } = flatten(data);
  const dtype = options.dtype ?? inferredDType;
  const shape = options.shape ?? inferredShape;
  if (numelOf(shape) !== values.length) {
    fail("SHAPE_MISMATCH", `tensor(): shape ${formatShape(shape)} holds ${numelOf(shape)} elements but the data has ${values.length}`);
  }
  const storage = typedArrayFor(dtype, values.length);
  for (let i = 0; i < values.length; i++) storage[i] = castScalar(values[i]!, dtype);
  return new Tensor(storage, shape, undefined, 0, dtype);
}

interface Flat {
  values: ArrayLike<number>;
  shape: number[];
  dtype: DType;
}

function flatten(data: TensorData): Flat {
  if (data instanceof BigInt64Array) {
    const values = Array.from(data, (v, i) => {
      if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
        fail("INVALID_ARGUMENT", `tensor(): int64 element ${i} (${v}) is outside the exactly representable range ±2^53`);
      }
      return Number(v);
    });
    return { values, shape: [values.length], dtype: "int64" };
  }
  if (ArrayBuffer.isView(data)) {
    const dtype: DType = data instanceof Int32Array ? "int32" : data instanceof Uint8Array ? "bool" : "float32";
    return { values: data, shape: [data.length], dtype };
  }
  const shape: number[] = [];
  for (let level: NestedList = data; Array.isArray(level); level = level[0]!) {
    shape.push(level.length);
    if (level.length === 0) break;
  }
  const values: number[] = [];
  let sawBoolean = false;
  let sawNumber = false;
  const walk = (node: NestedList, dim: number, path: string): void => {
    if (dim === shape.length) {
      if (typeof node === "boolean") sawBoolean = true;
      else if (typeof node === "number") sawNumber = true;
      else fail("INVALID_ARGUMENT", `tensor(): expected a number or boolean at data${path}, got ${Array.isArray(node) ? "an array" : typeof node}`);
      values.push(Number(node));
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[dim]) {
      fail("SHAPE_MISMATCH", `tensor(): ragged data: data${path} should be an array of length ${shape[dim]} like data${"[0]".repeat(dim)}`);
    }
    node.forEach((child, i) => walk(child, dim + 1, `${path}[${i}]`));
  };
  walk(data, 0, "");
  return { values, shape, dtype: sawBoolean && !sawNumber ? "bool" : "float32" };
}
