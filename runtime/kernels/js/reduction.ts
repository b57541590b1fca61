import type { ReduceOp, ReductionKernels } from "../reduction.js";
import { isContiguousLayout, numelOf } from "../../tensor/shape.js";
import type { StridedView } from "../../tensor/Tensor.js";
import { normalizationKernels } from "./normalization.js";
import { moments, planReduction, storeReduced, sumInto, type ReductionPlan } from "./reductionPlan.js";
import { forEachRow } from "./rows.js";

function reduce(op: ReduceOp, input: StridedView, dims: readonly number[], out: StridedView): void {
  if ((op === "sum" || op === "mean") && dims.length === input.shape.length && isContiguousLayout(input.shape, input.strides)) {
    storeWholeSum(op, input, out);
    return;
  }
  const plan = planReduction(input.shape, dims);
  const acc = new Float64Array(plan.outCount);
  if (op === "sum" || op === "mean") {
    sumInto(input, plan, acc);
    if (op === "mean") for (let k = 0; k < acc.length; k++) acc[k] = acc[k]! / plan.reducedCount;
  } else {
    foldInto(op, input, plan, acc);
  }
  storeReduced(acc, plan, out);
}

/**
 * sum or mean of a whole contiguous input into its one output element: the single row
 * the general path walks, in the same order and in double, without planning it (a
 * small model's `x.mean()` is mostly that planning).
 */
function storeWholeSum(op: "sum" | "mean", input: StridedView, out: StridedView): void {
  const x = input.storage;
  const n = numelOf(input.shape);
  let total = 0;
  for (let i = input.offset, end = input.offset + n; i < end; i++) total += x[i]!;
  const value = op === "mean" ? total / n : total;
  out.storage[out.offset] = out.dtype === "bool" ? Number(value !== 0) : value;
}

const IDENTITY: Record<Exclude<ReduceOp, "sum" | "mean">, number> = { prod: 1, amax: -Infinity, amin: Infinity, all: 1, any: 0 };

function foldInto(op: Exclude<ReduceOp, "sum" | "mean">, input: StridedView, plan: ReductionPlan, acc: Float64Array): void {
  const x = input.storage;
  acc.fill(IDENTITY[op]);
  forEachRow(input.shape, [input, plan.acc], (offsets, strides, n) => {
    let i = offsets[0]!;
    let a = offsets[1]!;
    const si = strides[0]!;
    const sa = strides[1]!;
    switch (op) {
      case "prod":
        for (let k = 0; k < n; k++, i += si, a += sa) acc[a] *= x[i]!;
        return;
      case "amax":
        for (let k = 0; k < n; k++, i += si, a += sa) {
          const v = x[i]!;
          if (v > acc[a]! || v !== v) acc[a] = v;
        }
        return;
      case "amin":
        for (let k = 0; k < n; k++, i += si, a += sa) {
          const v = x[i]!;
          if (v < acc[a]! || v !== v) acc[a] = v;
        }
        return;
      case "all":
        for (let k = 0; k < n; k++, i += si, a += sa) if (x[i] === 0) acc[a] = 0;
        return;
      case "any":
        for (let k = 0; k < n; k++, i += si, a += sa) if (x[i] !== 0) acc[a] = 1;
        return;
    }
  });
}

function argReduce(op: "max" | "min", input: StridedView, dims: readonly number[], values: StridedView | null, indices: StridedView): void {
  const plan = planReduction(input.shape, dims);
  const x = input.storage;
  const best = new Float64Array(plan.outCount).fill(op === "max" ? -Infinity : Infinity);
  const where = new Float64Array(plan.outCount);
  const sign = op === "max" ? 1 : -1;
  forEachRow(input.shape, [input, plan.acc, plan.position], (offsets, strides, n) => {
    let i = offsets[0]!;
    let a = offsets[1]!;
    let p = offsets[2]!;
    const si = strides[0]!;
    const sa = strides[1]!;
    const sp = strides[2]!;
    for (let k = 0; k < n; k++, i += si, a += sa, p += sp) {
      const v = x[i]!;
      const b = best[a]!;
      // Strictly better keeps the first of equal values; the first NaN beats everything after it.
      if (sign * v > sign * b || (v !== v && b === b)) {
        best[a] = v;
        where[a] = p;
      }
    }
  });
  if (values) storeReduced(best, plan, values);
  storeReduced(where, plan, indices);
}

