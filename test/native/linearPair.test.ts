/**
 * The native one-row linear pair (Note [Linear pairs by hidden blocks] in
 * runtime/native/linear-pair.cc) against the JS reference, for every ISA this CPU
 * supports, on 1 and 2 threads: generated in, hidden and out widths (0 included, odd, past
 * a block of 64 hidden units and past the size at which the blocks split over the pool),
 * biases or none, every activation and none, weights off a 64-byte boundary. Within
 * 1.2e-4 of the sum of the absolute terms (plus the activations' own rounding); NaN around every output, so a write out of
 * bounds shows; the same floats on every call (the passes alternate direction) and on
 * 1 and 2 threads; NaN and infinities as the reference has them; a pair too large for
 * one pass left to two products; and the binding's refusals of bad arguments, which
 * leave the outputs untouched.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it, vi } from "vitest";
import { markConstantWeight } from "../../runtime/kernels/constantWeights.js";
import { linalgKernels } from "../../runtime/kernels/js/linalg.js";
import { EPILOGUE_ACTIVATIONS, type EpilogueActivation, type LinearLayer } from "../../runtime/kernels/linalg.js";
import type { StridedView } from "../../runtime/tensor/Tensor.js";
import { isas, native, suiteName } from "./nativeAvailability.js";
import { randomFrom } from "./randomArray.js";

interface PairCase {
  readonly K: number;
  readonly H: number;
  readonly N: number;
  readonly bias1: boolean;
  readonly bias2: boolean;
  readonly act1: EpilogueActivation | null;
  readonly act2: EpilogueActivation | null;
  /** Where each weight starts in its storage: its alignment. */
  readonly weightOffset: number;
  readonly seed: number;
  /** Values written into x or the weights after they are filled. */
  readonly specials?: (x: Float32Array, w1: Float32Array, w2: Float32Array) => void;
}

/** A contiguous rows x cols view at `offset` of a storage with NaN around it. */
function view(rows: number, cols: number, offset: number, fill: () => number): StridedView {
  const storage = new Float32Array(offset + rows * cols + 3).fill(Number.NaN);
  for (let i = 0; i < rows * cols; i++) storage[offset + i] = fill();
  return { storage, shape: [rows, cols], strides: [cols, 1], offset, dtype: "float32" };
}

const vector = (v: StridedView): StridedView => ({ ...v, shape: [v.shape[1]!], strides: [1] });

interface Operands {
  readonly x: StridedView;
  readonly first: LinearLayer;
  readonly second: LinearLayer;
}

function operands(c: PairCase): Operands {
  const random = randomFrom(c.seed);
  const x = view(1, c.K, 1, random);
  const w1 = view(c.H, c.K, c.weightOffset, random);
  const w2 = view(c.N, c.H, c.weightOffset, random);
  c.specials?.(x.storage as Float32Array, w1.storage as Float32Array, w2.storage as Float32Array);
  markConstantWeight(w1.storage);
  markConstantWeight(w2.storage);
  const b1 = c.bias1 ? vector(view(1, c.H, 0, random)) : null;
  const b2 = c.bias2 ? vector(view(1, c.N, 0, random)) : null;
  return { x, first: { weight: w1, bias: b1, activation: c.act1 }, second: { weight: w2, bias: b2, activation: c.act2 } };
}

/** hidden and out after one native pass, in NaN-filled storages. */
function runNative({ x, first, second }: Operands): [Float32Array, Float32Array] {
  const hidden = view(1, first.weight.shape[0]!, 1, () => Number.NaN);
  const out = view(1, second.weight.shape[0]!, 1, () => Number.NaN);
  native!.backend.linearPair(x, first, second, hidden, out);
  return [hidden.storage as Float32Array, out.storage as Float32Array];
}

function runJs({ x, first, second }: Operands): [Float32Array, Float32Array] {
  const hidden = view(1, first.weight.shape[0]!, 1, () => Number.NaN);
  const out = view(1, second.weight.shape[0]!, 1, () => Number.NaN);
  linalgKernels.linearPair(x, first, second, hidden, out);
  return [hidden.storage as Float32Array, out.storage as Float32Array];
}

const at = (v: StridedView, r: number, c = 0): number => (v.storage as Float32Array)[v.offset + r * v.strides[0]! + c * (v.strides[1] ?? 0)]!;

/**
 * Bounds on each output's rounding, from the reference's outputs: 1e-4 of the sum of
 * its absolute terms (the terms of out read the hidden values give or take their bound;
 * an activation changes a value by at most 1.2 times its change), plus 2e-6 of its
 * magnitude for the activation's own rounding (vector tanh against Math.tanh).
 */
