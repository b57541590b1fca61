/**
 * Native row-wise kernels (softmax/log_softmax over the last dim, layer_norm) against the JS
 * kernels, for every ISA this CPU supports: every row length up to past a few vectors
 * (tails included), rows the pool splits, large values, +-inf and NaN, in place; that
 * the addon rejects bad lengths; and that the backend sends other layouts to JS.
 */
import { afterAll, describe, expect, it } from "vitest";
import { withBackend } from "../../runtime/kernels/index.js";
import { jsBackend } from "../../runtime/kernels/js/index.js";
import { randn } from "../../runtime/index.js";
import { gelu, layerNorm, logSoftmax, softmax } from "../../runtime/ops/index.js";
import { isas, native, suiteName } from "./nativeAvailability.js";

const SPECIAL = [0, -0, 1, -1, Number.NaN, Infinity, -Infinity, 1e-30, 100, -100, 88.5, -88.5, 89, -87, 1e30, -1e30, 3e38, -3e38];
const COLS = [...Array.from({ length: 70 }, (_, i) => i + 1), 255, 1000];

function data(n: number, seed: number, scale: number, special: boolean): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    out[i] = special && i % 11 === 5 ? SPECIAL[(i / 11) % SPECIAL.length | 0]! : (s / 2 ** 31 - 0.5) * scale;
  }
  return out;
}

function close(got: number, want: number, rtol: number, atol: number): boolean {
  if (Number.isNaN(want)) return Number.isNaN(got);
  if (!Number.isFinite(want)) return got === want;
  return Math.abs(got - want) <= atol + rtol * Math.abs(want);
}

const view = (storage: Float32Array, offset: number, shape: number[]) => {
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  return { storage, shape, strides, offset, dtype: "float32" as const };
};

/** Rows that each hold one kind of special value, so most rows stay finite. */
function specialRows(cols: number): Float32Array[] {
  const rows = SPECIAL.map((v, k) => {
    const r = data(cols, k + 7, 8, false);
    r[(k * 5) % cols] = v;
    return r;
  });
  rows.push(new Float32Array(cols).fill(-Infinity), new Float32Array(cols).fill(1e30), data(cols, 3, 1e4, false), data(cols, 5, 8, true));
  return rows;
}

