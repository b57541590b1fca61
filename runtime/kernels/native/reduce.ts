/**
 * Reductions over any dims of a strided float32 input (sum, mean, prod, amax, amin,
 * argmax/argmin, var/std, logsumexp), softmax over a dim other than the last,
 * cumsum, batch_norm and group_norm over contiguous float32. Everything else runs the
 * JS kernel, per call: other dtypes, empty inputs, all/any.
 */
import type { Backend } from "../Backend.js";
import type { ReduceOp } from "../reduction.js";
import { jsBackend } from "../js/index.js";
import { blendInto, readVector } from "../js/normalization.js";
import type { StridedView } from "../../tensor/Tensor.js";
import { numelOf } from "../../tensor/shape.js";
import { isDenseF32, NATIVE_ELEMENTWISE_MIN, safeAlias } from "./views.js";

export interface ReduceBinding {
  /**
   * op: 0 sum, 1 mean, 2 prod, 3 amax, 4 amin, 5 logsumexp, 6 var, 7 std (divisor
   * max(0, N - correction)). The input is x at xOffset seen as kept dims and reduced
   * dims (sizes >= 1, any strides); out gets one float per kept position (outStrides).
   */
  reduce(
    op: number, correction: number, x: Float32Array, xOffset: number, keptShape: number[], keptStrides: number[],
    reducedShape: number[], reducedStrides: number[], out: Float32Array, outOffset: number, outStrides: number[],
  ): void;
  /** The same layout; mean and Σ(x - mean)² per kept position, row-major, into arrays of the kept count. */
  moments(x: Float32Array, xOffset: number, keptShape: number[], keptStrides: number[], reducedShape: number[], reducedStrides: number[], mean: Float64Array, m2: Float64Array): void;
  /** isMin 0/1; the row-major position over the reduced dims of the first max (min), a NaN winning. */
  argReduce(
    isMin: number, x: Float32Array, xOffset: number, keptShape: number[], keptStrides: number[], reducedShape: number[], reducedStrides: number[],
    values: Float32Array | null, valuesOffset: number, valuesStrides: number[], indices: Float64Array, indicesOffset: number, indicesStrides: number[],
  ): void;
  /** Softmax (log 1: log_softmax) along the middle dim of contiguous [outer, length, inner] floats. */
  softmaxColumns(x: Float32Array, xOffset: number, out: Float32Array, outOffset: number, outer: number, length: number, inner: number, log: number): void;
  /** Running sums (in double) along the middle dim of contiguous [outer, length, inner] floats. */
  cumsum(x: Float32Array, xOffset: number, out: Float32Array, outOffset: number, outer: number, length: number, inner: number): void;
  /** out = (x - mean[p]) * scale[p] + shift[p] over contiguous planes of planeSize floats, p = plane % mean.length. */
  normalizePlanes(x: Float32Array, xOffset: number, out: Float32Array, outOffset: number, planes: number, planeSize: number, mean: Float64Array, scale: Float64Array, shift: Float64Array): void;
}

/** The native layout of a reduction: kept and reduced dims, size-1 dims dropped, neighbours merged where strides allow. */
interface ReduceLayout {
  keptShape: number[];
  keptStrides: number[];
  /** One list per output view, strides along the kept dims. */
  outStrides: number[][];
  reducedShape: number[];
  reducedStrides: number[];
}

const MAX_NATIVE_RANK = 16;

function reduceLayout(input: StridedView, dims: readonly number[], outs: readonly StridedView[]): ReduceLayout {
  const layout: ReduceLayout = { keptShape: [], keptStrides: [], outStrides: outs.map(() => []), reducedShape: [], reducedStrides: [] };
  input.shape.forEach((size, d) => {
    if (size === 1) return;
    const stride = input.strides[d]!;
    if (dims.includes(d)) {
      const last = layout.reducedShape.length - 1;
      if (last >= 0 && layout.reducedStrides[last] === stride * size) {
        layout.reducedShape[last]! *= size;
        layout.reducedStrides[last] = stride;
      } else {
        layout.reducedShape.push(size);
        layout.reducedStrides.push(stride);
      }
      return;
    }
    const last = layout.keptShape.length - 1;
    const merges = last >= 0 && layout.keptStrides[last] === stride * size && outs.every((o, k) => layout.outStrides[k]![last] === o.strides[d]! * size);
    if (merges) {
      layout.keptShape[last]! *= size;
      layout.keptStrides[last] = stride;
      outs.forEach((o, k) => (layout.outStrides[k]![last] = o.strides[d]!));
    } else {
      layout.keptShape.push(size);
      layout.keptStrides.push(stride);
      outs.forEach((o, k) => layout.outStrides[k]!.push(o.strides[d]!));
    }
  });
  return layout;
}

