/**
 * The conv and pooling entry points refuse lengths, offsets, strides, shapes, params
 * and types that do not fit, with a thrown JS error and the output untouched.
 */
import { describe, expect, it } from "vitest";
import { native, suiteName } from "./nativeAvailability.js";

type Args = unknown[];
const f = (n: number) => new Float32Array(n).fill(1);
/** A contiguous [d0, d1, d2, d3] view at offset 0 of `storage`. */
const view = (storage: unknown, d: [number, number, number, number]): Args => [storage, 0, ...d, d[1] * d[2] * d[3], d[2] * d[3], d[3], 1];

// Valid calls to mutate one argument at a time. conv2d: input [1, 2, 4, 4], weight
// [3, 2, 3, 3], bias [3], out [1, 3, 2, 2]; argument indices: input 0-9, weight 10-19,
// bias 20-22, out 23-32, strideH 33, strideW 34, padH 35, padW 36, dilationH 37,
// dilationW 38, groups 39.
const goodConv = (): Args => [...view(f(32), [1, 2, 4, 4]), ...view(f(54), [3, 2, 3, 3]), f(3), 0, 1, ...view(f(12), [1, 3, 2, 2]), 1, 1, 0, 0, 1, 1, 1];
// Pooling: input [1, 2, 5, 5], out [1, 2, 2, 2], kernel 2x2, stride 2, no padding
// (indices: input 0-9, out 10-19, window 20-25, then dilation or the avg flags 26-27).
const goodMax = (): Args => [...view(f(50), [1, 2, 5, 5]), ...view(f(8), [1, 2, 2, 2]), 2, 2, 2, 2, 0, 0, 1, 1];
const goodAvg = (): Args => [...view(f(50), [1, 2, 5, 5]), ...view(f(8), [1, 2, 2, 2]), 2, 2, 2, 2, 0, 0, 1, 0];
const goodAdaptive = (): Args => [...view(f(50), [1, 2, 5, 5]), ...view(f(8), [1, 2, 2, 2])];

function withArgs(good: () => Args, changes: Record<number, unknown>): Args {
  const args = good();
  for (const [i, v] of Object.entries(changes)) args[Number(i)] = v;
  return args;
}

