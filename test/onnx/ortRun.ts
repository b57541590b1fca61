/** Running exported models in onnxruntime-node and measuring how far they are from a reference. */
import * as ort from "onnxruntime-node";
import { tensor, type Tensor } from "../../runtime/index.js";

export async function ortSession(bytes: Uint8Array): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes);
}

/** Runs `session` on float32 tensors fed to its inputs in order; returns its outputs in order. */
export async function runOrt(session: ort.InferenceSession, inputs: readonly Tensor[]): Promise<Tensor[]> {
  const feeds = Object.fromEntries(session.inputNames.map((name, i) => [name, new ort.Tensor("float32", inputs[i]!.toTypedArray() as Float32Array, [...inputs[i]!.shape])]));
  const results = await session.run(feeds);
  return session.outputNames.map((name) => {
    const value = results[name]!;
    return tensor(value.data as Float32Array, { shape: value.dims.map(Number) });
  });
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
