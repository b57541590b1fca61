import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  cat,
  embedding,
  flip,
  gather,
  indexSelect,
  repeat,
  roll,
  stack,
  Tensor,
  tensor,
  tril,
  triu,
  type NestedList,
} from "../../runtime/index.js";

/** A tensor of `shape` holding start, start + 1, ... in row-major order. */
function seq(shape: number[], dtype: "float32" | "int32" | "int64" = "float32", start = 0): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Array.from({ length: n }, (_, i) => start + i), { shape, dtype });
}

function longs(values: NestedList): Tensor {
  return tensor(values, { dtype: "int64" });
}

/** All index tuples of `shape` in row-major order. */
function positions(shape: readonly number[]): number[][] {
  return shape.reduce<number[][]>((acc, size) => acc.flatMap((p) => Array.from({ length: size }, (_, i) => [...p, i])), [[]]);
}

function at(list: NestedList, index: readonly number[]): number | boolean {
  return index.reduce<NestedList>((l, i) => (l as NestedList[])[i]!, list) as number | boolean;
}

function flat(list: NestedList): (number | boolean)[] {
  return Array.isArray(list) ? list.flatMap(flat) : [list];
}

describe("cat and stack", () => {
  it("concatenates along a negative dim and promotes dtypes", () => {
    const a = tensor([[1, 2]], { dtype: "int32" });
    const b = tensor([[true]]);
    const c = tensor([[0.5, 1.5, 2.5]]);
    const out = cat([a, b, c], -1);
    expect(out.dtype).toBe("float32");
    expect(out.tolist()).toEqual([[1, 2, 1, 0.5, 1.5, 2.5]]);
    expect(cat([a, tensor([[7, 8]], { dtype: "int64" })]).dtype).toBe("int64");
    expect(cat([tensor([true]), tensor([false])]).dtype).toBe("bool");
  });

  it("skips legacy 1-D empty tensors and reads non-contiguous inputs", () => {
    const x = seq([2, 3]).t(); // [[0, 3], [1, 4], [2, 5]]
    const out = cat([tensor([]), x, seq([1, 2])], 0);
    expect(out.tolist()).toEqual([[0, 3], [1, 4], [2, 5], [0, 1]]);
    expect(cat([seq([2, 0]), seq([2, 2])], 1).tolist()).toEqual([[0, 1], [2, 3]]);
  });

  it("stack inserts the new dim at dim (wrapped against rank + 1)", () => {
    const a = seq([2, 3]);
    const b = seq([2, 3]).t().contiguous().t(); // same values, column-major layout
    const out = stack([a, b], -1);
    expect(out.shape).toEqual([2, 3, 2]);
    expect(out.tolist()).toEqual(positions([2, 3]).reduce<number[][][]>((acc, [i, j]) => {
      (acc[i!] ??= [])[j!] = [i! * 3 + j!, i! * 3 + j!];
      return acc;
    }, []));
    expect(stack([a, a], 1).shape).toEqual([2, 2, 3]);
  });
});

describe("index_select, gather, embedding", () => {
  it("index_select picks along dim with int32 or int64 indices, repeats allowed", () => {
    const x = seq([2, 3, 4]).permute(2, 0, 1); // [4, 2, 3], non-contiguous
    const idx = tensor([3, 0, 3], { dtype: "int32" });
    const got = indexSelect(x, 0, idx);
    const ref = x.tolist() as NestedList[];
    expect(got.tolist()).toEqual([ref[3], ref[0], ref[3]]);
    const last = x.indexSelect(-1, longs([2, 1]));
    expect(last.tolist()).toEqual((x.tolist() as number[][][]).map((m) => m.map((row) => [row[2], row[1]])));
    expect(indexSelect(x, 1, longs([])).shape).toEqual([4, 0, 3]);
  });

  it("gather matches a naive reference on strided inputs", () => {
    const arb = fc
      .record({ rows: fc.integer({ min: 1, max: 4 }), cols: fc.integer({ min: 1, max: 4 }), dim: fc.integer({ min: -2, max: 1 }) })
      .chain(({ rows, cols, dim }) => {
        const d = dim < 0 ? dim + 2 : dim;
        const size = d === 0 ? rows : cols;
        return fc.record({
          rows: fc.constant(rows),
          cols: fc.constant(cols),
          dim: fc.constant(dim),
          indexShape: fc.tuple(fc.integer({ min: 0, max: d === 0 ? 5 : rows }), fc.integer({ min: 0, max: d === 1 ? 5 : cols })),
          values: fc.array(fc.integer({ min: 0, max: size - 1 }), { minLength: 25, maxLength: 25 }),
        });
      });
    fc.assert(
      fc.property(arb, ({ rows, cols, dim, indexShape, values }) => {
        const x = seq([cols, rows]).t(); // [rows, cols], transposed layout
        const n = indexShape[0] * indexShape[1];
        const index = tensor(values.slice(0, n), { dtype: "int64", shape: indexShape });
        const got = gather(x, dim, index);
        const d = dim < 0 ? dim + 2 : dim;
        const ref = x.tolist();
        const want = positions(indexShape).map((p) => {
          const src = [...p];
          src[d] = at(index.tolist(), p) as number;
          return at(ref, src);
        });
        expect(got.shape).toEqual(indexShape);
        expect(flat(got.tolist())).toEqual(want);
      }),
    );
  });

  it("keep the input's dtype for int64 and bool inputs", () => {
    const ints = gather(seq([2, 3], "int64"), 1, longs([[2], [0]]));
    expect([ints.dtype, ints.tolist()]).toEqual(["int64", [[2], [3]]]);
    const mask = indexSelect(tensor([[true, false], [false, true]]), 1, longs([1, 1, 0]));
    expect([mask.dtype, mask.tolist()]).toEqual(["bool", [[false, false, true], [true, true, false]]]);
  });

  it("embedding looks up rows for N-D and non-contiguous indices", () => {
    const weight = seq([5, 3]);
    const ids = longs([[4, 0], [2, 2]]).t(); // [[4, 2], [0, 2]]
    const out = embedding(ids, weight);
    expect(out.shape).toEqual([2, 2, 3]);
    const rows = weight.tolist() as number[][];
    expect(out.tolist()).toEqual([[rows[4], rows[2]], [rows[0], rows[2]]]);
    expect(embedding(tensor(1, { dtype: "int32" }), weight, { paddingIdx: 0 }).tolist()).toEqual(rows[1]);
    expect(embedding(longs([]), weight).shape).toEqual([0, 3]);
  });
});

