/**
 * Native contiguous float32 add/sub/mul/div and relu/tanh/exp/sigmoid/gelu against the JS
 * kernels, for every ISA this CPU supports: every length up to past a few vectors
 * (tails included), a length the thread pool splits, special values, in place; and
 * that the native backend leaves strided, broadcast and non-float32 work to JS.
 */
import { afterAll, describe, expect, it } from "vitest";
import { withBackend } from "../../runtime/kernels/index.js";
import { jsBackend } from "../../runtime/kernels/js/index.js";
import type { BinaryKernelOp, UnaryKernelOp } from "../../runtime/kernels/elementwise.js";
import { randn, tensor } from "../../runtime/index.js";
import { isas, native, suiteName } from "./nativeAvailability.js";

const SPECIAL = [0, -0, 1, -1, Number.NaN, Infinity, -Infinity, 1e-30, -1e-30, 100, -100, 88.5, -88.5, 89, -87, 20, -20, 0.6, -0.6, 0.625, 1e30, -1e30];
const LENGTHS = [...Array.from({ length: 70 }, (_, i) => i), 255, 1000, 70_001];

function data(n: number, seed: number, withSpecial: boolean): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    out[i] = withSpecial && i % 7 === 3 ? SPECIAL[(i / 7) % SPECIAL.length | 0]! : (s / 2 ** 31 - 0.5) * 12;
  }
  return out;
}

function close(got: number, want: number, rtol: number, atol: number): boolean {
  if (Number.isNaN(want)) return Number.isNaN(got);
  if (!Number.isFinite(want)) return got === want;
  return Math.abs(got - want) <= atol + rtol * Math.abs(want);
}

const UNARY: [UnaryKernelOp, number, number][] = [["relu", 0, 0], ["tanh", 4e-7, 1e-7], ["exp", 1e-6, 1e-37], ["sigmoid", 1e-6, 1e-37], ["gelu", 1e-5, 1e-6], ["gelu_tanh", 1e-5, 1e-6]];
const BINARY: [BinaryKernelOp, number][] = [["add", 1], ["add", 2.5], ["sub", 1], ["sub", -0.5], ["mul", 1], ["div", 1]];
const OP_CODES: Record<string, number> = { add: 0, sub: 1, mul: 2, div: 3, relu: 0, tanh: 1, exp: 2, sigmoid: 3, gelu: 4, gelu_tanh: 5 };

describe.skipIf(!native)(suiteName("native elementwise equals the JS kernels"), () => {
  afterAll(() => native?.binding.setIsa(isas[0]!));

  for (const isa of isas) {
    it(`${isa}: unary relu/tanh/exp/sigmoid/gelu/gelu_tanh, every tail, special values, in place`, () => {
      native!.binding.setIsa(isa);
      for (const [op, rtol, atol] of UNARY) {
        for (const n of LENGTHS) {
          const x = data(n + 3, n, true);
          const view = { storage: x, shape: [n], strides: [1], offset: 3, dtype: "float32" as const };
          const want = new Float32Array(n);
          jsBackend.unary(op, view, { storage: want, shape: [n], strides: [1], offset: 0, dtype: "float32" }, []);
          const got = new Float32Array(n + 1);
          native!.binding.unary(OP_CODES[op]!, x, 3, got, 1, n);
          for (let i = 0; i < n; i++) {
            if (!close(got[i + 1]!, want[i]!, rtol, atol)) throw new Error(`${isa} ${op}(${x[i + 3]}) at ${i}/${n}: native ${got[i + 1]} vs js ${want[i]}`);
          }
          native!.binding.unary(OP_CODES[op]!, x, 3, x, 3, n);
          for (let i = 0; i < n; i++) expect(Object.is(x[i + 3], got[i + 1])).toBe(true);
        }
      }
    });

    it(`${isa}: binary add/sub (with alpha)/mul/div, every tail`, () => {
      native!.binding.setIsa(isa);
      for (const [op, alpha] of BINARY) {
        for (const n of LENGTHS) {
          const a = data(n, n + 1, true);
          const b = data(n + 2, n + 2, true);
          const view = (storage: Float32Array, offset: number) => ({ storage, shape: [n], strides: [1], offset, dtype: "float32" as const });
          const want = new Float32Array(n);
          jsBackend.binary(op, view(a, 0), view(b, 2), view(want, 0), alpha);
          const got = new Float32Array(n);
          native!.binding.binary(OP_CODES[op]!, a, 0, b, 2, got, 0, n, alpha);
          for (let i = 0; i < n; i++) {
            if (!close(got[i]!, want[i]!, 2e-7, 1e-30)) throw new Error(`${isa} ${op}(${a[i]}, ${b[i + 2]}, alpha ${alpha}): native ${got[i]} vs js ${want[i]}`);
          }
        }
      }
    });
  }

  it("the backend runs dense float32 natively and sends strided, broadcast, small and non-float32 work to JS, with the same results", () => {
    const x = randn(16, 9);
    const row = randn(9);
    const small = randn(3, 4);
    const cases = [
      () => x.add(x.exp()),
      () => x.relu().sub(x, { alpha: 0.5 }),
      () => x.div(x.sigmoid()).tanh(),
      () => x.t().add(x.t()),
      () => x.add(row),
      () => x.t().tanh(),
      () => small.exp().mul(small),
      () => tensor([1, 2, 3], { dtype: "int32" }).mul(tensor([4, 5, 6], { dtype: "int32" })),
    ];
    for (const make of cases) {
      const got = withBackend(native!.backend, make);
      const want = withBackend(jsBackend, make);
      expect(got.dtype).toBe(want.dtype);
      const g = got.toTypedArray();
      const w = want.toTypedArray();
      for (let i = 0; i < w.length; i++) expect(close(g[i]!, w[i]!, 1e-6, 1e-7)).toBe(true);
    }
  });
});
