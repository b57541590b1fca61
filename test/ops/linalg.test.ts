import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addmm, bmm, dot, linear, matmul, mm, mv, outer, tensor, Tensor } from "../../runtime/index.js";
import { expectAllClose, naiveBatchedMatmul, randomTensor, randomValues, withLayout, type Layout } from "./linalgReference.js";

const layouts: Layout[] = ["contiguous", "transposed", "strided"];

/** Reference for 2-D a @ b, read through toTypedArray so any layout works. */
function reference2d(a: Tensor, b: Tensor): Float64Array {
  const [M, K] = a.shape as [number, number];
  return naiveBatchedMatmul(a.toTypedArray(), b.toTypedArray(), 1, M, K, b.shape[1]!);
}

describe("mm / matmul of matrices against a naive loop", () => {
  it("matches for random sizes (including 1 and sizes off the 4x4 tile) and any operand layout", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 23 }),
        fc.integer({ min: 1, max: 23 }),
        fc.integer({ min: 1, max: 23 }),
        fc.constantFrom(...layouts),
        fc.constantFrom(...layouts),
        fc.integer(),
        (M, K, N, layoutA, layoutB, seed) => {
          const a = randomTensor([M, K], seed, layoutA);
          const b = randomTensor([K, N], seed + 1, layoutB);
          expectAllClose(mm(a, b), reference2d(a, b), [M, N]);
          expectAllClose(matmul(a, b), reference2d(a, b), [M, N]);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("crosses every cache block boundary (M > 64, K > 256, N > 256) with a transposed operand", () => {
    const a = randomTensor([70, 300], 11);
    const b = randomTensor([300, 261], 12, "transposed");
    expectAllClose(mm(a, b), reference2d(a, b), [70, 261], 1e-3);
  });

  it("reads a transposed right operand in place (mm(a, b^T) built by hand)", () => {
    const a = randomTensor([5, 8], 3);
    const bRowMajor = randomTensor([6, 8], 4);
    const bT = new Tensor(bRowMajor.storage, [8, 6], [1, 8], 0, "float32");
    const want = reference2d(a, bT);
    expectAllClose(mm(a, bT), want, [5, 6]);
    // Same as multiplying by the explicitly transposed copy.
    const bTCopy = tensor(bT.toTypedArray(), { shape: [8, 6] });
    expectAllClose(mm(a, bTCopy), want, [5, 6]);
  });

  it("gives zeros for K = 0 and empty results for M = 0, N = 0 or an empty batch", () => {
    expectAllClose(mm(randomTensor([3, 0], 1), randomTensor([0, 2], 2)), [0, 0, 0, 0, 0, 0], [3, 2]);
    expect([...mm(randomTensor([0, 4], 1), randomTensor([4, 2], 2)).shape]).toEqual([0, 2]);
    expect([...matmul(randomTensor([3, 4], 1), randomTensor([4, 0], 2)).shape]).toEqual([3, 0]);
    expect([...matmul(randomTensor([0, 3, 4], 1), randomTensor([4, 5], 2)).shape]).toEqual([0, 3, 5]);
    expectAllClose(matmul(randomTensor([2, 1, 3, 0], 1), randomTensor([3, 0, 2], 2)), new Float64Array(36), [2, 3, 3, 2], 0, 0);
  });

  it("propagates NaN and infinity like a plain dot product", () => {
    const a = tensor([[Number.NaN, 1], [1, 1]]);
    const b = tensor([[1, 0], [0, Number.POSITIVE_INFINITY]]);
    const got = mm(a, b).toTypedArray();
    expect(Number.isNaN(got[0]!)).toBe(true);
    expect(Number.isNaN(got[1]!)).toBe(true); // NaN * 0 + 1 * inf
    expect([got[2], got[3]]).toEqual([1, Number.POSITIVE_INFINITY]);
  });
});

