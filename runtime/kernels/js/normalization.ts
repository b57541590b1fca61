import type { ReductionKernels } from "../reduction.js";
import type { StridedView } from "../../tensor/Tensor.js";
import type { TypedArray } from "../../tensor/dtype.js";
import { moments, planReduction } from "./reductionPlan.js";
import { forEachRow } from "./rows.js";

/** A per-element parameter read from input coordinates (broadcast strides). */
interface Param {
  readonly storage: TypedArray | Float64Array;
  readonly offset: number;
  readonly strides: readonly number[];
}

function constantParam(value: number, rank: number): Param {
  return { storage: Float64Array.of(value), offset: 0, strides: new Array<number>(rank).fill(0) };
}

/** `view`'s elements laid along the input dims named by `dims` (one per view dim), stride 0 elsewhere. */
function paramAlong(view: StridedView | null, fallback: number, rank: number, dims: readonly number[], strides?: readonly number[]): Param {
  if (!view) return constantParam(fallback, rank);
  const viewStrides = strides ?? view.strides;
  const out = new Array<number>(rank).fill(0);
  dims.forEach((d, k) => (out[d] = viewStrides[k]!));
  return { storage: view.storage, offset: view.offset, strides: out };
}

/** out = (x - mean) * rstd * weight + bias, with mean/rstd indexed through `statsStrides`. */
function normalizeAffine(
  input: StridedView,
  out: StridedView,
  statsStrides: readonly number[],
  mean: Float64Array,
  rstd: Float64Array,
  weight: Param,
  bias: Param,
): void {
  const x = input.storage;
  const y = out.storage;
  const w = weight.storage;
  const b = bias.storage;
  const stats = { offset: 0, strides: statsStrides };
  forEachRow(input.shape, [input, out, stats, weight, bias], (offsets, strides, n) => {
    let i = offsets[0]!;
    let o = offsets[1]!;
    let a = offsets[2]!;
    let wi = offsets[3]!;
    let bi = offsets[4]!;
    const [si, so, sa, sw, sb] = strides as [number, number, number, number, number];
    for (let k = 0; k < n; k++, i += si, o += so, a += sa, wi += sw, bi += sb) {
      y[o] = (x[i]! - mean[a]!) * rstd[a]! * w[wi]! + b[bi]!;
    }
  });
}

function range(start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, k) => start + k);
}

function layerNorm(input: StridedView, normalizedRank: number, weight: StridedView | null, bias: StridedView | null, eps: number, out: StridedView): void {
  const rank = input.shape.length;
  const trailing = range(rank - normalizedRank, rank);
  const plan = planReduction(input.shape, trailing);
  const { mean, m2 } = moments(input, plan);
  const rstd = m2.map((v) => 1 / Math.sqrt(v / plan.reducedCount + eps));
  normalizeAffine(input, out, plan.acc.strides, mean, rstd, paramAlong(weight, 1, rank, trailing), paramAlong(bias, 0, rank, trailing));
}

function batchNorm(
  input: StridedView,
  runningMean: StridedView | null,
  runningVar: StridedView | null,
  weight: StridedView | null,
  bias: StridedView | null,
  training: boolean,
  momentum: number,
  eps: number,
  out: StridedView,
): void {
  const rank = input.shape.length;
  const channels = input.shape[1]!;
  const plan = planReduction(
    input.shape,
    range(0, rank).filter((d) => d !== 1),
  );
  let mean: Float64Array;
  let rstd: Float64Array;
  if (training) {
    const batch = moments(input, plan);
    const n = plan.reducedCount;
    mean = batch.mean;
    rstd = batch.m2.map((v) => 1 / Math.sqrt(v / n + eps));
    if (runningMean) blendInto(runningMean, mean, 1, momentum);
    if (runningVar) blendInto(runningVar, batch.m2, 1 / (n - 1), momentum);
  } else {
    mean = readVector(runningMean!, channels);
    rstd = readVector(runningVar!, channels).map((v) => 1 / Math.sqrt(v + eps));
  }
  normalizeAffine(input, out, plan.acc.strides, mean, rstd, paramAlong(weight, 1, rank, [1]), paramAlong(bias, 0, rank, [1]));
}

export function readVector(view: StridedView, length: number): Float64Array {
  const out = new Float64Array(length);
  for (let c = 0; c < length; c++) out[c] = view.storage[view.offset + c * view.strides[0]!]!;
  return out;
}

/** running = (1 - momentum) * running + momentum * batch * scale, in place. */
export function blendInto(running: StridedView, batch: Float64Array, scale: number, momentum: number): void {
  const r = running.storage;
  for (let c = 0; c < batch.length; c++) {
    const o = running.offset + c * running.strides[0]!;
    r[o] = (1 - momentum) * r[o]! + momentum * batch[c]! * scale;
  }
}

function groupNorm(input: StridedView, numGroups: number, weight: StridedView | null, bias: StridedView | null, eps: number, out: StridedView): void {
  const perGroup = input.shape[1]! / numGroups;
  // Splitting dim 1 into (group, channel-in-group) is a valid strided view whatever the layout.
  const split = (view: StridedView): StridedView => ({
    storage: view.storage,
    offset: view.offset,
    dtype: view.dtype,
    shape: [view.shape[0]!, numGroups, perGroup, ...view.shape.slice(2)],
    strides: [view.strides[0]!, view.strides[1]! * perGroup, view.strides[1]!, ...view.strides.slice(2)],
  });
  const x = split(input);
  const rank = x.shape.length;
  const plan = planReduction(x.shape, range(2, rank));
  const { mean, m2 } = moments(x, plan);
  const rstd = m2.map((v) => 1 / Math.sqrt(v / plan.reducedCount + eps));
  const groupAndChannel = (view: StridedView | null) => view && [view.strides[0]! * perGroup, view.strides[0]!];
  normalizeAffine(
    x,
    split(out),
    plan.acc.strides,
    mean,
    rstd,
    paramAlong(weight, 1, rank, [1, 2], groupAndChannel(weight) ?? undefined),
    paramAlong(bias, 0, rank, [1, 2], groupAndChannel(bias) ?? undefined),
  );
}

export const normalizationKernels: Pick<ReductionKernels, "layerNorm" | "batchNorm" | "groupNorm"> = { layerNorm, batchNorm, groupNorm };
