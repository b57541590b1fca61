/**
 * Note [Overwriting ops]: the executor hands the ops of OVERWRITING_OPS recycled
 * storage without zeroing it. Each of them, on the JS and the default backend, over
 * generated shapes (empty dims, K = 0 products, padding, groups, broadcasting), writes
 * into storage full of NaN exactly what it writes into zeroed storage.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Tensor } from "../../runtime/index.js";
import { opOfKind } from "../../runtime/ir/opKinds.js";
import { OVERWRITING_OPS } from "../../runtime/ops/overwritingOps.js";
import { UNZEROED_MIN_BYTES } from "../../runtime/ops/unzeroedStorage.js";
import { withBackend } from "../../runtime/kernels/index.js";
import { jsBackend } from "../../runtime/kernels/js/index.js";
import { EPILOGUE_ACTIVATIONS } from "../../runtime/kernels/linalg.js";
import { runOp } from "../../runtime/ops/dispatch.js";
import { typedArrayFor, type DType } from "../../runtime/tensor/dtype.js";
import type { Shape } from "../../runtime/tensor/shape.js";
import { emptyTensor, Tensor as TensorClass } from "../../runtime/tensor/Tensor.js";
import { randomTensor } from "./linalgReference.js";

const dim = (max = 4) => fc.integer({ min: 0, max });
const positive = (max = 4) => fc.integer({ min: 1, max });
const seed = fc.integer({ min: 0, max: 1 << 20 });
const activation = fc.constantFrom(...EPILOGUE_ACTIVATIONS);
const t = (shape: readonly number[], s: number): Tensor => randomTensor(shape, s);

/** A product's operands as matmul takes them: 1-D, 2-D or batched, sharing K. */
const matmulOperands = fc
  .record({ M: dim(), K: dim(), N: dim(), batch: positive(2), left: fc.integer({ min: 1, max: 3 }), right: fc.integer({ min: 1, max: 3 }), s: seed })
  .map(({ M, K, N, batch, left, right, s }) => [
    t(left === 1 ? [K] : left === 2 ? [M, K] : [batch, M, K], s),
    t(right === 1 ? [K] : right === 2 ? [K, N] : [batch, K, N], s + 1),
  ] as [Tensor, Tensor]);

/** The product's shape (matmul's rule) with some of its leading dims, or ones, as an addend. */
function addendFor(a: Tensor, b: Tensor, s: number, keep: number): Tensor {
  const batch = a.ndim > 2 ? [a.shape[0]!] : b.ndim > 2 ? [b.shape[0]!] : [];
  const shape = [...batch, ...(a.ndim > 1 ? [a.shape[a.ndim - 2]!] : []), ...(b.ndim > 1 ? [b.shape[b.ndim - 1]!] : [])];
  return t(shape.map((size, i) => (i < shape.length - keep ? 1 : size)), s);
}

const linearArgs = fc
  .record({ rows: fc.array(dim(3), { maxLength: 2 }), K: dim(), N: dim(), bias: fc.boolean(), s: seed })
  .map(({ rows, K, N, bias, s }) => [t([...rows, K], s), t([N, K], s + 1), bias ? t([N], s + 2) : null] as unknown[]);

const addmmArgs = fc
  .record({ M: dim(), K: dim(), N: dim(), row: fc.boolean(), s: seed })
  .map(({ M, K, N, row, s }) => [t(row ? [N] : [M, N], s), t([M, K], s + 1), t([K, N], s + 2)] as unknown[]);

const convArgs = fc
  .record({
    batch: positive(2), groups: positive(2), perGroupIn: positive(3), perGroupOut: positive(2),
    H: fc.integer({ min: 3, max: 7 }), W: fc.integer({ min: 3, max: 7 }), k: positive(3), stride: positive(2),
    padding: fc.integer({ min: 0, max: 1 }), dilation: positive(2), bias: fc.boolean(), s: seed,
  })
  .filter(({ H, W, k, padding, dilation }) => Math.min(H, W) + 2 * padding - dilation * (k - 1) - 1 >= 0)
  .map(({ batch, groups, perGroupIn, perGroupOut, H, W, k, stride, padding, dilation, bias, s }) => [
    t([batch, groups * perGroupIn, H, W], s),
    t([groups * perGroupOut, perGroupIn, k, k], s + 1),
    bias ? t([groups * perGroupOut], s + 2) : null,
    [stride, stride], [padding, padding], [dilation, dilation], groups,
  ] as unknown[]);

