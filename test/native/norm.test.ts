/**
 * Native batch_norm (eval, and training with its running-statistics update) and
 * group_norm against the JS kernels, for every ISA this CPU supports: random shapes of
 * rank 2-5, with and without weight and bias, large means, NaN/inf, in place.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it, vi } from "vitest";
import { jsBackend } from "../../runtime/kernels/js/index.js";
import type { StridedView } from "../../runtime/tensor/Tensor.js";
import { isas, native, suiteName } from "./nativeAvailability.js";
import { denseView, expectClose, fill } from "./reduceCases.js";

const RUNS = 40;

const normCaseArb = fc.record({
  shape: fc.integer({ min: 2, max: 5 }).chain((rank) => fc.array(fc.integer({ min: 1, max: [0, 0, 64, 12, 8, 6][rank]! }), { minLength: rank, maxLength: rank })),
  seed: fc.integer({ min: 1, max: 2 ** 30 }),
  scale: fc.constantFrom(1, 1, 100, 1e-3),
  shiftBy: fc.constantFrom(0, 0, 1000),
  special: fc.boolean(),
  affine: fc.boolean(),
});
type NormCase = typeof normCaseArb extends fc.Arbitrary<infer T> ? T : never;

function input(c: NormCase): StridedView & { storage: Float32Array } {
  const x = denseView(c.shape) as StridedView & { storage: Float32Array };
  fill(x.storage, c.seed, c.scale, c.special);
  for (let i = 0; i < x.storage.length; i++) x.storage[i] = x.storage[i]! + c.shiftBy;
  return x;
}

function vector(n: number, seed: number, base: number): StridedView {
  const v = denseView([n]) as StridedView & { storage: Float32Array };
  fill(v.storage, seed, 1, false);
  for (let i = 0; i < n; i++) v.storage[i] = v.storage[i]! + base;
  return v;
}

const copy = (v: StridedView): StridedView => ({ ...v, storage: (v.storage as Float32Array).slice() });

/**
 * The running means agree within what summing a channel in another order may change:
 * momentum times a few float32 ulps of the channel's mean absolute value (a batch
 * holding 1e30 and -1e30 cancels to a mean that depends on the order).
 */
function expectRunningMeanClose(what: string, got: ArrayLike<number>, want: ArrayLike<number>, x: StridedView & { storage: Float32Array }, momentum: number, atol: number): void {
  const [batch, channels] = x.shape as [number, number];
  const inner = x.storage.length / (batch * channels);
  for (let ch = 0; ch < channels; ch++) {
    let magnitude = 0;
    for (let b = 0; b < batch; b++) {
      for (let i = 0; i < inner; i++) {
        const v = Math.abs(x.storage[(b * channels + ch) * inner + i]!);
        if (Number.isFinite(v)) magnitude += v;
      }
    }
    const orderBound = momentum * 8 * 2 ** -23 * (magnitude / (batch * inner));
    expectClose(`${what} channel ${ch}`, [got[ch]!], [want[ch]!], 1e-6, atol + orderBound);
  }
}
const label = (what: string, c: NormCase) => `${what} ${JSON.stringify(c)}`;

describe.skipIf(!native)(suiteName("native batch_norm and group_norm equal the JS kernels"), () => {
  afterAll(() => native?.binding.setIsa(isas[0]!));
  const backend = native!.backend;

  for (const isa of isas) {
    it(`${isa}: batch_norm, eval and training, running statistics updated alike`, () => {
      native!.binding.setIsa(isa);
      const spy = vi.spyOn(native!.binding, "normalizePlanes");
      fc.assert(
        fc.property(normCaseArb, fc.boolean(), fc.double({ min: 0, max: 1, noNaN: true }), (c, training, momentum) => {
          const x = input(c);
          const channels = c.shape[1]!;
          const weight = c.affine ? vector(channels, c.seed + 1, 1) : null;
          const bias = c.affine ? vector(channels, c.seed + 2, 0) : null;
          const mean = vector(channels, c.seed + 3, c.shiftBy);
          const variance = vector(channels, c.seed + 4, 2);
          const [mean2, variance2] = [copy(mean), copy(variance)];
          const want = denseView(c.shape);
          const got = denseView(c.shape);
          jsBackend.batchNorm(x, mean, variance, weight, bias, training, momentum, 1e-5, want);
          backend.batchNorm(x, mean2, variance2, weight, bias, training, momentum, 1e-5, got);
          const tol = c.scale < 1 ? 1e-3 : 1e-4;
          expectClose(label(`${isa} batch_norm training=${training}`, c), got.storage, want.storage, tol, tol);
          expectRunningMeanClose(label(`${isa} running_mean`, c), mean2.storage, mean.storage, x, momentum, 1e-6 * c.scale);
          expectClose(label(`${isa} running_var`, c), variance2.storage, variance.storage, 1e-5, 1e-6 * c.scale ** 2);
          backend.batchNorm(x, copy(mean), copy(variance), weight, bias, false, momentum, 1e-5, x);
          jsBackend.batchNorm(input(c), mean, variance, weight, bias, false, momentum, 1e-5, want);
          expectClose(label(`${isa} batch_norm eval in place`, c), x.storage, want.storage, tol, tol);
        }),
        { numRuns: RUNS },
      );
      expect(spy).toHaveBeenCalled();
      spy.mockRestore();
    });

    it(`${isa}: group_norm`, () => {
      native!.binding.setIsa(isa);
      const arb = normCaseArb.chain((c) => {
        const channels = c.shape[1]!;
        const divisors = Array.from({ length: channels }, (_, k) => k + 1).filter((g) => channels % g === 0);
        return fc.tuple(fc.constant(c), fc.constantFrom(...divisors));
      });
      fc.assert(
        fc.property(arb, ([c, groups]) => {
          const x = input(c);
          const channels = c.shape[1]!;
          const weight = c.affine ? vector(channels, c.seed + 1, 1) : null;
          const bias = c.affine ? vector(channels, c.seed + 2, 0) : null;
          const want = denseView(c.shape);
          const got = denseView(c.shape);
          jsBackend.groupNorm(x, groups, weight, bias, 1e-5, want);
          backend.groupNorm(x, groups, weight, bias, 1e-5, got);
          const tol = c.scale < 1 ? 1e-3 : 1e-4;
          expectClose(label(`${isa} group_norm groups=${groups}`, c), got.storage, want.storage, tol, tol);
        }),
        { numRuns: RUNS },
      );
    });
  }
});
