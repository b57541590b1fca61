import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { save, saveSafetensors, tensor } from "../../runtime/index.js";
import { handMadeFunction, handMadeModule } from "../serialize/helpers.js";
import { stateDictPath, weightsPath } from "../utils/modelFixtures.js";
import { runCli, tempFile } from "./cliHarness.js";

describe("tsjit inspect", () => {
  it("lists names, dtypes, shapes and metadata of a safetensors file PyTorch wrote", async () => {
    const { code, stdout } = await runCli("inspect", weightsPath("mlp"));
    expect(code).toBe(0);
    expect(stdout).toMatch(/: safetensors: 6 tensors, 669706 elements/);
    expect(stdout).toMatch(/^fc1\.weight\s+float32\s+\[512, 784\]\s+401408$/m);
    expect(stdout).toMatch(/^metadata:\n {2}model: mlp$/m);
  });

  it("lists the same tensors for PyTorch's state_dict.pt", async () => {
    const { code, stdout } = await runCli("inspect", stateDictPath("cnn"));
    expect(code).toBe(0);
    expect(stdout).toMatch(/state_dict\.pt: PyTorch state dict \(torch\.save\): 8 tensors, 1199882 elements/);
    expect(stdout).toMatch(/^conv2\.weight\s+float32\s+\[64, 32, 3, 3\]\s+18432$/m);
  });

  it("shows every dtype tsjit writes", async () => {
    const path = tempFile("w.safetensors", await saveSafetensors(undefined, { a: tensor([1, 2], { dtype: "int64" }), b: tensor([true]) }));
    const { stdout } = await runCli("inspect", path);
    expect(stdout).toMatch(/^a\s+int64\s+\[2\]\s+2$/m);
    expect(stdout).toMatch(/^b\s+bool\s+\[1\]\s+1$/m);
  });

  it("shows a model file's version, every method's signature, its parameters, buffers and constants", async () => {
    const { code, stdout } = await runCli("inspect", tempFile("net.tsjit", await save(handMadeModule())));
    expect(code).toBe(0);
    expect(stdout.split("\n").slice(1, 5)).toEqual(["module Net", "methods:", "  forward(x: Tensor) -> Tensor", "  fc.forward(x: Tensor) -> Tensor"]);
    expect(stdout).toMatch(/net\.tsjit: tsjit model file, format version 1/);
    expect(stdout).toMatch(/^parameters and buffers: 3 tensors, 18 elements$/m);
    expect(stdout).toMatch(/^ {2}fc\.weight\s+float32\s+\[3, 4\]\s+12$/m);
    expect(stdout).toMatch(/^ {2}shift\s+float32\s+\[3\]\s+3$/m);
    expect(stdout).toMatch(/^constants: 1 tensors, 3 elements\n {2}name.*\n {2}\/forward\/c0\s+float32\s+\[1, 3\]\s+3$/m);
  });

  it("shows a saved function's signature", async () => {
    const { stdout } = await runCli("inspect", tempFile("f.tsjit", await save(handMadeFunction())));
    expect(stdout).toMatch(/^function affine\nmethods:\n {2}affine\(x: Tensor\) -> Tensor$/m);
  });

  it("exits 1 naming the file and its problem, 2 on usage errors, 0 on --help", async () => {
    const bad = tempFile("bad.safetensors", new Uint8Array([1, 2, 3]));
    expect(await runCli("inspect", bad)).toMatchObject({ code: 1, stderr: expect.stringMatching(/^tsjit inspect: safetensors: file is truncated/) });
    const missing = join(tempFile("x", ""), "..", "missing.pt");
    expect(await runCli("inspect", missing)).toMatchObject({ code: 1, stderr: expect.stringMatching(/^tsjit inspect: ENOENT.*missing\.pt/) });
    const evil = tempFile("evil.pt", new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0]));
    expect(await runCli("inspect", evil)).toMatchObject({ code: 1, stderr: expect.stringMatching(/evil\.pt: the zip archive \(5 bytes\) is truncated or corrupt/) });
    expect(await runCli("inspect")).toMatchObject({ code: 2, stderr: expect.stringMatching(/inspect takes exactly one file, got 0\n\nUsage: tsjit inspect/) });
    expect(await runCli("inspect", "--bogus", bad)).toMatchObject({ code: 2, stderr: expect.stringMatching(/Unknown option '--bogus'/) });
    expect(await runCli("inspect", "--help")).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Usage: tsjit inspect/) });
  });
});

describe("tsjit", () => {
  it("lists its commands, names an unknown one, prints its version", async () => {
    expect(await runCli("--help")).toMatchObject({ code: 0, stdout: expect.stringMatching(/Commands:\n {2}inspect .*\n {2}run .*\n {2}export-onnx /) });
    expect(await runCli()).toMatchObject({ code: 2, stderr: expect.stringMatching(/^Usage: tsjit <command>/) });
    expect(await runCli("frobnicate")).toMatchObject({ code: 2, stderr: expect.stringMatching(/^tsjit: unknown command 'frobnicate'/) });
    expect(await runCli("--version")).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
  });
});