const anyShape = fc.array(dim(3), { maxLength: 3 });
const twoBroadcasting = fc
  .record({ shape: fc.array(positive(3), { minLength: 1, maxLength: 3 }), ones: fc.array(fc.boolean(), { maxLength: 3 }), s: seed })
  .map(({ shape, ones, s }) => [t(shape, s), t(shape.map((size, i) => (ones[i] ? 1 : size)), s + 1)] as [Tensor, Tensor]);

/** Bound arguments (schema order, defaults explicit) for each op of OVERWRITING_OPS. */
const CASES: Record<string, fc.Arbitrary<unknown[]>> = {
  "aten::linear": linearArgs,
  "tsjit::linear_act": fc.tuple(linearArgs, activation).map(([args, act]) => [...args, act]),
  "aten::matmul": matmulOperands,
  "aten::mm": fc.record({ M: dim(), K: dim(), N: dim(), s: seed }).map(({ M, K, N, s }) => [t([M, K], s), t([K, N], s + 1)]),
  "aten::bmm": fc.record({ B: dim(2), M: dim(), K: dim(), N: dim(), s: seed }).map(({ B, M, K, N, s }) => [t([B, M, K], s), t([B, K, N], s + 1)]),
  "aten::addmm": fc.tuple(addmmArgs, fc.constantFrom(0, 1, 0.5), fc.constantFrom(1, 2)).map(([args, beta, alpha]) => [...args, beta, alpha]),
  "tsjit::addmm_act": fc.tuple(addmmArgs, activation).map(([args, act]) => [...args, act]),
  "tsjit::matmul_add": fc.tuple(matmulOperands, seed, dim(3)).map(([[a, b], s, keep]) => [a, b, addendFor(a, b, s, keep)]),
  "tsjit::matmul_add_act": fc.tuple(matmulOperands, seed, dim(3), activation).map(([[a, b], s, keep, act]) => [a, b, addendFor(a, b, s, keep), act]),
  "tsjit::stacked_matmul": fc
    .record({ T: dim(), rows: fc.array(dim(3), { maxLength: 2 }), K: dim(), N: dim(), bias: fc.boolean(), s: seed })
    .map(({ T, rows, K, N, bias, s }) => [t([T, ...rows, K], s), t([K, N], s + 1), bias ? t([N], s + 2) : null]),
  "aten::conv2d": convArgs,
  "tsjit::conv2d_act": fc.tuple(convArgs, activation).map(([args, act]) => [...args, act]),
  "aten::max_pool2d": fc
    .record({ shape: fc.tuple(positive(2), positive(3), fc.integer({ min: 3, max: 8 }), fc.integer({ min: 3, max: 8 })), k: positive(3), stride: positive(2), pad: fc.boolean(), ceil: fc.boolean(), s: seed })
    .map(({ shape, k, stride, pad, ceil, s }) => {
      const padding = pad ? Math.floor(k / 2) : 0;
      return [t(shape, s), [k, k], [stride, stride], [padding, padding], [1, 1], ceil];
    }),
  "aten::layer_norm": fc
    .record({ lead: anyShape, D: positive(6), affine: fc.boolean(), s: seed })
    .map(({ lead, D, affine, s }) => [t([...lead, D], s), [D], affine ? t([D], s + 1) : null, affine ? t([D], s + 2) : null, 1e-5]),
  "aten::softmax.int": fc
    .record({ shape: fc.array(dim(4), { minLength: 1, maxLength: 3 }), s: seed })
    .chain(({ shape, s }) => fc.integer({ min: -shape.length, max: shape.length - 1 }).map((d) => [t(shape, s), d, null])),
  "tsjit::fused_pointwise": twoBroadcasting.map(([a, b]) => [[a, b], "t0 = mul(x0, x1); t1 = add(t0, x0); t2 = tanh(t1)"]),
  "aten::add.Tensor": fc.tuple(twoBroadcasting, fc.constantFrom(1, 2)).map(([[a, b], alpha]) => [a, b, alpha]),
  "aten::mul.Tensor": twoBroadcasting,
  "aten::mul.Scalar": fc.tuple(anyShape, seed, fc.double({ min: -4, max: 4, noNaN: true })).map(([shape, s, c]) => [t(shape, s), c]),
  "aten::relu": fc.tuple(anyShape, seed).map(([shape, s]) => [t(shape, s)]),
  "aten::gelu": fc.tuple(anyShape, seed, fc.constantFrom("none", "tanh")).map(([shape, s, approximate]) => [t(shape, s), approximate]),
  "aten::tanh": fc.tuple(anyShape, seed).map(([shape, s]) => [t(shape, s)]),
};

