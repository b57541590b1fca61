import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { saveSafetensors, tensor } from "../../runtime/index.js";
import { inspect, main } from "../../transformer/cli/main.js";
import { FIXTURES } from "../utils/fixturePaths.js";

describe("tsjit inspect", () => {
  afterEach(() => vi.restoreAllMocks());

  it("lists names, dtypes, shapes and metadata of a file PyTorch wrote", async () => {
    const text = await inspect(join(FIXTURES, "models", "mlp", "weights.safetensors"));
    expect(text).toMatch(/6 tensors, 669706 elements/);
    expect(text).toMatch(/^fc1\.weight\s+float32\s+\[512, 784\]\s+401408$/m);
    expect(text).toMatch(/^metadata:\n {2}model: mlp$/m);
  });

  it("shows every dtype tsjit writes", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "tsjit-cli-")), "w.safetensors");
    await saveSafetensors(path, { a: tensor([1, 2], { dtype: "int64" }), b: tensor([true]) });
    const text = await inspect(path);
    expect(text).toMatch(/^a\s+int64\s+\[2\]\s+2$/m);
    expect(text).toMatch(/^b\s+bool\s+\[1\]\s+1$/m);
  });

  it("exits 1 with the file's problem named, and 2 on a usage error", async () => {
    const errors: string[] = [];
    vi.spyOn(console, "error").mockImplementation((m: string) => void errors.push(m));
    const path = join(mkdtempSync(join(tmpdir(), "tsjit-cli-")), "bad.safetensors");
    writeFileSync(path, new Uint8Array([1, 2, 3]));
    expect(await main(["inspect", path])).toBe(1);
    expect(errors.at(-1)).toMatch(/tsjit inspect: safetensors: file is truncated/);
    expect(await main(["inspect"])).toBe(2);
    expect(await main(["frobnicate"])).toBe(2);
    expect(errors.at(-1)).toMatch(/unknown command 'frobnicate'/);
  });
});
