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

  it("binary and unary: spans past the end, bad op codes, wrong types", () => {
    const b = native!.binding;
    expect(() => b.binary(0, f(4), 0, f(4), 0, f(4), 0, 5, 1)).toThrow(RangeError);
    expect(() => b.binary(0, f(4), 1, f(4), 0, f(4), 0, 4, 1)).toThrow(/overrun/);
    expect(() => b.binary(0, f(4), 0, f(4), 0, f(3), 0, 4, 1)).toThrow(RangeError);
    expect(() => b.binary(9, f(4), 0, f(4), 0, f(4), 0, 4, 1)).toThrow(/unknown op/);
    expect(() => b.binary(0, new Int32Array(4) as unknown as Float32Array, 0, f(4), 0, f(4), 0, 4, 1)).toThrow(TypeError);
    expect(() => b.unary(0, f(4), 0, f(4), 2, 3)).toThrow(RangeError);
    expect(() => b.unary(7, f(4), 0, f(4), 0, 4)).toThrow(/unknown op/);
    expect(() => b.unary(0, f(4), -1, f(4), 0, 4)).toThrow(RangeError);
    expect(() => b.setIsa("sse9")).toThrow(/unknown or not supported/);
  });
});
