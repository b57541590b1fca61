/**
 * The transformer end to end, as a user runs it: `tspc` in a child process on a tiny
 * project whose tsconfig.json loads `tsjit/transformer` and `tsjit/transformer/diagnostics`
 * from the built package, then `node` on the output.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { assertBuilt, REPO, decodeMappings, positionOf, Project, type RunResult } from "./project.js";

const MODEL = `import { nn, relu, script, zerosLike, type Tensor } from "tsjit";
import { script as jit } from "tsjit";
import * as T from "tsjit";

/** A decorator that is also called \`script\`, but is not tsjit's: left alone. */
const other = {
  script(_value: unknown, _context: ClassMethodDecoratorContext): void {},
};

export const gate = script(function gate(x: Tensor): Tensor {
  if (x.sum().item() > 0) {
    return relu(x);
  }
  return zerosLike(x);
});

function clipped(x: Tensor): Tensor {
  return relu(x);
}
export const clip = jit(clipped);

export class Gated extends nn.Module {
  fc = new nn.Linear(3, 2);

  @script
  override forward(x: Tensor): Tensor {
    const y = relu(this.fc.forward(x));
    if (y.sum().item() > 0.5) {
      return y;
    }
    return zerosLike(y);
  }
}

export class Plain extends nn.Module {
  @T.script
  override forward(x: Tensor): Tensor {
    return relu(x);
  }

  @other.script
  helper(): number {
    return 1;
  }
}
`;

const MAIN = `import { manualSeed, script, tensor, type Tensor } from "tsjit";
import { clip, gate, Gated, Plain } from "./model.js";

manualSeed(0);
const inputs = [tensor([[1, -2, 3]]), tensor([[-1, -2, -3]]), tensor([[0.5, 4, -1]])];
const gated = script(new Gated()) as unknown as { forward(x: Tensor): unknown };
const plain = script(new Plain()) as unknown as { forward(x: Tensor): unknown };
const graph = (gate as unknown as { graph?: { toString(): string } }).graph;
console.log(JSON.stringify({
  gate: inputs.map((x) => gate(x).tolist()),
  clip: inputs.map((x) => clip(x).tolist()),
  gated: inputs.map((x) => (gated.forward(x) as Tensor).tolist()),
  plain: inputs.map((x) => (plain.forward(x) as Tensor).tolist()),
  graph: graph === undefined ? null : graph.toString(),
}));
`;

/** Never rewritten when built by plain tsc: compiled at run time, or NOT_COMPILED. */
const LATE = `import { relu, script, tensor, zerosLike, type Tensor } from "tsjit";

export const late = script(function late(x: Tensor): Tensor {
  if (x.sum().item() > 0) {
    return relu(x);
  }
  return zerosLike(x);
});
console.log(JSON.stringify({ out: late(tensor([[3, -2]])).tolist(), graph: late.graph.toString().includes("prim::If") }));
`;

const REGISTER_THEN_LATE = `import { registerRuntimeCompiler } from "tsjit/transformer/runtime";

registerRuntimeCompiler();
await import("./late.js");
`;

const BAD = `import { nn, script, type Tensor } from "tsjit";

export const bad = script(function bad(x: Tensor): Tensor {
  const f = (y: Tensor) => y;
  return x;
});

export class AlsoBad extends nn.Module {
  @script
  override forward(x: Tensor): Tensor {
    try {
      return x;
    } catch {
      return x;
    }
  }
}
`;

const FIXED = `import { relu, script, type Tensor } from "tsjit";

