/**
 * loadTorchStateDict against files torch.save wrote (the six fixture models and
 * test/nn/fixtures/torch, made by generate.py there) and against hand-built
 * malicious or broken archives, which must be refused with the problem named.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import { unzipSync, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { loadSafetensors, loadTorchStateDict, nn, TsjitError, type Tensor } from "../../runtime/index.js";
import { MODEL_NAMES, stateDictPath, weightsPath } from "../utils/modelFixtures.js";
import { thrownTsjitError } from "../utils/errors.js";

const TORCH_FIXTURES = join(import.meta.dirname, "fixtures", "torch");
const { decodeTorchStateDict } = nn;

function bytesOf(t: Tensor): Uint8Array {
  const values = t.contiguous().toTypedArray();
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

/** A torch.save-shaped archive holding `pickle` as archive/data.pkl and `storages` as archive/data/<key>. */
function archive(pickle: Uint8Array, storages: Record<string, Uint8Array> = {}): Uint8Array {
  const files: Record<string, Uint8Array> = { "archive/data.pkl": pickle, "archive/version": new TextEncoder().encode("3\n") };
  for (const [key, bytes] of Object.entries(storages)) files[`archive/data/${key}`] = bytes;
  return zipSync(files, { level: 0 });
}

function pickleOf(...parts: (string | number[])[]): Uint8Array {
  const bytes: number[] = [];
  for (const part of parts) bytes.push(...(typeof part === "string" ? [...new TextEncoder().encode(part)] : part));
  return new Uint8Array(bytes);
}

describe.each(MODEL_NAMES)("fixture model %s", (name) => {
  it("state_dict.pt holds the tensors of weights.safetensors, bit for bit and in order", async () => {
    const fromTorch = await loadTorchStateDict(stateDictPath(name));
    const fromSafetensors = await loadSafetensors(weightsPath(name));
    expect([...fromTorch.keys()].sort()).toEqual([...fromSafetensors.keys()].sort());
    for (const [key, want] of fromSafetensors) {
      const got = fromTorch.get(key)!;
      expect(got.dtype, key).toBe(want.dtype);
      expect([...got.shape], key).toEqual([...want.shape]);
      expect(Buffer.compare(bytesOf(got), bytesOf(want)), key).toBe(0);
    }
  });
});

describe("sources", () => {
  it("reads a file: URL as it reads the path, and names a missing file with the function", async () => {
    const path = stateDictPath("simple");
    const fromPath = await loadTorchStateDict(path);
    const fromUrl = await loadTorchStateDict(pathToFileURL(path));
    expect([...fromUrl.keys()]).toEqual([...fromPath.keys()]);
    for (const [key, want] of fromPath) expect(Buffer.compare(bytesOf(fromUrl.get(key)!), bytesOf(want)), key).toBe(0);
    const missing = join(TORCH_FIXTURES, "no-such-file.pt");
    await expect(loadTorchStateDict(missing)).rejects.toThrow(`loadTorchStateDict(): cannot read "${missing}"`);
  });
});

