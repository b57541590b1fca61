/**
 * Choosing the backend and the ISA, in child processes (both are fixed at load):
 * TSJIT_ISA forces the addon's kernel table; TSJIT_BACKEND forces js or native, and an
 * unknown value is a TsjitError. Then the op and model conformance suites
 * (test/conformance/) run on the native backend under every other ISA this CPU
 * supports (the main run already runs them on the best one).
 */
import { execFile } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { backend } from "../../runtime/index.js";
import { isas, native, suiteName } from "./nativeAvailability.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const ADDON = resolve(root, "build/Release/tsjit_native.node");
const VITEST = resolve(root, "node_modules/vitest/vitest.mjs");
const run = promisify(execFile);

async function node(code: string, env: Record<string, string>): Promise<string> {
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", code], { cwd: root, env: { ...process.env, ...env }, timeout: 60_000 });
  return stdout.trim();
}

const CONFORMANCE = ["test/conformance/ops.test.ts", "test/conformance/models.test.ts"];

describe("backend()", () => {
  it("says which backend runs and why", () => {
    const info = backend();
    expect(["js", "native"]).toContain(info.name);
    expect(info.reason.length).toBeGreaterThan(0);
    if (native && process.env["TSJIT_BACKEND"] !== "js") {
      expect(info).toMatchObject({ name: "native", isa: isas[0], threads: native.binding.info().threads });
    }
  });
});

describe("the JS reference backend", () => {
  it("passes the op and model conformance suites with TSJIT_BACKEND=js (the main run uses native when it loads)", async () => {
    const { stdout } = await run(process.execPath, [VITEST, "run", ...CONFORMANCE], { cwd: root, env: { ...process.env, TSJIT_BACKEND: "js" }, timeout: 120_000 });
    expect(stdout).toMatch(/Tests: \d+ passed, 0 failed/);
  });
});

describe.skipIf(!native)(suiteName("backend and ISA selection at load"), () => {
  it.each(isas)("TSJIT_ISA=%s picks that kernel table", async (isa) => {
    const out = await node(`import { createRequire } from "node:module"; console.log(JSON.stringify(createRequire(import.meta.url)(${JSON.stringify(ADDON)}).info()));`, { TSJIT_ISA: isa });
    expect(JSON.parse(out)).toMatchObject({ isa, isaReason: `forced by TSJIT_ISA=${isa}` });
  });

  it("TSJIT_ISA naming an unknown ISA fails the load with a clear message", async () => {
    const code = `import { createRequire } from "node:module"; try { createRequire(import.meta.url)(${JSON.stringify(ADDON)}); } catch (e) { console.log(e.message); }`;
    expect(await node(code, { TSJIT_ISA: "sse9" })).toMatch(/TSJIT_ISA=sse9 is not available/);
  });

  it("TSJIT_NUM_THREADS sizes the pool", async () => {
    const out = await node(`import { createRequire } from "node:module"; console.log(createRequire(import.meta.url)(${JSON.stringify(ADDON)}).info().threads);`, { TSJIT_NUM_THREADS: "3" });
    expect(out).toBe("3");
  });

  it("TSJIT_BACKEND=js|native forces one; another value is a TsjitError", async () => {
    // The vitest child runs the TypeScript sources, as this process does.
    const probe = resolve(root, "test/native/fixtures/printBackend.test.ts");
    const runProbe = async (value: string) => {
      const { stdout, stderr } = await run(process.execPath, [VITEST, "run", probe], { cwd: root, env: { ...process.env, TSJIT_BACKEND: value, NO_COLOR: "1", FORCE_COLOR: "0" }, timeout: 60_000 }).catch(
        (e: { stdout: string; stderr: string }) => e,
      );
      return stdout + stderr;
    };
    expect(await runProbe("js")).toMatch(/BACKEND js null forced by TSJIT_BACKEND=js/);
    expect(await runProbe("native")).toMatch(new RegExp(`BACKEND native ${isas[0]} forced by TSJIT_BACKEND=native`));
    expect(await runProbe("fortran")).toMatch(/TsjitError: TSJIT_BACKEND=fortran: expected "js" or "native"/);
  });

  it.each(isas.slice(1))("the op and model conformance suites pass on the native backend with TSJIT_ISA=%s", async (isa) => {
    const { stdout } = await run(process.execPath, [VITEST, "run", ...CONFORMANCE], { cwd: root, env: { ...process.env, TSJIT_BACKEND: "native", TSJIT_ISA: isa }, timeout: 120_000 });
    expect(stdout).toMatch(/Tests: \d+ passed, 0 failed/);
  });
});