/**
 * One case per op whose output is past UNZEROED_MIN_BYTES, where fresh outputs come
 * unzeroed (Note [Unzeroed outputs]) and the native kernels take their threaded, GEMV
 * and blocked paths; the products include empty sums (K = 0), which must write zeros.
 */
/** `x` scaled and truncated to int64 (a Float64Array storage: Note [int64 storage]). */
const int64 = (x: Tensor): Tensor => x.mul(100).to("int64");

const LARGE_CASES: Record<string, (s: number) => unknown[][]> = {
  "aten::linear": (s) => [[t([2, 96, 64], s), t([200, 64], s + 1), t([200], s + 2)], [t([1, 300], s), t([20000, 300], s + 1), null], [t([300, 0], s), t([200, 0], s + 1), null]],
  "tsjit::linear_act": (s) => [[t([300, 64], s), t([200, 64], s + 1), t([200], s + 2), "relu"], [t([1, 64], s), t([20000, 64], s + 1), null, "gelu"]],
  "aten::matmul": (s) => [[t([3, 100, 32], s), t([32, 100], s + 1)], [t([200, 0], s), t([0, 200], s + 1)], [t([20000, 16], s), t([16], s + 1)]],
  "aten::mm": (s) => [[t([300, 70], s), t([70, 300], s + 1)], [t([1, 64], s), t([64, 20000], s + 1)], [t([300, 0], s), t([0, 300], s + 1)]],
  "aten::bmm": (s) => [[t([4, 100, 20], s), t([4, 20, 100], s + 1)], [t([2, 200, 0], s), t([2, 0, 200], s + 1)]],
  "aten::addmm": (s) => [[t([300], s), t([200, 40], s + 1), t([40, 300], s + 2), 0, 1], [t([200, 300], s), t([200, 0], s + 1), t([0, 300], s + 2), 0.5, 2]],
  "tsjit::addmm_act": (s) => [[t([300], s), t([200, 40], s + 1), t([40, 300], s + 2), "tanh"]],
  "tsjit::matmul_add": (s) => [[t([200, 40], s), t([40, 300], s + 1), t([300], s + 2)], [t([200, 0], s), t([0, 300], s + 1), t([200, 300], s + 2)]],
  "tsjit::matmul_add_act": (s) => [[t([200, 40], s), t([40, 300], s + 1), t([300], s + 2), "relu"]],
  "tsjit::stacked_matmul": (s) => [[t([50, 4, 32], s), t([32, 128], s + 1), t([128], s + 2)], [t([50, 4, 0], s), t([0, 128], s + 1), null]],
  "aten::conv2d": (s) => [[t([2, 8, 40, 40], s), t([16, 8, 3, 3], s + 1), t([16], s + 2), [1, 1], [1, 1], [1, 1], 1], [t([1, 1, 130, 130], s), t([8, 1, 3, 3], s + 1), null, [1, 1], [0, 0], [1, 1], 1]],
  "tsjit::conv2d_act": (s) => [[t([2, 8, 40, 40], s), t([16, 8, 3, 3], s + 1), t([16], s + 2), [1, 1], [1, 1], [1, 1], 1, "relu"], [t([1, 8, 66, 66], s), t([16, 4, 3, 3], s + 1), null, [1, 1], [0, 0], [1, 1], 2, "gelu"]],
  "aten::max_pool2d": (s) => [[t([2, 16, 64, 64], s), [2, 2], [2, 2], [0, 0], [1, 1], false], [t([1, 8, 99, 99], s), [3, 3], [1, 1], [1, 1], [1, 1], true]],
  "aten::layer_norm": (s) => [[t([200, 128], s), [128], t([128], s + 1), t([128], s + 2), 1e-5]],
  "aten::softmax.int": (s) => [[t([200, 128], s), -1, null], [t([128, 200], s), 0, null]],
  "tsjit::fused_pointwise": (s) => [[[t([200, 128], s), t([128], s + 1)], "t0 = mul(x0, x1); t1 = add(t0, x0); t2 = tanh(t1)"]],
  "aten::add.Tensor": (s) => [[t([200, 128], s), t([128], s + 1), 1], [t([200, 1], s), t([1, 128], s + 1), 2], [int64(t([200, 128], s)), int64(t([128], s + 1)), 3]],
  "aten::mul.Tensor": (s) => [[t([200, 128], s), t([200, 128], s + 1)], [int64(t([200, 128], s)), int64(t([200, 128], s + 1))]],
  "aten::mul.Scalar": (s) => [[t([200, 128], s), 0.5]],
  "aten::relu": (s) => [[t([200, 129], s)], [int64(t([200, 129], s))]],
  "aten::gelu": (s) => [[t([200, 129], s), "tanh"]],
  "aten::tanh": (s) => [[t([200, 129], s)]],
};

