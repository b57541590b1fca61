/** Running exported models in onnxruntime-node and measuring how far they are from a reference. */
import * as ort from "onnxruntime-node";
import { tensor, type Tensor } from "../../runtime/index.js";

export async function ortSession(bytes: Uint8Array): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes);
}

/** Runs `session` on tensors fed to its inputs in order; returns its outputs in order, as tsjit tensors. */
export async function runOrt(session: ort.InferenceSession, inputs: readonly Tensor[]): Promise<Tensor[]> {
  const feeds = Object.fromEntries(session.inputNames.map((name, i) => [name, toOrt(inputs[i]!)]));
  const results = await session.run(feeds);
  return session.outputNames.map((name) => fromOrt(results[name]!));
}

function toOrt(t: Tensor): ort.Tensor {
  const dims = [...t.shape];
  const data = t.toTypedArray();
  switch (t.dtype) {
    case "float32":
      return new ort.Tensor("float32", data as Float32Array, dims);
    case "int32":
      return new ort.Tensor("int32", data as Int32Array, dims);
    case "int64":
      return new ort.Tensor("int64", BigInt64Array.from(data as Float64Array, (v) => BigInt(v)), dims);
    case "bool":
      return new ort.Tensor("bool", Uint8Array.from(data as ArrayLike<number>), dims);
  }
}

function fromOrt(value: ort.Tensor): Tensor {
  const shape = value.dims.map(Number);
  const numbers = Array.from(value.data as ArrayLike<number | bigint>, Number);
  switch (value.type) {
    case "float32":
      return tensor(value.data as Float32Array, { shape });
    case "int32":
    case "int64":
      return tensor(numbers, { shape, dtype: value.type });
    case "bool":
      return tensor(numbers.map(Boolean), { shape });
    default:
      throw new Error(`unexpected ONNX Runtime output type ${value.type}`);
  }
}

/** max |got - want| over all elements; shapes must match. */
export function maxAbsDifference(got: Tensor, want: Tensor): number {
  if (got.shape.join(",") !== want.shape.join(",")) throw new Error(`shape [${got.shape}] != [${want.shape}]`);
  const g = got.toTypedArray();
  const w = want.toTypedArray();
  let worst = 0;
  for (let i = 0; i < w.length; i++) worst = Math.max(worst, Math.abs(Number(g[i]) - Number(w[i])));
  return worst;
}

export function maxAbs(t: Tensor): number {
  return Array.from(t.toTypedArray() as ArrayLike<number>).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}