function variance(input: StridedView, dims: readonly number[], correction: number, sqrt: boolean, out: StridedView): void {
  const plan = planReduction(input.shape, dims);
  const { m2 } = moments(input, plan);
  const divisor = Math.max(0, plan.reducedCount - correction);
  for (let k = 0; k < m2.length; k++) m2[k] = sqrt ? Math.sqrt(m2[k]! / divisor) : m2[k]! / divisor;
  storeReduced(m2, plan, out);
}

function logsumexp(input: StridedView, dims: readonly number[], out: StridedView): void {
  const plan = planReduction(input.shape, dims);
  const x = input.storage;
  const shift = new Float64Array(plan.outCount);
  foldInto("amax", input, plan, shift);
  // An infinite maximum would turn x - max into nan; PyTorch shifts by 0 there instead.
  for (let k = 0; k < shift.length; k++) if (!Number.isFinite(shift[k]!)) shift[k] = 0;
  const total = new Float64Array(plan.outCount);
  forEachRow(input.shape, [input, plan.acc], (offsets, strides, n) => {
    let i = offsets[0]!;
    let a = offsets[1]!;
    const si = strides[0]!;
    const sa = strides[1]!;
    for (let k = 0; k < n; k++, i += si, a += sa) total[a] += Math.exp(x[i]! - shift[a]!);
  });
  for (let k = 0; k < total.length; k++) total[k] = Math.log(total[k]!) + shift[k]!;
  storeReduced(total, plan, out);
}

/** The shape with `dim` collapsed to 1, so iterating it visits one element per lane along `dim`. */
export function lanesShape(shape: readonly number[], dim: number): number[] {
  return shape.map((size, d) => (d === dim ? 1 : size));
}

function cumsum(input: StridedView, dim: number, out: StridedView): void {
  const x = input.storage;
  const y = out.storage;
  // A rank-0 tensor is one lane of length 1.
  const length = input.shape[dim] ?? 1;
  const sx = input.strides[dim] ?? 0;
  const sy = out.strides[dim] ?? 0;
  forEachRow(lanesShape(input.shape, dim), [input, out], (offsets, strides, n) => {
    for (let k = 0; k < n; k++) {
      let i = offsets[0]! + k * strides[0]!;
      let o = offsets[1]! + k * strides[1]!;
      let total = 0;
      for (let j = 0; j < length; j++, i += sx, o += sy) {
        total += x[i]!;
        y[o] = total;
      }
    }
  });
}

function softmax(input: StridedView, dim: number, log: boolean, out: StridedView): void {
  const x = input.storage;
  const y = out.storage;
  const length = input.shape[dim] ?? 1;
  const sx = input.strides[dim] ?? 0;
  const sy = out.strides[dim] ?? 0;
  forEachRow(lanesShape(input.shape, dim), [input, out], (offsets, strides, n) => {
    for (let k = 0; k < n; k++) {
      const start = offsets[0]! + k * strides[0]!;
      const outStart = offsets[1]! + k * strides[1]!;
      let max = -Infinity;
      for (let j = 0, i = start; j < length; j++, i += sx) {
        const v = x[i]!;
        if (v > max || v !== v) max = v;
      }
      let total = 0;
      if (log) {
        for (let j = 0, i = start; j < length; j++, i += sx) total += Math.exp(x[i]! - max);
        const logTotal = Math.log(total);
        for (let j = 0, i = start, o = outStart; j < length; j++, i += sx, o += sy) y[o] = x[i]! - max - logTotal;
      } else {
        // Park the exponentials in the output, then scale: one exp per element.
        for (let j = 0, i = start, o = outStart; j < length; j++, i += sx, o += sy) {
          const e = Math.exp(x[i]! - max);
          y[o] = e;
          total += e;
        }
        const scale = 1 / total;
        for (let j = 0, o = outStart; j < length; j++, o += sy) y[o] = y[o]! * scale;
      }
    }
  });
}

export const reductionKernels: ReductionKernels = {
  reduce,
  argReduce,
  variance,
  logsumexp,
  cumsum,
  softmax,
  ...normalizationKernels,
};
