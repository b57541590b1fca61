/**
 * conv2d as im2col + SGEMM: for each image and group, the input patches become the
 * columns of a [C/groups * KH * KW, OH * OW] matrix and the group's weights, read
 * as [O/groups, C/groups * KH * KW], multiply it straight into the output.
 * A 1x1 stride-1 unpadded convolution reads the input in place as that matrix;
 * a depthwise convolution (one input channel per group) runs a direct loop, since
 * its GEMM would have a single row.
 */
import type { Conv2dParams, LinalgKernels } from "../linalg.js";
import type { StridedView } from "../../tensor/Tensor.js";
import { elementwiseKernels } from "./elementwise.js";
import { sgemm, type MatrixRef } from "./gemm.js";
import { poolKernels } from "./pool.js";

/** conv2d over a given SGEMM (the native backend passes its own; see ./gemm.ts for the contract). */
export function conv2dWith(gemm: typeof sgemm, input: StridedView, weight: StridedView, bias: StridedView | null, out: StridedView, p: Conv2dParams): void {
  const [N, , H, W] = input.shape as [number, number, number, number];
  const [O, Cg, KH, KW] = weight.shape as [number, number, number, number];
  const [, , OH, OW] = out.shape as [number, number, number, number];
  if (N === 0 || O === 0 || OH === 0 || OW === 0) return;
  if (bias) fillWithBias(bias, out);
  const beta = bias ? 1 : 0;
  if (Cg === 1) {
    depthwise(input, weight, out, beta, p);
    return;
  }
  const G = p.groups;
  const Og = O / G;
  const depth = Cg * KH * KW;
  const cols = OH * OW;
  const w = weightMatrix(weight);
  const [sN, sC, sH, sW] = input.strides as [number, number, number, number];
  const [oN, oC, , oW] = out.strides as [number, number, number, number];
  const inPlace = KH === 1 && KW === 1 && p.strideH === 1 && p.strideW === 1 && p.padH === 0 && p.padW === 0 && (H === 1 || sH === W * sW);
  const columns = inPlace ? null : new Float32Array(depth * cols);
  const valid = validColumns(KW, W, OW, p);
  for (let n = 0; n < N; n++) {
    for (let g = 0; g < G; g++) {
      const channelOffset = input.offset + n * sN + g * Cg * sC;
      let patches: MatrixRef;
      if (columns) {
        im2col(input, channelOffset, Cg, KH, KW, OH, OW, p, valid, columns);
        patches = { data: columns, offset: 0, rowStride: cols, colStride: 1 };
      } else {
        patches = { data: input.storage, offset: channelOffset, rowStride: sC, colStride: sW };
      }
      const groupWeights = { ...w, offset: w.offset + g * Og * w.rowStride };
      const target = { data: out.storage, offset: out.offset + n * oN + g * Og * oC, rowStride: oC, colStride: oW };
      gemm(Og, cols, depth, 1, groupWeights, patches, beta, target);
    }
  }
}

/** The weights as an [O, C/groups * KH * KW] matrix, copied only when the layout does not merge. */
function weightMatrix(weight: StridedView): MatrixRef {
  const [O, Cg, KH, KW] = weight.shape as [number, number, number, number];
  const [s0, s1, s2, s3] = weight.strides as [number, number, number, number];
  const merges = (KH === 1 || s2 === KW * s3) && (Cg === 1 || s1 === KH * KW * s3);
  if (merges) return { data: weight.storage, offset: weight.offset, rowStride: s0, colStride: s3 };
  const depth = Cg * KH * KW;
  const data = new Float32Array(O * depth);
  let d = 0;
  for (let o = 0; o < O; o++)
    for (let c = 0; c < Cg; c++)
      for (let kh = 0; kh < KH; kh++)
        for (let kw = 0, s = weight.offset + o * s0 + c * s1 + kh * s2; kw < KW; kw++, s += s3) data[d++] = weight.storage[s]!;
  return { data, offset: 0, rowStride: depth, colStride: 1 };
}

function fillWithBias(bias: StridedView, out: StridedView): void {
  const [N, O, OH, OW] = out.shape as [number, number, number, number];
  const [oN, oC, oH, oW] = out.strides as [number, number, number, number];
  const data = out.storage;
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      const value = bias.storage[bias.offset + o * bias.strides[0]!]!;
      for (let h = 0; h < OH; h++) {
        const row = out.offset + n * oN + o * oC + h * oH;
        for (let w = 0, i = row; w < OW; w++, i += oW) data[i] = value;
      }
    }
  }
}

