/**
 * The plugin's TypeScript project (dist/transformer/rollup/project.js): one program per
 * plugin instance, the same object while nothing changes, rebuilt after a watch change
 * with the unchanged files' SourceFiles reused; a file outside the tsconfig becomes a root.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type * as ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";
import { createProject, ROOT } from "./project.js";

interface ProjectApi {
  current(fileName?: string): ts.Program;
  invalidate(fileName: string): void;
}
let Project: new (tsconfigPath: string) => ProjectApi;

beforeAll(async () => {
  ({ Project } = (await import(join(ROOT, "dist/transformer/rollup/project.js"))) as { Project: typeof Project });
});

describe("the plugin's ts.Program", () => {
  it("is reused until a file changes, then rebuilt from the old one", () => {
    const dir = createProject("program", { "a.ts": "export const a = 1;\n", "b.ts": "export const b: number = 2;\n" });
    const project = new Project(join(dir, "tsconfig.json"));
    const first = project.current();
    expect(project.current(join(dir, "a.ts"))).toBe(first);
    writeFileSync(join(dir, "a.ts"), "export const a = 'changed';\n");
    project.invalidate(join(dir, "a.ts"));
    const second = project.current();
    expect(second).not.toBe(first);
    expect(second.getSourceFile(join(dir, "a.ts"))!.text).toContain("changed");
    expect(second.getSourceFile(join(dir, "b.ts"))).toBe(first.getSourceFile(join(dir, "b.ts")));
    const lib = first.getSourceFiles().find((file) => /lib\.es\d+/.test(file.fileName))!;
    expect(second.getSourceFile(lib.fileName)).toBe(lib);
  });

  it("adds a module outside the tsconfig's files as a root", () => {
    const dir = createProject("outside", { "a.ts": "export const a = 1;\n" });
    const outside = join(dir, "..", `${dir.split(/[\\/]/).pop()}-extra.ts`);
    writeFileSync(outside, "export const extra = 1;\n");
    const project = new Project(join(dir, "tsconfig.json"));
    expect(project.current().getSourceFile(outside)).toBeUndefined();
    expect(project.current(outside).getSourceFile(outside)).toBeDefined();
  });
});