describe("matmul's vector and batched forms", () => {
  it("1-D @ 1-D is a 0-dim dot product", () => {
    const got = matmul(tensor([1, 2, 3]), tensor([4, 5, 6]));
    expect(got.shape).toEqual([]);
    expect(got.item()).toBe(32);
    expect(dot(tensor([1, 2, 3]), tensor([4, 5, 6])).item()).toBe(32);
    expect(tensor([1, 2]).dot(tensor([3, 4])).item()).toBe(11);
  });

  it("1-D @ 2-D and 2-D @ 1-D drop the vector's dim; mv and outer agree", () => {
    const m = tensor([[1, 2], [3, 4], [5, 6]]);
    expect(matmul(tensor([1, 1, 1]), m).tolist()).toEqual([9, 12]);
    expect(matmul(m, tensor([1, -1])).tolist()).toEqual([-1, -1, -1]);
    expect(mv(m, tensor([1, -1])).tolist()).toEqual([-1, -1, -1]);
    expect(outer(tensor([1, 2]), tensor([3, 4, 5])).tolist()).toEqual([[3, 4, 5], [6, 8, 10]]);
    expect(tensor([1, 2]).outer(tensor([3])).tolist()).toEqual([[3], [6]]);
  });

  it("batched with broadcast batch dims matches per-batch naive products", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 3 }),
        fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
        fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
        fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 })),
        fc.constantFrom(...layouts),
        fc.constantFrom(...layouts),
        fc.integer(),
        (batch, onesA, onesB, [M, K, N], layout, bLayout, seed) => {
          // Each operand sees the batch with some dims set to 1 (broadcast) or dropped from the front.
          const aBatch = batch.map((d, i) => (onesA[i] ? 1 : d));
          const bBatch = batch.map((d, i) => (onesB[i] ? 1 : d)).slice(onesB[2] ? 1 : 0);
          const a = randomTensor([...aBatch, M, K], seed, layout);
          const b = randomTensor([...bBatch, K, N], seed + 7, bLayout);
          const got = matmul(a, b);
          const outBatch = batch.map((_, i) => Math.max(aBatch[i]!, i >= batch.length - bBatch.length ? bBatch[i - batch.length + bBatch.length]! : 1));
          // Expand both operands to the output batch by hand, then compare batch by batch.
          const count = outBatch.reduce((x, y) => x * y, 1);
          const av = a.toTypedArray();
          const bv = b.toTypedArray();
          const aFull = new Float32Array(count * M * K);
          const bFull = new Float32Array(count * K * N);
          for (let t = 0; t < count; t++) {
            let rest = t;
            let ai = 0;
            let bi = 0;
            let aStride = 1;
            let bStride = 1;
            for (let d = outBatch.length - 1; d >= 0; d--) {
              const idx = rest % outBatch[d]!;
              rest = Math.floor(rest / outBatch[d]!);
              if (aBatch[d] !== 1) ai += idx * aStride;
              aStride *= aBatch[d]!;
              const bd = d - (outBatch.length - bBatch.length);
              if (bd >= 0) {
                if (bBatch[bd] !== 1) bi += idx * bStride;
                bStride *= bBatch[bd]!;
              }
            }
            aFull.set(av.subarray(ai * M * K, (ai + 1) * M * K), t * M * K);
            bFull.set(bv.subarray(bi * K * N, (bi + 1) * K * N), t * K * N);
          }
          expectAllClose(got, naiveBatchedMatmul(aFull, bFull, count, M, K, N), [...outBatch, M, N]);
        },
      ),
      { numRuns: 120 },
    );
  });

  it("broadcasts [4, 1, 6, 8] @ [3, 8, 2] to [4, 3, 6, 2]", () => {
    const a = randomTensor([4, 1, 6, 8], 5);
    const b = randomTensor([3, 8, 2], 6);
    const got = matmul(a, b);
    expect([...got.shape]).toEqual([4, 3, 6, 2]);
    const av = a.toTypedArray();
    const bv = b.toTypedArray();
    const want = new Float64Array(4 * 3 * 6 * 2);
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 3; j++) want.set(naiveBatchedMatmul(av.subarray(i * 48, (i + 1) * 48), bv.subarray(j * 16, (j + 1) * 16), 1, 6, 8, 2), (i * 3 + j) * 12);
    expectAllClose(got, want, [4, 3, 6, 2]);
  });

  it("batched @ 1-D and 1-D @ batched follow torch.matmul's shapes", () => {
    const a = randomTensor([2, 3, 4], 1);
    const v = randomTensor([4], 2);
    expect([...matmul(a, v).shape]).toEqual([2, 3]);
    expect([...matmul(randomTensor([3], 3), a).shape]).toEqual([2, 4]);
    const av = a.toTypedArray();
    const want = naiveBatchedMatmul(av, [...v.toTypedArray(), ...v.toTypedArray()], 2, 3, 4, 1);
    // b repeated per batch: [2, 4, 1]
    expectAllClose(matmul(a, v), want, [2, 3]);
  });

  it("bmm matches per-batch products for strided operands", () => {
    const a = randomTensor([3, 4, 6], 8, "strided");
    const b = randomTensor([3, 6, 5], 9, "transposed");
    expectAllClose(bmm(a, b), naiveBatchedMatmul(a.toTypedArray(), b.toTypedArray(), 3, 4, 6, 5), [3, 4, 5]);
    expectAllClose(a.bmm(b), naiveBatchedMatmul(a.toTypedArray(), b.toTypedArray(), 3, 4, 6, 5), [3, 4, 5]);
  });
});

