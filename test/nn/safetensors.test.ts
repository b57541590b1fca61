import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { loadSafetensors, nn, saveSafetensors, tensor, Tensor, TsjitError } from "../../runtime/index.js";
import { loadManifest, MODEL_NAMES, weightsPath } from "../utils/modelFixtures.js";

const { decodeSafetensors, encodeSafetensors } = nn;

const tmp = mkdtempSync(join(tmpdir(), "tsjit-safetensors-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A file from a header object and raw data bytes, with the header padded like the reference writer. */
function fileFrom(header: unknown, data: Uint8Array = new Uint8Array(), headerText = JSON.stringify(header)): Uint8Array {
  const json = new TextEncoder().encode(headerText);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function expectInvalid(bytes: Uint8Array, pattern: RegExp): void {
  let error: unknown;
  try {
    decodeSafetensors(bytes);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(TsjitError);
  expect((error as TsjitError).code).toBe("INVALID_FILE");
  expect((error as TsjitError).message).toMatch(pattern);
}

describe("safetensors writing", () => {
  it("writes the reference layout: LE header length, space-padded JSON, sorted tensors", () => {
    const bytes = encodeSafetensors({ b: tensor([1, 2], { dtype: "int32" }), a: tensor([true, false]) }, { format: "pt" });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + headerLength) % 8).toBe(0);
    const headerText = new TextDecoder().decode(bytes.subarray(8, 8 + headerLength));
    expect(headerText).toBe(
      `{"__metadata__":{"format":"pt"},"a":{"dtype":"BOOL","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"I32","shape":[2],"data_offsets":[2,10]}}`.padEnd(headerLength, " "),
    );
    expect([...bytes.subarray(8 + headerLength)]).toEqual([1, 0, 1, 0, 0, 0, 2, 0, 0, 0]);
  });

  it("round-trips every dtype, 0-dim, empty and non-contiguous tensors, and metadata", () => {
    const transposed = new Tensor(new Float32Array([1, 2, 3, 4, 5, 6]), [3, 2], [1, 3], 0, "float32");
    const tensors = new Map<string, Tensor>([
      ["f", tensor([[1.5, -2], [3, Infinity]])],
      ["i32", tensor([-7, 2147483647], { dtype: "int32" })],
      ["i64", tensor([-(2 ** 53 - 1), 2 ** 53 - 1, 0], { dtype: "int64" })],
      ["bool", tensor([true, false, true])],
      ["scalar", tensor([4], { dtype: "int64", shape: [] })],
      ["empty", tensor([], { shape: [0, 3] })],
      ["transposed", transposed],
    ]);
    const { tensors: back, metadata } = decodeSafetensors(encodeSafetensors(tensors, { k: "v" }));
    expect(metadata).toEqual(new Map([["k", "v"]]));
    expect([...back.keys()].sort()).toEqual([...tensors.keys()].sort());
    for (const [name, t] of tensors) {
      const got = back.get(name)!;
      expect(got.dtype, name).toBe(t.dtype);
      expect(got.shape, name).toEqual(t.shape);
      expect(got.tolist(), name).toEqual(t.tolist());
    }
  });

  it("round-trips random float32 tensors bit-exactly (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.float({ noNaN: true }), { maxLength: 40 }), fc.array(fc.integer(), { maxLength: 10 }), (floats, ints) => {
        const input = { x: tensor(new Float32Array(floats)), y: tensor(new Int32Array(ints)) };
        const back = decodeSafetensors(encodeSafetensors(input)).tensors;
        expect(Array.from(back.get("x")!.toTypedArray())).toEqual(Array.from(new Float32Array(floats)));
        expect(Array.from(back.get("y")!.toTypedArray())).toEqual(ints);
      }),
    );
  });

  it("saves a state dict to a file and loads it into a fresh module", async () => {
    const source = new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm2d(4));
    const path = join(tmp, "model.safetensors");
    const returned = await saveSafetensors(path, source.stateDict());
    expect(new Uint8Array(readFileSync(path))).toEqual(returned);
    const target = new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm2d(4));
    target.loadStateDict(await loadSafetensors(path));
    for (const [name, t] of source.stateDict()) expect(target.stateDict().get(name)!.tolist(), name).toEqual(t.tolist());
    expect((await loadSafetensors(returned)).get("1.num_batches_tracked")!.dtype).toBe("int64");
  });

  it("rejects reserved and non-tensor entries", () => {
    expect(() => encodeSafetensors({ __metadata__: tensor([1]) })).toThrow(/"__metadata__" is reserved/);
    expect(() => encodeSafetensors({ x: [1] as unknown as Tensor })).toThrow(/"x" is not a Tensor/);
  });
});

