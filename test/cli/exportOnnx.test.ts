/** `tsjit export-onnx`, called through exportOnnxCommand: what it writes, and its exit codes and messages. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { parseGraph, save, script, ScriptFunction } from "../../runtime/index.js";
import { EXPORT_ONNX_USAGE, exportOnnxCommand } from "../../runtime/cli/exportOnnx.js";
import { decodeModelProto } from "../../runtime/onnx/proto.js";
import { maxAbsDifference, ortSession, runOrt } from "../onnx/ortRun.js";
import { compileModelForwards } from "../utils/compileModelForwards.js";
import { loadFixtureModel } from "../utils/fixtureModels.js";
import { loadModelCases } from "../utils/modelFixtures.js";

const dir = mkdtempSync(join(tmpdir(), "tsjit-export-onnx-"));
const controlflowFile = join(dir, "controlflow.tsjit");

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

async function run(...argv: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, "log").mockImplementation((m: string) => void out.push(m));
  vi.spyOn(console, "error").mockImplementation((m: string) => void err.push(m));
  const code = await exportOnnxCommand(argv);
  vi.restoreAllMocks();
  return { code, out: out.join("\n"), err: err.join("\n") };
}

beforeAll(async () => {
  compileModelForwards();
  await save(script(await loadFixtureModel("controlflow")), controlflowFile);
});

afterEach(() => vi.restoreAllMocks());

describe("tsjit export-onnx", () => {
  it("writes the saved model as ONNX, which onnxruntime runs on both branches", async () => {
    const output = join(dir, "controlflow.onnx");
    const result = await run(controlflowFile, "-o", output, "--input-shape", "1,10");
    expect(result).toMatchObject({ code: 0, err: "" });
    expect(result.out).toMatch(/^wrote .*controlflow\.onnx \(\d+ bytes, opset 17\)$/);
    const bytes = new Uint8Array(readFileSync(output));
    expect(decodeModelProto(bytes).graph.input[0]!.type.tensor_type.shape!.dim).toEqual([{ dim_param: "batch" }, { dim_value: 10 }]);
    const session = await ortSession(bytes);
    for (const c of loadModelCases("controlflow")) {
      const [got] = await runOrt(session, c.inputs);
      expect(maxAbsDifference(got!, c.output)).toBeLessThanOrEqual(1e-4);
    }
  });

  it("honours --opset", async () => {
    const output = join(dir, "opset13.onnx");
    expect((await run(controlflowFile, "--output", output, "--opset", "13")).code).toBe(0);
    expect(decodeModelProto(new Uint8Array(readFileSync(output))).opset_import).toEqual([{ domain: "", version: 13 }]);
  });

  it("prints its usage for --help", async () => {
    expect(await run("--help")).toEqual({ code: 0, out: EXPORT_ONNX_USAGE, err: "" });
  });

  it.each([
    [[], "expected one model file, got 0"],
    [[controlflowFile], "missing -o <model.onnx>"],
    [[controlflowFile, "-o", "x.onnx", "--opset", "18"], "--opset must be an integer from 13 to 17, got '18'"],
    [[controlflowFile, "-o", "x.onnx", "--input-shape", "1,x"], "--input-shape must be sizes separated by commas (like 1,3,28,28), got '1,x'"],
    [[controlflowFile, "-o", "x.onnx", "--frobnicate"], "Unknown option '--frobnicate'"],
  ])("exits 2 on a usage error: %j", async (argv, message) => {
    const result = await run(...argv);
    expect(result.code).toBe(2);
    expect(result.err).toContain(message);
    expect(result.err).toContain(EXPORT_ONNX_USAGE);
  });

  it("exits 1 naming the file for a missing or malformed model file", async () => {
    const missing = await run(join(dir, "missing.tsjit"), "-o", join(dir, "m.onnx"));
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^tsjit export-onnx: .*missing\.tsjit: .*(ENOENT|no such file)/);
    const garbage = join(dir, "garbage.tsjit");
    writeFileSync(garbage, "not a model");
    const malformed = await run(garbage, "-o", join(dir, "g.onnx"));
    expect(malformed.code).toBe(1);
    expect(malformed.err).toMatch(/^tsjit export-onnx: .*garbage\.tsjit: /);
  });

  it("exits 1 naming an op without an ONNX mapping and its line", async () => {
    const file = join(dir, "noise.tsjit");
    const ir = `graph(%x : Tensor):\n  %none : NoneType = prim::Constant[value=None]()\n  %y : Tensor = aten::randn_like(%x, %none) # noise.ts:4:10\n  return (%y)`;
    await save(new ScriptFunction("noise", parseGraph(ir)), file);
    const result = await run(file, "-o", join(dir, "noise.onnx"));
    expect(result.code).toBe(1);
    expect(result.err).toContain("aten::randn_like has no ONNX mapping, at noise.ts:4:10");
  });
});