function bounds({ x, first, second }: Operands, [hidden, out]: [Float32Array, Float32Array]): [Float64Array, Float64Array] {
  const [H, K] = first.weight.shape as [number, number];
  const N = second.weight.shape[0]!;
  const hiddenBound = new Float64Array(H);
  for (let i = 0; i < H; i++) {
    let sum = first.bias ? Math.abs(at(first.bias, i)) : 0;
    for (let k = 0; k < K; k++) sum += Math.abs(at(first.weight, i, k) * at(x, 0, k));
    hiddenBound[i] = 1.2e-4 * sum + 2e-6 * Math.abs(hidden[1 + i]!) + 1e-30;
  }
  const outBound = new Float64Array(N);
  for (let j = 0; j < N; j++) {
    let sum = second.bias ? Math.abs(at(second.bias, j)) : 0;
    for (let i = 0; i < H; i++) sum += Math.abs(at(second.weight, j, i)) * (Math.abs(hidden[1 + i]!) + 1.2 * hiddenBound[i]!);
    outBound[j] = 1.2e-4 * sum + 2e-6 * Math.abs(out[1 + j]!) + 1e-30;
  }
  return [hiddenBound, outBound];
}

function expectEqual(got: Float32Array, want: Float32Array, label: string): void {
  const at = got.findIndex((v, i) => !Object.is(v, want[i]));
  expect(at, `${label}: at ${at}, ${got[at]} against ${want[at]}`).toBe(-1);
}

/** The native pass against the JS reference; returns its outputs. */
function check(c: PairCase): [Float32Array, Float32Array] {
  const ops = operands(c);
  const got = runNative(ops);
  const want = runJs(ops);
  const bound = bounds(ops, want);
  const label = `${c.K} -> ${c.H} -> ${c.N} (${c.act1 ?? "none"}, ${c.act2 ?? "none"}${c.bias1 ? ", bias1" : ""}${c.bias2 ? ", bias2" : ""}, weights at ${c.weightOffset})`;
  for (const k of [0, 1] as const) {
    got[k].forEach((v, i) => {
      // Index 0 and the last three are the NaN around the output (view's offset 1).
      const w = want[k][i]!;
      const inside = i >= 1 && i < got[k].length - 3;
      if (!(Object.is(v, w) || (inside && Math.abs(v - w) <= bound[k][i - 1]!))) throw new Error(`${label}: ${k ? "out" : "hidden"}[${i - 1}] native ${v}, js ${w}`);
    });
  }
  const again = runNative(ops);
  expectEqual(again[1], got[1], `${label}: the next call`);
  return got;
}

const activation = fc.constantFrom(null, ...EPILOGUE_ACTIVATIONS);
const width = fc.oneof(fc.integer({ min: 0, max: 70 }), fc.constantFrom(1, 15, 16, 17, 63, 64, 65, 127, 129, 200));
const pairCase: fc.Arbitrary<PairCase> = fc.record({
  K: width,
  H: width,
  N: width,
  bias1: fc.boolean(),
  bias2: fc.boolean(),
  act1: activation,
  act2: activation,
  weightOffset: fc.constantFrom(0, 1, 4, 16),
  seed: fc.integer(),
});