describe.skipIf(!native)(suiteName("the native conv and pooling entry points validate every argument"), () => {
  const b = native!.binding as unknown as Record<string, (...a: Args) => void>;

  /** Each case must throw `type` and leave the output (at `outIndex`) as it was. */
  function expectRefused(fn: string, outIndex: number, cases: [string, Args][], type: typeof RangeError | typeof TypeError = RangeError): void {
    for (const [label, args] of cases) {
      const out = args[outIndex] as Float32Array;
      const before = out instanceof Float32Array ? Array.from(out) : null;
      expect(() => b[fn]!(...args), `${fn}: ${label}`).toThrow(type);
      if (before) expect(Array.from(out), `${fn}: ${label}: out untouched`).toEqual(before);
    }
  }

  it("accepts the valid calls", () => {
    const conv = goodConv();
    b.conv2d!(...conv);
    expect(Array.from(conv[23] as Float32Array)).toEqual(new Array(12).fill(19));
    const max = goodMax();
    b.maxPool2d!(...max);
    expect(Array.from(max[10] as Float32Array)).toEqual(new Array(8).fill(1));
    b.avgPool2d!(...goodAvg());
    b.adaptiveAvgPool2d!(...goodAdaptive());
  });

  it("conv2d: views that reach outside their buffers", () => {
    expectRefused("conv2d", 23, [
      ["input too short", withArgs(goodConv, { 0: f(31) })],
      ["input offset past the end", withArgs(goodConv, { 1: 1 })],
      ["input row stride too large", withArgs(goodConv, { 8: 5 })],
      ["weight too short", withArgs(goodConv, { 10: f(53) })],
      ["weight stride reaching below 0", withArgs(goodConv, { 16: -9 })],
      ["huge stride (overflow)", withArgs(goodConv, { 9: 2 ** 40 })],
      ["bias too short", withArgs(goodConv, { 20: f(2) })],
      ["bias stride too large", withArgs(goodConv, { 22: 2 })],
      ["bias offset past the end", withArgs(goodConv, { 21: 1 })],
      ["out too short", withArgs(goodConv, { 23: f(11) })],
      ["out offset past the end", withArgs(goodConv, { 24: 1 })],
    ]);
  });

  it("conv2d: shapes and params that do not match", () => {
    expectRefused("conv2d", 23, [
      ["out batch differs", withArgs(goodConv, { 25: 2, 23: f(24) })],
      ["out channels differ from weight's", withArgs(goodConv, { 26: 2 })],
      ["input channels not groups x weight dim 1", withArgs(goodConv, { 3: 3, 0: f(48) })],
      ["groups not dividing the output channels", withArgs(goodConv, { 39: 2, 11: 1, 10: f(27) })],
      ["groups 0", withArgs(goodConv, { 39: 0 })],
      ["stride 0", withArgs(goodConv, { 33: 0 })],
      ["dilation 0", withArgs(goodConv, { 38: 0 })],
      ["negative padding", withArgs(goodConv, { 35: -1 })],
      ["kernel height 0", withArgs(goodConv, { 14: 0 })],
      ["output height not following from the params", withArgs(goodConv, { 27: 1 })],
      ["output width larger than the padding allows", withArgs(goodConv, { 28: 5, 23: f(30), 30: 10, 31: 5 })],
      ["out's [OH, OW] not one run", withArgs(goodConv, { 31: 1, 32: 2 })],
    ]);
    const shared = f(64);
    const overlapping = withArgs(goodConv, { 0: shared, 23: shared, 24: 30 });
    expect(() => b.conv2d!(...overlapping)).toThrow(/overlaps input/);
  });

  it("conv2d: wrong types and counts", () => {
    expectRefused("conv2d", 23, [
      ["Float64Array input", withArgs(goodConv, { 0: new Float64Array(32) })],
      ["array weight", withArgs(goodConv, { 10: [1, 2, 3] })],
      ["bias neither Float32Array nor null", withArgs(goodConv, { 20: 3 })],
      ["string stride", withArgs(goodConv, { 33: "1" })],
      ["too few arguments", goodConv().slice(0, 39)],
    ], TypeError);
    expectRefused("conv2d", 23, [["fractional size", withArgs(goodConv, { 2: 1.5 })], ["NaN offset", withArgs(goodConv, { 11: Number.NaN })]]);
  });

  it("conv2dActivation: an activation without an epilogue, an out with a column stride, the conv2d checks", () => {
    const goodActivation = (): Args => [...goodConv(), 0];
    const out = goodActivation()[23] as Float32Array;
    const valid = goodActivation();
    b.conv2dActivation!(...valid);
    expect(Array.from(valid[23] as Float32Array)).toEqual(new Array(12).fill(19));
    expect(Array.from(out)).toEqual(new Array(12).fill(1));
    expectRefused("conv2dActivation", 23, [
      ["exp (2) has no epilogue", withArgs(goodActivation, { 40: 2 })],
      ["negative activation", withArgs(goodActivation, { 40: -1 })],
      ["out with a last stride of 2", withArgs(goodActivation, { 23: f(24), 30: 8, 31: 4, 32: 2 })],
      ["groups 2 for 3 output channels", withArgs(goodActivation, { 39: 2 })],
      ["out too short", withArgs(goodActivation, { 23: f(11) })],
    ]);
    expectRefused("conv2dActivation", 23, [["no activation", goodConv()]], TypeError);
  });

  it("conv2dActivationMaxPool2x2: a convolution size that out does not pool to, or that the params do not give, the conv2dActivation checks", () => {
    // The convolution [1, 3, 2, 2] pools to out [1, 3, 1, 1] (indices as conv2d's; activation 40, convH 41, convW 42).
    const goodPool = (): Args => [...withArgs(goodConv, { 23: f(3), 27: 1, 28: 1, 29: 3, 30: 1, 31: 1 }), 0, 2, 2];
    const valid = goodPool();
    b.conv2dActivationMaxPool2x2!(...valid);
    expect(Array.from(valid[23] as Float32Array)).toEqual([19, 19, 19]);
    expectRefused("conv2dActivationMaxPool2x2", 23, [
      ["out [2, 1] for a [2, 2] convolution", withArgs(goodPool, { 23: f(6), 27: 2, 29: 2 })],
      ["a [5, 2] convolution the params do not give", withArgs(goodPool, { 41: 5, 23: f(6), 27: 2, 29: 2 })],
      ["a [2, 6] convolution wider than the padding allows", withArgs(goodPool, { 42: 6, 23: f(9), 28: 3, 29: 9, 30: 3, 31: 3 })],
      ["exp (2) has no epilogue", withArgs(goodPool, { 40: 2 })],
      ["negative convW", withArgs(goodPool, { 42: -2 })],
      ["out too short", withArgs(goodPool, { 23: f(2) })],
      ["out overlapping the weight", ((a) => withArgs(() => a, { 23: a[10], 24: 0 }))(goodPool())],
    ]);
    expectRefused("conv2dActivationMaxPool2x2", 23, [["no convolution size", goodPool().slice(0, 41)]], TypeError);
  });

  it("pooling: views, shapes, windows and types that do not fit", () => {
    for (const [fn, good] of [["maxPool2d", goodMax], ["avgPool2d", goodAvg]] as const) {
      expectRefused(fn, 10, [
        ["input too short", withArgs(good, { 0: f(49) })],
        ["input stride too large", withArgs(good, { 8: 6 })],
        ["out too short", withArgs(good, { 10: f(7) })],
        ["out channels differ", withArgs(good, { 13: 1 })],
        ["output size not following from the window", withArgs(good, { 14: 4, 10: f(16), 17: 8 })],
        ["kernel 0", withArgs(good, { 20: 0 })],
        ["stride 0", withArgs(good, { 23: 0 })],
        ["padding above half the kernel", withArgs(good, { 24: 2 })],
        ["out overlapping input", ((a) => withArgs(() => a, { 10: a[0] }))(good())],
      ]);
      expectRefused(fn, 10, [["Float64Array out", withArgs(good, { 10: new Float64Array(8) })], ["too many arguments", [...good(), 1]]], TypeError);
    }
    expectRefused("maxPool2d", 10, [["dilation 0", withArgs(goodMax, { 26: 0 })]]);
    expectRefused("avgPool2d", 10, [["countIncludePad 2", withArgs(goodAvg, { 26: 2 })]]);
    expectRefused("adaptiveAvgPool2d", 10, [
      ["input too short", withArgs(goodAdaptive, { 0: f(40) })],
      ["out too short", withArgs(goodAdaptive, { 10: f(7) })],
      ["out batch differs", withArgs(goodAdaptive, { 12: 2 })],
      ["negative size", withArgs(goodAdaptive, { 14: -1 })],
    ]);
    expectRefused("adaptiveAvgPool2d", 10, [["string input", withArgs(goodAdaptive, { 0: "x" })]], TypeError);
  });
});
