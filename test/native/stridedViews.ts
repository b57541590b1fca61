/**
 * Random strided views for the native elementwise and copy tests: shapes of rank 0-5
 * with size-1 dims, and operands of that shape laid out broadcast (stride 0), permuted,
 * stepped, flipped (negative strides) and at an offset, over storage holding special values.
 */
import fc from "fast-check";
import type { StridedView } from "../../runtime/tensor/Tensor.js";
import type { DType, TypedArray } from "../../runtime/tensor/dtype.js";

export const SPECIAL = [0, -0, 1, -1, 0.5, -0.5, 1.5, 2.5, Number.NaN, Infinity, -Infinity, 1e-30, -1e-30, 100, -100, 88.5, -88.5, 20, -20, 0.625, 1e30, -1e30];

/** How one operand lays out a given shape. */
export interface LayoutPlan {
  readonly broadcast: readonly boolean[];
  readonly order: readonly number[];  // memory order of the dims, outermost first
  readonly steps: readonly number[];
  readonly flips: readonly boolean[];
  readonly offset: number;
  readonly seed: number;
}

const outerDim = fc.oneof({ arbitrary: fc.constant(0), weight: 1 }, { arbitrary: fc.constant(1), weight: 4 }, { arbitrary: fc.integer({ min: 2, max: 6 }), weight: 8 });
const innerDim = fc.oneof({ arbitrary: fc.constant(1), weight: 1 }, { arbitrary: fc.integer({ min: 2, max: 40 }), weight: 4 });

/** Rank 0-5, size-1 dims and now and then a 0; the innermost dim up to 40 (vector bodies and tails). */
export const shapeArb: fc.Arbitrary<number[]> = fc
  .integer({ min: 0, max: 5 })
  .chain((rank) => fc.tuple(fc.array(outerDim, { minLength: rank, maxLength: rank }), innerDim).map(([dims, last]) => (rank === 0 ? [] : [...dims.slice(1), last])));

export function layoutArb(rank: number, allowBroadcast: boolean): fc.Arbitrary<LayoutPlan> {
  return fc.record({
    broadcast: fc.array(allowBroadcast ? fc.boolean() : fc.constant(false), { minLength: rank, maxLength: rank }),
    order: fc.shuffledSubarray([...Array(rank).keys()], { minLength: rank, maxLength: rank }),
    steps: fc.array(fc.oneof(fc.constant(1), fc.constant(1), fc.integer({ min: 2, max: 3 })), { minLength: rank, maxLength: rank }),
    flips: fc.array(fc.oneof(fc.constant(false), fc.constant(false), fc.constant(true)), { minLength: rank, maxLength: rank }),
    offset: fc.integer({ min: 0, max: 5 }),
    seed: fc.integer({ min: 1, max: 2 ** 30 }),
  });
}

/** Values: mostly uniform in [-6, 6), every seventh one from SPECIAL (unless `plain`). */
export function fillValues(to: TypedArray, seed: number, plain = false): void {
  let s = seed;
  for (let i = 0; i < to.length; i++) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    to[i] = !plain && i % 7 === 3 ? SPECIAL[(s >> 8) % SPECIAL.length]! : (s / 2 ** 31 - 0.5) * 12;
  }
}

export function stridedView(shape: readonly number[], plan: LayoutPlan, dtype: DType = "float32", plain = false): StridedView {
  const rank = shape.length;
  const strides = new Array<number>(rank).fill(0);
  let size = 1;
  for (let j = rank - 1; j >= 0; j--) {
    const d = plan.order[j]!;
    if (plan.broadcast[d] || shape[d]! <= 1) continue;
    strides[d] = size * plan.steps[d]!;
    size *= (shape[d]! - 1) * plan.steps[d]! + 1;
  }
  let offset = plan.offset;
  for (let d = 0; d < rank; d++) {
    if (plan.flips[d] && strides[d]! > 0) {
      offset += (shape[d]! - 1) * strides[d]!;
      strides[d] = -strides[d]!;
    }
  }
  const length = shape.includes(0) ? plan.offset : size + plan.offset + 2;
  const storage = dtype === "float32" ? new Float32Array(length) : dtype === "int32" ? new Int32Array(length) : new Uint8Array(length);
  if (dtype === "bool") {
    const values = new Float32Array(length);
    fillValues(values, plan.seed, true);
    values.forEach((v, i) => (storage[i] = v > 0 ? 1 : 0));
  } else {
    fillValues(storage, plan.seed, plain || dtype === "int32");
  }
  return { storage, shape, strides, offset, dtype };
}

/** A fresh dense view of `shape`, at an offset in a slightly larger buffer. */
export function denseOut(shape: readonly number[], dtype: DType = "float32"): StridedView {
  const n = shape.reduce((p, d) => p * d, 1);
  const strides = new Array<number>(shape.length);
  for (let d = shape.length - 1, s = 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d]!;
  }
  const storage = dtype === "int32" ? new Int32Array(n + 3) : dtype === "bool" ? new Uint8Array(n + 3) : new Float32Array(n + 3);
  storage.fill(77);
  return { storage, shape, strides, offset: 2, dtype };
}

/** The elements of a view in row-major order. */
export function elementsOf(v: StridedView): number[] {
  const out: number[] = [];
  const rank = v.shape.length;
  if (v.shape.includes(0)) return out;
  const idx = new Array<number>(rank).fill(0);
  for (;;) {
    let o = v.offset;
    for (let d = 0; d < rank; d++) o += idx[d]! * v.strides[d]!;
    out.push(v.storage[o]!);
    let d = rank - 1;
    for (; d >= 0; d--) {
      if (++idx[d]! < v.shape[d]!) break;
      idx[d] = 0;
    }
    if (d < 0) return out;
  }
}

export function close(got: number, want: number, rtol: number, atol: number): boolean {
  if (Number.isNaN(want)) return Number.isNaN(got);
  if (!Number.isFinite(want)) return got === want;
  return Math.abs(got - want) <= atol + rtol * Math.abs(want);
}
