/**
 * Loading needs neither the model's class nor TypeScript: a traced MLP (PyTorch's
 * weights) is saved to a temp file, and a fresh `node` process running a plain ESM
 * script (fixtures/runModel.mjs) that imports ONLY the built runtime
 * (dist/runtime/index.js) loads it and runs it. Its output must equal the in-process
 * output exactly, and PyTorch's reference within the fixture tolerance.
 *
 * `npm test` builds dist/ before vitest runs; run `npm run build` first when running
 * this file alone.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tensor, type Tensor } from "../../runtime/index.js";
import { save } from "../../runtime/serialize/index.js";
import { handMadeFunction } from "./helpers.js";
import { expectNearReference, expectSameTensor, tracedModel } from "./modelFiles.js";

const here = dirname(fileURLToPath(import.meta.url));
const RUNTIME = resolve(here, "../../dist/runtime/index.js");
const SCRIPT = join(here, "fixtures/runModel.mjs");

let dir: string;
beforeAll(async () => {
  if (!existsSync(RUNTIME)) {
    throw new Error(`${RUNTIME} does not exist: the child-process test runs the built runtime; run \`npm run build\` (npm test does) first`);
  }
  const built = await import(RUNTIME);
  if (typeof built.load !== "function" || typeof built.ScriptModule !== "function") {
    throw new Error(`${RUNTIME} is stale (it exports no load/ScriptModule): run \`npm run build\` first`);
  }
  dir = await mkdtemp(join(tmpdir(), "tsjit-child-"));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface ChildResult {
  readonly info: { kind: string; className?: string; shape: number[]; dtype: string };
  readonly output: Tensor;
}

/** Runs the model file in a child process on `inputs` and reads back its output. */
async function runInChild(modelPath: string, inputs: readonly Tensor[], label: string): Promise<ChildResult> {
  const request = {
    inputs: await Promise.all(
      inputs.map(async (input, i) => {
        const file = join(dir, `${label}.in${i}.bin`);
        const data = input.toTypedArray();
        await writeFile(file, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
        return { file, shape: [...input.shape] };
      }),
    ),
    output: join(dir, `${label}.out.bin`),
  };
  const requestPath = join(dir, `${label}.request.json`);
  await writeFile(requestPath, JSON.stringify(request));
  // cwd is the temp dir, so nothing resolves through this checkout except the runtime path given.
  const { stdout } = await promisify(execFile)(process.execPath, [SCRIPT, RUNTIME, modelPath, requestPath], { cwd: dir, timeout: 60_000 });
  const info = JSON.parse(stdout.trim().split("\n").at(-1)!) as ChildResult["info"];
  expect(info.dtype).toBe("float32");
  const bytes = await readFile(request.output);
  const values = new Float32Array(bytes.length / 4);
  new Uint8Array(values.buffer).set(bytes);
  return { info, output: tensor(values, { shape: info.shape }) };
}

describe("a saved model runs in a fresh Node process that has only the built runtime", () => {
  it("the traced MLP with PyTorch's weights gives the in-process output and PyTorch's", async () => {
    const { traced, cases } = await tracedModel("mlp");
    const path = join(dir, "mlp.tsjit");
    await save(traced, path);
    for (const c of cases) {
      const { info, output } = await runInChild(path, c.inputs, `mlp-${c.name}`);
      expect(info.kind).toBe("module");
      expect(info.className).toBe("MLP");
      expectSameTensor(output, traced.forward(...c.inputs) as Tensor, `mlp/${c.name} child vs in-process`);
      expectNearReference(output, c.output, `mlp/${c.name} child vs PyTorch`);
    }
  });

  it("a saved ScriptFunction runs there too", async () => {
    const fn = handMadeFunction();
    const path = join(dir, "affine.tsjit");
    await save(fn, path);
    const x = tensor([1, 2, 3]);
    const { info, output } = await runInChild(path, [x], "affine");
    expect(info.kind).toBe("function");
    expectSameTensor(output, fn.call(x) as Tensor, "affine child vs in-process");
  });

  it("a corrupt file is rejected there with the same TsjitError", async () => {
    const path = join(dir, "corrupt.tsjit");
    await writeFile(path, (await save(handMadeFunction())).subarray(0, 20));
    const run = promisify(execFile)(process.execPath, [SCRIPT, RUNTIME, path, join(dir, "affine.request.json")], { cwd: dir, timeout: 60_000 });
    await expect(run).rejects.toMatchObject({ stderr: expect.stringMatching(/TsjitError: .*corrupt\.tsjit: safetensors: header length \d+ \(at byte offset 0\) runs past the end of the file/) });
  });
});
