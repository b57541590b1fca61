/**
 * Diagnostics fixtures: each file in test/script/diagnostics/ has `// expect: TSJ<code> <line>:<col>`
 * comments; compiling its functions must report exactly those (every error, not just the first).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DIAGNOSTICS, renderDiagnosticsDoc } from "../../../transformer/frontend/index.js";
import { compile, formatDiagnostic, functionSites, makeProgram, ROOT, sourceFile } from "./program.js";

const DIR = "test/script/diagnostics";
const files = readdirSync(join(ROOT, DIR)).filter((f) => f.endsWith(".ts")).sort();
const program = makeProgram(files.map((f) => `${DIR}/${f}`));

describe("diagnostics fixtures", () => {
  it.each(files)("%s", (file) => {
    const path = `${DIR}/${file}`;
    const text = readFileSync(join(ROOT, path), "utf8");
    const expected = [...text.matchAll(/\/\/ expect: (TSJ\d+ \d+:\d+)/g)].map((m) => m[1]);
    const got: string[] = [];
    for (const decl of functionSites(sourceFile(program, path)).values()) {
      const { payload, diagnostics } = compile(program, { kind: "function", declaration: decl });
      if (diagnostics.length > 0) expect(payload).toBeUndefined();
      got.push(...diagnostics.map(formatDiagnostic));
    }
    expect(got.map((d) => d.split(" ").slice(0, 2).join(" "))).toEqual(expected);
    for (const d of got) expect(d).toMatch(/; .+\.$/); // problem; what to write instead.
  });
});

describe("the catalog", () => {
  it("has unique consecutive codes from 1001", () => {
    expect(DIAGNOSTICS.map((d) => d.code)).toEqual(DIAGNOSTICS.map((_, i) => 1001 + i));
  });

  it("docs/diagnostics.md is generated from it and up to date", () => {
    const doc = readFileSync(join(ROOT, "docs/diagnostics.md"), "utf8");
    expect(doc).toBe(renderDiagnosticsDoc());
    for (const d of DIAGNOSTICS) expect(doc).toContain(`TSJ${d.code}`);
  });
});
