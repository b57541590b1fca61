import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseGraph, save, ScriptFunction, ScriptModule, tensor } from "../../runtime/index.js";
import { HAND_MADE_INPUT, handMadeModule } from "../serialize/helpers.js";
import { runCli, tempFile } from "./cliHarness.js";

const NPY = join(import.meta.dirname, "fixtures");

/** `scaleAndRelu(x, k) = (x * k, relu(x))`: a float argument and two outputs. */
function scaleAndRelu(): ScriptFunction {
  return new ScriptFunction(
    "scaleAndRelu",
    parseGraph(`graph(%x : Tensor, %k : float):
  %2 : Tensor = aten::mul.Scalar(%x, %k)
  %3 : Tensor = aten::relu(%x)
  return (%2, %3)`),
  );
}

async function modelFile(module: ScriptModule | ScriptFunction): Promise<string> {
  return tempFile("model.tsjit", await save(module));
}

describe("tsjit run", () => {
  it("runs forward on inline JSON and prints the output as PyTorch does", async () => {
    const path = await modelFile(handMadeModule());
    const want = (handMadeModule().forward(HAND_MADE_INPUT()) as { toString(): string }).toString();
    const { code, stdout } = await runCli("run", path, "--input", JSON.stringify(HAND_MADE_INPUT().tolist()));
    expect(code).toBe(0);
    expect(stdout).toBe(want);
  });

  it("prints JSON with --json, and takes {shape, dtype, data} and .json files", async () => {
    const path = await modelFile(handMadeModule());
    const input = HAND_MADE_INPUT();
    const want = handMadeModule().forward(input) as ReturnType<typeof tensor>;
    const described = JSON.stringify({ shape: [2, 4], dtype: "float32", data: Array.from(input.toTypedArray()) });
    for (const spec of [described, tempFile("x.json", described)]) {
      const { code, stdout } = await runCli("run", path, "-i", spec, "--json");
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toEqual({ shape: [2, 3], dtype: "float32", data: Array.from(want.toTypedArray()) });
    }
  });

  it("runs a saved function on a Fortran-order .npy file and a float argument, printing both outputs", async () => {
    const path = await modelFile(scaleAndRelu());
    const { code, stdout } = await runCli("run", path, "--input", join(NPY, "float32_fortran.npy"), "--input", "2", "--json");
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([
      { shape: [2, 3], dtype: "float32", data: [-1.5, -1, -0.5, 0, 0.5, 1] },
      { shape: [2, 3], dtype: "float32", data: [0, 0, 0, 0, 0.25, 0.5] },
    ]);
    const text = await runCli("run", path, "--input", join(NPY, "float32_c.npy"), "--input", "2", "--method", "scaleAndRelu");
    expect(text.stdout).toMatch(/^\(tensor\(\[\[-1\.5000, -1\.0000, -0\.5000\],\n.*\]\]\),\n tensor\(/s);
  });

  it("exits 2 on usage errors: input count, unknown method, bad inline JSON, wrong argument type", async () => {
    const path = await modelFile(handMadeModule());
    expect(await runCli("run", path)).toMatchObject({ code: 2, stderr: expect.stringMatching(/^tsjit run: forward\(x: Tensor\) -> Tensor takes 1 argument\(s\), got 0 --input\n\nUsage: tsjit run/) });
    expect(await runCli("run", path, "-i", "[1]", "--method", "backward")).toMatchObject({ code: 2, stderr: expect.stringMatching(/module Net has no method backward \(methods: forward\)/) });
    expect(await runCli("run", path, "-i", "[[1, 2]")).toMatchObject({ code: 2, stderr: expect.stringMatching(/input 1 \(x: Tensor\): not valid JSON/) });
    expect(await runCli("run", path, "-i", "[[1, 2], [3]]")).toMatchObject({ code: 2, stderr: expect.stringMatching(/input 1 \(x: Tensor\): tensor\(\)/) });
    const fn = await modelFile(scaleAndRelu());
    expect(await runCli("run", fn, "-i", "[1]", "-i", "true")).toMatchObject({ code: 2, stderr: expect.stringMatching(/input 2 \(k: float\): expected a number, got true/) });
    expect(await runCli("run")).toMatchObject({ code: 2, stderr: expect.stringMatching(/run takes exactly one model file, got 0/) });
    expect(await runCli("run", "--help")).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Usage: tsjit run/) });
  });

  it("exits 1 on bad files: the model, an input file, or inputs the model rejects", async () => {
    const path = await modelFile(handMadeModule());
    const notModel = tempFile("w.safetensors", new Uint8Array(8));
    expect(await runCli("run", notModel, "-i", "[1]")).toMatchObject({ code: 1, stderr: expect.stringMatching(/^tsjit run: .*w\.safetensors: /) });
    expect(await runCli("run", path, "-i", join(NPY, "float16.npy"))).toMatchObject({ code: 1, stderr: expect.stringMatching(/float16\.npy: unsupported \.npy dtype '<f2'/) });
    expect(await runCli("run", path, "-i", tempFile("bad.json", "{"))).toMatchObject({ code: 1, stderr: expect.stringMatching(/bad\.json \(input 1 \(x: Tensor\)\): not valid JSON/) });
    expect(await runCli("run", path, "-i", "[[1, 2, 3]]")).toMatchObject({ code: 1, stderr: expect.stringMatching(/^tsjit run: .*\[1, 3\]/) });
  });
});
