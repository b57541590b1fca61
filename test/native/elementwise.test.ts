/**
 * Native float32 binary/unary ops and where against the JS kernels, for every ISA this
 * CPU supports: every contiguous length up to past a few vectors (tails included) and a
 * length the pool splits; random strided operands (rank 0-5, size-1 dims, broadcast both
 * ways, permuted, stepped, flipped, in place) with special values; comparisons into bool;
 * and that the backend sends what it does not cover (other dtypes, rank past 8) to JS.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { withBackend } from "../../runtime/kernels/index.js";
import { jsBackend } from "../../runtime/kernels/js/index.js";
import type { BinaryKernelOp, UnaryKernelOp } from "../../runtime/kernels/elementwise.js";
import { BINARY_CODES, COMPARE_CODES, UNARY_CODES } from "../../runtime/kernels/native/elementwise.js";
import { stridedLayout } from "../../runtime/kernels/native/views.js";
import { randn, tensor, where } from "../../runtime/index.js";
import type { StridedView } from "../../runtime/tensor/Tensor.js";
import { isas, native, suiteName } from "./nativeAvailability.js";
import { close, denseOut, elementsOf, fillValues, layoutArb, shapeArb, stridedView } from "./stridedViews.js";

const LENGTHS = [...Array.from({ length: 70 }, (_, i) => i), 255, 1000, 70_001];

/** [op, params, rtol, atol]: exact ops and libm-per-element ops to float rounding, vector approximations as documented. */
const UNARY: [UnaryKernelOp, number[], number, number][] = [
  ["relu", [], 0, 0], ["tanh", [], 4e-7, 1e-7], ["exp", [], 1e-6, 1e-37], ["sigmoid", [], 1e-6, 1e-37], ["gelu", [], 1e-5, 1e-6], ["gelu_tanh", [], 1e-5, 1e-6],
  ["abs", [], 0, 0], ["neg", [], 0, 0], ["log", [], 3e-7, 0], ["sqrt", [], 0, 0], ["rsqrt", [], 2.5e-7, 0], ["sin", [], 3e-7, 1e-37], ["cos", [], 3e-7, 1e-37],
  ["erf", [], 3e-7, 1e-37], ["floor", [], 0, 0], ["ceil", [], 0, 0], ["round", [], 0, 0], ["sign", [], 0, 0], ["reciprocal", [], 0, 0],
  ["log1p", [], 3e-7, 1e-37], ["expm1", [], 3e-7, 1e-37], ["square", [], 0, 0], ["silu", [], 1e-6, 1e-30],
  ["softplus", [1, 20], 3e-7, 1e-37], ["softplus", [2.5, 5], 3e-7, 1e-37], ["elu", [1], 3e-7, 1e-37], ["elu", [0.25], 3e-7, 1e-37],
  ["leaky_relu", [0.01], 1.5e-7, 1e-40], ["clamp", [-0.5, 2], 0, 0], ["clamp", [-Infinity, 0.25], 0, 0], ["clamp", [3, -1], 0, 0],
];
/** [op, alpha, rtol]; the alphas are floats, so only add/sub with alpha round differently from JS (one FMA). */
const BINARY: [BinaryKernelOp, number, number][] = [
  ["add", 1, 0], ["add", 2.5, 2e-7], ["sub", 1, 0], ["sub", -0.5, 2e-7], ["mul", 1, 0], ["div", 1, 0], ["maximum", 1, 0], ["minimum", 1, 0], ["pow", 1, 3e-7],
];

function expectClose(got: number[], want: number[], rtol: number, atol: number, label: () => string): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!close(got[i]!, want[i]!, rtol, atol)) throw new Error(`${label()} at ${i}: native ${got[i]} vs js ${want[i]}`);
  }
}

function dense1d(storage: Float32Array, n: number, offset: number): StridedView {
  return { storage, shape: [n], strides: [1], offset, dtype: "float32" };
}

/** A copy of a view's storage with the same layout, so the JS and native runs each write their own. */
function cloneView(v: StridedView): StridedView {
  return { ...v, storage: v.storage.slice() };
}

