/** The strided copy behind .contiguous() and reshape of a permuted tensor, for float32 and int32. */
import type { Backend } from "../Backend.js";
import { jsBackend } from "../js/index.js";
import type { StridedView } from "../../tensor/Tensor.js";
import { numelOf } from "../../tensor/shape.js";
import { isDense, NATIVE_ELEMENTWISE_MIN, safeAlias, stridedLayout } from "./views.js";

export interface CopyBinding {
  /** out = src, both Float32Arrays or both Int32Arrays; layout: views.ts stridedLayout of [src, out], out dense. */
  copy(layout: Int32Array, src: Float32Array | Int32Array, out: Float32Array | Int32Array): void;
}

/** Same dtype both sides, so the copy is bitwise. */
function sameWordType(src: StridedView, out: StridedView): boolean {
  return (src.storage instanceof Float32Array && out.storage instanceof Float32Array) || (src.storage instanceof Int32Array && out.storage instanceof Int32Array);
}

export function nativeCopyKernels(binding: CopyBinding): Pick<Backend, "copy"> {
  return {
    copy(src, out) {
      if (src.dtype === out.dtype && sameWordType(src, out) && numelOf(out.shape) >= NATIVE_ELEMENTWISE_MIN && isDense(out) && safeAlias(src, out)) {
        const layout = stridedLayout(out.shape, [src, out]);
        if (layout) {
          binding.copy(layout, src.storage as Float32Array | Int32Array, out.storage as Float32Array | Int32Array);
          return;
        }
      }
      jsBackend.copy(src, out);
    },
  };
}
