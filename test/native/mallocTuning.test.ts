/**
 * Note [Keeping freed pages]: once the addon is loaded, a large buffer freed and
 * allocated again reuses its pages (no page fault per 4 KiB on first touch), unless
 * TSJIT_TUNE_MALLOC=0 leaves glibc's defaults. Checked in child processes, by the
 * minor page faults the second allocation's first touch costs.
 */
import { execFile } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { native, suiteName } from "./nativeAvailability.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const ADDON = resolve(root, "build/Release/tsjit_native.node");
const run = promisify(execFile);
const glibc = Boolean((process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header?.glibcVersionRuntime);

const FOUR_MIB = 4 << 20;
const REUSE_PROBE = `
import { createRequire } from "node:module";
const addon = createRequire(import.meta.url)(${JSON.stringify(ADDON)});
const touch = (bytes) => { for (let i = 0; i < bytes.length; i += 4096) bytes[i] = 1; };
let bytes = Buffer.allocUnsafeSlow(${FOUR_MIB}); touch(bytes); bytes = null; globalThis.gc();
await new Promise((done) => setTimeout(done, 50)); // V8 frees backing stores on a background thread
const before = process.resourceUsage().minorPageFault;
bytes = Buffer.allocUnsafeSlow(${FOUR_MIB}); touch(bytes);
console.log(JSON.stringify({ faults: process.resourceUsage().minorPageFault - before, malloc: addon.info().malloc }));
`;

async function probe(env: Record<string, string>): Promise<{ faults: number; malloc: string }> {
  const { stdout } = await run(process.execPath, ["--expose-gc", "--input-type=module", "-e", REUSE_PROBE], { cwd: root, env: { ...process.env, ...env }, timeout: 60_000 });
  return JSON.parse(stdout) as { faults: number; malloc: string };
}

describe.skipIf(!native || !glibc)(suiteName("malloc keeps freed pages (Note [Keeping freed pages])"), () => {
  it("a freed 4 MiB buffer's pages are reused by the next one", async () => {
    const { faults, malloc } = await probe({});
    expect(malloc).toBe("glibc: mmap threshold 32 MiB, trim threshold 64 MiB");
    expect(faults).toBeLessThan(64);
  });

  it("TSJIT_TUNE_MALLOC=0 leaves glibc's defaults: every page of the new buffer faults", async () => {
    const { faults, malloc } = await probe({ TSJIT_TUNE_MALLOC: "0" });
    expect(malloc).toBe("left alone (TSJIT_TUNE_MALLOC=0)");
    expect(faults).toBeGreaterThan(FOUR_MIB / 4096 / 2);
  });
});
