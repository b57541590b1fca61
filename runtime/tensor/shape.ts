/** Shape arithmetic shared by tensors, ops and kernels. */
import { fail, formatShape } from "../errors.js";

export type Shape = readonly number[];

export function numelOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= shape[i]!;
  }
  return strides;
}

export function isContiguousLayout(shape: Shape, strides: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const size = shape[i]!;
    if (size === 1) continue;
    if (strides[i] !== expected) return false;
    expected *= size;
  }
  return true;
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Wraps a possibly negative `dim` into [0, rank), as PyTorch's maybe_wrap_dim does. */
export function normalizeDim(op: string, dim: number, rank: number, argName = "dim"): number {
  const scalarRank = Math.max(rank, 1);
  if (!Number.isInteger(dim) || dim < -scalarRank || dim >= scalarRank) {
    fail(
      "INDEX_OUT_OF_RANGE",
      `${op}(): ${argName} ${dim} is out of range for a tensor of rank ${rank} (expected an integer in [${-scalarRank}, ${scalarRank - 1}])`,
    );
  }
  return dim < 0 ? dim + scalarRank : dim;
}

/** NumPy/PyTorch broadcasting: align trailing dims; each pair must be equal or contain a 1. */
export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  if (shapes.length === 2 && sameShape(shapes[0]!, shapes[1]!)) return [...shapes[0]!];
  let rank = 0;
  for (const shape of shapes) rank = Math.max(rank, shape.length);
  const out = new Array<number>(rank).fill(1);
  for (const shape of shapes) {
    for (let i = 0; i < shape.length; i++) {
      const o = rank - shape.length + i;
      const d = shape[i]!;
      if (d === out[o] || d === 1) continue;
      if (out[o] === 1) out[o] = d;
      else
        fail(
          "SHAPE_MISMATCH",
          `${op}(): shapes ${shapes.map(formatShape).join(" and ")} cannot be broadcast together (dimension ${o} is ${out[o]} in one and ${d} in another)`,
        );
    }
  }
  return out;
}

/** Strides that read a tensor of `shape`/`strides` as if it had `target` shape (0 for broadcast dims). */
export function broadcastStrides(shape: Shape, strides: readonly number[], target: Shape): number[] {
  const out = new Array<number>(target.length).fill(0);
  const lead = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) out[lead + i] = shape[i] === 1 ? 0 : strides[i]!;
  return out;
}

export function checkShape(op: string, shape: readonly unknown[], argName = "size"): number[] {
  for (const d of shape) {
    if (typeof d !== "number" || !Number.isInteger(d) || d < 0) {
      fail("INVALID_ARGUMENT", `${op}(): ${argName} must be a list of non-negative integers, got ${JSON.stringify(shape)}`);
    }
  }
  return shape as number[];
}
