/**
 * Strided iteration for the JS kernels. Kernels loop over innermost rows with
 * plain index arithmetic; this walks the outer dimensions and hands each row's
 * starting offsets to the kernel, so there is one callback per row, never per element.
 */
import type { Shape } from "../../tensor/shape.js";

export interface Layout {
  readonly strides: readonly number[];
  readonly offset: number;
}

export interface Coalesced {
  readonly shape: number[];
  readonly strides: number[][];
}

/**
 * Merges adjacent dimensions that every operand walks as one (stride[i] ==
 * stride[i+1] * shape[i+1]) and drops size-1 dimensions, so a contiguous or
 * row-broadcast operation becomes a few long rows.
 */
export function coalesce(shape: Shape, strides: readonly (readonly number[])[]): Coalesced {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d]!;
    if (size === 1) continue;
    const last = outShape.length - 1;
    const mergeable = last >= 0 && strides.every((s, k) => outStrides[k]![last] === s[d]! * size);
    if (mergeable) {
      outShape[last] = outShape[last]! * size;
      strides.forEach((s, k) => (outStrides[k]![last] = s[d]!));
    } else {
      outShape.push(size);
      strides.forEach((s, k) => outStrides[k]!.push(s[d]!));
    }
  }
  return { shape: outShape, strides: outStrides };
}

/**
 * Calls `visit(offsets, innerStrides, n)` once per innermost row of `shape`, where
 * `offsets[k]` is operand k's storage offset of the row's first element and
 * `innerStrides[k]` its step along the row. `offsets` is reused between calls.
 */
export function forEachRow(
  shape: Shape,
  operands: readonly Layout[],
  visit: (offsets: number[], innerStrides: readonly number[], n: number) => void,
): void {
  for (const d of shape) if (d === 0) return;
  const { shape: dims, strides } = coalesce(
    shape,
    operands.map((o) => o.strides),
  );
  const base = operands.map((o) => o.offset);
  if (dims.length === 0) {
    visit(base, operands.map(() => 0), 1);
    return;
  }
  const rank = dims.length;
  const n = dims[rank - 1]!;
  const inner = strides.map((s) => s[rank - 1]!);
  const offsets = [...base];
  const counter = new Array<number>(rank - 1).fill(0);
  const k = operands.length;
  for (;;) {
    visit(offsets, inner, n);
    let d = rank - 2;
    for (; d >= 0; d--) {
      if (++counter[d]! < dims[d]!) {
        for (let j = 0; j < k; j++) offsets[j]! += strides[j]![d]!;
        break;
      }
      counter[d] = 0;
      for (let j = 0; j < k; j++) offsets[j]! -= strides[j]![d]! * (dims[d]! - 1);
    }
    if (d < 0) return;
  }
}
