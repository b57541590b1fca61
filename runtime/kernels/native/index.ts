/**
 * The native backend: the JS backend with the kernels the addon has swapped in
 * (SGEMM under matmul/linear/addmm/conv2d, and contiguous float32 add/sub/mul/div,
 * relu/tanh/exp/sigmoid/gelu of at least NATIVE_ELEMENTWISE_MIN elements; softmax/log_softmax
 * over the last dim and layer_norm of a contiguous float32 tensor). Whatever a native kernel does not cover (other dtypes,
 * strided or broadcast operands, other ops) runs the JS kernel, per call.
 */
import type { Backend } from "../Backend.js";
import type { BinaryKernelOp, UnaryKernelOp } from "../elementwise.js";
import { jsBackend } from "../js/index.js";
import { conv2dWith } from "../js/conv.js";
import { sgemm as jsSgemm, type MatrixRef } from "../js/gemm.js";
import { matmulWith } from "../js/linalg.js";
import type { StridedView } from "../../tensor/Tensor.js";
import { isContiguousLayout, numelOf } from "../../tensor/shape.js";
import type { NativeBinding } from "./loader.js";

/**
 * Below this many elements a native call's fixed cost (about half a microsecond)
 * exceeds the JS loop it replaces. SGEMM has no such floor: its fixtures are small,
 * and they should exercise the native path.
 */
export const NATIVE_ELEMENTWISE_MIN = 64;

const BINARY_CODES: Partial<Record<BinaryKernelOp, number>> = { add: 0, sub: 1, mul: 2, div: 3 };
const UNARY_CODES: Partial<Record<UnaryKernelOp, number>> = { relu: 0, tanh: 1, exp: 2, sigmoid: 3, gelu: 4, gelu_tanh: 5 };

/** A contiguous float32 view whose elements the native kernel can take as one span. */
function isDenseF32(v: StridedView): v is StridedView & { storage: Float32Array } {
  return v.storage instanceof Float32Array && isContiguousLayout(v.shape, v.strides);
}

/**
 * Writing out while reading an input that overlaps it at another offset would depend
 * on the order elements are visited; only exact aliasing (in place) is left to native.
 */
function safeAlias(input: StridedView, out: StridedView): boolean {
  return input.storage.buffer !== out.storage.buffer || (input.storage.byteOffset === out.storage.byteOffset && input.offset === out.offset);
}

/** A layer_norm weight or bias the native kernel can take: absent, or `cols` dense floats apart from out's buffer. */
function affineParam(p: StridedView | null, cols: number, out: StridedView): boolean {
  return p === null || (isDenseF32(p) && numelOf(p.shape) === cols && p.storage.buffer !== out.storage.buffer);
}

export function createNativeBackend(binding: NativeBinding): Backend {
  /** The contract of js/gemm.ts's sgemm; float32 storage goes native, anything else stays in JS. */
  function sgemm(M: number, N: number, K: number, alpha: number, a: MatrixRef, b: MatrixRef, beta: number, c: MatrixRef): void {
    if (!(a.data instanceof Float32Array && b.data instanceof Float32Array && c.data instanceof Float32Array)) {
      jsSgemm(M, N, K, alpha, a, b, beta, c);
      return;
    }
    binding.sgemm(M, N, K, alpha, a.data, a.offset, a.rowStride, a.colStride, b.data, b.offset, b.rowStride, b.colStride, beta, c.data, c.offset, c.rowStride, c.colStride);
  }

  return {
    ...jsBackend,
    name: "native",
    matmul: (a, b, out, alpha, beta) => matmulWith(sgemm, a, b, out, alpha, beta),
    conv2d: (input, weight, bias, out, p) => conv2dWith(sgemm, input, weight, bias, out, p),
    unary(op, x, out, params) {
      const code = UNARY_CODES[op];
      const n = numelOf(out.shape);
      if (code !== undefined && n >= NATIVE_ELEMENTWISE_MIN && isDenseF32(x) && isDenseF32(out) && safeAlias(x, out)) {
        binding.unary(code, x.storage, x.offset, out.storage, out.offset, n);
        return;
      }
      jsBackend.unary(op, x, out, params);
    },
    softmax(input, dim, log, out) {
      const rank = input.shape.length;
      const n = numelOf(out.shape);
      if (rank > 0 && dim === rank - 1 && n >= NATIVE_ELEMENTWISE_MIN && isDenseF32(input) && isDenseF32(out) && safeAlias(input, out)) {
        const cols = input.shape[rank - 1]!;
        binding.softmax(input.storage, input.offset, out.storage, out.offset, n / cols, cols, log ? 1 : 0);
        return;
      }
      jsBackend.softmax(input, dim, log, out);
    },
    layerNorm(input, normalizedRank, weight, bias, eps, out) {
      const n = numelOf(out.shape);
      const cols = numelOf(input.shape.slice(input.shape.length - normalizedRank));
      if (n >= NATIVE_ELEMENTWISE_MIN && cols > 0 && isDenseF32(input) && isDenseF32(out) && safeAlias(input, out) && affineParam(weight, cols, out) && affineParam(bias, cols, out)) {
        binding.layerNorm(input.storage, input.offset, weight ? (weight.storage as Float32Array) : null, weight?.offset ?? 0, bias ? (bias.storage as Float32Array) : null, bias?.offset ?? 0, eps, out.storage, out.offset, n / cols, cols);
        return;
      }
      jsBackend.layerNorm(input, normalizedRank, weight, bias, eps, out);
    },
    binary(op, a, b, out, alpha) {
      const code = BINARY_CODES[op];
      const n = numelOf(out.shape);
      if (code !== undefined && n >= NATIVE_ELEMENTWISE_MIN && isDenseF32(a) && isDenseF32(b) && isDenseF32(out) && safeAlias(a, out) && safeAlias(b, out)) {
        binding.binary(code, a.storage, a.offset, b.storage, b.offset, out.storage, out.offset, n, alpha);
        return;
      }
      jsBackend.binary(op, a, b, out, alpha);
    },
  };
}
