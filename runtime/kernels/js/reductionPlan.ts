/**
 * How the JS reduction kernels walk their input: the whole input in row-major
 * order (coalesced by `forEachRow`), with extra operands that address a
 * per-output-element double accumulator (stride 0 along reduced dims) and, for
 * arg-reductions, the position within the reduced dims. One pass handles every
 * layout and every set of reduced dims, and visits each output's reduced elements
 * in row-major order, which is what makes "first index wins" hold.
 */
import type { StridedView } from "../../tensor/Tensor.js";
import { contiguousStrides, numelOf, type Shape } from "../../tensor/shape.js";
import { forEachRow, type Layout } from "./rows.js";

export interface ReductionPlan {
  /** The keepdim shape: the input's, with 1 at each reduced dim. */
  readonly keptShape: readonly number[];
  /** Addresses the contiguous accumulator of `keptShape` from input coordinates. */
  readonly acc: Layout;
  /** Row-major position within the reduced dims, from input coordinates. */
  readonly position: Layout;
  /** Elements reduced into each output element. */
  readonly reducedCount: number;
  readonly outCount: number;
}

export function planReduction(shape: Shape, dims: readonly number[]): ReductionPlan {
  const reduced = shape.map((_, d) => dims.includes(d));
  const keptShape = shape.map((size, d) => (reduced[d] ? 1 : size));
  const reducedShape = shape.map((size, d) => (reduced[d] ? size : 1));
  const keptStrides = contiguousStrides(keptShape);
  const reducedStrides = contiguousStrides(reducedShape);
  return {
    keptShape,
    acc: { offset: 0, strides: keptStrides.map((s, d) => (reduced[d] ? 0 : s)) },
    position: { offset: 0, strides: reducedStrides.map((s, d) => (reduced[d] ? s : 0)) },
    reducedCount: numelOf(reducedShape),
    outCount: numelOf(keptShape),
  };
}

/** Writes the contiguous `values` (of `plan.keptShape`) into `out`, which has that shape. */
export function storeReduced(values: Float64Array, plan: ReductionPlan, out: StridedView): void {
  const to = out.storage;
  const toBool = out.dtype === "bool";
  const source = { offset: 0, strides: contiguousStrides(plan.keptShape) };
  forEachRow(plan.keptShape, [source, out], (offsets, strides, n) => {
    let a = offsets[0]!;
    let o = offsets[1]!;
    const sa = strides[0]!;
    const so = strides[1]!;
    if (toBool) for (let k = 0; k < n; k++, a += sa, o += so) to[o] = values[a] !== 0 ? 1 : 0;
    else for (let k = 0; k < n; k++, a += sa, o += so) to[o] = values[a]!;
  });
}

/** Per output element of `plan`: the sum of the reduced elements. */
export function sumInto(input: StridedView, plan: ReductionPlan, acc: Float64Array): void {
  const x = input.storage;
  acc.fill(0);
  forEachRow(input.shape, [input, plan.acc], (offsets, strides, n) => {
    let i = offsets[0]!;
    let a = offsets[1]!;
    const si = strides[0]!;
    const sa = strides[1]!;
    if (sa === 0) {
      let total = acc[a]!;
      for (let k = 0; k < n; k++, i += si) total += x[i]!;
      acc[a] = total;
    } else {
      for (let k = 0; k < n; k++, i += si, a += sa) acc[a] += x[i]!;
    }
  });
}

export interface Moments {
  readonly mean: Float64Array;
  /** Σ(x - mean)², two-pass so that it stays accurate when the mean is large. */
  readonly m2: Float64Array;
}

export function moments(input: StridedView, plan: ReductionPlan): Moments {
  const x = input.storage;
  const mean = new Float64Array(plan.outCount);
  sumInto(input, plan, mean);
  for (let k = 0; k < mean.length; k++) mean[k] = mean[k]! / plan.reducedCount;
  const m2 = new Float64Array(plan.outCount);
  forEachRow(input.shape, [input, plan.acc], (offsets, strides, n) => {
    let i = offsets[0]!;
    let a = offsets[1]!;
    const si = strides[0]!;
    const sa = strides[1]!;
    if (sa === 0) {
      const m = mean[a]!;
      let total = m2[a]!;
      for (let k = 0; k < n; k++, i += si) {
        const d = x[i]! - m;
        total += d * d;
      }
      m2[a] = total;
    } else {
      for (let k = 0; k < n; k++, i += si, a += sa) {
        const d = x[i]! - mean[a]!;
        m2[a] += d * d;
      }
    }
  });
  return { mean, m2 };
}