describe("repeat, flip, roll", () => {
  it("repeat tiles and adds leading dims", () => {
    const x = tensor([[1, 2], [3, 4]]);
    expect(x.repeat(2, 3).tolist()).toEqual([
      [1, 2, 1, 2, 1, 2],
      [3, 4, 3, 4, 3, 4],
      [1, 2, 1, 2, 1, 2],
      [3, 4, 3, 4, 3, 4],
    ]);
    expect(repeat(tensor([1, 2]), [2, 1, 2]).tolist()).toEqual([[[1, 2, 1, 2]], [[1, 2, 1, 2]]]);
    expect(repeat(x.t(), [1, 2]).tolist()).toEqual([[1, 3, 1, 3], [2, 4, 2, 4]]);
    expect(repeat(x, [0, 1]).shape).toEqual([0, 2]);
  });

  it("flip reverses the listed dims", () => {
    const x = seq([2, 3]);
    expect(flip(x, [0]).tolist()).toEqual([[3, 4, 5], [0, 1, 2]]);
    expect(x.flip(0, -1).tolist()).toEqual([[5, 4, 3], [2, 1, 0]]);
    expect(flip(x.t(), 1).tolist()).toEqual([[3, 0], [4, 1], [5, 2]]);
    expect(flip(seq([0, 2]), [0]).shape).toEqual([0, 2]);
  });

  it("roll matches a naive cyclic shift", () => {
    const arb = fc.record({
      shape: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }),
      shifts: fc.array(fc.integer({ min: -9, max: 9 }), { minLength: 3, maxLength: 3 }),
    });
    fc.assert(
      fc.property(arb, ({ shape, shifts }) => {
        const x = seq(shape);
        const dims = shape.map((_, i) => i);
        const got = roll(x, shifts.slice(0, shape.length), dims);
        const want = positions(shape).map((p) => {
          const src = p.map((i, d) => (((i - shifts[d]!) % shape[d]!) + shape[d]!) % shape[d]!);
          return at(x.tolist(), src);
        });
        expect(flat(got.tolist())).toEqual(want);
        const n = x.numel();
        const flatRoll = roll(x, shifts[0]!);
        expect(flatRoll.shape).toEqual(shape);
        expect(flat(flatRoll.tolist())).toEqual([...Array(n).keys()].map((i) => ((((i - shifts[0]!) % n) + n) % n)));
      }),
    );
  });
});

describe("tril and triu", () => {
  it("match a naive mask for every diagonal, batched and transposed", () => {
    const arb = fc.record({
      batch: fc.integer({ min: 1, max: 3 }),
      rows: fc.integer({ min: 0, max: 4 }),
      cols: fc.integer({ min: 0, max: 5 }),
      diagonal: fc.integer({ min: -6, max: 6 }),
    });
    fc.assert(
      fc.property(arb, ({ batch, rows, cols, diagonal }) => {
        const x = seq([batch, cols, rows], "float32", 1).transpose(1, 2); // values >= 1, so kept ones are non-zero
        const lower = tril(x, diagonal);
        const upper = x.triu(diagonal);
        const ref = x.tolist();
        const want = (keep: (i: number, j: number) => boolean) =>
          positions([batch, rows, cols]).map(([b, i, j]) => (keep(i!, j!) ? at(ref, [b!, i!, j!]) : 0));
        expect(flat(lower.tolist())).toEqual(want((i, j) => j - i <= diagonal));
        expect(flat(upper.tolist())).toEqual(want((i, j) => j - i >= diagonal));
      }),
    );
  });

  it("keep int and bool dtypes", () => {
    expect(triu(seq([2, 2], "int64")).tolist()).toEqual([[0, 1], [0, 3]]);
    const mask = tril(tensor([[true, true], [true, true]]));
    expect([mask.dtype, mask.tolist()]).toEqual(["bool", [[true, false], [true, true]]]);
  });
});
