/**
 * The thread pool's job protocol under back-to-back jobs: each product split over the
 * pool (blocked products by columns or rows, GEMVs, batches shared out whole) gives the
 * floats it gives on one thread, job after job, with jobs of different sizes and task
 * counts in turn, so a worker that joins late, skips a closed job or checks in for the
 * wrong one would show as a wrong or missing block of C. Also the bench's probe of what
 * one empty job costs.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { native, suiteName } from "./nativeAvailability.js";
import { randomArray } from "./randomArray.js";

/** One product, C row-major; B a transposed weight or row-major; `batch` entries. */
interface Job {
  readonly batch: number;
  readonly M: number;
  readonly K: number;
  readonly N: number;
  readonly transposed: boolean;
  readonly seed: number;
}

function runJob(j: Job): Float32Array {
  const a = randomArray(j.batch * j.M * j.K, j.seed);
  const b = randomArray(j.batch * j.K * j.N, j.seed + 1);
  const c = new Float32Array(j.batch * j.M * j.N).fill(Number.NaN);
  const [rs, cs] = j.transposed ? [1, j.K] : [j.N, 1];
  native!.binding.sgemmBatched(j.batch, j.M, j.N, j.K, 1, a, 0, j.M * j.K, j.K, 1, b, 0, j.K * j.N, rs, cs, 0, c, 0, j.M * j.N, j.N, 1);
  return c;
}

const job = fc.record({
  batch: fc.constantFrom(1, 1, 2, 4),
  M: fc.constantFrom(1, 3, 32, 64, 100),
  K: fc.constantFrom(64, 256),
  // 128: two panels split by columns while M < N (Note [Splitting a product over threads]).
  N: fc.constantFrom(40, 128, 300, 768),
  transposed: fc.boolean(),
  seed: fc.integer({ min: 1, max: 1 << 30 }),
});

describe.skipIf(!native)(suiteName("thread pool"), () => {
  afterAll(() => native?.binding.setNumThreads(native.binding.info().poolThreads));

  it("back-to-back jobs on the whole pool give the floats of one thread, job after job", () => {
    const threads = native!.binding.info().poolThreads;
    fc.assert(
      fc.property(fc.array(job, { minLength: 20, maxLength: 40 }), (jobs) => {
        native!.binding.setNumThreads(1);
        const want = jobs.map(runJob);
        native!.binding.setNumThreads(threads);
        jobs.forEach((j, i) => {
          const got = runJob(j);
          for (let k = 0; k < got.length; k++) {
            if (!Object.is(got[k], want[i]![k])) throw new Error(`job ${i} ${JSON.stringify(j)} of ${jobs.length}: C[${k}] ${got[k]} on ${threads} threads, ${want[i]![k]} on one`);
          }
        });
      }),
      { numRuns: 15 },
    );
  });

  it("forkJoinNs times empty jobs on 1 to all threads, and refuses a thread count that is no integer", () => {
    const threads = native!.binding.info().poolThreads;
    for (let t = 1; t <= threads; t++) {
      const ns = native!.binding.forkJoinNs(t, 50);
      expect(Number.isFinite(ns) && ns > 0).toBe(true);
    }
    expect(() => native!.binding.forkJoinNs(1.5, 10)).toThrow(/forkJoinNs\(\): threads must be an integer/);
    expect(() => native!.binding.forkJoinNs(2, -1)).toThrow(/forkJoinNs\(\): jobs must be >= 0/);
  });
});
