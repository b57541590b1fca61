/**
 * bin/tsjit.js in a child process, as a user runs it: the scripted controlflow
 * model with PyTorch's state_dict.pt, saved, then run on the fixture inputs of
 * both branches, must print PyTorch's outputs.
 */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { save, tensor } from "../../runtime/index.js";
import { loadModelCases } from "../utils/modelFixtures.js";
import { expectWithinModelTolerance } from "../utils/modelTolerance.js";
import { scriptedFixtureModel } from "../utils/scriptedFixtureModels.js";
import { tempFile } from "./cliHarness.js";

const BIN = resolve(import.meta.dirname, "../../bin/tsjit.js");

function tsjit(...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", timeout: 60_000 });
}

describe("bin/tsjit.js", () => {
  it("runs a saved scripted model on both branches' inputs and prints PyTorch's outputs", async () => {
    const model = tempFile("controlflow.tsjit", await save(await scriptedFixtureModel("controlflow")));
    const inspected = tsjit("inspect", model);
    expect(inspected.status, inspected.stderr).toBe(0);
    expect(inspected.stdout).toMatch(/^module ScriptedControlFlow\nmethods:\n {2}forward\(input: Tensor\) -> Tensor$/m);
    for (const c of loadModelCases("controlflow")) {
      const input = c.inputs[0]!;
      const inputFile = tempFile(`${c.name}.json`, JSON.stringify({ shape: input.shape, data: Array.from(input.toTypedArray()) }));
      const run = tsjit("run", model, "--input", inputFile, "--json");
      expect(run.status, run.stderr).toBe(0);
      const output = JSON.parse(run.stdout) as { shape: number[]; data: number[] };
      expectWithinModelTolerance(tensor(output.data, { shape: output.shape }), c.output, c.name);
    }
  });

  it("exits 2 with the usage on a bad command line", () => {
    const run = tsjit("run");
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^tsjit run: run takes exactly one model file, got 0\n\nUsage: tsjit run/);
  });
});
