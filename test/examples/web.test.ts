/**
 * examples/web in headless Chromium (playwright-core; executablePath from CHROMIUM_PATH
 * or /usr/bin/chromium, Debian's `chromium`): the page, built by rollup's CLI with its
 * rollup.config.mjs and served on loopback, loads, runs the model on numbers the test
 * types into the form, and shows the numbers Node computes from the same model file
 * with the same (JS) kernels; the same for the digits MLP (its model file an asset the
 * page fetches) on a stroke the test draws on the canvas. The page's own timing of one forward is printed. A
 * screenshot goes to test/.artifacts/ (git-ignored).
 *
 * Without Chromium the test is skipped with a warning saying so, except in CI (env CI
 * set), where that is a failure.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import type { Server } from "node:http";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { servePage } from "../../examples/web/serve.js";
import { jsBackend, withBackend } from "../../runtime/kernels/index.js";
import { linear, load, relu, ScriptModule, tensor, type Tensor } from "../../runtime/index.js";

const root = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const page = join(root, "examples/web/page");
const executablePath = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
const INPUTS = [
  [0.5, -1.25, 2, 0.75, -0.3, 1.1, 0.9, -2.2, 0.05, 3],
  [-1, -1, -1, -1, -1, -1, -1, -1, -1, -1],
];

let browser: Browser | undefined;
let server: Server | undefined;

afterAll(async () => {
  await browser?.close();
  server?.close();
});

function buildPage(): void {
  const run = (args: string[]) => spawnSync(process.execPath, args, { cwd: root, encoding: "utf8", timeout: 60_000 });
  if (!existsSync(join(page, "controlflow.tsjit"))) expect(run([join(root, "dist/examples/node-app/saveModel.js")]).status).toBe(0);
  const build = run([join(root, "node_modules/rollup/dist/bin/rollup"), "-c", "examples/web/rollup.config.mjs"]);
  expect(build.status, build.stderr).toBe(0);
  expect(build.stderr, "no type error or other warning while bundling").not.toMatch(/\(!\)/);
}

/** What the page should show for `values`: the saved model's output on the JS kernels, and the branch it takes. */
async function expectedFor(values: number[]): Promise<{ output: number; branch: string }> {
  const saved = await load(join(page, "controlflow.tsjit"));
  if (!(saved instanceof ScriptModule)) throw new Error("controlflow.tsjit holds a function");
  const weights = saved.stateDict();
  return withBackend(jsBackend, () => {
    const x = tensor([values]);
    const hidden = relu(linear(x, weights.get("fc1.weight")!, weights.get("fc1.bias")!)).mean().item();
    return { output: (saved.forward(x) as Tensor).item(), branch: hidden > 0.5 ? "then" : "else" };
  });
}

describe("examples/web in Chromium", () => {
  it("loads, runs the model on typed input and shows Node's numbers", async (context) => {
    if (!existsSync(executablePath)) {
      const reason = `no Chromium at ${executablePath} (set CHROMIUM_PATH, or apt-get install chromium)`;
      if (process.env["CI"]) throw new Error(`CI needs Chromium for the browser test: ${reason}`);
      console.warn(`SKIPPED examples/web in Chromium: ${reason}`);
      context.skip(reason);
    }
    buildPage();
    const served = await servePage(page);
    server = served.server;
    browser = await chromium.launch({ executablePath, headless: true, args: ["--no-sandbox"] });
    const tab = await browser.newPage();
    const errors: string[] = [];
    tab.on("pageerror", (error) => errors.push(error.message));
    await tab.goto(served.url);
    await tab.waitForSelector("#digits-timing[data-milliseconds]", { timeout: 15_000 });
    const branches: string[] = [];
    for (const values of INPUTS) {
      for (const [i, value] of values.entries()) await tab.fill(`input[name=x${i}]`, String(value));
      const shown = Number(await tab.getAttribute("#result", "data-value"));
      const text = await tab.textContent("#result");
      const expected = await expectedFor(values);
      expect(shown).toBe(expected.output);
      expect(text).toBe(`${expected.output.toFixed(6)} (${expected.branch} branch)`);
      branches.push(expected.branch);
    }
    expect(branches).toEqual(["then", "else"]); // both paths of the scripted if ran in the page
    expect(errors).toEqual([]);
    const microseconds = Number(await tab.getAttribute("#timing", "data-microseconds"));
    expect(microseconds).toBeGreaterThan(0);
    console.log(`examples/web in Chromium: ${microseconds.toFixed(1)} µs per forward (JS kernels, measured in the page)`);

    // The digits MLP, whose 2.6 MB model file the page fetched as an asset: a stroke on the canvas.
    const box = (await (await tab.$("#pad"))!.boundingBox())!;
    await tab.mouse.move(box.x + 140, box.y + 50);
    await tab.mouse.down();
    for (const [dx, dy] of [[0, 60], [0, 120], [0, 180]]) await tab.mouse.move(box.x + 140 + dx, box.y + 50 + dy, { steps: 4 });
    await tab.mouse.up();
    const input = JSON.parse((await tab.getAttribute("#digits", "data-input"))!) as number[];
    const shownProbabilities = JSON.parse((await tab.getAttribute("#digits", "data-probabilities"))!) as number[];
    expect(input.filter((v) => v > 0.5).length).toBeGreaterThan(10);
    const digits = await load(join(root, "examples/node-app/digits.tsjit"));
    const nodeProbabilities = withBackend(jsBackend, () => ((digits as ScriptModule).forward(tensor([input])) as Tensor).tolist() as number[][])[0]!;
    for (const [i, p] of shownProbabilities.entries()) expect(p).toBeCloseTo(nodeProbabilities[i]!, 6);
    const digitsMilliseconds = Number(await tab.getAttribute("#digits-timing", "data-milliseconds"));
    expect(digitsMilliseconds).toBeGreaterThan(0);
    console.log(`examples/web digits MLP in Chromium: ${digitsMilliseconds.toFixed(2)} ms per forward (JS kernels, measured in the page)`);
    expect(errors).toEqual([]);

    mkdirSync(join(root, "test/.artifacts"), { recursive: true });
    await tab.screenshot({ path: join(root, "test/.artifacts/web-example.png") });
  }, 30_000);
});
