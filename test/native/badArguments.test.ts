/**
 * The raw binding refuses wrong lengths, offsets, strides, shapes and types with a
 * thrown JS error (the process survives, and the output is untouched).
 */
import { describe, expect, it } from "vitest";
import { native, suiteName } from "./nativeAvailability.js";

describe.skipIf(!native)(suiteName("the native binding validates every argument"), () => {
  const f = (n: number) => new Float32Array(n).fill(1);
  // A valid 2x3 @ 3x4 -> 2x4 call, to mutate one argument at a time.
  const good = (): unknown[] => [2, 4, 3, 1, f(6), 0, 3, 1, f(12), 0, 4, 1, 0, f(8), 0, 4, 1];
  const sgemm = (args: unknown[]) => (native!.binding.sgemm as (...a: unknown[]) => void)(...args);
  const withArg = (i: number, v: unknown): unknown[] => {
    const args = good();
    args[i] = v;
    return args;
  };

  it("accepts the valid call", () => {
    const args = good();
    sgemm(args);
    expect(Array.from(args[13] as Float32Array)).toEqual(new Array(8).fill(3));
  });

  it("sgemm: lengths, offsets and strides that reach outside a buffer", () => {
    const cases: [string, unknown[]][] = [
      ["A too short", withArg(4, f(5))],
      ["B too short", withArg(8, f(11))],
      ["C too short", withArg(13, f(7))],
      ["A offset past the end", withArg(5, 1)],
      ["C offset past the end", withArg(14, 100)],
      ["A row stride too large", withArg(6, 4)],
      ["B column stride too large", withArg(11, 2)],
      ["negative stride reaching below 0", withArg(6, -3)],
      ["M larger than A holds", withArg(0, 3)],
      ["K larger than A holds", withArg(2, 4)],
      ["N larger than B holds", withArg(1, 5)],
      ["huge stride (overflow)", withArg(7, 2 ** 40)],
    ];
    for (const [label, args] of cases) {
      const c = args[13] as Float32Array;
      const before = Array.from(c);
      expect(() => sgemm(args), label).toThrow(RangeError);
      expect(Array.from(c), `${label}: C untouched`).toEqual(before);
    }
  });

  it("sgemm: wrong types and counts", () => {
    expect(() => sgemm(withArg(4, new Float64Array(6)))).toThrow(TypeError);
    expect(() => sgemm(withArg(8, [1, 2, 3]))).toThrow(TypeError);
    expect(() => sgemm(withArg(0, "2"))).toThrow(TypeError);
    expect(() => sgemm(withArg(0, 1.5))).toThrow(RangeError);
    expect(() => sgemm(withArg(0, -1))).toThrow(RangeError);
    expect(() => sgemm(withArg(5, Number.NaN))).toThrow(RangeError);
    expect(() => sgemm(good().slice(0, 16))).toThrow(/expected 17 arguments/);
  });

  it("sgemmFused: activations without an epilogue, buffers too short, bad numbers, wrong counts", () => {
    // A valid relu(2x3 @ 3x4 + bias) -> 2x4 call: A, B, C, bias, packed, then the numbers
    // (M, N, K, aOffset, aRowStride, aColStride, bOffset, bRowStride, bColStride, beta,
    //  cOffset, cRowStride, cColStride, biasOffset, activation).
    const numbers = [2, 4, 3, 0, 3, 1, 0, 4, 1, 0, 0, 4, 1, 0, 0];
    const call = (change: { arg?: [number, unknown]; number?: [number, number] } = {}): Float32Array => {
      const args: unknown[] = [f(6), f(12), f(8), f(4), null];
      const n = [...numbers];
      if (change.arg) args[change.arg[0]] = change.arg[1];
      if (change.number) n[change.number[0]] = change.number[1];
      (native!.binding.sgemmFused as (...a: unknown[]) => void)(...args, new Float64Array(n));
      return args[2] as Float32Array;
    };
    expect(Array.from(call())).toEqual(new Array(8).fill(4));
    expect(Array.from(call({ arg: [3, null] })), "no bias").toEqual(new Array(8).fill(3));
    expect(() => call({ number: [14, 2] }), "exp has no epilogue").toThrow(/activation 2 is not -1 \(none\), relu/);
    expect(() => call({ number: [14, 25] }), "leaky_relu takes a parameter").toThrow(RangeError);
    expect(() => call({ number: [14, -2] })).toThrow(RangeError);
    expect(() => call({ number: [12, 2] }), "an activation needs C's columns contiguous").toThrow(/column stride must be 1 with an activation/);
    expect(() => call({ arg: [0, f(5)] }), "A too short").toThrow(/sgemmFused\(\): A: a 2x3 matrix/);
    expect(() => call({ arg: [2, f(7)] }), "C too short").toThrow(RangeError);
    expect(() => call({ number: [11, 5] }), "C row stride too large").toThrow(RangeError);
    expect(() => call({ arg: [3, f(3)] }), "bias too short").toThrow(/bias/);
    expect(() => call({ number: [13, 1] }), "bias offset past its end").toThrow(RangeError);
    expect(() => call({ number: [0, 1.5] }), "M not an integer").toThrow(/M must be an integer of magnitude < 2\^31, got 1.5/);
    expect(() => call({ number: [2, -1] }), "K negative").toThrow(/K must be >= 0/);
    expect(() => call({ number: [5, Number.NaN] })).toThrow(/aColStride must be an integer/);
    expect(() => call({ arg: [3, new Float64Array(4)] })).toThrow(/bias must be a Float32Array or null/);
    expect(() => call({ arg: [1, new Float64Array(12)] })).toThrow(/B must be a Float32Array/);
    expect(() => call({ arg: [4, new Float64Array(4)] })).toThrow(/packed must be a Float32Array or null/);
    expect(() => (native!.binding.sgemmFused as (...a: unknown[]) => void)(f(6), f(12), f(8), null, null, new Float64Array(14))).toThrow(/numbers must hold 15 numbers, got 14/);
    expect(() => (native!.binding.sgemmFused as (...a: unknown[]) => void)(f(6), f(12), f(8), null, null, numbers)).toThrow(/numbers must be a Float64Array/);
    expect(() => (native!.binding.sgemmFused as (...a: unknown[]) => void)(1, 2, 3)).toThrow(/expected 6 arguments/);
  });

  // [rank, shape..., then per operand: offset, strides...]; a valid 2x3 layout for `operands` dense operands.
  const layout2x3 = (operands: number) => [2, 2, 3, ...Array.from({ length: operands }, () => [0, 3, 1]).flat()];
  const withEntry = (operands: number, i: number, v: number) => {
    const l = layout2x3(operands);
    l[i] = v;
    return new Int32Array(l);
  };
  // Entries of operand k (0-based) in a rank-2 layout: offset at 3 + 3k, strides after it.
  const layoutCases = (operands: number, names: string[]): [string, Int32Array, RegExp | typeof RangeError][] => [
    ["rank past the maximum", new Int32Array([9, ...new Array(9 + operands * 10).fill(1)]), /rank 9 is outside the native kernels' 0..8/],
    ["negative rank", new Int32Array([-1]), /rank -1/],
    ["empty layout", new Int32Array(0), /layout is empty/],
    ["layout too short", new Int32Array(layout2x3(operands).slice(0, -1)), /needs/],
    ["negative dim", withEntry(operands, 1, -2), /shape\[0\] is negative/],
    ["dim past the arrays", withEntry(operands, 1, 3), RangeError],
    ...names.map((name, k): [string, Int32Array, RegExp] => [`${name} offset past the end`, withEntry(operands, 3 + 3 * k, 1), new RegExp(`${name}: shape \\[2, 3\\] at offset 1`)]),
    ...names.map((name, k): [string, Int32Array, RegExp] => [`${name} negative offset`, withEntry(operands, 3 + 3 * k, -1), new RegExp(`${name}: negative offset`)]),
    ...names.slice(0, -1).map((name, k): [string, Int32Array, RegExp] => [`${name} negative stride reaching below 0`, withEntry(operands, 4 + 3 * k, -3), /reaches indices \[-3, 2\]/]),
    ["out not dense (transposed)", new Int32Array([2, 2, 2, ...Array.from({ length: operands - 1 }, () => [0, 2, 1]).flat(), 0, 1, 2]), /out must be dense/],
    ["out not dense (broadcast)", withEntry(operands, 4 + 3 * (operands - 1), 0), /out must be dense/],
  ];

  // A valid batch of 3 (2x3 @ 3x4 -> 2x4) with B broadcast (batch stride 0).
  const goodBatched = (): unknown[] => [3, 2, 4, 3, 1, f(18), 0, 6, 3, 1, f(12), 0, 0, 4, 1, 0, f(24), 0, 8, 4, 1];
  const sgemmBatched = (args: unknown[]) => (native!.binding.sgemmBatched as (...a: unknown[]) => void)(...args);
  const withBatchedArg = (i: number, v: unknown): unknown[] => {
    const args = goodBatched();
    args[i] = v;
    return args;
  };

  it("sgemmBatched: accepts the valid call", () => {
    const args = goodBatched();
    sgemmBatched(args);
    expect(Array.from(args[16] as Float32Array)).toEqual(new Array(24).fill(3));
  });

  it("sgemmBatched: batch strides, offsets and lengths that reach outside a buffer", () => {
    const cases: [string, unknown[]][] = [
      ["A too short for the last entry", withBatchedArg(5, f(17))],
      ["C too short for the last entry", withBatchedArg(16, f(23))],
      ["A batch stride too large", withBatchedArg(7, 7)],
      ["B batch stride past the end", withBatchedArg(12, 1)],
      ["C batch stride too large", withBatchedArg(18, 9)],
      ["negative batch stride reaching below 0", withBatchedArg(7, -6)],
      ["negative C batch stride reaching below 0", withBatchedArg(18, -1)],
      ["batch larger than A holds", withBatchedArg(0, 4)],
      ["C offset past the end", withBatchedArg(17, 1)],
      ["B row stride too large", withBatchedArg(13, 5)],
      ["huge batch stride (overflow)", withBatchedArg(8, 2 ** 40)],
    ];
    for (const [label, args] of cases) {
      const c = args[16] as Float32Array;
      const before = Array.from(c);
      expect(() => sgemmBatched(args), label).toThrow(RangeError);
      expect(Array.from(c), `${label}: C untouched`).toEqual(before);
    }
  });

  it("sgemmBatched: wrong types and counts", () => {
    expect(() => sgemmBatched(withBatchedArg(5, new Float64Array(18)))).toThrow(TypeError);
    expect(() => sgemmBatched(withBatchedArg(16, [1, 2]))).toThrow(TypeError);
    expect(() => sgemmBatched(withBatchedArg(0, "3"))).toThrow(TypeError);
    expect(() => sgemmBatched(withBatchedArg(0, -1))).toThrow(RangeError);
    expect(() => sgemmBatched(withBatchedArg(0, 2.5))).toThrow(RangeError);
    expect(() => sgemmBatched(withBatchedArg(7, Number.NaN))).toThrow(RangeError);
    expect(() => sgemmBatched(goodBatched().slice(0, 20))).toThrow(/expected 21 arguments/);
  });

  it("binary, unary, where and copy: layouts that reach outside a buffer, or whose output is not dense", () => {
    const b = native!.binding;
    const u8 = (n: number) => new Uint8Array(n).fill(1);
    const calls: [string, string[], (layout: Int32Array, out: Float32Array) => void][] = [
      ["binary", ["a", "b", "out"], (l, out) => b.binary(0, 1, l, f(6), f(6), out)],
      ["unary", ["x", "out"], (l, out) => b.unary(0, 0, 0, l, f(6), out)],
      ["where", ["condition", "a", "b", "out"], (l, out) => b.where(l, u8(6), f(6), f(6), out)],
      ["copy", ["src", "out"], (l, out) => b.copy(l, f(6), out)],
    ];
    for (const [fn, names, call] of calls) {
      call(new Int32Array(layout2x3(names.length)), f(6));
      for (const [label, layout, error] of layoutCases(names.length, names)) {
        const out = f(6);
        expect(() => call(layout, out), `${fn}: ${label}`).toThrow(error);
        expect(Array.from(out), `${fn}: ${label}: out untouched`).toEqual(new Array(6).fill(1));
      }
    }
  });

  it("binary, unary, compare, where and copy: partial overlap with the output, bad op codes and parameters, wrong types and counts", () => {
    const b = native!.binding;
    const dense = new Int32Array(layout2x3(3));
    const buf = f(12);
    const shifted = new Int32Array([2, 2, 3, 1, 3, 1, 0, 3, 1, 0, 3, 1]);
    expect(() => b.binary(0, 1, shifted, buf, f(6), buf), "a one element past out, same buffer").toThrow(/a overlaps out without being exactly out/);
    expect(() => b.binary(0, 1, dense, f(6), buf.subarray(0), buf.subarray(1)), "b: another view of out's memory, one element off").toThrow(/b overlaps out/);
    const broadcastIn = new Int32Array([2, 2, 3, 0, 0, 1, 0, 3, 1, 0, 3, 1]);
    expect(() => b.binary(0, 1, broadcastIn, buf, f(6), buf), "a broadcast over out's own memory").toThrow(/overlaps out/);
    b.binary(0, 1, dense, buf, buf, buf);
    expect(buf[0]).toBe(2);
    expect(() => b.binary(7, 1, dense, f(6), f(6), f(6))).toThrow(/unknown op code 7/);
    expect(() => b.unary(27, 0, 0, new Int32Array(layout2x3(2)), f(6), f(6))).toThrow(/unknown op code 27/);
    expect(() => b.unary(26, Number.NaN, 1, new Int32Array(layout2x3(2)), f(6), f(6))).toThrow(/clamp bounds must not be NaN/);
    expect(() => (b.binary as (...a: unknown[]) => void)(0, "1", dense, f(6), f(6), f(6))).toThrow(TypeError);
    expect(() => (b.binary as (...a: unknown[]) => void)(0, 1, Array.from(dense), f(6), f(6), f(6))).toThrow(/layout must be an Int32Array/);
    expect(() => (b.binary as (...a: unknown[]) => void)(0, 1, new Float64Array(dense), f(6), f(6), f(6))).toThrow(/layout must be an Int32Array/);
    expect(() => (b.binary as (...a: unknown[]) => void)(0, 1, dense, new Float64Array(6), f(6), f(6))).toThrow(/a must be a Float32Array/);
    expect(() => (b.binary as (...a: unknown[]) => void)(0, 1, dense, f(6), f(6))).toThrow(/expected 6 arguments/);
    expect(() => (b.unary as (...a: unknown[]) => void)(0, 0, 0, new Int32Array(layout2x3(2)), f(6), new Int32Array(6))).toThrow(/out must be a Float32Array/);
    const bool6 = new Uint8Array(6);
    b.compare(4, dense, f(6), f(6), bool6);
    expect(Array.from(bool6)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(() => b.compare(6, dense, f(6), f(6), bool6)).toThrow(/unknown op code 6/);
    expect(() => b.compare(0, dense, f(6), f(5), bool6)).toThrow(/b: shape \[2, 3\] at offset 0 with strides \[3, 1\] reaches indices \[0, 5\], outside its array of length 5/);
    expect(() => b.compare(0, dense, f(6), f(6), new Uint8Array(5))).toThrow(/out: shape/);
    expect(() => (b.compare as (...a: unknown[]) => void)(0, dense, f(6), f(6), f(6))).toThrow(/out must be a Uint8Array/);
    expect(() => (b.compare as (...a: unknown[]) => void)(0, dense, f(6), f(6))).toThrow(/expected 5 arguments/);
    expect(() => (b.where as (...a: unknown[]) => void)(new Int32Array(layout2x3(4)), f(6), f(6), f(6), f(6))).toThrow(/condition must be a Uint8Array/);
    expect(() => (b.copy as (...a: unknown[]) => void)(new Int32Array(layout2x3(2)), f(6), new Int32Array(6))).toThrow(/both Float32Arrays or both Int32Arrays/);
    expect(() => (b.copy as (...a: unknown[]) => void)(new Int32Array(layout2x3(2)), new Uint8Array(6), new Uint8Array(6))).toThrow(TypeError);
    // Empty shapes touch nothing, whatever the strides.
    b.copy(new Int32Array([2, 0, 3, 0, 99, -99, 0, 3, 1]), f(0), f(0));
    expect(() => b.setIsa("sse9")).toThrow(/unknown or not supported/);
  });
});