/** Writes patch element (c, kh, kw) of output position (oh, ow) to columns[((c*KH + kh)*KW + kw) * OH*OW + oh*OW + ow]. */
function im2col(
  input: StridedView,
  channelOffset: number,
  Cg: number,
  KH: number,
  KW: number,
  OH: number,
  OW: number,
  p: Conv2dParams,
  valid: { starts: Int32Array; ends: Int32Array },
  columns: Float32Array,
): void {
  const H = input.shape[2]!;
  const [, sC, sH, sW] = input.strides as [number, number, number, number];
  const src = input.storage;
  let d = 0;
  for (let c = 0; c < Cg; c++) {
    for (let kh = 0; kh < KH; kh++) {
      for (let kw = 0; kw < KW; kw++) {
        const dw = kw * p.dilationW - p.padW;
        const owStart = valid.starts[kw]!;
        const owEnd = valid.ends[kw]!;
        for (let oh = 0; oh < OH; oh++) {
          const ih = oh * p.strideH + kh * p.dilationH - p.padH;
          if (ih < 0 || ih >= H) {
            columns.fill(0, d, d + OW);
            d += OW;
            continue;
          }
          const rowBase = channelOffset + c * sC + ih * sH;
          let ow = 0;
          for (; ow < owStart; ow++) columns[d++] = 0;
          for (let s = rowBase + (owStart * p.strideW + dw) * sW, step = p.strideW * sW; ow < owEnd; ow++, s += step) columns[d++] = src[s]!;
          for (; ow < OW; ow++) columns[d++] = 0;
        }
      }
    }
  }
}

/**
 * One input channel per group: out[n, o] (+)= input[n, o / multiplier] correlated
 * with weight[o, 0]; beta 1 accumulates, 0 overwrites. Each output row is built as
 * a sum of shifted, scaled input rows, so the inner loop has no bounds checks.
 */
function depthwise(input: StridedView, weight: StridedView, out: StridedView, beta: number, p: Conv2dParams): void {
  const [N, C, H, W] = input.shape as [number, number, number, number];
  const [O, , KH, KW] = weight.shape as [number, number, number, number];
  const [, , OH, OW] = out.shape as [number, number, number, number];
  const [sN, sC, sH, sW] = input.strides as [number, number, number, number];
  const [w0, , w2, w3] = weight.strides as [number, number, number, number];
  const [oN, oC, oH, oW] = out.strides as [number, number, number, number];
  const multiplier = O / C;
  const src = input.storage;
  const wts = weight.storage;
  const dst = out.storage;
  const row = new Float64Array(OW);
  const step = p.strideW * sW;
  const { starts, ends } = validColumns(KW, W, OW, p);
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      const plane = input.offset + n * sN + Math.floor(o / multiplier) * sC;
      const filter = weight.offset + o * w0;
      for (let oh = 0; oh < OH; oh++) {
        row.fill(0);
        for (let kh = 0; kh < KH; kh++) {
          const ih = oh * p.strideH + kh * p.dilationH - p.padH;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < KW; kw++) {
            const scale = wts[filter + kh * w2 + kw * w3]!;
            const owEnd = ends[kw]!;
            let ow = starts[kw]!;
            for (let i = plane + ih * sH + (ow * p.strideW + kw * p.dilationW - p.padW) * sW; ow < owEnd; ow++, i += step) row[ow] += scale * src[i]!;
          }
        }
        const target = out.offset + n * oN + o * oC + oh * oH;
        if (beta === 0) for (let ow = 0, i = target; ow < OW; ow++, i += oW) dst[i] = row[ow]!;
        else for (let ow = 0, i = target; ow < OW; ow++, i += oW) dst[i] = dst[i]! + row[ow]!;
      }
    }
  }
}

/**
 * For each kernel column kw, the output columns [starts[kw], ends[kw]) whose input
 * column ow * strideW + kw * dilationW - padW lies inside [0, W).
 */
function validColumns(KW: number, W: number, OW: number, p: Conv2dParams): { starts: Int32Array; ends: Int32Array } {
  const starts = new Int32Array(KW);
  const ends = new Int32Array(KW);
  for (let kw = 0; kw < KW; kw++) {
    const shift = kw * p.dilationW - p.padW;
    starts[kw] = Math.min(OW, Math.max(0, Math.ceil(-shift / p.strideW)));
    ends[kw] = Math.max(starts[kw]!, Math.min(OW, Math.ceil((W - shift) / p.strideW)));
  }
  return { starts, ends };
}

function conv2d(input: StridedView, weight: StridedView, bias: StridedView | null, out: StridedView, p: Conv2dParams): void {
  conv2dWith(sgemm, input, weight, bias, out, p);
  // The reference applies a fused activation after the whole convolution, in place.
  if (p.activation) elementwiseKernels.unary(p.activation, out, out, []);
}

/** The reference: the whole convolution into a temporary, then the pooling. */
function conv2dMaxPool2x2(
  input: StridedView,
  weight: StridedView,
  bias: StridedView | null,
  out: StridedView,
  p: Conv2dParams,
  [OH, OW]: readonly [number, number],
): void {
  const [N, O] = out.shape as [number, number];
  const convolved = { storage: new Float32Array(N * O * OH * OW), shape: [N, O, OH, OW], strides: [O * OH * OW, OH * OW, OW, 1], offset: 0, dtype: "float32" } as const;
  conv2d(input, weight, bias, convolved, p);
  poolKernels.maxPool2d(convolved, out, { kernelH: 2, kernelW: 2, strideH: 2, strideW: 2, padH: 0, padW: 0, dilationH: 1, dilationW: 1 });
}

export const convKernels: Pick<LinalgKernels, "conv2d" | "conv2dMaxPool2x2"> = { conv2d, conv2dMaxPool2x2 };
