/**
 * One inner loop per binary op: `out[o] = f(a[i], b[j])` along a row of n elements,
 * each operand with its own start and step (step 0 for a broadcast operand).
 */
import type { TypedArray } from "../../tensor/dtype.js";
import type { BinaryKernelOp } from "../elementwise.js";
import { floorDivide, powC, remainder } from "./elementwiseMath.js";

export type BinaryRow = (
  a: TypedArray,
  i: number,
  as: number,
  b: TypedArray,
  j: number,
  bs: number,
  out: TypedArray,
  o: number,
  os: number,
  n: number,
  alpha: number,
) => void;

export const BINARY_ROWS: Record<BinaryKernelOp, BinaryRow> = {
  add: (a, i, as, b, j, bs, out, o, os, n, alpha) => {
    if (alpha === 1) for (let k = 0; k < n; k++, i += as, j += bs, o += os) out[o] = a[i]! + b[j]!;
    else for (let k = 0; k < n; k++, i += as, j += bs, o += os) out[o] = a[i]! + alpha * b[j]!;
  },
  sub: (a, i, as, b, j, bs, out, o, os, n, alpha) => {
    if (alpha === 1) for (let k = 0; k < n; k++, i += as, j += bs, o += os) out[o] = a[i]! - b[j]!;
    else for (let k = 0; k < n; k++, i += as, j += bs, o += os) out[o] = a[i]! - alpha * b[j]!;
  },
  mul: (a, i, as, b, j, bs, out, o, os, n) => {
    for (let k = 0; k < n; k++, i += as, j += bs, o += os) out[o] = a[i]! * b[j]!;
  },
  div: (a, i, as, b, j, bs, out, o, os, n) => {
    for (let k = 0; k < n; k++, i += as, j += bs, o += os) out[o] = a[i]! / b[j]!;
  },
  div_trunc: (a, i, as, b, j, bs, out, o, os, n) => {
    for (let k = 0; k < n; k++, i += as, j += bs, o += os) out[o] = Math.trunc(a[i]! / b[j]!);
  },
  div_floor: (a, i, as, b, j, bs, out, o, os, n) => {
    for (let k = 0; k < n; k++, i += as, j += bs, o += os) out[o] = floorDivide(a[i]!, b[j]!);
  },
  // Integer results are truncated by the store, so 2 ** -1 is 0 as in PyTorch's integer pow.
  pow: (a, i, as, b, j, bs, out, o, os, n) => {
    for (let k = 0; k < n; k++, i += as, j += bs, o += os) out[o] = powC(a[i]!, b[j]!);
  },
  maximum: (a, i, as, b, j, bs, out, o, os, n) => {
    for (let k = 0; k < n; k++, i += as, j += bs, o += os) out[o] = Math.max(a[i]!, b[j]!);
  },
  minimum: (a, i, as, b, j, bs, out, o, os, n) => {
    for (let k = 0; k < n; k++, i += as, j += bs, o += os) out[o] = Math.min(a[i]!, b[j]!);
  },
  remainder: (a, i, as, b, j, bs, out, o, os, n) => {
    for (let k = 0; k < n; k++, i += as, j += bs, o += os) out[o] = remainder(a[i]!, b[j]!);
  },
  eq: (a, i, as, b, j, bs, out, o, os, n) => {
    for (let k = 0; k < n; k++, i += as, j += bs, o += os) out[o] = a[i] === b[j] ? 1 : 0;
  },
  ne: (a, i, as, b, j, bs, out, o, os, n) => {
    for (let k = 0; k < n; k++, i += as, j += bs, o += os) out[o] = a[i] !== b[j] ? 1 : 0;
  },
  lt: (a, i, as, b, j, bs, out, o, os, n) => {
    for (let k = 0; k < n; k++, i += as, j += bs, o += os) out[o] = a[i]! < b[j]! ? 1 : 0;
  },
  le: (a, i, as, b, j, bs, out, o, os, n) => {
    for (let k = 0; k < n; k++, i += as, j += bs, o += os) out[o] = a[i]! <= b[j]! ? 1 : 0;
  },
  gt: (a, i, as, b, j, bs, out, o, os, n) => {
    for (let k = 0; k < n; k++, i += as, j += bs, o += os) out[o] = a[i]! > b[j]! ? 1 : 0;
  },
  ge: (a, i, as, b, j, bs, out, o, os, n) => {
    for (let k = 0; k < n; k++, i += as, j += bs, o += os) out[o] = a[i]! >= b[j]! ? 1 : 0;
  },
  logical_and: (a, i, as, b, j, bs, out, o, os, n) => {
    for (let k = 0; k < n; k++, i += as, j += bs, o += os) out[o] = a[i] !== 0 && b[j] !== 0 ? 1 : 0;
  },
  logical_or: (a, i, as, b, j, bs, out, o, os, n) => {
    for (let k = 0; k < n; k++, i += as, j += bs, o += os) out[o] = a[i] !== 0 || b[j] !== 0 ? 1 : 0;
  },
};

/** int32 products can exceed 2^53, where a double product loses the low bits that int32 wrap-around keeps. */
export const mulInt32Row: BinaryRow = (a, i, as, b, j, bs, out, o, os, n) => {
  for (let k = 0; k < n; k++, i += as, j += bs, o += os) out[o] = Math.imul(a[i]!, b[j]!);
};