describe("storage layouts and dtypes (tensors.pt)", () => {
  const expected = JSON.parse(readFileSync(join(TORCH_FIXTURES, "tensors.json"), "utf8")) as Record<string, unknown>;
  const sharedGroups = expected["shared_storage"] as string[][];
  const cases = Object.entries(expected).filter(([key]) => key !== "shared_storage") as [string, { shape: number[]; stride: number[]; storage_offset: number; values: unknown }][];

  it.each(cases)("%s keeps PyTorch's shape, stride, offset and values", async (key, want) => {
    const t = (await loadTorchStateDict(join(TORCH_FIXTURES, "tensors.pt"))).get(key)!;
    expect([...t.shape]).toEqual(want.shape);
    expect([...t.strides]).toEqual(want.stride);
    expect(t.offset).toBe(want.storage_offset);
    const values = t.dtype === "bool" ? JSON.parse(JSON.stringify(t.tolist())) : t.tolist();
    expect(values).toEqual(want.values);
  });

  it("maps PyTorch's dtypes to tsjit's exactly (small ints widen to int32, halves to float32)", async () => {
    const dtypes = Object.fromEntries([...(await loadTorchStateDict(join(TORCH_FIXTURES, "tensors.pt")))].map(([k, t]) => [k, t.dtype]));
    expect(dtypes).toMatchObject({ base: "float32", long: "int64", scalar_long: "int64", int32: "int32", int16: "int32", int8: "int32", uint8: "int32", bool: "bool", half: "float32", bfloat16: "float32", parameter: "float32" });
  });

  it("tensors that shared a storage in PyTorch share one here", async () => {
    const tensors = await loadTorchStateDict(join(TORCH_FIXTURES, "tensors.pt"));
    for (const group of sharedGroups) {
      for (const key of group) expect(tensors.get(key)!.storage, key).toBe(tensors.get(group[0]!)!.storage);
    }
    expect(tensors.get("base")!.storage).not.toBe(tensors.get("long")!.storage);
  });

  it("refuses float64, naming the tensor and the dtype", async () => {
    const error = await loadTorchStateDict(join(TORCH_FIXTURES, "float64.pt")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TsjitError);
    expect((error as TsjitError).message).toMatch(/float64\.pt: \w+: "weight" has unsupported dtype float64 \(torch\.DoubleStorage\)/);
  });
});

