/** The .npy reader against files NumPy wrote (fixtures/generate.py): dtypes, C and Fortran order, header versions, refusals. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeNpy } from "../../runtime/cli/npy.js";
import { thrownTsjitError } from "../utils/errors.js";

const FIXTURES = join(import.meta.dirname, "fixtures");
const read = (name: string) => new Uint8Array(readFileSync(join(FIXTURES, name)));
const expected = JSON.parse(readFileSync(join(FIXTURES, "arrays.json"), "utf8")) as Record<string, { shape: number[]; fortran: boolean; values: unknown }>;
const DTYPES: Record<string, string> = { float32_c: "float32", float32_fortran: "float32", float64_c: "float32", int64_fortran: "int64", int32_c: "int32", bool_c: "bool", scalar_f4: "float32" };

describe("decodeNpy", () => {
  it.each(Object.entries(expected))("%s: NumPy's shape and values, row-major", (name, want) => {
    const t = decodeNpy(read(`${name}.npy`), name);
    expect(t.dtype).toBe(DTYPES[name]);
    expect([...t.shape]).toEqual(want.shape);
    expect(t.isContiguous()).toBe(true);
    expect(t.tolist()).toEqual(want.values);
  });

  it("reads the Fortran-order files as Fortran order (the fixtures do include them)", () => {
    expect(Object.entries(expected).filter(([, v]) => v.fortran).map(([k]) => k)).toEqual(["float32_fortran", "int64_fortran"]);
  });

  it("reads a version 2 header", () => {
    expect(decodeNpy(read("version2.npy"), "v2").tolist()).toEqual(expected["float32_c"]!.values);
  });

  it("refuses what it does not read, naming the file and the problem", () => {
    expect(thrownTsjitError(() => decodeNpy(read("float16.npy"), "h.npy"), "INVALID_FILE").message).toMatch(/^h\.npy: unsupported \.npy dtype '<f2'/);
    expect(thrownTsjitError(() => decodeNpy(read("big_endian.npy"), "b.npy")).message).toMatch(/unsupported \.npy dtype '>f4'.*big-endian/);
    const file = read("float32_c.npy");
    expect(thrownTsjitError(() => decodeNpy(file.subarray(0, file.length - 3), "cut.npy")).message).toMatch(/^cut\.npy: truncated: shape \[2, 3\] of '<f4' needs 24 bytes from offset 128, the file has 21/);
    expect(thrownTsjitError(() => decodeNpy(new TextEncoder().encode("[1, 2]"), "j.npy")).message).toMatch(/^j\.npy: not a \.npy file/);
  });
});
