/** softmax/log_softmax over the last dim and layer_norm, over contiguous float32 rows. */
import type { Backend } from "../Backend.js";
import { jsBackend } from "../js/index.js";
import type { StridedView } from "../../tensor/Tensor.js";
import { numelOf } from "../../tensor/shape.js";
import { isDenseF32, NATIVE_ELEMENTWISE_MIN, safeAlias } from "./views.js";

export interface RowwiseBinding {
  /** rows x cols contiguous floats from each offset; softmax (log 1: log_softmax) along each row. */
  softmax(x: Float32Array, xOffset: number, out: Float32Array, outOffset: number, rows: number, cols: number, log: number): void;
  /** rows x cols contiguous floats; layer_norm along each row, then weight and bias (cols floats each, or null). */
  layerNorm(
    x: Float32Array, xOffset: number, weight: Float32Array | null, weightOffset: number, bias: Float32Array | null, biasOffset: number,
    eps: number, out: Float32Array, outOffset: number, rows: number, cols: number,
  ): void;
}

/** A layer_norm weight or bias the native kernel can take: absent, or `cols` dense floats apart from out's buffer. */
function affineParam(p: StridedView | null, cols: number, out: StridedView): boolean {
  return p === null || (isDenseF32(p) && numelOf(p.shape) === cols && p.storage.buffer !== out.storage.buffer);
}

export function nativeRowwiseKernels(binding: RowwiseBinding): Pick<Backend, "softmax" | "layerNorm"> {
  return {
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
  };
}