describe("refused and broken files", () => {
  it("refuses a posix.system GLOBAL before anything runs", () => {
    const bytes = archive(pickleOf([0x80, 2], "cposix\nsystem\nq\x00X", [5, 0, 0, 0], "touch", [0x85], "R."));
    const error = thrownTsjitError(() => decodeTorchStateDict(bytes, "evil.pt"), "INVALID_FILE");
    expect(error.message).toMatch(/^evil\.pt: archive\/data\.pkl at offset 2: refused global posix\.system/);
  });

  it("refuses os.system reached through STACK_GLOBAL", () => {
    const bytes = archive(pickleOf([0x80, 4, 0x8c, 2], "os", [0x8c, 6], "system", [0x93], "X", [2, 0, 0, 0], "ls", [0x85], "R."));
    expect(thrownTsjitError(() => decodeTorchStateDict(bytes, "evil.pt")).message).toMatch(/offset 14: refused global os\.system/);
  });

  it("refuses builtins that would build objects, and BUILD on anything but an OrderedDict", () => {
    const evalCall = archive(pickleOf([0x80, 2], "cbuiltins\neval\n)R."));
    expect(thrownTsjitError(() => decodeTorchStateDict(evalCall)).message).toMatch(/refused global builtins\.eval/);
    const buildOnDict = archive(pickleOf([0x80, 2], "}}b."));
    expect(thrownTsjitError(() => decodeTorchStateDict(buildOnDict)).message).toMatch(/offset 4: BUILD is allowed only on an OrderedDict/);
    const callStorage = archive(pickleOf([0x80, 2], "ctorch\nFloatStorage\n)R."));
    expect(thrownTsjitError(() => decodeTorchStateDict(callStorage)).message).toMatch(/torch\.FloatStorage cannot be called/);
  });

  it("names an unknown opcode and its offset", () => {
    const bytes = archive(pickleOf([0x80, 2], "}", [0xff], "."));
    expect(thrownTsjitError(() => decodeTorchStateDict(bytes, "x.pt")).message).toBe(
      "x.pt: archive/data.pkl: pickle opcode at offset 3: unsupported opcode 0xff (tsjit's unpickler reads only the opcodes a state dict needs)",
    );
  });

  it("names a pickle cut short and a zip cut short", () => {
    const file = new Uint8Array(readFileSync(join(TORCH_FIXTURES, "tensors.pt")));
    const entries = unzipSync(file);
    const pickleName = Object.keys(entries).find((n) => n.endsWith("/data.pkl"))!;
    entries[pickleName] = entries[pickleName]!.subarray(0, 100);
    expect(thrownTsjitError(() => decodeTorchStateDict(zipSync(entries, { level: 0 }), "cut.pt")).message).toMatch(/cut\.pt: tensors\/data\.pkl: pickle opcode at offset \d+: truncated/);
    expect(thrownTsjitError(() => decodeTorchStateDict(file.subarray(0, file.length / 2), "half.pt")).message).toMatch(
      /^half\.pt: the zip archive \(\d+ bytes\) is truncated or corrupt/,
    );
    expect(thrownTsjitError(() => decodeTorchStateDict(new Uint8Array([0x80, 2, 0x7d, 0x2e]), "old.pt")).message).toMatch(/old\.pt: not a torch\.save zip archive.*legacy format/);
  });

  it("names a missing storage and one of the wrong size", () => {
    const file = unzipSync(new Uint8Array(readFileSync(join(TORCH_FIXTURES, "float64.pt"))));
    const storageName = Object.keys(file).find((n) => /\/data\/0$/.test(n))!;
    const withoutStorage = { ...file };
    delete withoutStorage[storageName];
    expect(thrownTsjitError(() => decodeTorchStateDict(zipSync(withoutStorage, { level: 0 }))).message).toMatch(/missing storage: the archive has no entry float64\/data\/0/);
    const shortStorage = { ...file, [storageName]: file[storageName]!.subarray(0, 8) };
    expect(thrownTsjitError(() => decodeTorchStateDict(zipSync(shortStorage, { level: 0 }))).message).toMatch(/float64\/data\/0 holds 8 bytes, but 2 elements of DoubleStorage need 16/);
  });

  it("refuses a tensor view that reaches past its storage", () => {
    const pickle = pickleOf(
      [0x80, 2],
      "ccollections\nOrderedDict\n)R(X",
      [1, 0, 0, 0],
      "wctorch._utils\n_rebuild_tensor_v2\n((X",
      [7, 0, 0, 0],
      "storagectorch\nFloatStorage\nX",
      [1, 0, 0, 0],
      "0X",
      [3, 0, 0, 0],
      "cpuK",
      [2],
      "tQK",
      [1],
      "K",
      [2, 0x85],
      "K",
      [1, 0x85, 0x89],
      "ccollections\nOrderedDict\n)RtRu.",
    );
    expect(thrownTsjitError(() => decodeTorchStateDict(archive(pickle, { "0": new Uint8Array(8) }))).message).toMatch(
      /torch\._utils\._rebuild_tensor_v2: a tensor of size \[2\], stride \[1\] at offset 1 reaches element 2 of storage 0, which has 2/,
    );
    const inBounds = pickle.slice();
    inBounds[inBounds.indexOf(0x51) + 2] = 0; // storage_offset 1 -> 0
    expect(decodeTorchStateDict(archive(inBounds, { "0": new Uint8Array(new Float32Array([3, 4]).buffer) })).get("w")!.tolist()).toEqual([3, 4]);
  });

  it("fails only with TsjitError on any corruption of a real data.pkl", () => {
    const file = unzipSync(new Uint8Array(readFileSync(join(TORCH_FIXTURES, "tensors.pt"))));
    const pickleName = Object.keys(file).find((n) => n.endsWith("/data.pkl"))!;
    const original = file[pickleName]!;
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(original.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), fc.nat(original.length), (flips, cut) => {
        const pickle = original.slice(0, Math.max(cut, original.length - 40));
        for (const [at, value] of flips) if (at < pickle.length) pickle[at] = value;
        try {
          decodeTorchStateDict(zipSync({ ...file, [pickleName]: pickle }, { level: 0 }));
        } catch (error) {
          if (!(error instanceof TsjitError) || error.code !== "INVALID_FILE") throw error;
        }
      }),
      { numRuns: 300 },
    );
  });
});