describe("addmm and linear", () => {
  it("addmm computes beta * input + alpha * mat1 @ mat2 with input broadcast", () => {
    const input = tensor([1, 2]);
    const m1 = tensor([[1, 2], [3, 4]]);
    const m2 = tensor([[1, 0], [0, 1]]);
    expect(addmm(input, m1, m2).tolist()).toEqual([[2, 4], [4, 6]]);
    expect(addmm(input, m1, m2, { beta: 2, alpha: 0.5 }).tolist()).toEqual([[2.5, 5], [3.5, 6]]);
    expect(input.addmm(m1, m2, { alpha: -1 }).tolist()).toEqual([[0, 0], [-2, -2]]);
    expect(addmm(tensor(3), m1, m2).tolist()).toEqual([[4, 5], [6, 7]]);
  });

  it("addmm with beta = 0 ignores NaN in input, as PyTorch does", () => {
    const got = addmm(tensor([[Number.NaN, Number.NaN]]), tensor([[1], [2]]), tensor([[3, 4]]), { beta: 0 });
    expect(got.tolist()).toEqual([[3, 4], [6, 8]]);
  });

  it("linear equals input @ weight^T + bias for any leading shape and layout", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 3 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom(...layouts),
        fc.boolean(),
        fc.integer(),
        (lead, inF, outF, layout, withBias, seed) => {
          const input = randomTensor([...lead, inF], seed, layout);
          const weight = randomTensor([outF, inF], seed + 1, layout);
          const bias = withBias ? randomTensor([outF], seed + 2) : null;
          const rows = lead.reduce((x, y) => x * y, 1);
          const wv = weight.toTypedArray();
          const wT = new Float32Array(inF * outF);
          for (let o = 0; o < outF; o++) for (let i = 0; i < inF; i++) wT[i * outF + o] = wv[o * inF + i]!;
          const want = naiveBatchedMatmul(input.toTypedArray(), wT, 1, rows, inF, outF);
          if (bias) {
            const bv = bias.toTypedArray();
            for (let r = 0; r < rows; r++) for (let o = 0; o < outF; o++) want[r * outF + o]! += bv[o]!;
          }
          expectAllClose(linear(input, weight, bias), want, [...lead, outF]);
        },
      ),
      { numRuns: 120 },
    );
  });

  it("folds a non-contiguous batch of rows correctly (3-D input whose batch dims do not merge)", () => {
    // [2, 3, 4] viewed from a [3, 2, 4] buffer: dims 0 and 1 swapped, so batch and rows cannot merge.
    const base = randomValues(24, 21);
    const input = new Tensor(base, [2, 3, 4], [4, 8, 1], 0, "float32");
    const weight = randomTensor([5, 4], 22);
    const wv = weight.toTypedArray();
    const wT = new Float32Array(20);
    for (let o = 0; o < 5; o++) for (let i = 0; i < 4; i++) wT[i * 5 + o] = wv[o * 4 + i]!;
    expectAllClose(linear(input, weight), naiveBatchedMatmul(input.toTypedArray(), wT, 1, 6, 4, 5), [2, 3, 5]);
  });

  it("accepts a 1-D input", () => {
    expect(linear(tensor([1, 2]), tensor([[1, 1], [1, -1], [0, 2]]), tensor([10, 20, 30])).tolist()).toEqual([13, 19, 34]);
  });

  it("does not write into or read past the operands' storage", () => {
    const a = withLayout(randomValues(6, 1), [2, 3], "strided");
    const before = Float32Array.from(a.storage);
    mm(a, randomTensor([3, 2], 2));
    expect(Array.from(a.storage)).toEqual(Array.from(before));
  });
});
