/**
 * examples/node-app as its README line says to build it: rollup's CLI with its
 * rollup.config.mjs, writing into a temporary folder outside this checkout, where neither tsjit nor
 * typescript can be resolved; the bundle (with its model asset) run there with node
 * prints what the unbundled program (dist/examples/node-app/unbundled.js) prints.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const modelFile = join(root, "examples/node-app/digits.tsjit");
let outside: string;

function node(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, args, { cwd, encoding: "utf8", env: { ...process.env, TSJIT_BACKEND: "js" }, timeout: 60_000 });
}

beforeAll(async () => {
  if (!existsSync(modelFile)) expect(node([join(root, "dist/examples/node-app/saveModel.js")], root).status).toBe(0);
  outside = mkdtempSync(join(tmpdir(), "tsjit-node-app-"));
  const rollupCli = join(root, "node_modules/rollup/dist/bin/rollup");
  const build = node([rollupCli, "-c", "examples/node-app/rollup.config.mjs", "--file", join(outside, "main.mjs")], root);
  expect(build.status, build.stderr).toBe(0);
  expect(build.stderr, "no type error or other warning while bundling").not.toMatch(/\(!\)/);
}, 60_000);

afterAll(() => {
  if (outside !== undefined) rmSync(outside, { recursive: true, force: true });
});

describe("examples/node-app", () => {
  it("runs bundled where typescript cannot be resolved, printing what the unbundled program prints", () => {
    for (const name of ["typescript", "tsjit"]) expect(node(["-e", `require.resolve("${name}")`], outside).stderr).toContain(`Cannot find module '${name}'`);
    const bundled = node(["main.mjs"], outside);
    expect(bundled.stderr).toBe("");
    expect(bundled.status).toBe(0);
    const unbundled = node([join(root, "dist/examples/node-app/unbundled.js")], root);
    expect(unbundled.status).toBe(0);
    expect(bundled.stdout).toMatch(/^input 0: \d \(0\.\d{4}\)/);
    expect(bundled.stdout).toContain("saved program agrees: yes");
    expect(bundled.stdout).toBe(unbundled.stdout);
  });
});
