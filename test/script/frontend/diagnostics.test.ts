/**
 * Diagnostics fixtures: each file in test/script/diagnostics/ has `// expect: TSJ<code> <line>:<col> <message>`
 * comments (the message is optional in the format, and every fixture here gives it);
 * compiling its sites (exported functions, and classes as `@script` classes: forward and
 * every method it reaches) must report exactly those, in source order: every error, not
 * just the first. The language plugin's tests read the same files.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type * as ts from "typescript";
import { DIAGNOSTICS, renderDiagnosticsDoc } from "../../../transformer/frontend/index.js";
import { classSites, compile, formatDiagnostic, functionSites, makeProgram, ROOT, sourceFile } from "./program.js";
import type { ScriptSite } from "../../../transformer/frontend/index.js";

const DIR = "test/script/diagnostics";
const files = readdirSync(join(ROOT, DIR)).filter((f) => f.endsWith(".ts")).sort();
const program = makeProgram(files.map((f) => `${DIR}/${f}`));

interface Expected {
  readonly at: string;
  readonly message: string | undefined;
}

function expectations(text: string): Expected[] {
  return [...text.matchAll(/\/\/ expect: (TSJ\d+ \d+:\d+)(?: (.+))?$/gm)].map((m) => ({ at: m[1]!, message: m[2]?.trim() }));
}

function sitesOf(sf: ts.SourceFile): ScriptSite[] {
  const sites: [number, ScriptSite][] = [];
  for (const declaration of functionSites(sf).values()) sites.push([declaration.pos, { kind: "function", declaration }]);
  for (const declaration of classSites(sf).values()) sites.push([declaration.pos, { kind: "class", declaration }]);
  return sites.sort((a, b) => a[0] - b[0]).map(([, s]) => s);
}

describe("diagnostics fixtures", () => {
  it("there are at least 30, each expecting at least one diagnostic", () => {
    expect(files.length).toBeGreaterThanOrEqual(30);
    for (const f of files) expect(expectations(readFileSync(join(ROOT, DIR, f), "utf8")).length, f).toBeGreaterThan(0);
  });

  it.each(files)("%s", (file) => {
    const path = `${DIR}/${file}`;
    const expected = expectations(readFileSync(join(ROOT, path), "utf8"));
    const got: string[] = [];
    for (const site of sitesOf(sourceFile(program, path))) {
      const { payload, diagnostics } = compile(program, site);
      if (diagnostics.length > 0) expect(payload).toBeUndefined();
      got.push(...diagnostics.map(formatDiagnostic));
    }
    expect(got.map((d) => d.split(" ").slice(0, 2).join(" "))).toEqual(expected.map((e) => e.at));
    got.forEach((d, i) => {
      const message = expected[i]!.message;
      if (message !== undefined) expect(d.split(" ").slice(2).join(" ")).toBe(message);
      expect(d).toMatch(/; .+\.$/); // problem; what to write instead.
      expect(d).not.toMatch(/internal compiler error/);
    });
  });
});

describe("the catalog", () => {
  it("has unique consecutive codes from 1001", () => {
    expect(DIAGNOSTICS.map((d) => d.code)).toEqual(DIAGNOSTICS.map((_, i) => 1001 + i));
    expect(new Set(DIAGNOSTICS.map((d) => d.name)).size).toBe(DIAGNOSTICS.length);
  });

  it("every kind but internalError has a fixture", () => {
    const used = new Set(files.flatMap((f) => expectations(readFileSync(join(ROOT, DIR, f), "utf8")).map((e) => Number(e.at.slice(3, 7)))));
    const missing = DIAGNOSTICS.filter((d) => !used.has(d.code) && d.name !== "internalError").map((d) => d.name);
    expect(missing).toEqual([]);
  });

  // Regenerate with: npx vitest run test/script/frontend/diagnostics.test.ts -u
  it("docs/diagnostics.md is generated from it and up to date", async () => {
    const doc = renderDiagnosticsDoc();
    for (const d of DIAGNOSTICS) expect(doc).toContain(`## TSJ${d.code}: ${d.name}`);
    await expect(doc).toMatchFileSnapshot(join(ROOT, "docs/diagnostics.md"));
  });
});