describe.skipIf(!native)(suiteName("native row-wise kernels equal the JS kernels"), () => {
  afterAll(() => native?.binding.setIsa(isas[0]!));

  for (const isa of isas) {
    it(`${isa}: softmax / log_softmax over every row length, special values, in place`, () => {
      native!.binding.setIsa(isa);
      for (const log of [false, true]) {
        for (const cols of COLS) {
          const rowsList = specialRows(cols);
          const rows = rowsList.length;
          const x = new Float32Array(rows * cols + 2);
          rowsList.forEach((r, k) => x.set(r, 2 + k * cols));
          const want = new Float32Array(rows * cols);
          jsBackend.softmax(view(x, 2, [rows, cols]), 1, log, view(want, 0, [rows, cols]));
          const got = new Float32Array(rows * cols + 1);
          native!.binding.softmax(x, 2, got, 1, rows, cols, log ? 1 : 0);
          for (let i = 0; i < rows * cols; i++) {
            if (!close(got[i + 1]!, want[i]!, 1e-5, log ? 1e-5 : 1e-7)) {
              throw new Error(`${isa} ${log ? "log_" : ""}softmax row ${(i / cols) | 0} (cols ${cols}) at ${i % cols}: native ${got[i + 1]} vs js ${want[i]} (x ${x[i + 2]})`);
            }
          }
          native!.binding.softmax(x, 2, x, 2, rows, cols, log ? 1 : 0);
          for (let i = 0; i < rows * cols; i++) expect(Object.is(x[i + 2], got[i + 1])).toBe(true);
        }
      }
    });

    it(`${isa}: softmax split over the pool by rows`, () => {
      native!.binding.setIsa(isa);
      const rows = 301;
      const cols = 257;
      const x = data(rows * cols, 11, 20, false);
      for (const log of [false, true]) {
        const want = new Float32Array(rows * cols);
        jsBackend.softmax(view(x, 0, [rows, cols]), 1, log, view(want, 0, [rows, cols]));
        const got = new Float32Array(rows * cols);
        native!.binding.softmax(x, 0, got, 0, rows, cols, log ? 1 : 0);
        for (let i = 0; i < rows * cols; i++) if (!close(got[i]!, want[i]!, 1e-5, 1e-7)) throw new Error(`${isa} at ${i}: ${got[i]} vs ${want[i]}`);
      }
    });

    it(`${isa}: layer_norm over every row length, with and without weight and bias, special values, large means, in place`, () => {
      native!.binding.setIsa(isa);
      for (const cols of COLS) {
        const rowsList = specialRows(cols);
        // A large mean next to a small spread, and values whose squares overflow float32.
        rowsList.push(data(cols, 9, 0.01, false).map((v) => v + 1000), data(cols, 13, 1e25, false), new Float32Array(cols).fill(7));
        const rows = rowsList.length;
        const x = new Float32Array(rows * cols + 2);
        rowsList.forEach((r, k) => x.set(r, 2 + k * cols));
        const w = data(cols + 1, cols, 4, false);
        const b = data(cols + 3, cols + 1, 4, false);
        for (const [useW, useB] of [[false, false], [true, true], [true, false], [false, true]] as const) {
          const want = new Float32Array(rows * cols);
          jsBackend.layerNorm(view(x, 2, [rows, cols]), 1, useW ? view(w, 1, [cols]) : null, useB ? view(b, 3, [cols]) : null, 1e-5, view(want, 0, [rows, cols]));
          const got = new Float32Array(rows * cols + 1);
          native!.binding.layerNorm(x, 2, useW ? w : null, 1, useB ? b : null, 3, 1e-5, got, 1, rows, cols);
          for (let i = 0; i < rows * cols; i++) {
            if (!close(got[i + 1]!, want[i]!, 1e-5, 1e-5)) {
              throw new Error(`${isa} layer_norm w ${useW} b ${useB} row ${(i / cols) | 0} (cols ${cols}) at ${i % cols}: native ${got[i + 1]} vs js ${want[i]} (x ${x[i + 2]})`);
            }
          }
          // Rows run four at a time: each row's floats are the ones it gets alone.
          for (let r = 0; r < rows; r++) {
            const alone = new Float32Array(cols);
            native!.binding.layerNorm(x, 2 + r * cols, useW ? w : null, 1, useB ? b : null, 3, 1e-5, alone, 0, 1, cols);
            for (let i = 0; i < cols; i++) expect(Object.is(alone[i], got[1 + r * cols + i]), `row ${r} of ${rows}, cols ${cols}`).toBe(true);
          }
          if (useW && useB) {
            const copy = x.slice();
            native!.binding.layerNorm(copy, 2, w, 1, b, 3, 1e-5, copy, 2, rows, cols);
            for (let i = 0; i < rows * cols; i++) expect(Object.is(copy[i + 2], got[i + 1])).toBe(true);
          }
        }
      }
      const rows = 301;
      const cols = 257;
      const big = data(rows * cols, 17, 6, false);
      const want = new Float32Array(rows * cols);
      jsBackend.layerNorm(view(big, 0, [rows, 1, cols]), 2, null, null, 1e-5, view(want, 0, [rows, 1, cols]));
      const got = new Float32Array(rows * cols);
      native!.binding.layerNorm(big, 0, null, 0, null, 0, 1e-5, got, 0, rows, cols);
      for (let i = 0; i < rows * cols; i++) if (!close(got[i]!, want[i]!, 1e-5, 1e-5)) throw new Error(`${isa} pooled layer_norm at ${i}: ${got[i]} vs ${want[i]}`);
    });
  }

  it("the addon checks layerNorm's arguments", () => {
    const b = native!.binding;
    const x = new Float32Array(12);
    const p = new Float32Array(4);
    expect(() => b.layerNorm(x, 0, p, 0, p, 0, 1e-5, x, 0, 3, 5)).toThrow(/layerNorm\(\): weight: 5 elements at offset 0 overrun its Float32Array of length 4/);
    expect(() => b.layerNorm(x, 0, p, 1, null, 0, 1e-5, x, 0, 3, 4)).toThrow(/weight: 4 elements at offset 1/);
    expect(() => b.layerNorm(x, 0, null, 0, p, 2, 1e-5, x, 0, 3, 4)).toThrow(/bias: 4 elements at offset 2/);
    expect(() => b.layerNorm(x, 1, null, 0, null, 0, 1e-5, new Float32Array(12), 0, 3, 4)).toThrow(/x: 12 elements at offset 1/);
    expect(() => b.layerNorm(x, 0, null, 0, null, 0, 1e-5, new Float32Array(12), 1, 3, 4)).toThrow(/out: 12 elements at offset 1/);
    expect(() => b.layerNorm(x, 0, null, 0, null, 0, 1e-5, x, 0, 3, -4)).toThrow(/cols must be >= 0/);
    expect(() => (b.layerNorm as (...a: unknown[]) => void)(x, 0, undefined, 0, null, 0, 1e-5, x, 0, 3, 4)).toThrow(/weight must be a Float32Array or null/);
    expect(() => (b.layerNorm as (...a: unknown[]) => void)(x, 0, new Float64Array(4), 0, null, 0, 1e-5, x, 0, 3, 4)).toThrow(TypeError);
    expect(() => (b.layerNorm as (...a: unknown[]) => void)(x, 0, null, 0, null, 0, 1e-5, x, 0, 3)).toThrow(/expected 11 arguments/);
    b.layerNorm(x, 0, null, 0, null, 0, 1e-5, x, 0, 0, 4);
  });

  it("the addon checks softmax's arguments (and knows the gelu op codes)", () => {
    const b = native!.binding;
    expect(() => b.unary(27, 0, 0, new Int32Array([1, 4, 0, 1, 0, 1]), new Float32Array(4), new Float32Array(4))).toThrow(/unknown op code 27/);
    const x = new Float32Array(12);
    expect(() => b.softmax(x, 0, x, 0, 3, 5, 0)).toThrow(/softmax\(\): x: 15 elements at offset 0 overrun its Float32Array of length 12/);
    expect(() => b.softmax(x, 1, new Float32Array(12), 0, 3, 4, 0)).toThrow(/softmax\(\): x: 12 elements at offset 1/);
    expect(() => b.softmax(x, 0, new Float32Array(11), 0, 3, 4, 0)).toThrow(/softmax\(\): out: 12 elements/);
    expect(() => b.softmax(x, 0, x, 0, 3, 4, 2)).toThrow(/log must be 0 or 1/);
    expect(() => b.softmax(x, 0, x, 0, -1, 4, 0)).toThrow(/rows must be >= 0/);
    expect(() => b.softmax(x, 0, x, 0, 1.5, 4, 0)).toThrow(/rows must be an integer/);
    expect(() => (b.softmax as (...a: unknown[]) => void)(new Float64Array(12), 0, x, 0, 3, 4, 0)).toThrow(TypeError);
    expect(() => (b.softmax as (...a: unknown[]) => void)(x, 0, x, 0, 3, 4)).toThrow(/expected 7 arguments/);
    b.softmax(x, 0, x, 0, 0, 4, 0);
    b.softmax(x, 12, x, 12, 3, 0, 0);
  });

  it("the backend runs last-dim softmax, layer_norm and gelu natively and other dims, strided and small inputs in JS, with the same results", () => {
    const x = randn(8, 5, 33);
    const small = randn(3, 4);
    const large = randn(3, 40).mul(1000);
    const [w2, b2, w1, strided] = [randn(5, 33), randn(5, 33), randn(33), randn(33, 2).select(1, 0)];
    const cases = [
      () => softmax(x, -1),
      () => logSoftmax(x, 2),
      () => softmax(x, 1),
      () => logSoftmax(x, 0),
      () => softmax(x.transpose(1, 2), -1),
      () => softmax(small, -1),
      () => logSoftmax(large, 1),
      () => layerNorm(x, [33]),
      () => layerNorm(x, [5, 33], w2, b2),
      () => layerNorm(x, [33], w1, null),
      () => layerNorm(x.transpose(0, 1), [33]),
      () => layerNorm(x, [33], strided),
      () => layerNorm(small, [4]),
      () => gelu(x),
      () => gelu(x, { approximate: "tanh" }),
      () => gelu(x.transpose(1, 2)),
    ];
    for (const make of cases) {
      const got = withBackend(native!.backend, make).toTypedArray();
      const want = withBackend(jsBackend, make).toTypedArray();
      for (let i = 0; i < want.length; i++) expect(close(got[i]!, want[i]!, 1e-5, 1e-6)).toBe(true);
    }
  });
});