export const bad = script(function bad(x: Tensor): Tensor {
  return relu(x);
});
`;

const TSJ_LINE = /^src\/bad\.ts\((\d+),(\d+)\): error TS(9\d{4}): TSJ(\d{4}): (.+)$/gm;

function tsjErrors(result: RunResult): { line: number; column: number; tsCode: number; code: number; message: string }[] {
  return [...result.stdout.matchAll(TSJ_LINE)].map((m) => ({ line: Number(m[1]), column: Number(m[2]), tsCode: Number(m[3]), code: Number(m[4]), message: m[5]! }));
}

function jsFiles(project: Project, dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(join(project.dir, dir)).sort()) if (name.endsWith(".js") || name.endsWith(".map")) files[name] = project.read(join(dir, name));
  return files;
}

describe("tspc with the tsjit transformer", () => {
  let project: Project;
  let first: RunResult;
  let second: RunResult;
  let plain: RunResult;

  beforeAll(async () => {
    assertBuilt();
    project = new Project({ "model.ts": MODEL, "main.ts": MAIN, "late.ts": LATE, "registerThenLate.ts": REGISTER_THEN_LATE });
    [first, second, plain] = await Promise.all([project.tspc(), project.tspcFrom(REPO, "--outDir", join(project.dir, "out2")), project.tsc("--outDir", "plain")]);
  }, 120_000);
  afterAll(() => project?.remove());

  test("compiles without errors and rewrites every site to script.compiled", () => {
    expect(first.stdout + first.stderr).toBe("");
    expect(first.code).toBe(0);
    const js = project.read("out/model.js");
    expect(js).toMatch(/= script\.compiled\("\{\\"version\\":1,\\"kind\\":\\"function\\",\\"name\\":\\"gate\\"/);
    expect(js).toContain(", function gate(x) {");
    expect(js).toMatch(/= jit\.compiled\("\{\\"version\\":1,\\"kind\\":\\"function\\",\\"name\\":\\"clipped\\".*", clipped\);/);
    expect(js).toMatch(/script\.compiled\("\{\\"version\\":1,\\"kind\\":\\"method\\",\\"name\\":\\"forward\\"/);
    expect(js).toMatch(/T\.script\.compiled\("\{\\"version\\":1,\\"kind\\":\\"method\\"/);
    // The unrelated decorator named `script` is untouched, and the bodies are kept (TSJIT_DISABLE runs them).
    expect(js).toMatch(/_helper_decorators = \[\(_a = other\)\.script\.bind\(_a\)\]|_helper_decorators = \[other\.script\]/);
    expect(js.match(/\.compiled\(/g)).toHaveLength(4);
    expect(js).toContain("return zerosLike(y);");
    // Nothing at run time reaches for the compiler.
    expect(js).not.toMatch(/typescript|runtimeCompile|transformer/);
  });

  test("the embedded payloads are valid JSON with graphs", () => {
    const js = project.read("out/model.js");
    const literals = [...js.matchAll(/\.compiled\(("(?:[^"\\]|\\.)*")/g)].map((m) => JSON.parse(JSON.parse(m[1]!) as string) as Record<string, unknown>);
    expect(literals.map((p) => `${String(p.kind)}:${String(p.name)}`)).toEqual(["function:gate", "function:clipped", "method:forward", "method:forward"]);
    for (const payload of literals) expect(Object.keys(payload)).toEqual(["version", "kind", "name", "graphs", "functions"]);
    // Source ranges are relative to the project (the tsconfig.json's folder), not to where tspc ran.
    expect(JSON.stringify(literals[0])).toContain('"source":{"file":"src/model.ts","line":');
  });

  test("running the output gives the eager results, through compiled graphs", async () => {
    const [compiled, eager] = await Promise.all([project.node("out/main.js"), project.node("out/main.js", { TSJIT_DISABLE: "1" })]);
    expect(compiled.stderr).toBe("");
    expect(eager.stderr).toBe("");
    const a = JSON.parse(compiled.stdout) as Record<string, unknown>;
    const b = JSON.parse(eager.stdout) as Record<string, unknown>;
    expect(a.graph).toMatch(/prim::If/);
    expect(b.graph).toBeNull();
    expect(a.gate).toEqual([[[1, 0, 3]], [[0, 0, 0]], [[0.5, 4, 0]]]);
    for (const key of ["gate", "clip", "gated", "plain"]) expect(a[key], key).toEqual(b[key]);
  });

  test("emit is deterministic: two builds, from different folders, give byte-identical JavaScript and maps", () => {
    expect(second.code).toBe(0);
    const a = jsFiles(project, "out");
    const b = jsFiles(project, "out2");
    expect(Object.keys(a)).toEqual(["late.js", "late.js.map", "main.js", "main.js.map", "model.js", "model.js.map", "registerThenLate.js", "registerThenLate.js.map"]);
    expect(b).toEqual(a);
  });

  test("a plain tsc build: script(fn) throws NOT_COMPILED, or compiles from the .ts (found through the .js.map) once registerRuntimeCompiler() ran", async () => {
    expect(project.read("plain/late.js")).not.toContain(".compiled(");
    const [bare, registered] = await Promise.all([project.node("plain/late.js"), project.node("plain/registerThenLate.js")]);
    expect(bare.code).not.toBe(0);
    expect(bare.stderr).toContain("was not compiled by the tsjit transformer");
    expect(registered.stderr).toBe("");
    expect(JSON.parse(registered.stdout)).toEqual({ out: [[3, 0]], graph: true });
  });

  test("source maps point the kept bodies at their original lines, as plain tsc's do", () => {
    expect(plain.code).toBe(0);
    const source = MODEL.split("\n");
    const transformed = project.read("out/model.js").split("\n");
    const reference = project.read("plain/model.js").split("\n");
    const mapsOf = (file: string) => decodeMappings((JSON.parse(project.read(file)) as { mappings: string }).mappings);
    const transformedMap = mapsOf("out/model.js.map");
    const referenceMap = mapsOf("plain/model.js.map");
    const body = ["if (x.sum().item() > 0) {", "return relu(x);", "return zerosLike(x);", "const y = relu(this.fc.forward(x));", "if (y.sum().item() > 0.5) {", "return zerosLike(y);"];
    for (const text of body) {
      const at = transformed.findIndex((line) => line.trim() === text);
      const atReference = reference.findIndex((line) => line.trim() === text);
      expect(at, text).toBeGreaterThanOrEqual(0);
      const segments = transformedMap.filter((m) => m.generatedLine === at).map((m) => [m.generatedColumn, m.originalLine, m.originalColumn]);
      const referenceSegments = referenceMap.filter((m) => m.generatedLine === atReference).map((m) => [m.generatedColumn, m.originalLine, m.originalColumn]);
      expect(segments.length, text).toBeGreaterThan(0);
      expect(segments, text).toEqual(referenceSegments);
      // And the first segment lands on the TypeScript line that has this statement.
      const original = transformedMap.find((m) => m.generatedLine === at)!;
      expect(source[original.originalLine]!.trim(), text).toBe(text);
    }
  });
});

describe("tspc reports @script errors as diagnostics", () => {
  let project: Project;
  const arrow = positionOf(BAD, "(y: Tensor) => y");
  const tryStatement = positionOf(BAD, "try {");

  beforeAll(() => {
    assertBuilt();
    project = new Project({ "bad.ts": BAD }, { incremental: true, tsBuildInfoFile: "out/tsbuildinfo" });
  });
  afterAll(() => project?.remove());

  const expectBadErrors = (result: RunResult): void => {
    expect(result.code).not.toBe(0);
    const errors = tsjErrors(result);
    expect(errors.map((e) => [e.line, e.column]), result.stdout).toEqual([
      [arrow.line, arrow.column],
      [tryStatement.line, tryStatement.column],
    ]);
    for (const e of errors) {
      expect(e.tsCode).toBe(90000 + e.code);
      expect(e.message.length).toBeGreaterThan(10);
    }
    expect(errors[0]!.code).not.toBe(errors[1]!.code);
  };

  test("every error is printed with file, line, column and TSJ code; the build fails and leaves the sites as written", async () => {
    const result = await project.tspc();
    expectBadErrors(result);
    const js = project.read("out/bad.js");
    expect(js).not.toContain(".compiled(");
    expect(js).toContain("export const bad = script(function bad(x) {");
  });

  test("--noEmit reports them too", async () => {
    expectBadErrors(await project.tspc("--noEmit", "--incremental", "false"));
  });

  test("noEmitOnError with another type error reports both and emits nothing", async () => {
    project.write("src/typeError.ts", `export const n: number = "not a number";\n`);
    try {
      const result = await project.tspc("--noEmitOnError", "--incremental", "false", "--outDir", "out-none");
      expectBadErrors(result);
      expect(result.stdout).toMatch(/src\/typeError\.ts\(1,14\): error TS2322/);
      expect(() => project.read("out-none/bad.js")).toThrow();
    } finally {
      project.write("src/typeError.ts", "export {};\n");
    }
  });

  test("build mode (tspc -b) reports them, and again on a second run with nothing changed", async () => {
    expectBadErrors(await project.tspc("-b"));
    expectBadErrors(await project.tspc("-b"));
  });

  test("incremental: errors are reported again when nothing changed, and vanish once the code is fixed", async () => {
    expectBadErrors(await project.tspc());
    project.write("src/bad.ts", FIXED);
    const fixed = await project.tspc();
    expect(fixed.stdout).toBe("");
    expect(fixed.code).toBe(0);
    expect(project.read("out/bad.js")).toContain("script.compiled(");
    const again = await project.tspc();
    expect(again.stdout).toBe("");
    expect(again.code).toBe(0);
  });
});