describe.skipIf(!native)(suiteName("native elementwise equals the JS kernels"), () => {
  const b = native!.binding;
  afterAll(() => b.setIsa(isas[0]!));

  const runUnary = (op: UnaryKernelOp, params: number[], x: StridedView, out: StridedView) =>
    b.unary(UNARY_CODES[op]!, params[0] ?? 0, params[1] ?? 0, stridedLayout(out.shape, [x, out])!, x.storage as Float32Array, out.storage as Float32Array);
  const runBinary = (op: BinaryKernelOp, alpha: number, x: StridedView, y: StridedView, out: StridedView) =>
    b.binary(BINARY_CODES[op]!, alpha, stridedLayout(out.shape, [x, y, out])!, x.storage as Float32Array, y.storage as Float32Array, out.storage as Float32Array);

  for (const isa of isas) {
    it(`${isa}: every unary op, every contiguous tail, special values, in place`, () => {
      b.setIsa(isa);
      for (const [op, params, rtol, atol] of UNARY) {
        for (const n of LENGTHS) {
          const x = new Float32Array(n + 3);
          fillValues(x, n + 1);
          const want = dense1d(new Float32Array(n), n, 0);
          jsBackend.unary(op, dense1d(x, n, 3), want, params);
          const got = dense1d(new Float32Array(n + 1), n, 1);
          runUnary(op, params, dense1d(x, n, 3), got);
          expectClose(elementsOf(got), elementsOf(want), rtol, atol, () => `${isa} ${op}(${params}) n=${n}`);
          runUnary(op, params, dense1d(x, n, 3), dense1d(x, n, 3));
          for (let i = 0; i < n; i++) {
            if (!Object.is(x[i + 3], got.storage[i + 1])) throw new Error(`${isa} ${op} in place differs at ${i}/${n}: ${x[i + 3]} vs ${got.storage[i + 1]}`);
          }
        }
      }
    });

    it(`${isa}: gelu within 1e-5 relative or 1e-6 absolute of the double reference over [-12, 12], the negative tail included`, () => {
      b.setIsa(isa);
      fc.assert(
        fc.property(fc.float({ min: -12, max: 12, noNaN: true }), fc.integer({ min: 1, max: 64 }), (start, n) => {
          const x = Float32Array.from({ length: n }, (_, i) => Math.fround(start + i / 64));
          const want = dense1d(new Float32Array(n), n, 0);
          jsBackend.unary("gelu", dense1d(x, n, 0), want, []);
          const got = dense1d(new Float32Array(n), n, 0);
          runUnary("gelu", [], dense1d(x, n, 0), got);
          expectClose(elementsOf(got), elementsOf(want), 1e-5, 1e-6, () => `${isa} gelu from ${start}, n=${n}`);
        }),
        { numRuns: 300 },
      );
    });

    it(`${isa}: every binary op, every contiguous tail and both scalar-broadcast forms`, () => {
      b.setIsa(isa);
      for (const [op, alpha, rtol] of BINARY) {
        for (const n of LENGTHS) {
          const x = new Float32Array(n);
          const y = new Float32Array(n + 2);
          fillValues(x, n + 1);
          fillValues(y, n + 2);
          const scalar: StridedView = { storage: y, shape: [n], strides: [0], offset: 1, dtype: "float32" };
          const forms: [string, StridedView, StridedView][] = [["vector-vector", dense1d(x, n, 0), dense1d(y, n, 2)], ["vector-scalar", dense1d(x, n, 0), scalar], ["scalar-vector", scalar, dense1d(x, n, 0)]];
          for (const [form, l, r] of forms) {
            const want = dense1d(new Float32Array(n), n, 0);
            jsBackend.binary(op, l, r, want, alpha);
            const got = dense1d(new Float32Array(n), n, 0);
            runBinary(op, alpha, l, r, got);
            expectClose(elementsOf(got), elementsOf(want), rtol, 1e-30, () => `${isa} ${op} alpha ${alpha} ${form} n=${n}`);
          }
        }
      }
    });

    it(`${isa}: maximum and minimum order signed zeros as Math.max/Math.min, in vectors and tails, either operand order`, () => {
      b.setIsa(isa);
      const zeros = [0, -0];
      const n = 67;
      const x = Float32Array.from({ length: n }, (_, i) => zeros[i % 2]!);
      const y = Float32Array.from({ length: n }, (_, i) => zeros[(i >> 1) % 2]!);
      for (const [op, reference] of [["maximum", Math.max], ["minimum", Math.min]] as const) {
        for (const [l, r] of [[x, y], [y, x]]) {
          const got = dense1d(new Float32Array(n), n, 0);
          runBinary(op, 1, dense1d(l, n, 0), dense1d(r, n, 0), got);
          for (let i = 0; i < n; i++) {
            if (!Object.is(got.storage[i], reference(l[i]!, r[i]!))) throw new Error(`${isa} ${op}(${Object.is(l[i], -0) ? "-0" : "0"}, ${Object.is(r[i], -0) ? "-0" : "0"}) at ${i} gave ${Object.is(got.storage[i], -0) ? "-0" : got.storage[i]}`);
          }
        }
      }
    });

    it(`${isa}: unary ops on random strided views (permuted, stepped, flipped, broadcast), and in place`, () => {
      b.setIsa(isa);
      fc.assert(
        fc.property(shapeArb.chain((shape) => fc.tuple(fc.constant(shape), layoutArb(shape.length, true), fc.integer({ min: 0, max: UNARY.length - 1 }))), ([shape, plan, which]) => {
          const [op, params, rtol, atol] = UNARY[which]!;
          const x = stridedView(shape, plan);
          const want = denseOut(shape);
          jsBackend.unary(op, x, want, params);
          const got = denseOut(shape);
          runUnary(op, params, x, got);
          expectClose(elementsOf(got), elementsOf(want), rtol, atol, () => `${isa} ${op} shape [${shape}] strides [${x.strides}]`);
          expect(got.storage[0]).toBe(77);
          const inPlace = cloneView(got);
          runUnary(op, params, inPlace, inPlace);
          const twice = denseOut(shape);
          runUnary(op, params, got, twice);
          expect(elementsOf(inPlace)).toEqual(elementsOf(twice));
        }),
        { numRuns: 300 },
      );
    });

    it(`${isa}: binary ops on random strided views, broadcasting both ways, and in place`, () => {
      b.setIsa(isa);
      fc.assert(
        fc.property(
          shapeArb.chain((shape) => fc.tuple(fc.constant(shape), layoutArb(shape.length, true), layoutArb(shape.length, true), fc.integer({ min: 0, max: BINARY.length - 1 }))),
          ([shape, planA, planB, which]) => {
            const [op, alpha, rtol] = BINARY[which]!;
            const x = stridedView(shape, planA);
            const y = stridedView(shape, planB);
            const want = denseOut(shape);
            jsBackend.binary(op, x, y, want, alpha);
            const got = denseOut(shape);
            runBinary(op, alpha, x, y, got);
            expectClose(elementsOf(got), elementsOf(want), rtol, 1e-30, () => `${isa} ${op} shape [${shape}] a [${x.strides}] b [${y.strides}]`);
            // In place into a: out is a dense copy of x, then a = a op b. (A row's vector
            // body and its tail round a + alpha b differently, so alpha != 1 may differ by an ulp.)
            const a = denseOut(shape);
            jsBackend.copy(x, a);
            runBinary(op, alpha, a, y, a);
            expectClose(elementsOf(a), elementsOf(got), rtol, 1e-30, () => `${isa} ${op} in place, shape [${shape}] b [${y.strides}]`);
          },
        ),
        { numRuns: 300 },
      );
    });

    it(`${isa}: where on random strided views with a broadcast condition`, () => {
      b.setIsa(isa);
      fc.assert(
        fc.property(
          shapeArb.chain((shape) => fc.tuple(fc.constant(shape), layoutArb(shape.length, true), layoutArb(shape.length, true), layoutArb(shape.length, true))),
          ([shape, planC, planA, planB]) => {
            const c = stridedView(shape, planC, "bool");
            const x = stridedView(shape, planA);
            const y = stridedView(shape, planB);
            const want = denseOut(shape);
            jsBackend.where(c, x, y, want);
            const got = denseOut(shape);
            b.where(stridedLayout(shape, [c, x, y, got])!, c.storage as Uint8Array, x.storage as Float32Array, y.storage as Float32Array, got.storage as Float32Array);
            expect(Array.from(got.storage).map(String)).toEqual(Array.from(want.storage).map(String));
          },
        ),
        { numRuns: 200 },
      );
    });
  }

  it("comparisons into bool on random strided views (special values, an operand against itself)", () => {
    const ops = Object.keys(COMPARE_CODES) as BinaryKernelOp[];
    fc.assert(
      fc.property(
        shapeArb.chain((shape) => fc.tuple(fc.constant(shape), layoutArb(shape.length, true), layoutArb(shape.length, true), fc.constantFrom(...ops), fc.boolean())),
        ([shape, planA, planB, op, itself]) => {
          const x = stridedView(shape, planA);
          const y = itself ? x : stridedView(shape, planB);
          const want = denseOut(shape, "bool");
          jsBackend.binary(op, x, y, want, 1);
          const got = denseOut(shape, "bool");
          b.compare(COMPARE_CODES[op]!, stridedLayout(shape, [x, y, got])!, x.storage as Float32Array, y.storage as Float32Array, got.storage as Uint8Array);
          expect(Array.from(got.storage)).toEqual(Array.from(want.storage));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("strided and broadcast operands past the pool threshold, split mid-row", () => {
    const shape = [5, 131, 103];  // 67465 elements: the pool's ranges start inside rows
    const plan = (order: number[], broadcast: boolean[], steps = [1, 1, 1], seed = 7) => ({ order, broadcast, steps, flips: [false, true, false], offset: 3, seed });
    const x = stridedView(shape, plan([2, 0, 1], [false, false, false], [1, 2, 1]));
    const y = stridedView(shape, plan([0, 1, 2], [false, true, false], [1, 1, 1], 9));
    const c = stridedView(shape, plan([1, 2, 0], [true, false, false]), "bool");
    for (const isa of isas) {
      b.setIsa(isa);
      const want = denseOut(shape);
      const got = denseOut(shape);
      jsBackend.binary("mul", x, y, want, 1);
      runBinary("mul", 1, x, y, got);
      expectClose(elementsOf(got), elementsOf(want), 0, 0, () => `${isa} mul`);
      jsBackend.unary("sigmoid", x, want, []);
      runUnary("sigmoid", [], x, got);
      expectClose(elementsOf(got), elementsOf(want), 1e-6, 1e-37, () => `${isa} sigmoid`);
      jsBackend.where(c, x, y, want);
      b.where(stridedLayout(shape, [c, x, y, got])!, c.storage as Uint8Array, x.storage as Float32Array, y.storage as Float32Array, got.storage as Float32Array);
      expect(Array.from(got.storage).map(String)).toEqual(Array.from(want.storage).map(String));
    }
  });

  it("the backend runs float32 natively (dense, broadcast, strided) and sends other dtypes and overlapping outputs to JS, with the same results", () => {
    const x = randn(16, 9);
    const row = randn(9);
    const small = randn(3, 4);
    const rank9 = randn([2, 1, 2, 1, 2, 1, 2, 1, 33]);
    const cases = [
      () => x.add(x.exp()),
      () => x.relu().sub(x, { alpha: 0.5 }),
      () => x.div(x.sigmoid()).tanh(),
      () => x.t().add(x.t()),
      () => x.add(row),
      () => row.mul(x).abs().sqrt(),
      () => x.t().tanh().log1p(),
      () => x.maximum(row).minimum(x.t().t()),
      () => x.clamp(-0.5, 0.5).pow(row.abs()),
      () => where(x.gt(0), x, row),
      () => small.exp().mul(small),
      () => x.t().contiguous(),
      () => tensor([1, 2, 3], { dtype: "int32" }).mul(tensor([4, 5, 6], { dtype: "int32" })),
      () => rank9.exp().add(row.narrow(0, 0, 1)),  // past the native maximum rank
    ];
    for (const make of cases) {
      const got = withBackend(native!.backend, make);
      const want = withBackend(jsBackend, make);
      expect(got.dtype).toBe(want.dtype);
      expectClose(Array.from(got.toTypedArray()), Array.from(want.toTypedArray()), 1e-6, 1e-7, () => make.toString());
    }
  });
});
