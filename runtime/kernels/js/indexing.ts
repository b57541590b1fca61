import type { IndexingKernels } from "../indexing.js";
import type { StridedView } from "../../tensor/Tensor.js";
import { forEachRow } from "./rows.js";

/** Each innermost row of a layout walked over `shape`, as start offsets relative to the operands' offsets. */
interface RowPlan {
  readonly starts: number[][];
  readonly innerStrides: readonly number[];
  readonly n: number;
}

function planRows(shape: readonly number[], strides: readonly (readonly number[])[]): RowPlan {
  const starts: number[][] = strides.map(() => []);
  let innerStrides: readonly number[] = strides.map(() => 0);
  let n = 0;
  forEachRow(
    shape,
    strides.map((s) => ({ strides: s, offset: 0 })),
    (offsets, inner, length) => {
      offsets.forEach((o, k) => starts[k]!.push(o));
      innerStrides = [...inner];
      n = length;
    },
  );
  return { starts, innerStrides, n };
}

function without(values: readonly number[], dim: number): number[] {
  return values.filter((_, i) => i !== dim);
}

function indexSelect(src: StridedView, dim: number, index: StridedView, out: StridedView): void {
  const from = src.storage;
  const to = out.storage;
  const indices = index.storage;
  const count = index.shape.length === 0 ? 1 : index.shape[0]!;
  const indexStride = index.shape.length === 0 ? 0 : index.strides[0]!;
  const { starts, innerStrides, n } = planRows(without(out.shape, dim), [without(src.strides, dim), without(out.strides, dim)]);
  const srcStarts = starts[0]!;
  const outStarts = starts[1]!;
  const si = innerStrides[0]!;
  const so = innerStrides[1]!;
  for (let k = 0; k < count; k++) {
    const srcBase = src.offset + indices[index.offset + k * indexStride]! * src.strides[dim]!;
    const outBase = out.offset + k * out.strides[dim]!;
    for (let r = 0; r < srcStarts.length; r++) {
      let i = srcBase + srcStarts[r]!;
      let o = outBase + outStarts[r]!;
      for (let e = 0; e < n; e++, i += si, o += so) to[o] = from[i]!;
    }
  }
}

function gather(src: StridedView, dim: number, index: StridedView, out: StridedView): void {
  const from = src.storage;
  const to = out.storage;
  const indices = index.storage;
  const dimStride = src.strides[dim] ?? 0;
  const srcBase = { strides: src.strides.map((s, d) => (d === dim ? 0 : s)), offset: src.offset };
  forEachRow(index.shape, [index, out, srcBase], (offsets, strides, n) => {
    let x = offsets[0]!;
    let o = offsets[1]!;
    let s = offsets[2]!;
    const sx = strides[0]!;
    const so = strides[1]!;
    const ss = strides[2]!;
    for (let e = 0; e < n; e++, x += sx, o += so, s += ss) to[o] = from[s + indices[x]! * dimStride]!;
  });
}

function triangle(src: StridedView, out: StridedView, diagonal: number, upper: boolean): void {
  const from = src.storage;
  const to = out.storage;
  const rank = out.shape.length;
  const rows = out.shape[rank - 2]!;
  const cols = out.shape[rank - 1]!;
  const [srcRow, srcCol] = src.strides.slice(rank - 2) as [number, number];
  const [outRow, outCol] = out.strides.slice(rank - 2) as [number, number];
  const batch = planRows(out.shape.slice(0, rank - 2), [src.strides.slice(0, rank - 2), out.strides.slice(0, rank - 2)]);
  const [srcStarts, outStarts] = batch.starts as [number[], number[]];
  for (let b = 0; b < srcStarts.length; b++) {
    for (let e = 0; e < batch.n; e++) {
      const srcMatrix = src.offset + srcStarts[b]! + e * batch.innerStrides[0]!;
      const outMatrix = out.offset + outStarts[b]! + e * batch.innerStrides[1]!;
      for (let i = 0; i < rows; i++) {
        // Columns [keepFrom, keepTo) keep their value; the others become 0.
        const keepFrom = upper ? Math.min(Math.max(i + diagonal, 0), cols) : 0;
        const keepTo = upper ? cols : Math.min(Math.max(i + diagonal + 1, 0), cols);
        let s = srcMatrix + i * srcRow;
        let o = outMatrix + i * outRow;
        for (let j = 0; j < cols; j++, s += srcCol, o += outCol) to[o] = j >= keepFrom && j < keepTo ? from[s]! : 0;
      }
    }
  }
}

export const indexingKernels: IndexingKernels = { indexSelect, gather, triangle };