function nanFilled(shape: Shape, dtype: DType): Tensor {
  const storage = typedArrayFor(dtype, shape.reduce((n, size) => n * size, 1));
  storage.fill(Number.NaN as never);
  return new TensorClass(storage, shape, undefined, 0, dtype);
}

function sameElements(got: Tensor, want: Tensor): boolean {
  const g = got.toTypedArray();
  const w = want.toTypedArray();
  return g.length === w.length && Array.from(w).every((v, i) => Object.is(v, g[i]) || (v === g[i]));
}

const backends = [["js", (body: () => void) => withBackend(jsBackend, body)], ["default", (body: () => void) => body()]] as const;

function describeArgs(args: readonly unknown[]): string {
  return args.map((a) => (a instanceof TensorClass ? `[${a.shape.join(", ")}]` : JSON.stringify(a))).join(", ");
}

describe("overwriting ops (Note [Overwriting ops])", () => {
  it("every op of the list has a case here, and every case an op of the list", () => {
    expect(Object.keys(CASES).sort()).toEqual([...OVERWRITING_OPS].sort());
    expect(Object.keys(LARGE_CASES).sort()).toEqual([...OVERWRITING_OPS].sort());
  });

  it("ops learn from the list whether they overwrite their outputs", () => {
    for (const kind of OVERWRITING_OPS) expect(opOfKind(kind).overwritesOutputs, kind).toBe(true);
    expect(opOfKind("aten::sum.dim_IntList").overwritesOutputs).toBe(false);
  });

  describe.each(backends)("on the %s backend", (_, run) => {
    it.each([...OVERWRITING_OPS])("%s writes every element of its output", (kind) => {
      const op = opOfKind(kind);
      fc.assert(
        fc.property(CASES[kind]!, (args) => {
          run(() => {
            const want = runOp(op, args, emptyTensor) as Tensor;
            const got = runOp(op, args, nanFilled) as Tensor;
            expect([...got.shape]).toEqual([...want.shape]);
            expect(sameElements(got, want), `${kind} on ${describeArgs(args)}`).toBe(true);
          });
        }),
        { numRuns: 40 },
      );
    });

    it.each([...OVERWRITING_OPS])("%s writes every element of a large output", (kind) => {
      const op = opOfKind(kind);
      run(() => {
        for (const args of LARGE_CASES[kind]!(7)) {
          const want = runOp(op, args, emptyTensor) as Tensor;
          expect(want.numel() * want.storage.BYTES_PER_ELEMENT, `${kind} on ${describeArgs(args)}`).toBeGreaterThanOrEqual(UNZEROED_MIN_BYTES);
          const got = runOp(op, args, nanFilled) as Tensor;
          expect(sameElements(got, want), `${kind} on ${describeArgs(args)}`).toBe(true);
        }
      });
    });
  });
});
