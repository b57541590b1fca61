/**
 * Pre-packed weights: B packed whole by packB gives exactly the floats of the same
 * product packing B per call (the microkernel reads the same panels in the same
 * order), for every ISA, on 1 and 2 threads, M at and past the tile, K past KC, N not a
 * multiple of NR, both B layouts, with bias and activation, and read where a copy put it
 * (the pad that aligned its panels no longer does); packB packs nothing for the
 * GEMV paths; a packed handle of the wrong ISA, shape or kind is a RangeError naming
 * what is wrong, never a crash; and a frozen or loaded model packs its constant weights
 * once (not the narrow last layer) and computes what the eager module does.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it, vi } from "vitest";
import { freeze, load, nn, optimizeForInference, randn, save, trace, type Tensor } from "../../runtime/index.js";
import { isConstantWeight } from "../../runtime/kernels/constantWeights.js";
import { callSgemmFused } from "../../runtime/kernels/native/gemm.js";
import { isas, native, suiteName } from "./nativeAvailability.js";
import { randomArray } from "./randomArray.js";

interface Product {
  readonly M: number;
  readonly K: number;
  readonly N: number;
  /** B is a weight [N, K] read transposed (linear), else row-major [K, N]. */
  readonly transposed: boolean;
  readonly withBias: boolean;
  readonly activation: number;
  readonly seed: number;
}

/** C of the product, with B packed per call (packed null) or the given packing. */
function run(p: Product, a: Float32Array, b: Float32Array, bias: Float32Array | null, packed: Float32Array | null): Float32Array {
  const c = new Float32Array(p.M * p.N).fill(Number.NaN);
  const [rs, cs] = p.transposed ? [1, p.K] : [p.N, 1];
  callSgemmFused(native!.binding, {
    M: p.M, N: p.N, K: p.K,
    a: { data: a, offset: 0, rowStride: p.K, colStride: 1 },
    b: { data: b, offset: 0, rowStride: rs, colStride: cs },
    beta: 0,
    c: { data: c, offset: 0, rowStride: p.N, colStride: 1 },
    bias, biasOffset: 0, activation: p.activation, packed,
  });
  return c;
}

function packedEqualsUnpacked(p: Product): void {
  const a = randomArray(p.M * p.K, p.seed);
  const b = randomArray(p.K * p.N, p.seed + 1);
  const bias = p.withBias ? randomArray(p.N, p.seed + 2) : null;
  const [rs, cs] = p.transposed ? [1, p.K] : [p.N, 1];
  // Packed as for many rows; a product of p.M rows that takes a GEMV path ignores it.
  const packed = native!.binding.packB(1 << 20, p.K, p.N, 1, b, 0, rs, cs, null);
  if (!packed) return;  // a narrow transposed weight: no product reads it packed
  const want = run(p, a, b, bias, null);
  const got = run(p, a, b, bias, packed);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) throw new Error(`${JSON.stringify(p)}: C[${i}] packed ${got[i]} vs per call ${want[i]}`);
  }
}

const product = fc.record({
  M: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.constantFrom(4, 5, 6, 7, 12, 97)),
  K: fc.oneof(fc.integer({ min: 1, max: 70 }), fc.constantFrom(255, 513, 600)),
  N: fc.oneof(fc.integer({ min: 1, max: 70 }), fc.constantFrom(63, 65, 129, 600)),
  transposed: fc.boolean(),
  withBias: fc.boolean(),
  activation: fc.constantFrom(-1, 0, 3),
  seed: fc.integer({ min: 1, max: 1 << 30 }),
});

