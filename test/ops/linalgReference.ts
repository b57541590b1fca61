/**
 * Naive reference loops and layout builders for the linalg and convolution tests.
 * References read inputs through `toTypedArray()` (row-major, independent of the kernels).
 */
import { expect } from "vitest";
import { Tensor } from "../../runtime/index.js";

/** Deterministic values in [-1, 1) from a seed (a 32-bit LCG), so a failing fast-check case replays. */
export function randomValues(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export type Layout = "contiguous" | "transposed" | "strided";

/**
 * A tensor holding `values` (row-major for `shape`) in one of three storage layouts:
 * row-major; dims stored in reverse order (a transposed view); or every dim spaced
 * out (strides 2x and 3x) behind a nonzero offset (a sliced view).
 */
export function withLayout(values: Float32Array, shape: readonly number[], layout: Layout): Tensor {
  const rank = shape.length;
  const strides = new Array<number>(rank).fill(0);
  let offset = 0;
  let span = 1;
  if (layout === "transposed") {
    for (let d = 0; d < rank; d++) {
      strides[d] = span;
      span *= shape[d]!;
    }
  } else {
    const spacing = layout === "strided" ? 2 : 1;
    for (let d = rank - 1; d >= 0; d--) {
      strides[d] = span * spacing;
      span *= shape[d]! * spacing + (layout === "strided" ? 1 : 0);
    }
    if (layout === "strided") offset = 3;
  }
  const storage = new Float32Array(offset + span + 1).fill(Number.NaN);
  const index = new Array<number>(rank).fill(0);
  for (let i = 0; i < values.length; i++) {
    let o = offset;
    for (let d = 0; d < rank; d++) o += index[d]! * strides[d]!;
    storage[o] = values[i]!;
    for (let d = rank - 1; d >= 0; d--) {
      if (++index[d]! < shape[d]!) break;
      index[d] = 0;
    }
  }
  return new Tensor(storage, shape, strides, offset, "float32");
}

export function randomTensor(shape: readonly number[], seed: number, layout: Layout = "contiguous"): Tensor {
  return withLayout(randomValues(numel(shape), seed), shape, layout);
}

/** C[b, i, j] = sum_k A[b, i, k] * B[b, k, j] on flat row-major arrays. */
export function naiveBatchedMatmul(a: ArrayLike<number>, b: ArrayLike<number>, batch: number, M: number, K: number, N: number): Float64Array {
  const out = new Float64Array(batch * M * N);
  for (let t = 0; t < batch; t++)
    for (let i = 0; i < M; i++)
      for (let j = 0; j < N; j++) {
        let sum = 0;
        for (let k = 0; k < K; k++) sum += a[t * M * K + i * K + k]! * b[t * K * N + k * N + j]!;
        out[t * M * N + i * N + j] = sum;
      }
  return out;
}

export interface ConvConfig {
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  groups: number;
}

/** PyTorch's conv2d on flat arrays: x [N, C, H, W], w [O, C/groups, KH, KW], bias [O] or null. */
export function naiveConv2d(
  x: ArrayLike<number>,
  xShape: readonly number[],
  w: ArrayLike<number>,
  wShape: readonly number[],
  bias: ArrayLike<number> | null,
  c: ConvConfig,
): { data: Float64Array; shape: number[] } {
  const [N, C, H, W] = xShape as [number, number, number, number];
  const [O, Cg, KH, KW] = wShape as [number, number, number, number];
  const OH = Math.floor((H + 2 * c.padding[0] - c.dilation[0] * (KH - 1) - 1) / c.stride[0]) + 1;
  const OW = Math.floor((W + 2 * c.padding[1] - c.dilation[1] * (KW - 1) - 1) / c.stride[1]) + 1;
  const Og = O / c.groups;
  const out = new Float64Array(N * O * OH * OW);
  for (let n = 0; n < N; n++)
    for (let o = 0; o < O; o++)
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0; ow < OW; ow++) {
          let sum = bias ? bias[o]! : 0;
          const g = Math.floor(o / Og);
          for (let ci = 0; ci < Cg; ci++)
            for (let kh = 0; kh < KH; kh++)
              for (let kw = 0; kw < KW; kw++) {
                const ih = oh * c.stride[0] - c.padding[0] + kh * c.dilation[0];
                const iw = ow * c.stride[1] - c.padding[1] + kw * c.dilation[1];
                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                const ch = g * Cg + ci;
                sum += x[((n * C + ch) * H + ih) * W + iw]! * w[((o * Cg + ci) * KH + kh) * KW + kw]!;
              }
          out[((n * O + o) * OH + oh) * OW + ow] = sum;
        }
  return { data: out, shape: [N, O, OH, OW] };
}

export function expectAllClose(got: Tensor, want: ArrayLike<number>, wantShape: readonly number[], atol = 1e-4, rtol = 1e-4): void {
  expect([...got.shape]).toEqual([...wantShape]);
  expect(got.dtype).toBe("float32");
  const g = got.toTypedArray();
  expect(g.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const ok = Number.isNaN(w) ? Number.isNaN(g[i]!) : g[i] === w || Math.abs(g[i]! - w) <= atol + rtol * Math.abs(w);
    if (!ok) expect.fail(`element ${i}: got ${g[i]}, want ${w}`);
  }
}
