/**
 * [N, C, H, W] float32 views for the conv and pooling tests, in the layouts a tensor
 * can reach the kernels with: contiguous, channels-last (permuted), sliced (offset,
 * skipped channels and rows, every other column) and H/W transposed.
 */
import type { StridedView } from "../../runtime/tensor/Tensor.js";

export type Layout = "contiguous" | "channelsLast" | "sliced" | "transposedHW";
export const LAYOUTS: readonly Layout[] = ["contiguous", "channelsLast", "sliced", "transposedHW"];

export type Shape4 = [number, number, number, number];
export type F32View = StridedView & { storage: Float32Array };

/** Deterministic values in [-1, 1), then `specials` placed every 7th element. */
export function fillRandom(data: Float32Array, seed: number, specials: readonly number[] = []): Float32Array {
  let s = seed >>> 0 || 1;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    data[i] = specials.length > 0 && i % 7 === 3 ? specials[(i / 7) % specials.length | 0]! : (s / 2 ** 32) * 2 - 1;
  }
  return data;
}

export function contiguousStrides(shape: readonly number[]): number[] {
  return shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
}

/** A view of `shape` in `layout`, inside a buffer of random values (the parts it skips included). */
export function layoutView(shape: Shape4, layout: Layout, seed: number, specials: readonly number[] = []): F32View {
  const [N, C, H, W] = shape;
  let strides: number[];
  let offset = 0;
  let size: number;
  switch (layout) {
    case "contiguous":
      strides = contiguousStrides(shape);
      size = N * C * H * W;
      break;
    case "channelsLast":
      strides = [H * W * C, 1, W * C, C];
      size = N * C * H * W;
      break;
    case "transposedHW":
      strides = [C * H * W, H * W, 1, H];
      size = N * C * H * W;
      break;
    case "sliced": {
      const rowLen = 2 * W + 1;
      const plane = (H + 2) * rowLen;
      strides = [(C + 1) * plane, plane, rowLen, 2];
      offset = 3 + plane + rowLen + 1;
      size = offset + N * (C + 1) * plane;
      break;
    }
  }
  return { storage: fillRandom(new Float32Array(Math.max(size, 1)), seed, specials), shape, strides, offset, dtype: "float32" };
}

/** A contiguous output at offset 1 of a buffer filled with garbage (NaN), so untouched elements show. */
export function outputView(shape: Shape4): F32View {
  const n = shape.reduce((a, b) => a * b, 1);
  return { storage: new Float32Array(n + 2).fill(Number.NaN), shape, strides: contiguousStrides(shape), offset: 1, dtype: "float32" };
}

/** The view's elements in [N, C, H, W] order. */
export function elements(v: StridedView): number[] {
  const [N, C, H, W] = v.shape as Shape4;
  const [s0, s1, s2, s3] = v.strides as Shape4;
  const out: number[] = [];
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++)
      for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) out.push(v.storage[v.offset + n * s0 + c * s1 + h * s2 + w * s3]!);
  return out;
}

/** Prepares a case with one infinity at input [0, 3, 5, 6] and every weight made positive (so the convolution's outputs that read it are that infinity, or after relu, 0 for -inf). */
export const oneInfinity = (value: number) => (input: F32View, weight: F32View) => {
  const [, s1, s2, s3] = input.strides;
  input.storage[input.offset + 3 * s1! + 5 * s2! + 6 * s3!] = value;
  weight.storage.forEach((w, i) => (weight.storage[i] = Math.abs(w)));
};