/** A float32 input worth a native call: non-empty, not tiny, of a rank the addon takes. */
function nativeInput(input: StridedView): input is StridedView & { storage: Float32Array } {
  const n = numelOf(input.shape);
  return input.storage instanceof Float32Array && n >= NATIVE_ELEMENTWISE_MIN && input.shape.length <= MAX_NATIVE_RANK;
}

const isF32 = (v: StridedView): v is StridedView & { storage: Float32Array } => v.storage instanceof Float32Array;

const REDUCE_CODES: Partial<Record<ReduceOp, number>> = { sum: 0, mean: 1, prod: 2, amax: 3, amin: 4 };
const LOGSUMEXP = 5;
const VAR = 6;
const STD = 7;

export function nativeReduceKernels(
  binding: ReduceBinding,
  base: Pick<Backend, "softmax">,
): Pick<Backend, "reduce" | "argReduce" | "variance" | "logsumexp" | "cumsum" | "softmax" | "batchNorm" | "groupNorm"> {
  /** Runs `op` natively when input and out qualify; false when the JS kernel must. */
  function tryReduce(op: number, correction: number, input: StridedView, dims: readonly number[], out: StridedView): boolean {
    if (!nativeInput(input) || !isF32(out)) return false;
    const l = reduceLayout(input, dims, [out]);
    binding.reduce(op, correction, input.storage, input.offset, l.keptShape, l.keptStrides, l.reducedShape, l.reducedStrides, out.storage, out.offset, l.outStrides[0]!);
    return true;
  }

  function moments(input: StridedView & { storage: Float32Array }, dims: readonly number[]): { mean: Float64Array; m2: Float64Array; count: number } {
    const l = reduceLayout(input, dims, []);
    const kept = numelOf(l.keptShape);
    const mean = new Float64Array(kept);
    const m2 = new Float64Array(kept);
    binding.moments(input.storage, input.offset, l.keptShape, l.keptStrides, l.reducedShape, l.reducedStrides, mean, m2);
    return { mean, m2, count: numelOf(l.reducedShape) };
  }

  /** Contiguous float32 input and out that the plane kernels can take: out is input or apart from it. */
  const planesOk = (input: StridedView, out: StridedView): boolean =>
    input.shape.length >= 2 && nativeInput(input) && isDenseF32(input) && isDenseF32(out) && safeAlias(input, out);

  return {
    reduce(op, input, dims, out) {
      const code = REDUCE_CODES[op];
      if (code === undefined || !tryReduce(code, 0, input, dims, out)) jsBackend.reduce(op, input, dims, out);
    },
    argReduce(op, input, dims, values, indices) {
      if (nativeInput(input) && (values === null || isF32(values)) && indices.storage instanceof Float64Array) {
        const l = reduceLayout(input, dims, values ? [indices, values] : [indices]);
        binding.argReduce(
          op === "min" ? 1 : 0, input.storage, input.offset, l.keptShape, l.keptStrides, l.reducedShape, l.reducedStrides,
          values ? (values.storage as Float32Array) : null, values?.offset ?? 0, l.outStrides[1] ?? [], indices.storage, indices.offset, l.outStrides[0]!,
        );
        return;
      }
      jsBackend.argReduce(op, input, dims, values, indices);
    },
    variance(input, dims, correction, sqrt, out) {
      if (!tryReduce(sqrt ? STD : VAR, correction, input, dims, out)) jsBackend.variance(input, dims, correction, sqrt, out);
    },
    logsumexp(input, dims, out) {
      if (!tryReduce(LOGSUMEXP, 0, input, dims, out)) jsBackend.logsumexp(input, dims, out);
    },
    cumsum(input, dim, out) {
      if (input.shape.length > 0 && nativeInput(input) && isDenseF32(input) && isDenseF32(out) && safeAlias(input, out)) {
        const outer = numelOf(input.shape.slice(0, dim));
        binding.cumsum(input.storage, input.offset, out.storage, out.offset, outer, input.shape[dim]!, numelOf(input.shape.slice(dim + 1)));
        return;
      }
      jsBackend.cumsum(input, dim, out);
    },
    softmax(input, dim, log, out) {
      const rank = input.shape.length;
      if (dim < rank - 1 && nativeInput(input) && isDenseF32(input) && isDenseF32(out) && safeAlias(input, out)) {
        const outer = numelOf(input.shape.slice(0, dim));
        const inner = numelOf(input.shape.slice(dim + 1));
        binding.softmaxColumns(input.storage, input.offset, out.storage, out.offset, outer, input.shape[dim]!, inner, log ? 1 : 0);
        return;
      }
      base.softmax(input, dim, log, out);
    },
    batchNorm(input, runningMean, runningVar, weight, bias, training, momentum, eps, out) {
      if (!planesOk(input, out) || (!training && !(runningMean && runningVar))) {
        jsBackend.batchNorm(input, runningMean, runningVar, weight, bias, training, momentum, eps, out);
        return;
      }
      const x = input as StridedView & { storage: Float32Array };
      const channels = x.shape[1]!;
      let mean: Float64Array;
      let rstd: Float64Array;
      if (training) {
        const stats = moments(x, x.shape.map((_, d) => d).filter((d) => d !== 1));
        mean = stats.mean;
        rstd = stats.m2.map((v) => 1 / Math.sqrt(v / stats.count + eps));
        if (runningMean) blendInto(runningMean, mean, 1, momentum);
        if (runningVar) blendInto(runningVar, stats.m2, 1 / (stats.count - 1), momentum);
      } else {
        mean = readVector(runningMean!, channels);
        rstd = readVector(runningVar!, channels).map((v) => 1 / Math.sqrt(v + eps));
      }
      const w = weight ? readVector(weight, channels) : null;
      const scale = w ? rstd.map((r, c) => r * w[c]!) : rstd;
      const shift = bias ? readVector(bias, channels) : new Float64Array(channels);
      const planes = x.shape[0]! * channels;
      binding.normalizePlanes(x.storage, x.offset, (out as StridedView & { storage: Float32Array }).storage, out.offset, planes, numelOf(x.shape) / planes, mean, scale, shift);
    },
    groupNorm(input, numGroups, weight, bias, eps, out) {
      if (!planesOk(input, out) || input.shape[1]! % numGroups !== 0) {
        jsBackend.groupNorm(input, numGroups, weight, bias, eps, out);
        return;
      }
      const x = input as StridedView & { storage: Float32Array };
      const [batch, channels] = x.shape as [number, number];
      const perGroup = channels / numGroups;
      const planeSize = numelOf(x.shape) / (batch * channels);
      const groupSize = perGroup * planeSize;
      const groups = batch * numGroups;
      const mean = new Float64Array(groups);
      const m2 = new Float64Array(groups);
      binding.moments(x.storage, x.offset, [groups], [groupSize], [groupSize], [1], mean, m2);
      const w = weight ? readVector(weight, channels) : null;
      const b = bias ? readVector(bias, channels) : null;
      const planeMean = new Float64Array(batch * channels);
      const scale = new Float64Array(batch * channels);
      const shift = new Float64Array(batch * channels);
      for (let p = 0; p < batch * channels; p++) {
        const c = p % channels;
        const g = ((p - c) / channels) * numGroups + Math.floor(c / perGroup);
        planeMean[p] = mean[g]!;
        scale[p] = (1 / Math.sqrt(m2[g]! / groupSize + eps)) * (w ? w[c]! : 1);
        shift[p] = b ? b[c]! : 0;
      }
      binding.normalizePlanes(x.storage, x.offset, (out as StridedView & { storage: Float32Array }).storage, out.offset, batch * channels, planeSize, planeMean, scale, shift);
    },
  };
}
