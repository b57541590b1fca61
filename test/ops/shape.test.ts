import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  cat,
  chunk,
  expand,
  flatten,
  movedim,
  narrow,
  permute,
  reshape,
  select,
  slice,
  split,
  squeeze,
  t,
  Tensor,
  tensor,
  transpose,
  unbind,
  unflatten,
  unsqueeze,
  type NestedList,
} from "../../runtime/index.js";

/** A float32 tensor of `shape` holding 0, 1, 2, ... in row-major order. */
function seq(shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Float32Array.from({ length: n }, (_, i) => i), { shape });
}

/** Nested JS arrays of `shape` with element value = its row-major index: the reference for `seq`. */
function seqList(shape: number[], start = 0): NestedList {
  if (shape.length === 0) return start;
  const inner = shape.slice(1).reduce((a, b) => a * b, 1);
  return Array.from({ length: shape[0]! }, (_, i) => seqList(shape.slice(1), start + i * inner));
}

function sharesStorage(a: Tensor, b: Tensor): boolean {
  return a.storage === b.storage;
}

describe("views share storage and have PyTorch's layout", () => {
  it("transpose swaps shape and strides without copying", () => {
    const x = seq([2, 3, 4]);
    const y = transpose(x, 0, -1);
    expect(y.shape).toEqual([4, 3, 2]);
    expect(y.strides).toEqual([1, 4, 12]);
    expect(sharesStorage(x, y)).toBe(true);
    y.storage[y.offset + 1 * y.strides[0]! + 2 * y.strides[1]! + 1 * y.strides[2]!] = -7;
    expect((x.tolist() as number[][][])[1]![2]![1]).toBe(-7);
  });

  it("select, narrow and slice move the offset", () => {
    const x = seq([3, 4, 5]);
    const s = select(x, 1, -1);
    expect([s.shape, s.strides, s.offset]).toEqual([[3, 5], [20, 1], 15]);
    const n = narrow(x, 2, 1, 3);
    expect([n.shape, n.strides, n.offset]).toEqual([[3, 4, 3], [20, 5, 1], 1]);
    const sl = slice(x, 0, 1, null, 2);
    expect([sl.shape, sl.strides, sl.offset]).toEqual([[1, 4, 5], [40, 5, 1], 20]);
    for (const v of [s, n, sl]) expect(sharesStorage(x, v)).toBe(true);
    n.storage[n.offset] = 100;
    expect((x.tolist() as number[][][])[0]![0]![1]).toBe(100);
  });

  it("slice clamps bounds like Python slicing", () => {
    const x = seq([7]);
    expect(slice(x, 0, -3).tolist()).toEqual([4, 5, 6]);
    expect(slice(x, 0, 2, 100).tolist()).toEqual([2, 3, 4, 5, 6]);
    expect(slice(x, 0, -100, 2).tolist()).toEqual([0, 1]);
    expect(slice(x, 0, 5, 2).shape).toEqual([0]);
    expect(slice(x, 0, 1, null, 3).tolist()).toEqual([1, 4]);
    expect(x.slice(0, 10).shape).toEqual([0]);
  });

  it("unsqueeze and squeeze round-trip, squeezing only size-1 dims", () => {
    const x = seq([2, 1, 3]);
    expect(squeeze(x).shape).toEqual([2, 3]);
    expect(squeeze(x, 0).shape).toEqual([2, 1, 3]);
    expect(squeeze(x, -2).shape).toEqual([2, 3]);
    expect(x.squeeze([0, 1]).shape).toEqual([2, 3]);
    const u = unsqueeze(seq([2, 3]), -1);
    expect([u.shape, u.strides]).toEqual([[2, 3, 1], [3, 1, 1]]);
    const front = unsqueeze(seq([2, 3]), 0);
    expect([front.shape, front.strides]).toEqual([[1, 2, 3], [6, 3, 1]]);
    expect(unsqueeze(tensor(5), 0).tolist()).toEqual([5]);
  });

  it("expand gives 0 strides and keeps -1 dims", () => {
    const x = seq([3, 1]);
    const e = x.expand(2, -1, 4);
    expect([e.shape, e.strides]).toEqual([[2, 3, 4], [0, 1, 0]]);
    expect(e.tolist()).toEqual([0, 1].map(() => [0, 1, 2].map((v) => [v, v, v, v])));
    expect(expand(x, [3, 1]).strides).toEqual(x.strides);
    expect(seq([1, 4]).expandAs(seq([3, 4])).shape).toEqual([3, 4]);
  });

  it("view follows PyTorch's computeStride on non-contiguous inputs", () => {
    const x = seq([4, 6]).t(); // shape [6, 4], strides [1, 6]
    const split = x.view(2, 3, 4);
    expect([split.shape, split.strides]).toEqual([[2, 3, 4], [3, 1, 6]]);
    expect(sharesStorage(x, split)).toBe(true);
    expect(split.tolist()).toEqual(reshapeList(x.tolist(), [2, 3, 4]));
    const ones = seq([2, 3]).unsqueeze(1).view(2, 3, 1);
    expect(ones.strides).toEqual([3, 1, 1]);
    expect(seq([2, 3]).view(-1).shape).toEqual([6]);
    expect(tensor(3).view(1, 1).shape).toEqual([1, 1]);
    expect(seq([1]).view([]).shape).toEqual([]);
  });

  it("reshape is a view when it can be and a copy otherwise", () => {
    const x = seq([2, 3, 4]);
    const r = reshape(x, [4, -1]);
    expect(r.shape).toEqual([4, 6]);
    expect(sharesStorage(x, r)).toBe(true);
    const nc = transpose(x, 0, 2);
    const copied = reshape(nc, [-1]);
    expect(sharesStorage(nc, copied)).toBe(false);
    expect(copied.isContiguous()).toBe(true);
    expect(copied.tolist()).toEqual(flattenList(nc.tolist()));
    const empty = seq([0, 3]).reshape(3, 0, 5);
    expect([empty.shape, empty.strides]).toEqual([[3, 0, 5], [5, 5, 1]]);
  });

  it("flatten and unflatten", () => {
    const x = seq([2, 3, 4, 5]);
    expect(flatten(x).shape).toEqual([120]);
    expect(flatten(x, 1, 2).shape).toEqual([2, 12, 5]);
    expect(flatten(x, -2).shape).toEqual([2, 3, 20]);
    expect(flatten(x, 2, 2)).toBe(x);
    expect(flatten(tensor(2)).shape).toEqual([1]);
    expect(unflatten(x, 1, [3, 1]).shape).toEqual([2, 3, 1, 4, 5]);
    expect(unflatten(x, -1, [-1, 5]).shape).toEqual([2, 3, 4, 1, 5]);
    expect(unflatten(flatten(x, 1), 1, [3, 4, 5]).tolist()).toEqual(x.tolist());
  });

  it("t transposes matrices and leaves vectors alone", () => {
    expect(t(seq([2, 3])).tolist()).toEqual([[0, 3], [1, 4], [2, 5]]);
    expect(t(seq([3])).tolist()).toEqual([0, 1, 2]);
    expect(seq([2, 3]).t().strides).toEqual([1, 3]);
  });

  it("movedim moves dims and keeps the others in order", () => {
    const x = seq([2, 3, 4, 5]);
    expect(movedim(x, 1, -1).shape).toEqual([2, 4, 5, 3]);
    expect(movedim(x, [0, 3], [2, 0]).shape).toEqual([5, 3, 2, 4]);
    expect(x.movedim(0, 0)).toEqual(x.permute(0, 1, 2, 3));
  });

  it("chained permute -> slice -> select reads the right elements", () => {
    const shape = [3, 4, 5];
    const x = seq(shape);
    const got = x.permute(2, 0, 1).slice(1, 1, null, 2).select(2, -2);
    // Reference: p[a][b][c] = x[b][c][a]; then b in {1}; then c = 2.
    const ref = seqList(shape) as number[][][];
    const want = [0, 1, 2, 3, 4].map((a) => [1].map((b) => ref[b]![2]![a]!));
    expect(got.tolist()).toEqual(want);
    expect(sharesStorage(got, x)).toBe(true);
  });

  it("unbind, chunk and split give PyTorch's piece sizes as views", () => {
    const x = seq([5, 2]);
    expect(unbind(x).map((p) => p.tolist())).toEqual(seqList([5, 2]));
    expect(unbind(x, 1).map((p) => p.shape)).toEqual([[5], [5]]);
    expect(chunk(x, 2).map((p) => p.shape[0])).toEqual([3, 2]);
    expect(chunk(seq([6]), 4).map((p) => p.shape[0])).toEqual([2, 2, 2]);
    expect(chunk(seq([0]), 3).map((p) => p.shape[0])).toEqual([0]);
    expect(split(x, 2).map((p) => p.shape[0])).toEqual([2, 2, 1]);
    expect(split(x, [1, 4]).map((p) => p.shape[0])).toEqual([1, 4]);
    expect(x.split(1, 1).map((p) => [p.shape, flattenList(p.tolist())])).toEqual([[[5, 1], [0, 2, 4, 6, 8]], [[5, 1], [1, 3, 5, 7, 9]]]);
    for (const piece of split(x, 2)) expect(sharesStorage(piece, x)).toBe(true);
  });
});

