/**
 * The seed example as users run it (`npm run demo`): the BUILT demo
 * (dist/examples/seed/main.js, compiled by tspc with the real tsjit transformer during
 * `npm run build`, which `npm test` runs first) in a child Node process with source
 * maps on. Its output is the contract checked here: the TracerWarning, the traced
 * model's wrong answer, the scripted model's right ones, the hybrids, the second
 * process, and the comparison with PyTorch.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const demo = join(root, "dist/examples/seed/main.js");
const haveFixtures = existsSync(resolve(root, "../shared/fixtures/models"));

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runDemo(env: Record<string, string> = {}): Run {
  if (!existsSync(demo)) throw new Error(`${demo} is missing: run \`npm run build\` first (npm test does)`);
  const { TSJIT_DISABLE: _, ...base } = process.env;
  const result = spawnSync(process.execPath, ["--enable-source-maps", demo], { cwd: root, encoding: "utf8", env: { ...base, ...env }, timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The text of section `n` ("=== n. ... ===" up to the next section). */
function sectionOf(stdout: string, n: number): string {
  const start = stdout.indexOf(`=== ${n}. `);
  expect(start, `section ${n} is printed`).toBeGreaterThanOrEqual(0);
  const next = stdout.indexOf("\n=== ", start + 1);
  return stdout.slice(start, next < 0 ? undefined : next);
}

/** The numbers of a table row starting with `label` ("'then' input  0.8670  -0.3947 ..."). */
function rowOf(text: string, label: string): number[] {
  const line = text.split("\n").find((l) => l.startsWith(label));
  expect(line, `a row "${label}"`).toBeDefined();
  return [...line!.slice(label.length).matchAll(/-?\d+\.\d+/g)].map((m) => Number(m[0]));
}

/** The value after `prefix` on its line. */
function after(text: string, prefix: string): string {
  const line = text.split("\n").find((l) => l.startsWith(prefix));
  expect(line, `a line starting "${prefix}"`).toBeDefined();
  return line!.slice(prefix.length).trim();
}

describe("examples/seed (the built demo, run as `npm run demo` runs it)", () => {
  let run: Run;
  beforeAll(() => {
    run = runDemo();
  });

  it("exits 0 and prints every section", () => {
    expect(run.stderr).not.toMatch(/Error|MISMATCH/);
    expect(run.stdout).not.toContain("MISMATCH");
    expect(run.status).toBe(0);
    for (const n of [1, 2, 3, 4, 5]) sectionOf(run.stdout, n);
  });

  it("tracing ControlFlowModel warns once, naming the TypeScript line of the branch", () => {
    const warnings = run.stderr.split("\n").filter((l) => l.includes("TracerWarning"));
    // Only the traced ControlFlowModel warns: the traced Encoder has no branch, and the
    // traced module calling the scripted gate records a call instead of reading values.
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/\(at examples\/models\/controlflow\.ts:\d+:\d+\)/);
  });

  it("the traced model is wrong on the 'else' input; the scripted one is right on both", () => {
    const text = sectionOf(run.stdout, 3);
    const [thenMean, thenEager, thenTraced, thenScripted] = rowOf(text, "'then' input");
    const [elseMean, elseEager, elseTraced, elseScripted] = rowOf(text, "'else' input");
    expect(thenMean).toBeGreaterThan(0.5);
    expect(elseMean).toBeLessThanOrEqual(0.5);
    expect(thenTraced).toBe(thenEager);
    expect(thenScripted).toBe(thenEager);
    expect(elseEager).toBe(0); // zerosLike: the else branch
    expect(elseTraced).not.toBe(elseEager);
    expect(elseScripted).toBe(elseEager);
    expect(text).toContain("<- the trace is wrong");
    expect(text).toContain("The scripted model equals eager on both inputs.");
  });

  it("the scripted model's .code keeps the if/else and its .graph has a prim::If", () => {
    const text = sectionOf(run.stdout, 3);
    const code = text.slice(text.indexOf("scripted.code:"), text.indexOf("scripted.graph:"));
    expect(code).toMatch(/if \(\w+\) \{/);
    expect(code).toContain("} else {");
    expect(code).toContain("zerosLike(");
    const graph = text.slice(text.indexOf("scripted.graph:"));
    expect(graph).toContain("graph(%self : ScriptedControlFlow");
    expect(graph).toMatch(/= prim::If\(%\w+\) # examples\/models\/scriptedControlFlow\.ts:\d+:\d+/);
    expect(graph).toContain("aten::zeros_like");
  });

  it("both hybrids (script calls trace, trace calls script) give eager's results on both branches", () => {
    const text = sectionOf(run.stdout, 4);
    for (const label of ["'then' input", "'else' input"]) {
      const [eager, scriptCallsTrace, traceCallsScript] = rowOf(text, label);
      expect(scriptCallsTrace).toBe(eager);
      expect(traceCallsScript).toBe(eager);
    }
    expect(rowOf(text, "'else' input")[0]).toBe(0);
    expect(text).toContain("const x = encoder.forward(input);"); // the scripted head calls the traced encoder
    expect(text).toMatch(/prim::CallFunction\[name="gate"\]/); // the trace keeps the call to the scripted gate
    expect(text).toContain("Both hybrids equal eager on both inputs.");
  });

  it("the second process's outputs equal this process's, for the traced and the scripted model", () => {
    const text = sectionOf(run.stdout, 5);
    expect(after(text, "second process:")).toBe(after(text, "this process:"));
    const loaded = after(text, "second process ('then', 'else'):");
    expect(loaded).toBe(after(text, "this process   ('then', 'else'):"));
    const [thenOut, elseOut] = loaded.split(" ").map((json) => JSON.parse(json) as number[][]);
    expect(elseOut).toEqual([[0]]);
    expect(thenOut![0]![0]).toBeCloseTo(rowOf(sectionOf(run.stdout, 3), "'then' input")[1]!, 4);
  });

  it.runIf(haveFixtures)("matches PyTorch, the scripted and loaded controlflow cases included", () => {
    const text = sectionOf(run.stdout, 6);
    for (const label of ["controlflow/b1 scripted", "controlflow/b1_else scripted", "controlflow/b1 loaded", "controlflow/b1_else loaded"]) {
      expect(text).toContain(`  ${label} `);
    }
    expect(text).toContain("all outputs match PyTorch");
  });

  it("with TSJIT_DISABLE=1 everything runs eagerly and the results are still right", () => {
    const eager = runDemo({ TSJIT_DISABLE: "1" });
    expect(eager.status).toBe(0);
    const text = sectionOf(eager.stdout, 3);
    expect(text).toContain("TSJIT_DISABLE=1");
    expect(text).not.toContain("prim::If");
    const [, elseEager, , elseScripted] = rowOf(text, "'else' input");
    expect(elseScripted).toBe(elseEager);
    if (haveFixtures) expect(eager.stdout).toContain("all outputs match PyTorch");
  });
});
