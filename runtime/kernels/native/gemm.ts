/** SGEMM under matmul/mm/bmm/linear/addmm, for float32 storage (conv2d has its own native kernel: conv.ts). */
import type { Backend } from "../Backend.js";
import { sgemm as jsSgemm, type MatrixRef } from "../js/gemm.js";
import { linalgKernels as jsLinalg, matmulWith, type BatchedGemm } from "../js/linalg.js";
import { UNARY_CODES } from "./elementwise.js";

export interface GemmBinding {
  sgemm(
    M: number, N: number, K: number, alpha: number,
    A: Float32Array, aOffset: number, aRowStride: number, aColStride: number,
    B: Float32Array, bOffset: number, bRowStride: number, bColStride: number,
    beta: number,
    C: Float32Array, cOffset: number, cRowStride: number, cColStride: number,
  ): void;
  /**
   * C = activation(A . B + beta * C + bias[j]); bias: N contiguous floats from biasOffset,
   * or null; activation: a UNARY_CODES code without parameters, or -1 for none (an
   * activation needs C's columns contiguous).
   */
  sgemmFused(
    M: number, N: number, K: number,
    A: Float32Array, aOffset: number, aRowStride: number, aColStride: number,
    B: Float32Array, bOffset: number, bRowStride: number, bColStride: number,
    beta: number,
    C: Float32Array, cOffset: number, cRowStride: number, cColStride: number,
    bias: Float32Array | null, biasOffset: number,
    activation: number,
  ): void;
  sgemmBatched(
    batch: number, M: number, N: number, K: number, alpha: number,
    A: Float32Array, aOffset: number, aBatchStride: number, aRowStride: number, aColStride: number,
    B: Float32Array, bOffset: number, bBatchStride: number, bRowStride: number, bColStride: number,
    beta: number,
    C: Float32Array, cOffset: number, cBatchStride: number, cRowStride: number, cColStride: number,
  ): void;
}

export function nativeGemmKernels(binding: GemmBinding): Pick<Backend, "matmul" | "matmulFused"> {
  /** The contract of js/gemm.ts's sgemm; float32 storage goes native, anything else stays in JS. */
  function sgemm(M: number, N: number, K: number, alpha: number, a: MatrixRef, b: MatrixRef, beta: number, c: MatrixRef): void {
    if (!(a.data instanceof Float32Array && b.data instanceof Float32Array && c.data instanceof Float32Array)) {
      jsSgemm(M, N, K, alpha, a, b, beta, c);
      return;
    }
    binding.sgemm(M, N, K, alpha, a.data, a.offset, a.rowStride, a.colStride, b.data, b.offset, b.rowStride, b.colStride, beta, c.data, c.offset, c.rowStride, c.colStride);
  }
  /** One native call for a whole run of batch entries (the binding shares them out over threads). */
  const sgemmBatched: BatchedGemm = (batch, M, N, K, alpha, a, aBatch, b, bBatch, beta, c, cBatch) => {
    if (!(a.data instanceof Float32Array && b.data instanceof Float32Array && c.data instanceof Float32Array)) {
      for (let i = 0; i < batch; i++) {
        jsSgemm(M, N, K, alpha, { ...a, offset: a.offset + i * aBatch }, { ...b, offset: b.offset + i * bBatch }, beta, { ...c, offset: c.offset + i * cBatch });
      }
      return;
    }
    binding.sgemmBatched(
      batch, M, N, K, alpha,
      a.data, a.offset, aBatch, a.rowStride, a.colStride,
      b.data, b.offset, bBatch, b.rowStride, b.colStride,
      beta,
      c.data, c.offset, cBatch, c.rowStride, c.colStride,
    );
  };
  return {
    matmul: (a, b, out, alpha, beta) => matmulWith(sgemm, a, b, out, alpha, beta, sgemmBatched),
    matmulFused(a, b, out, beta, bias, activation) {
      const [M, K] = a.shape as [number, number];
      const N = b.shape[1]!;
      const float32 = a.storage instanceof Float32Array && b.storage instanceof Float32Array && out.storage instanceof Float32Array;
      const nativeBias = !bias || (bias.storage instanceof Float32Array && (bias.strides[0] === 1 || N === 1));
      if (!float32 || !nativeBias || out.strides[1] !== 1) {
        jsLinalg.matmulFused(a, b, out, beta, bias, activation);
        return;
      }
      binding.sgemmFused(
        M, N, K,
        a.storage as Float32Array, a.offset, a.strides[0]!, a.strides[1]!,
        b.storage as Float32Array, b.offset, b.strides[0]!, b.strides[1]!,
        beta,
        out.storage as Float32Array, out.offset, out.strides[0]!, 1,
        bias ? (bias.storage as Float32Array) : null, bias ? bias.offset : 0,
        activation ? UNARY_CODES[activation]! : -1,
      );
    },
  };
}