function flattenList(list: NestedList): number[] {
  return Array.isArray(list) ? list.flatMap(flattenList) : [list as number];
}

function reshapeList(list: NestedList, shape: number[]): NestedList {
  const flat = flattenList(list);
  const build = (dims: number[], start: number): NestedList => {
    if (dims.length === 0) return flat[start]!;
    const inner = dims.slice(1).reduce((a, b) => a * b, 1);
    return Array.from({ length: dims[0]! }, (_, i) => build(dims.slice(1), start + i * inner));
  };
  return build(shape, 0);
}

const smallShape = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 });

describe("properties", () => {
  it("permute then the inverse permutation gives back the original", () => {
    const arb = smallShape.chain((shape) =>
      fc.record({ shape: fc.constant(shape), order: fc.shuffledSubarray([...shape.keys()], { minLength: shape.length, maxLength: shape.length }) }),
    );
    fc.assert(
      fc.property(arb, ({ shape, order }) => {
        const x = seq(shape);
        const inverse = order.map((_, i) => order.indexOf(i));
        const y = permute(x, order);
        expect(y.shape).toEqual(order.map((d) => shape[d]));
        const back = permute(y, inverse);
        expect(back.shape).toEqual(shape);
        expect(back.strides).toEqual(x.strides);
        expect(back.tolist()).toEqual(seqList(shape));
        expect(reshape(y, [-1]).tolist()).toEqual(flattenList(y.tolist()));
      }),
    );
  });

  it("cat then split round-trips", () => {
    const arb = fc.record({
      rest: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 2 }),
      sizes: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }),
      dimPick: fc.nat(),
    });
    fc.assert(
      fc.property(arb, ({ rest, sizes, dimPick }) => {
        const rank = rest.length + 1;
        const dim = dimPick % rank;
        let counter = 0;
        const parts = sizes.map((size) => {
          const shape = [...rest];
          shape.splice(dim, 0, size);
          const n = shape.reduce((a, b) => a * b, 1);
          return tensor(Float32Array.from({ length: n }, () => counter++), { shape });
        });
        const whole = cat(parts, dim);
        expect(whole.shape[dim]).toBe(sizes.reduce((a, b) => a + b, 0));
        const pieces = split(whole, sizes, dim);
        pieces.forEach((piece, i) => expect(piece.tolist()).toEqual(parts[i]!.tolist()));
      }),
    );
  });

  it("reshape of a permuted, sliced input keeps row-major element order, viewing when it can", () => {
    const arb = smallShape.chain((shape) =>
      fc.record({
        shape: fc.constant(shape),
        order: fc.shuffledSubarray([...shape.keys()], { minLength: shape.length, maxLength: shape.length }),
        target: fc.shuffledSubarray([...shape, 1, 1], { minLength: shape.length + 2, maxLength: shape.length + 2 }),
        step: fc.integer({ min: 1, max: 2 }),
      }),
    );
    fc.assert(
      fc.property(arb, ({ shape, order, target, step }) => {
        const x = seq([...shape, step]).select(-1, step - 1).permute(order);
        const r = x.reshape(target);
        expect(r.shape).toEqual(target);
        expect(flattenList(r.tolist())).toEqual(flattenList(x.tolist()));
        if (r.storage === x.storage) expect(x.view(target).strides).toEqual(r.strides);
        else expect(() => x.view(target)).toThrow(/view\(\): .* use reshape\(\) instead/);
      }),
    );
  });
});
