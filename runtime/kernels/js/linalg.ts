import type { EpilogueActivation, LinalgKernels, LinearLayer } from "../linalg.js";
import type { StridedView } from "../../tensor/Tensor.js";
import { convKernels } from "./conv.js";
import { elementwiseKernels } from "./elementwise.js";
import { sgemm, type MatrixRef } from "./gemm.js";
import { poolKernels } from "./pool.js";
import { coalesce, forEachRow } from "./rows.js";

/** `batch` products of gemm's contract; entry i's operands start i batch strides past a, b and c. */
export type BatchedGemm = (
  batch: number, M: number, N: number, K: number, alpha: number,
  a: MatrixRef, aBatchStride: number, b: MatrixRef, bBatchStride: number, beta: number, c: MatrixRef, cBatchStride: number,
) => void;

/**
 * matmul over a given SGEMM (the native backend passes its own; see ./gemm.ts for the
 * contract), and optionally a batched one that takes each run of batch entries in one call.
 */
export function matmulWith(gemm: typeof sgemm, a: StridedView, b: StridedView, out: StridedView, alpha: number, beta: number, batched?: BatchedGemm): void {
  const rank = out.shape.length;
  const batchRank = rank - 2;
  const M = out.shape[rank - 2]!;
  const N = out.shape[rank - 1]!;
  const K = a.shape[rank - 1]!;
  const aRow = a.strides[rank - 2]!;
  const aCol = a.strides[rank - 1]!;
  const bRow = b.strides[rank - 2]!;
  const bCol = b.strides[rank - 1]!;
  const outRow = out.strides[rank - 2]!;
  const outCol = out.strides[rank - 1]!;
  if (rank === 2) {
    gemm(
      M, N, K, alpha,
      { data: a.storage, offset: a.offset, rowStride: aRow, colStride: aCol },
      { data: b.storage, offset: b.offset, rowStride: bRow, colStride: bCol },
      beta,
      { data: out.storage, offset: out.offset, rowStride: outRow, colStride: outCol },
    );
    return;
  }
  const folded = foldBatchIntoRows(a, b, out);
  if (folded) {
    gemm(
      folded.rows,
      N,
      K,
      alpha,
      { data: a.storage, offset: a.offset, rowStride: folded.aRowStride, colStride: aCol },
      { data: b.storage, offset: b.offset, rowStride: bRow, colStride: bCol },
      beta,
      { data: out.storage, offset: out.offset, rowStride: folded.outRowStride, colStride: outCol },
    );
    return;
  }
  /** The products of `n` batch entries, the first at `offsets`, each next `strides` further on. */
  const runEntries = (offsets: readonly number[], strides: readonly number[], n: number): void => {
    if (batched) {
      batched(
        n, M, N, K, alpha,
        { data: a.storage, offset: offsets[0]!, rowStride: aRow, colStride: aCol }, strides[0]!,
        { data: b.storage, offset: offsets[1]!, rowStride: bRow, colStride: bCol }, strides[1]!,
        beta,
        { data: out.storage, offset: offsets[2]!, rowStride: outRow, colStride: outCol }, strides[2]!,
      );
      return;
    }
    for (let i = 0; i < n; i++) {
      gemm(
        M,
        N,
        K,
        alpha,
        { data: a.storage, offset: offsets[0]! + i * strides[0]!, rowStride: aRow, colStride: aCol },
        { data: b.storage, offset: offsets[1]! + i * strides[1]!, rowStride: bRow, colStride: bCol },
        beta,
        { data: out.storage, offset: offsets[2]! + i * strides[2]!, rowStride: outRow, colStride: outCol },
      );
    }
  };
  const aBatch = mergedBatchStride(a, rank);
  const bBatch = mergedBatchStride(b, rank);
  const outBatch = mergedBatchStride(out, rank);
  if (aBatch !== null && bBatch !== null && outBatch !== null) {
    // Every operand's batch dims walk as one (attention's heads): no row walk to build.
    let entries = 1;
    for (let d = 0; d < batchRank; d++) entries *= out.shape[d]!;
    if (entries > 0) runEntries([a.offset, b.offset, out.offset], [aBatch, bBatch, outBatch], entries);
    return;
  }
  const batchShape = out.shape.slice(0, batchRank);
  const batchLayouts = [a, b, out].map((v) => ({ strides: v.strides.slice(0, batchRank), offset: v.offset }));
  forEachRow(batchShape, batchLayouts, runEntries);
}

/**
 * The stride of `v`'s batch dims (all but its last two, of a `rank`-D product) read as
 * one dim, when they merge into one (size-1 dims skipped; 0 for a broadcast or a batch
 * of one); else null.
 */
function mergedBatchStride(v: StridedView, rank: number): number | null {
  let stride: number | null = null;
  let span = 1;
  for (let d = rank - 3; d >= 0; d--) {
    const size = v.shape[d]!;
    if (size === 1) continue;
    if (stride === null) stride = v.strides[d]!;
    else if (v.strides[d] !== stride * span) return null;
    span *= size;
  }
  return stride ?? 0;
}

/**
 * When b is the same matrix for every batch entry and the batch and row dims of a
 * and out merge into one, [...batch, M, K] @ [K, N] is one [batch*M, K] @ [K, N]
 * product: B is packed once instead of once per batch entry.
 */
function foldBatchIntoRows(a: StridedView, b: StridedView, out: StridedView): { rows: number; aRowStride: number; outRowStride: number } | null {
  const rank = out.shape.length;
  for (let d = 0; d < rank - 2; d++) if (b.strides[d] !== 0 && out.shape[d] !== 1) return null;
  const lead = out.shape.slice(0, rank - 1);
  const merged = coalesce(lead, [a.strides.slice(0, rank - 1), out.strides.slice(0, rank - 1)]);
  if (merged.shape.length > 1) return null;
  const rows = merged.shape[0] ?? 1;
  return { rows, aRowStride: merged.strides[0]![0] ?? 0, outRowStride: merged.strides[1]![0] ?? 0 };
}

function matmul(a: StridedView, b: StridedView, out: StridedView, alpha: number, beta: number): void {
  matmulWith(sgemm, a, b, out, alpha, beta);
}

/** The reference: the product, then the activation in place. */
function matmulFused(a: StridedView, b: StridedView, out: StridedView, beta: number, bias: StridedView | null, activation: EpilogueActivation | null): void {
  matmul(a, b, out, 1, beta);
  if (bias) {
    const [M, N] = out.shape as [number, number];
    const rows = { ...bias, shape: [M, N], strides: [0, bias.strides[0]!] };
    elementwiseKernels.binary("add", out, rows, out, 1);
  }
  if (activation) elementwiseKernels.unary(activation, out, out, []);
}

/** A linear layer's weight [out, in] read as the product's B [in, out], in place. */
export function transposedWeight(weight: StridedView): StridedView {
  const { storage, shape, strides, offset, dtype } = weight;
  return { storage, shape: [shape[1]!, shape[0]!], strides: [strides[1]!, strides[0]!], offset, dtype };
}

/** The reference: one layer's product, then the other's. */
function linearPair(a: StridedView, first: LinearLayer, second: LinearLayer, hidden: StridedView, out: StridedView): void {
  matmulFused(a, transposedWeight(first.weight), hidden, 0, first.bias, first.activation);
  matmulFused(hidden, transposedWeight(second.weight), out, 0, second.bias, second.activation);
}

export const linalgKernels: LinalgKernels = { matmul, matmulFused, linearPair, ...convKernels, ...poolKernels };