describe.skipIf(!native)(suiteName("the native one-row linear pair equals the JS reference"), () => {
  afterAll(() => {
    native?.binding.setIsa(isas[0]!);
    native?.binding.setNumThreads(native.binding.info().poolThreads);
  });

  for (const isa of isas.length > 0 ? isas : ["(no ISA: addon not built)"]) {
    for (const threads of [1, 2]) {
      it(`${isa}, ${threads} thread(s): generated widths, biases, activations and weight alignments, the same floats on the next call`, () => {
        native!.binding.setIsa(isa);
        native!.binding.setNumThreads(threads);
        const calls = vi.spyOn(native!.binding, "linearPairRow");
        try {
          fc.assert(fc.property(pairCase, (c) => void check(c)), { numRuns: 60 });
          // mlp's first two layers; blocks split over the pool; one hidden unit past a block; a long narrow first layer.
          for (const [K, H, N] of [[784, 512, 512], [300, 257, 100], [65, 65, 3], [2000, 40, 1]] as const) {
            check({ K, H, N, bias1: true, bias2: true, act1: "relu", act2: null, weightOffset: 1, seed: K + H + N });
          }
          expect(calls.mock.calls.length, "every pair ran in the addon").toBeGreaterThan(60);
        } finally {
          calls.mockRestore();
        }
      });
    }
  }

  it("gives the same floats on 1 and 2 threads (the partial sums are added in one order)", () => {
    const c: PairCase = { K: 300, H: 500, N: 300, bias1: true, bias2: true, act1: "tanh", act2: "relu", weightOffset: 0, seed: 5 };
    native!.binding.setNumThreads(1);
    const one = check(c);
    native!.binding.setNumThreads(2);
    const two = check(c);
    expectEqual(two[0], one[0], "hidden");
    expectEqual(two[1], one[1], "out");
  });

  it("NaN and infinities in x or the weights come out where the reference has them", () => {
    const specials: PairCase["specials"][] = [
      (x) => void (x[5] = Number.NaN),
      (_x, w1) => void (w1[7] = Number.POSITIVE_INFINITY),
      (_x, _w1, w2) => void ((w2[3] = Number.NEGATIVE_INFINITY), (w2[40] = Number.NaN)),
    ];
    for (const s of specials) check({ K: 100, H: 130, N: 90, bias1: true, bias2: false, act1: null, act2: "sigmoid", weightOffset: 1, seed: 3, specials: s });
  });

  it("leaves a pair too large for one pass to two products: the addon declines it, the backend runs the products", () => {
    // One block of hidden units whose partial sums take more than 256 Ki floats: declined, nothing written.
    const n = 256 * 1024 + 1;
    const y = new Float32Array(n).fill(7);
    const h = new Float32Array(1).fill(7);
    const numbers = new Float64Array([2, 1, n, 0, 0, 2, 0, n, 0, 0, 0, 0, -1, -1]);
    expect(native!.binding.linearPairRow(new Float32Array(2), new Float32Array(2), new Float32Array(n), null, null, h, y, numbers)).toBe(false);
    expect(h[0]).toBe(7);
    expect(y.every((v) => v === 7)).toBe(true);
    // A second weight past 2 Mi floats is not copied transposed: the two products run, and equal the reference.
    const calls = vi.spyOn(native!.binding, "linearPairRow");
    try {
      check({ K: 16, H: 64, N: 32 * 1024 + 1, bias1: true, bias2: true, act1: "relu", act2: null, weightOffset: 0, seed: 9 });
      expect(calls).not.toHaveBeenCalled();
    } finally {
      calls.mockRestore();
    }
  });

  describe("linearPairRow refuses bad arguments and leaves h and y untouched", () => {
    const [K, H, N] = [4, 3, 2];
    type Args = [Float32Array, Float32Array, Float32Array, Float32Array | null, Float32Array | null, Float32Array, Float32Array, Float64Array];
    const good = (): Args => [
      new Float32Array(K).fill(1), new Float32Array(H * K).fill(1), new Float32Array(H * N).fill(1),
      new Float32Array(H).fill(1), null, new Float32Array(H), new Float32Array(N),
      new Float64Array([K, H, N, 0, 0, K, 0, N, 0, 0, 0, 0, -1, -1]),
    ];
    const withNumbers = (entries: Record<number, number>): Args => {
      const args = good();
      for (const [k, v] of Object.entries(entries)) args[7][Number(k)] = v;
      return args;
    };
    function expectRefused(label: string, args: Args, message: RegExp): void {
      const [h, y] = [Array.from(args[5]), Array.from(args[6])];
      expect(() => native!.binding.linearPairRow(...args), label).toThrow(message);
      expect(Array.from(args[5]), `${label}: h untouched`).toEqual(h);
      expect(Array.from(args[6]), `${label}: y untouched`).toEqual(y);
    }

    it("accepts the valid call", () => {
      const args = good();
      expect(native!.binding.linearPairRow(...args)).toBe(true);
      expect(Array.from(args[5])).toEqual([5, 5, 5]);
      expect(Array.from(args[6])).toEqual([15, 15]);
    });

    it("refuses operands outside their arrays, overlapping outputs, unknown activations and malformed numbers", () => {
      const shared = new Float32Array(16);
      const cases: [string, Args, RegExp][] = [
        ["x too short", ((a) => ((a[0] = new Float32Array(3)), a))(good()), /linearPairRow\(\): x/],
        ["w1 too short", ((a) => ((a[1] = new Float32Array(11)), a))(good()), /linearPairRow\(\): w1: a 3x4 matrix/],
        ["w1's row stride past its end", withNumbers({ 5: 5 }), /w1: a 3x4 matrix at offset 0 with strides \(5, 1\)/],
        ["w2t's offset past its end", withNumbers({ 6: 1 }), /w2t: a 3x2 matrix at offset 1/],
        ["b1 too short", ((a) => ((a[3] = new Float32Array(2)), a))(good()), /linearPairRow\(\): b1/],
        ["y's offset past its end", withNumbers({ 11: 1 }), /linearPairRow\(\): y/],
        ["h overlapping y", ((a) => ((a[5] = shared), (a[6] = shared), a))(good()), /linearPairRow\(\): h overlaps y/],
        ["y overlapping x", ((a) => ((a[6] = a[0]), a))(good()), /linearPairRow\(\): y overlaps x/],
        ["h overlapping w1", ((a) => ((a[5] = a[1].subarray(4)), a))(good()), /linearPairRow\(\): h overlaps w1/],
        ["an unknown activation", withNumbers({ 12: 99 }), /linearPairRow\(\): activation1 99 is not -1 \(none\), relu/],
        ["a parameterised op as activation", withNumbers({ 13: 0.5 }), /activation2/],
        ["a negative width", withNumbers({ 2: -1 }), /linearPairRow\(\): n/],
        ["too few numbers", ((a) => ((a[7] = new Float64Array(13)), a))(good()), /linearPairRow\(\): numbers/],
      ];
      for (const [label, args, message] of cases) expectRefused(label, args, message);
      expect(() => (native!.binding.linearPairRow as (...a: unknown[]) => void)(...good().slice(0, 7)), "seven arguments").toThrow(/linearPairRow/);
    });
  });
});
