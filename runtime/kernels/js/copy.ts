import type { CopyKernels } from "../copy.js";
import type { StridedView } from "../../tensor/Tensor.js";
import { forEachRow } from "./rows.js";

function copy(src: StridedView, out: StridedView): void {
  const from = src.storage;
  const to = out.storage;
  // Typed-array stores convert (fround, int32 truncation) except into bool, and into
  // int64, whose Float64Array storage would keep a float's fraction.
  const toBool = out.dtype === "bool" && src.dtype !== "bool";
  const truncate = out.dtype === "int64" && src.dtype === "float32";
  forEachRow(out.shape, [src, out], (offsets, strides, n) => {
    let i = offsets[0]!;
    let o = offsets[1]!;
    const si = strides[0]!;
    const so = strides[1]!;
    if (toBool) {
      for (let k = 0; k < n; k++, i += si, o += so) to[o] = from[i] !== 0 ? 1 : 0;
    } else if (truncate) {
      for (let k = 0; k < n; k++, i += si, o += so) to[o] = Math.trunc(from[i]!);
    } else if (si === 1 && so === 1) {
      to.set(from.subarray(i, i + n), o);
    } else {
      for (let k = 0; k < n; k++, i += si, o += so) to[o] = from[i]!;
    }
  });
}

function fill(out: StridedView, value: number): void {
  const to = out.storage;
  forEachRow(out.shape, [out], (offsets, strides, n) => {
    const s = strides[0]!;
    if (s === 1) to.fill(value, offsets[0]!, offsets[0]! + n);
    else for (let k = 0, o = offsets[0]!; k < n; k++, o += s) to[o] = value;
  });
}

export const copyKernels: CopyKernels = { copy, fill };