describe("safetensors parsing of malformed input", () => {
  const f32 = (...values: number[]) => new Uint8Array(new Float32Array(values).buffer);
  const entry = (dtype: string, shape: number[], offsets: number[]) => ({ dtype, shape, data_offsets: offsets });

  it("accepts a well-formed hand-made file", () => {
    const t = decodeSafetensors(fileFrom({ x: entry("F32", [2], [0, 8]) }, f32(1, 2))).tensors.get("x")!;
    expect(t.tolist()).toEqual([1, 2]);
  });

  it("rejects a file shorter than the length field", () => {
    expectInvalid(new Uint8Array(5), /truncated: 5 bytes.*byte offset 0/);
  });

  it("rejects a header length beyond the file", () => {
    const bytes = fileFrom({ x: entry("F32", [1], [0, 4]) }, f32(1));
    new DataView(bytes.buffer).setBigUint64(0, 1000n, true);
    expectInvalid(bytes, new RegExp(`header length 1000 \\(at byte offset 0\\) runs past the end of the file.*has ${bytes.length} bytes`));
    new DataView(bytes.buffer).setBigUint64(0, 2n ** 63n, true);
    expectInvalid(bytes, /header length 9223372036854775808/);
  });

  it("rejects a header that is not JSON or not an object", () => {
    expectInvalid(fileFrom(null, undefined, '{"x": '), /header at byte offset 8 \(6 bytes\) is not valid UTF-8 JSON/);
    expectInvalid(fileFrom([1, 2]), /must be a JSON object, got an array/);
  });

  it("rejects an unknown dtype naming the tensor", () => {
    expectInvalid(fileFrom({ half: entry("F16", [1], [0, 2]) }, new Uint8Array(2)), /tensor "half" .*unsupported dtype "F16"/);
    expectInvalid(fileFrom({ odd: entry("constructor", [1], [0, 2]) }, new Uint8Array(2)), /tensor "odd" .*unsupported dtype "constructor"/);
  });

  it("rejects bad shapes and offsets", () => {
    expectInvalid(fileFrom({ x: entry("F32", [-1], [0, 4]) }, f32(1)), /tensor "x".*invalid shape \[-1\]/);
    expectInvalid(fileFrom({ x: entry("F32", [1], [4, 0]) }, f32(1)), /tensor "x".*invalid data_offsets \[4,0\]/);
    expectInvalid(fileFrom({ x: { dtype: "F32", shape: [1] } }, f32(1)), /tensor "x".*invalid data_offsets undefined/);
  });

  it("rejects offsets that do not match shape × item size", () => {
    const bytes = fileFrom({ x: entry("F32", [3], [0, 8]) }, f32(1, 2));
    const dataStart = bytes.length - 8;
    expectInvalid(bytes, new RegExp(`tensor "x" data_offsets \\[0, 8\\] \\(file bytes ${dataStart}\\.\\.${dataStart + 8}\\) hold 8 bytes, but shape \\[3\\] of F32 needs 12`));
  });

  it("rejects offsets past the end of the data", () => {
    expectInvalid(fileFrom({ x: entry("F32", [2], [0, 8]) }, f32(1)), /tensor "x" data_offsets \[0, 8\] end at file byte \d+, past the end of the file/);
  });

  it("rejects overlapping tensors, naming both", () => {
    const header = { a: entry("F32", [2], [0, 8]), b: entry("F32", [1], [4, 8]) };
    expectInvalid(fileFrom(header, f32(1, 2)), /tensor "b" data_offsets \[4, 8\] overlap tensor "a" \[0, 8\] at file byte \d+/);
  });

  it("rejects gaps and trailing bytes that belong to no tensor", () => {
    expectInvalid(fileFrom({ x: entry("F32", [1], [4, 8]) }, f32(1, 2)), /file bytes \d+\.\.\d+ before tensor "x" belong to no tensor/);
    expectInvalid(fileFrom({ x: entry("F32", [1], [0, 4]) }, f32(1, 2)), /file bytes \d+\.\.\d+ after the last tensor belong to no tensor/);
  });

  it("rejects int64 values that a double cannot hold exactly", () => {
    const data = new Uint8Array(16);
    const view = new DataView(data.buffer);
    view.setBigInt64(0, 5n, true);
    view.setBigInt64(8, -(2n ** 53n) - 1n, true);
    expectInvalid(fileFrom({ big: entry("I64", [2], [0, 16]) }, data), /tensor "big" element 1 \(file byte \d+\) is -9007199254740993, outside/);
  });

  it("rejects malformed metadata", () => {
    expectInvalid(fileFrom({ __metadata__: { n: 1 } }), /"__metadata__\.n" must be a string/);
    expectInvalid(fileFrom({ __metadata__: [] }), /"__metadata__".*must be an object of strings/);
  });
});

describe("PyTorch-written fixture weights", () => {
  it.each(MODEL_NAMES)("%s: names, shapes and sha256 of every parameter match the manifest", async (name) => {
    const manifest = loadManifest(name);
    const tensors = await loadSafetensors(weightsPath(name));
    expect([...tensors.keys()].sort()).toEqual(manifest.params.map((p) => p.name).sort());
    for (const param of manifest.params) {
      const t = tensors.get(param.name)!;
      expect(t.dtype).toBe(param.dtype);
      expect([...t.shape]).toEqual(param.shape);
      const data = t.toTypedArray();
      const digest = createHash("sha256").update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)).digest("hex");
      expect(digest, param.name).toBe(param.sha256);
    }
  });
});
