/**
 * The reduce family's raw entry points (reduce, moments, argReduce, softmaxColumns,
 * cumsum, normalizePlanes) refuse wrong lengths, layouts, strides, shapes, aliasing and types
 * with a thrown JS error, and leave their outputs untouched.
 */
import { describe, expect, it } from "vitest";
import { native, suiteName } from "./nativeAvailability.js";

type Call = (...args: unknown[]) => void;

describe.skipIf(!native)(suiteName("the native reduce family validates every argument"), () => {
  const f = (n: number) => new Float32Array(n).fill(1);
  const d = (n: number) => new Float64Array(n);
  const fn = (name: string) => (args: unknown[]) => (native!.binding as unknown as Record<string, Call>)[name]!(...args);

  /** Each valid call, the index of its output, and mutations that must throw (label, arg index, value, error). */
  const specs: { name: string; good: () => unknown[]; out: number; bad: [string, number, unknown, typeof RangeError | typeof TypeError][] }[] = [
    {
      name: "reduce",
      // sum over the 4 columns of a 3x4 matrix -> 3 floats
      good: () => [0, 0, f(12), 0, [3], [4], [4], [1], f(3), 0, [1]],
      out: 8,
      bad: [
        ["op out of range", 0, 8, RangeError],
        ["op not a number", 0, "sum", TypeError],
        ["correction not a number", 1, null, TypeError],
        ["x too short", 2, f(11), RangeError],
        ["x a Float64Array", 2, d(12), TypeError],
        ["x offset past the end", 3, 1, RangeError],
        ["kept shape larger than x", 4, [4], RangeError],
        ["kept stride too large", 5, [5], RangeError],
        ["negative stride below 0", 5, [-4], RangeError],
        ["kept shape and strides differ in length", 5, [4, 1], RangeError],
        ["reduced size 0", 6, [0], RangeError],
        ["reduced size fractional", 6, [1.5], RangeError],
        ["reduced shape not an array", 6, 4, TypeError],
        ["reduced stride overflowing", 7, [2 ** 40], RangeError],
        ["too many dims", 6, new Array(17).fill(1), RangeError],
        ["out too short", 8, f(2), RangeError],
        ["out offset past the end", 9, 1, RangeError],
        ["out stride too large", 10, [2], RangeError],
        ["out strides of the wrong rank", 10, [1, 1], RangeError],
      ],
    },
    {
      name: "moments",
      good: () => [f(12), 0, [3], [4], [4], [1], d(3), d(3)],
      out: 6,
      bad: [
        ["x too short", 0, f(11), RangeError],
        ["kept stride too large", 3, [5], RangeError],
        ["mean of the wrong length", 6, d(2), RangeError],
        ["m2 of the wrong length", 7, d(4), RangeError],
        ["mean a Float32Array", 6, f(3), TypeError],
      ],
    },
    {
      name: "argReduce",
      good: () => [0, f(12), 0, [3], [4], [4], [1], f(3), 0, [1], d(3), 0, [1]],
      out: 10,
      bad: [
        ["isMin out of range", 0, 2, RangeError],
        ["x too short", 1, f(11), RangeError],
        ["reduced stride too large", 6, [2], RangeError],
        ["values too short", 7, f(2), RangeError],
        ["values a Float64Array", 7, d(3), TypeError],
        ["values stride too large", 9, [2], RangeError],
        ["indices a Float32Array", 10, f(3), TypeError],
        ["indices too short", 10, d(2), RangeError],
        ["indices offset past the end", 11, 1, RangeError],
        ["indices strides of the wrong rank", 12, [], RangeError],
      ],
    },
    {
      name: "softmaxColumns",
      good: () => [f(24), 0, f(24), 0, 2, 3, 4, 0],
      out: 2,
      bad: [
        ["x too short", 0, f(23), RangeError],
        ["out too short", 2, f(23), RangeError],
        ["x offset past the end", 1, 1, RangeError],
        ["outer too large", 4, 3, RangeError],
        ["negative length", 5, -1, RangeError],
        ["log out of range", 7, 2, RangeError],
        ["x not a Float32Array", 0, [1, 2], TypeError],
      ],
    },
    {
      name: "cumsum",
      good: () => [f(24), 0, f(24), 0, 2, 3, 4],
      out: 2,
      bad: [
        ["x too short", 0, f(23), RangeError],
        ["out too short", 2, f(23), RangeError],
        ["out offset past the end", 3, 1, RangeError],
        ["inner too large", 6, 5, RangeError],
        ["fractional length", 5, 2.5, RangeError],
        ["out a Float64Array", 2, d(24), TypeError],
      ],
    },
    {
      name: "normalizePlanes",
      good: () => [f(24), 0, f(24), 0, 6, 4, d(3), d(3), d(3)],
      out: 2,
      bad: [
        ["x too short", 0, f(23), RangeError],
        ["out too short", 2, f(23), RangeError],
        ["plane size too large", 5, 5, RangeError],
        ["planes not a multiple of the period", 4, 5, RangeError],
        ["scale of another length", 7, d(2), RangeError],
        ["empty parameters", 6, d(0), RangeError],
        ["shift a Float32Array", 8, f(3), TypeError],
      ],
    },
  ];

  for (const spec of specs) {
    it(`${spec.name}: accepts the valid call, refuses each bad argument, output untouched`, () => {
      const call = fn(spec.name);
      call(spec.good());
      for (const [label, index, value, error] of spec.bad) {
        const args = spec.good();
        args[index] = value;
        const out = args[spec.out] as Float32Array | Float64Array;
        const before = Array.from(out);
        expect(() => call(args), `${spec.name}: ${label}`).toThrow(error);
        expect(Array.from(out), `${spec.name}: ${label}: output untouched`).toEqual(before);
      }
      expect(() => call(spec.good().slice(1)), `${spec.name}: too few arguments`).toThrow(/expected \d+ arguments/);
    });
  }

  it("softmaxColumns, cumsum and normalizePlanes refuse an out that overlaps x without being x", () => {
    const buffer = f(40);
    const shifted = new Float32Array(buffer.buffer, 4, 30);
    expect(() => native!.binding.softmaxColumns(buffer, 0, shifted, 0, 2, 3, 4, 0)).toThrow(/overlaps/);
    expect(() => native!.binding.softmaxColumns(buffer, 0, buffer, 1, 2, 3, 4, 0)).toThrow(/overlaps/);
    expect(() => native!.binding.normalizePlanes(buffer, 0, buffer, 3, 6, 4, d(3), d(3), d(3))).toThrow(/overlaps/);
    expect(() => native!.binding.cumsum(buffer, 0, buffer, 2, 2, 3, 4)).toThrow(/overlaps/);
    native!.binding.softmaxColumns(buffer, 0, buffer, 0, 2, 3, 4, 0);
    expect(buffer[0]).toBeCloseTo(1 / 3);
  });
});