describe.skipIf(!native)(suiteName("pre-packed B"), () => {
  afterAll(() => {
    native?.binding.setIsa(isas[0]!);
    native?.binding.setNumThreads(native.binding.info().poolThreads);
  });

  for (const isa of isas.length > 0 ? isas : ["(no ISA: addon not built)"]) {
    for (const threads of [1, 2]) {
      it(`${isa}, ${threads} thread(s): packed once gives the floats of packing per call`, () => {
        native!.binding.setIsa(isa);
        native!.binding.setNumThreads(threads);
        fc.assert(fc.property(product, packedEqualsUnpacked), { numRuns: 60 });
        // Threaded by columns (a share per thread starts at a whole panel) and by rows, K past KC.
        packedEqualsUnpacked({ M: 130, K: 600, N: 700, transposed: true, withBias: true, activation: 0, seed: 7 });
        packedEqualsUnpacked({ M: 300, K: 200, N: 40, transposed: false, withBias: false, activation: -1, seed: 8 });
        // The attention block's linears: 64 rows, N past NC, K past KC (each panel prefetches
        // the next, the last of a block the first of the next block), gelu after fc1.
        packedEqualsUnpacked({ M: 64, K: 256, N: 768, transposed: true, withBias: true, activation: -1, seed: 9 });
        packedEqualsUnpacked({ M: 64, K: 256, N: 1024, transposed: true, withBias: true, activation: 4, seed: 10 });
        packedEqualsUnpacked({ M: 64, K: 1024, N: 256, transposed: true, withBias: true, activation: -1, seed: 11 });
      });
    }

    it(`${isa}: a packed B copied to another alignment (its pad no longer aligns the panels) gives the same floats`, () => {
      native!.binding.setIsa(isa);
      native!.binding.setNumThreads(1);
      const p: Product = { M: 13, K: 70, N: 130, transposed: true, withBias: true, activation: -1, seed: 12 };
      const a = randomArray(p.M * p.K, 1);
      const b = randomArray(p.K * p.N, 2);
      const bias = randomArray(p.N, 3);
      const packed = native!.binding.packB(p.M, p.K, p.N, 1, b, 0, 1, p.K, null)!;
      const want = run(p, a, b, bias, packed);
      for (let shift = 1; shift < 16; shift++) {
        const moved = new Float32Array(packed.length + shift).subarray(shift);
        moved.set(packed);
        const got = run(p, a, b, bias, moved);
        for (let i = 0; i < want.length; i++) {
          if (!Object.is(got[i], want[i])) throw new Error(`shifted ${shift} floats: C[${i}] ${got[i]} vs ${want[i]}`);
        }
      }
    });
  }

  it("packB: null for the GEMV paths, its previous packing while it fits the active ISA and shape, a new one otherwise", () => {
    native!.binding.setIsa(isas[0]!);
    const b = randomArray(30 * 70, 1);
    expect(native!.binding.packB(1, 30, 70, 1, b, 0, 70, 1, null), "one row: GEMV").toBeNull();
    expect(native!.binding.packB(64, 70, 3, 1, b, 0, 1, 70, null), "a narrow transposed weight: the dot kernel").toBeNull();
    const first = native!.binding.packB(64, 30, 70, 1, b, 0, 70, 1, null);
    expect(first).toBeInstanceOf(Float32Array);
    expect(native!.binding.packB(64, 30, 70, 1, b, 0, 70, 1, first)).toBe(first);
    expect(native!.binding.packB(64, 70, 30, 1, b, 0, 1, 70, first)).not.toBe(first);
    if (isas.length > 1) {
      native!.binding.setIsa(isas[1]!);
      const repacked = native!.binding.packB(64, 30, 70, 1, b, 0, 70, 1, first);
      expect(repacked).not.toBe(first);
      native!.binding.setIsa(isas[0]!);
    }
    expect(() => native!.binding.packB(64, 30, 70, 1, b.subarray(1), 0, 70, 1, null), "B too short").toThrow(RangeError);
  });

  it("a packed handle of another ISA, another shape or no packing at all is a RangeError naming what is wrong", () => {
    native!.binding.setIsa(isas[0]!);
    const [M, K, N] = [8, 5, 7];
    const a = randomArray(M * K, 1);
    const b = randomArray(K * N, 2);
    const call = (packed: Float32Array, k = K, n = N): void => {
      callSgemmFused(native!.binding, {
        M, N: n, K: k,
        a: { data: a, offset: 0, rowStride: k, colStride: 1 },
        b: { data: b, offset: 0, rowStride: n, colStride: 1 },
        beta: 0,
        c: { data: new Float32Array(M * n), offset: 0, rowStride: n, colStride: 1 },
        bias: null, biasOffset: 0, activation: -1, packed,
      });
    };
    const packed = native!.binding.packB(M, K, N, 1, b, 0, N, 1, null)!;
    expect(() => call(packed)).not.toThrow();
    expect(() => call(packed, 4, 7)).toThrow(/sgemmFused.*packed holds a 5 x 7 B, the product's B is 4 x 7/);
    expect(() => call(packed, 5, 6)).toThrow(/packed holds a 5 x 7 B, the product's B is 5 x 6/);
    expect(() => call(new Float32Array(packed.length))).toThrow(/packed is not a packed B/);
    expect(() => call(new Float32Array(3))).toThrow(/packed is not a packed B/);
    expect(() => call(packed.slice(0, packed.length - 1))).toThrow(/packed has \d+ floats, a packed 5 x 7 B has \d+/);
    const badPad = packed.slice();
    new Uint32Array(badPad.buffer)[5] = 16;  // the pad before the panels: 0 to 15 floats
    expect(() => call(badPad)).toThrow(/packed is not a packed B \(a pad of 16 floats\)/);
    expect(() => (native!.binding.sgemmFused as (...args: unknown[]) => void)(a, b, new Float32Array(M * N), null, new Float64Array(4), new Float64Array([M, N, K, 0, K, 1, 0, N, 1, 0, 0, N, 1, 0, -1]))).toThrow(TypeError);
    for (const other of isas.slice(1)) {
      native!.binding.setIsa(other);
      expect(() => call(packed)).toThrow(new RegExp(`packed was packed for ISA ${isas[0]} \\(NR \\d+\\), the active ISA is ${other}`));
    }
    native!.binding.setIsa(isas[0]!);
  });

  it("a packed weight is not asked of the addon again while it and the ISA are unchanged; after setIsa or a write to it, it is", () => {
    native!.binding.setIsa(isas[0]!);
    const model = new nn.Linear(40, 70).eval();
    const x: Tensor = randn([12, 40]);
    const frozen = optimizeForInference(freeze(trace(model, [x])));
    const packB = vi.spyOn(native!.binding, "packB");
    try {
      for (let i = 0; i < 3; i++) expect((frozen.forward(x) as Tensor).toTypedArray()).toEqual(model.forward(x).toTypedArray());
      expect(packB, "packed on the first call only").toHaveBeenCalledTimes(1);
      native!.binding.setIsa(isas.at(-1)!);
      expect((frozen.forward(x) as Tensor).toTypedArray()).toEqual(model.forward(x).toTypedArray());
      expect(packB).toHaveBeenCalledTimes(isas.length > 1 ? 2 : 1);
      model.loadStateDict(new nn.Linear(40, 70).stateDict());
      expect((frozen.forward(x) as Tensor).toTypedArray()).toEqual(model.forward(x).toTypedArray());
      expect(packB).toHaveBeenCalledTimes(isas.length > 1 ? 3 : 2);
    } finally {
      packB.mockRestore();
      native!.binding.setIsa(isas[0]!);
    }
  });

  it("a frozen model packs each constant weight once, on the first batch that needs it, and equals the eager module; so does a loaded one", async () => {
    native!.binding.setIsa(isas[0]!);
    // The last layer is narrow: the dot kernel reads it as it is, nothing packs it.
    const layers = () => [new nn.Linear(33, 70), new nn.ReLU(), new nn.Linear(70, 40), new nn.ReLU(), new nn.Linear(40, 3)];
    const model = new nn.Sequential(...layers()).eval();
    const x: Tensor = randn([12, 33]);
    const frozen = optimizeForInference(freeze(trace(model, [x])));
    const weights = [...model.parameters()].filter((p) => p.ndim === 2);
    for (const w of weights) expect(isConstantWeight(w.storage)).toBe(true);
    const packB = vi.spyOn(native!.binding, "packB");
    const packings = (): number => new Set(packB.mock.results.map((r) => r.value as Float32Array | null).filter((v) => v !== null)).size;
    try {
      frozen.forward(randn([1, 33]));
      expect(packings(), "batch 1 takes the GEMV path: nothing packed").toBe(0);
      for (let i = 0; i < 3; i++) expect((frozen.forward(x) as Tensor).toTypedArray()).toEqual(model.forward(x).toTypedArray());
      expect(packings(), "one packing per wide weight, shared with the eager module (the same storage)").toBe(2);
      // A state dict loaded into the module writes the shared storage: the packings are remade.
      model.loadStateDict(new nn.Sequential(...layers()).stateDict());
      packB.mockClear();
      expect((frozen.forward(x) as Tensor).toTypedArray()).toEqual(model.forward(x).toTypedArray());
      expect(packings()).toBe(2);
      const loaded = (await load(await save(frozen))) as typeof frozen;
      packB.mockClear();
      expect((loaded.forward(x) as Tensor).toTypedArray()).toEqual(model.forward(x).toTypedArray());
      expect(packings(), "the loaded model's own constants, packed lazily (the eager module's packings are remembered)").toBe(2);
    } finally {
      packB.mockRestore();
    }
  });
});
