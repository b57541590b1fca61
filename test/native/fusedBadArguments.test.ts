/**
 * fusedPointwise refuses a bad program (kinds, op codes, registers read before they are
 * defined, counts), bad inputs and layouts with a thrown JS error, writing nothing.
 */
import { describe, expect, it } from "vitest";
import { native, suiteName } from "./nativeAvailability.js";

describe.skipIf(!native)(suiteName("fusedPointwise validates every argument"), () => {
  const f = (n: number, v = 1) => new Float32Array(n).fill(v);
  // out[2, 3] = relu(x0[2, 3] * x1[3] - 0.5): mul (code 2), sub with a number, relu (unary 0).
  const code = () => Int32Array.of(2, 3, 0, 2, 0, 1, 0, 1, 2, -1, 1, 0, 3, -1);
  const numbers = () => Float64Array.of(0, 0, 0.5, 0, 0, 0);
  const layout = () => Int32Array.of(2, 2, 3, 0, 3, 1, 0, 0, 1, 0, 3, 1);
  const good = (): unknown[] => [code(), numbers(), layout(), [f(6, 2), f(3, 3)], f(6)];
  const call = (args: unknown[]) => (native!.binding.fusedPointwise as (...a: unknown[]) => void)(...args);
  const withArg = (i: number, v: unknown): unknown[] => {
    const args = good();
    args[i] = v;
    return args;
  };
  const withCode = (at: number, v: number) => {
    const c = code();
    c[at] = v;
    return withArg(0, c);
  };

  it("accepts the valid call", () => {
    const args = good();
    call(args);
    expect(Array.from(args[4] as Float32Array)).toEqual(new Array(6).fill(5.5));
  });

  it.each([
    ["an input count of 0", withCode(0, 0), /input count 0 is outside 1..8/],
    ["an input count past 8", withCode(0, 9), /input count 9/],
    ["a statement count that does not match the code", withCode(1, 2), /code for 2 statements needs 10 entries, got 14/],
    ["numbers of the wrong length", withArg(1, new Float64Array(4)), /numbers for 3 statements needs 6 entries, got 4/],
    ["an unknown kind", withCode(2, 2), /statement 0: unknown kind 2/],
    ["an unknown binary op (pow is not fused)", withCode(3, 6), /statement 0: unknown binary op code 6/],
    ["an unknown unary op", withCode(11, 99), /statement 2: unknown unary op code 99/],
    ["a register read before it is defined", withCode(8, 3), /statement 1: operand a = 3 is not a register defined before it \(0..2\)/],
    ["a negative register", withCode(4, -1), /statement 0: operand a = -1/],
    ["b out of range", withCode(5, 2), /statement 0: operand b = 2 is neither -1/],
    ["b on a unary op", withCode(13, 0), /statement 2: operand b = 0 must be -1 for a unary op/],
    ["a NaN clamp bound", [Int32Array.of(1, 1, 1, 26, 0, -1), Float64Array.of(NaN, 1), Int32Array.of(1, 6, 0, 1, 0, 1), [f(6)], f(6)], /clamp bounds must not be NaN/],
    ["an input too short for its layout", withArg(3, [f(5), f(3)]), /inputs\[0\]: shape \[2, 3\].*outside its array of length 5/],
    ["out too short", withArg(4, f(5)), /out: shape \[2, 3\].*outside its array of length 5/],
    ["a layout for another operand count", withArg(2, Int32Array.of(2, 2, 3, 0, 3, 1, 0, 3, 1)), /layout of rank 2 for 3 operands needs 12 entries, got 9/],
    ["an input overlapping out at another offset", (() => { const out = f(8); return withArg(4, out).map((a, i) => (i === 3 ? [out.subarray(1), f(3)] : a)); })(), /inputs\[0\] overlaps out without being exactly out/],
  ])("%s (RangeError)", (_, args, message) => {
    const out = (args as unknown[])[4] as Float32Array;
    const before = Array.from(out);
    expect(() => call(args as unknown[])).toThrow(RangeError);
    expect(() => call(args as unknown[])).toThrow(message);
    expect(Array.from(out)).toEqual(before);
  });

  it.each([
    ["code not an Int32Array", withArg(0, [2, 3]), /code must be an Int32Array/],
    ["numbers not a Float64Array", withArg(1, new Float32Array(6)), /numbers must be a Float64Array/],
    ["inputs not an array", withArg(3, f(6)), /inputs must be an array of 2 Float32Arrays/],
    ["too few inputs", withArg(3, [f(6)]), /inputs must be an array of 2 Float32Arrays/],
    ["an input of another type", withArg(3, [f(6), new Float64Array(3)]), /inputs\[1\] must be a Float32Array/],
    ["a wrong argument count", good().slice(0, 4), /expected 5 arguments, got 4/],
  ])("%s (TypeError)", (_, args, message) => {
    expect(() => call(args)).toThrow(TypeError);
    expect(() => call(args)).toThrow(message);
  });
});
