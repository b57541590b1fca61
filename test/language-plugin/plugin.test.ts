/**
 * The language plugin in a REAL tsserver (one process for this file): a temporary
 * workspace whose tsconfigs enable `{ "name": "tsjit/language-plugin", ... }`, files opened
 * over the protocol, and the `semanticDiagnosticsSync`, `quickinfo`, `getCodeFixes` and
 * `getSupportedCodeFixes` responses checked.
 *
 * The diagnostics expected come from the frontend's own fixture files
 * (test/script/diagnostics/*.ts, `// expect: TSJ<code> <line>:<col> <message>`), made into
 * real `@script` sites without moving any expectation (see `asScriptSites`), and are also compared, field by field, with what the
 * build's program transformer (transformer/diagnostics.ts) reports on the same project.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import tsjitDiagnostics from "../../transformer/diagnostics.js";
import { applyChanges, locationOf, makeWorkspace, PLUGIN_BUNDLE, ROOT, TsServer, tsconfig, type TextChange, type Workspace } from "./tsserver.js";

interface Diagnostic {
  readonly start: number;
  readonly length: number;
  readonly startLocation: { line: number; offset: number };
  readonly endLocation?: { line: number; offset: number };
  readonly message: string;
  readonly code: number;
  readonly category: string;
}
interface QuickInfo {
  readonly displayString: string;
  readonly documentation: string;
}
interface CodeFix {
  readonly fixName: string;
  readonly description: string;
  readonly changes: readonly { fileName: string; textChanges: readonly TextChange[] }[];
}

const FIXTURES = join(ROOT, "test/script/diagnostics");
const fixtureNames = readdirSync(FIXTURES).filter((f) => f.endsWith(".ts")).sort();

/**
 * A fixture made into real `@script` sites, the ones the frontend's fixture test compiles,
 * without moving any expectation: `script(f)` APPENDED for each top-level function, and
 * each top-level class decorated by overwriting its `export ` (7 characters) with `@__s   `
 * (`__s` is `script`, imported at the end of the file).
 */
function asScriptSites(text: string): string {
  if (/(^|[^\w.])script\s*\(|@script/.test(text.replace(/\/\/.*$/gm, ""))) return text;
  const file = ts.createSourceFile("fixture.ts", text, ts.ScriptTarget.ES2022, true);
  const names: string[] = [];
  let result = text;
  for (const statement of [...file.statements].reverse()) {
    if (ts.isFunctionDeclaration(statement) && statement.name !== undefined && statement.body !== undefined) names.unshift(statement.name.text);
    if (ts.isClassDeclaration(statement) && statement.name !== undefined) {
      const start = statement.getStart(file);
      const exported = result.startsWith("export ", start);
      result = exported ? `${result.slice(0, start)}@__s   ${result.slice(start + 7)}` : `${result.slice(0, start)}@__s ${result.slice(start)}`;
    }
  }
  return `${result.endsWith("\n") ? result : `${result}\n`}import { script as __s } from "tsjit";\n${names.map((n) => `__s(${n});`).join("\n")}\n`;
}

/** The fields both the build and tsserver give, in source order. */
function comparable(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics
    .map(({ start, length, startLocation, message, code, category }) => ({ start, length, startLocation, message, code, category }))
    .sort((a, b) => a.start - b.start || a.code - b.code);
}

const tsjOnly = (diagnostics: readonly Diagnostic[]): Diagnostic[] => diagnostics.filter((d) => d.code > 91000 && d.code < 92000);

const HOVER = `import { nn, relu, script, type Tensor } from "tsjit";

export const step = script(function step(h: Tensor, x: Tensor): Tensor {
  let y = relu(h);
  for (let i = 0; i < 3; i++) {
    if (x.sum().item() > 0) {
      y = y.relu();
    }
  }
  return y;
});

export class Head extends nn.Module {
  fc = new nn.Linear(4, 2);

  @script
  override forward(x: Tensor): Tensor {
    return relu(this.fc.forward(x));
  }
}

export const broken = script(function broken(x: Tensor): Tensor {
  console.log(x);
  return x;
});
`;

const FIXES = `import { relu, script, type Tensor } from "tsjit";

export const a = script(function a(x: Tensor, n): Tensor {
  return x.mul(n);
});

export const b = script(function b(x: Tensor): number {
  if (x > 0.5) return 1;
  return 0;
});

export const c = script(function c(x: Tensor): Tensor {
  const g = (t: Tensor) => relu(t);
  return g(x);
});

export const d = script(function d(x: Tensor, n: number): Tensor {
  if (n == 1) return relu(x);
  return x;
});
`;

const TSJ = (code: number): number => 90000 + code;

let workspace: Workspace;
let server: TsServer;
const files: Record<string, string> = {};

beforeAll(() => {
  if (!existsSync(PLUGIN_BUNDLE)) throw new Error(`${PLUGIN_BUNDLE} is missing: run npm run build (rollup builds the plugin)`);
  if (!existsSync(join(ROOT, "dist/runtime/index.d.ts"))) throw new Error("dist/runtime is missing: run npm run build");
  workspace = makeWorkspace();
  workspace.write("main/tsconfig.json", tsconfig({}));
  for (const name of fixtureNames) files[name] = workspace.write(`main/fixtures/${name}`, asScriptSites(readFileSync(join(FIXTURES, name), "utf8")));
  files.hover = workspace.write("main/hover.ts", HOVER);
  files.fixes = workspace.write("main/fixes.ts", FIXES);
  workspace.write("options/tsconfig.json", tsconfig({ hover: false, severity: { TSJ1015: "warning", TSJ1022: "off" } }));
  files.options = workspace.write("options/multipleErrors.ts", asScriptSites(readFileSync(join(FIXTURES, "multipleErrors.ts"), "utf8")));
  files.optionsHover = workspace.write("options/hover.ts", HOVER);
  workspace.write("bad/tsconfig.json", tsconfig({ hovr: true, severity: { TSJ9999: "warning", TSJ1015: "loud" }, codeFixes: "yes" }));
  files.bad = workspace.write("bad/unknownCall.ts", asScriptSites(readFileSync(join(FIXTURES, "unknownCall.ts"), "utf8")));
  workspace.write("throwing/tsconfig.json", tsconfig({ throwIn: ["semanticDiagnostics", "quickInfo", "codeFixes"] }));
  files.throwing = workspace.write("throwing/fixes.ts", FIXES);
  server = new TsServer(workspace);
});

afterAll(async () => {
  await server?.close();
  workspace?.remove();
});

async function semanticDiagnostics(file: string): Promise<Diagnostic[]> {
  const response = await server.request<Diagnostic[]>("semanticDiagnosticsSync", { file, includeLinePosition: true });
  expect(response.success, response.message).toBe(true);
  return response.body ?? [];
}

async function quickInfo(file: string, text: string, needle: string, delta = 0): Promise<QuickInfo | undefined> {
  const response = await server.request<QuickInfo>("quickinfo", { file, ...locationOf(text, needle, delta) });
  return response.success ? response.body : undefined;
}

async function codeFixes(file: string, diagnostic: Diagnostic): Promise<CodeFix[]> {
  const end = diagnostic.endLocation!;
  const response = await server.request<CodeFix[]>("getCodeFixes", {
    file,
    startLine: diagnostic.startLocation.line,
    startOffset: diagnostic.startLocation.offset,
    endLine: end.line,
    endOffset: end.offset,
    errorCodes: [diagnostic.code],
  });
  expect(response.success, response.message).toBe(true);
  return response.body ?? [];
}

/** What the build reports for the main project: tsjitDiagnostics (the ts-patch program transformer) on a program from the same tsconfig. */
function buildDiagnostics(): Map<string, Diagnostic[]> {
  const config = ts.getParsedCommandLineOfConfigFile(join(workspace.dir, "main/tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  if (!config) throw new Error("cannot read the workspace tsconfig");
  const program = tsjitDiagnostics(ts.createProgram(config.fileNames, config.options), undefined, undefined, { ts });
  const result = new Map<string, Diagnostic[]>();
  for (const file of program.getSourceFiles()) {
    if (!file.fileName.startsWith(workspace.dir)) continue;
    const diagnostics = program.getSemanticDiagnostics(file).filter((d) => d.source === "tsjit");
    result.set(
      file.fileName,
      diagnostics.map((d) => {
        const { line, character } = file.getLineAndCharacterOfPosition(d.start!);
        return { start: d.start!, length: d.length!, startLocation: { line: line + 1, offset: character + 1 }, message: ts.flattenDiagnosticMessageText(d.messageText, "\n"), code: d.code, category: ts.DiagnosticCategory[d.category].toLowerCase() };
      }),
    );
  }
  return result;
}

describe("semantic diagnostics: the build's, from the frontend's fixture files", () => {
  let build: Map<string, Diagnostic[]>;
  beforeAll(() => {
    for (const name of fixtureNames) server.open(files[name]!);
    build = buildDiagnostics();
  });

  it("there are fixtures to check", () => {
    expect(fixtureNames.length).toBeGreaterThanOrEqual(17);
  });

  it.each(fixtureNames)("%s", async (name) => {
    const file = files[name]!;
    const got = comparable(tsjOnly(await semanticDiagnostics(file)));
    // The fixture's own expectations (same regex as test/script/frontend/diagnostics.test.ts).
    const expected = [...readFileSync(join(FIXTURES, name), "utf8").matchAll(/\/\/ expect: (TSJ\d+ \d+:\d+)(?: (.+))?$/gm)].map((m) => ({ at: m[1]!, message: m[2]?.trim() }));
    expect(got.map((d) => `TSJ${d.code - 90000} ${d.startLocation.line}:${d.startLocation.offset}`)).toEqual(expected.map((e) => e.at));
    got.forEach((d, i) => {
      expect(d.message).toMatch(new RegExp(`^TSJ${d.code - 90000}: .+; .+\\.$`));
      const message = expected[i]!.message;
      if (message !== undefined) expect(d.message).toBe(`TSJ${d.code - 90000}: ${message}`);
    });
    // Exactly the build's: code, message, start, length, category.
    expect(build.has(file), `the build saw ${file}`).toBe(true);
    expect(got).toEqual(comparable(build.get(file) ?? []));
  });
});

describe("quick info", () => {
  beforeAll(() => server.open(files.hover!));

  it("on a script(function ...) name: compiled signature and graph summary", async () => {
    const info = await quickInfo(files.hover!, HOVER, "function step", "function ".length);
    expect(info?.documentation).toContain("@script step(h: Tensor, x: Tensor) -> Tensor");
    expect(info?.documentation).toMatch(/graph: \d+ nodes, 1 loop, 1 if/);
    expect(info?.documentation).toMatch(/ops: .*aten::relu/);
    expect(info?.displayString).toContain("step(h: Tensor, x: Tensor): Tensor"); // TypeScript's own part is kept
    const onConst = await quickInfo(files.hover!, HOVER, "const step", "const ".length);
    expect(onConst?.documentation).toContain("@script step(h: Tensor, x: Tensor) -> Tensor");
  });

  it("on an @script method name", async () => {
    const info = await quickInfo(files.hover!, HOVER, "forward(x");
    expect(info?.documentation).toContain("@script forward(x: Tensor) -> Tensor");
    expect(info?.documentation).toMatch(/graph: \d+ nodes, 0 loops, 0 ifs/);
    expect(info?.documentation).toContain("prim::CallMethod");
  });

  it("on a site that does not compile: its errors", async () => {
    const info = await quickInfo(files.hover!, HOVER, "function broken", "function ".length);
    expect(info?.documentation).toContain("@script broken: not compiled, 1 error (TSJ1015)");
  });

  it("on an op call inside @script code: the op's schema, free function and method", async () => {
    const free = await quickInfo(files.hover!, HOVER, "relu(h)");
    expect(free?.documentation).toContain("tsjit op aten::relu");
    expect(free?.documentation).toContain("relu(Tensor self) -> Tensor");
    const method = await quickInfo(files.hover!, HOVER, "relu();");
    expect(method?.documentation).toContain("relu(Tensor self) -> Tensor");
    const sum = await quickInfo(files.hover!, HOVER, "sum()");
    expect(sum?.documentation).toContain("tsjit op aten::sum");
    expect(sum?.documentation).toContain("-> Tensor");
  });

  it("adds nothing outside @script code", async () => {
    const info = await quickInfo(files.hover!, HOVER, "Head extends");
    expect(info?.documentation ?? "").not.toContain("@script");
    expect(info?.documentation ?? "").not.toContain("tsjit op");
  });
});

describe("code fixes", () => {
  beforeAll(() => server.open(files.fixes!));

  it("getSupportedCodeFixes includes the fixable TSJ codes (and TypeScript's own)", async () => {
    const response = await server.request<string[]>("getSupportedCodeFixes", { file: files.fixes });
    expect(response.body).toEqual(expect.arrayContaining([String(TSJ(1018)), String(TSJ(1038)), String(TSJ(1001)), String(TSJ(1037)), "2304"]));
  });

  /** The fix named `fixName` for the (first) diagnostic with `code`, applied to the file's text. */
  async function fixed(code: number, fixName: string, description?: RegExp): Promise<string> {
    const diagnostic = tsjOnly(await semanticDiagnostics(files.fixes!)).find((d) => d.code === TSJ(code));
    expect(diagnostic, `no TSJ${code} in fixes.ts`).toBeDefined();
    const fixes = (await codeFixes(files.fixes!, diagnostic!)).filter((f) => f.fixName === fixName && (description === undefined || description.test(f.description)));
    expect(fixes).toHaveLength(1);
    return applyChanges(FIXES, fixes[0]!.changes[0]!.textChanges);
  }

  it("TSJ1018: annotate the parameter (Tensor, number, boolean offered)", async () => {
    const text = await fixed(1018, "tsjitAddParameterType", /as number$/);
    expect(text).toContain("function a(x: Tensor, n: number): Tensor {");
    const tensor = await fixed(1018, "tsjitAddParameterType", /as Tensor$/);
    expect(tensor).toContain("function a(x: Tensor, n: Tensor): Tensor {");
  });

  it("TSJ1038: a Tensor compared with a number gets .item()", async () => {
    expect(await fixed(1038, "tsjitTensorItem")).toContain("if (x.item() > 0.5) return 1;");
  });

  it("TSJ1001: an arrow function in @script code becomes a module-level function", async () => {
    const text = await fixed(1001, "tsjitHoistArrowFunction");
    expect(text).toContain("function g(t: Tensor) {\n  return relu(t);\n}\n\nexport const c = script(function c(x: Tensor): Tensor {\n  return g(x);\n});");
    expect(text).not.toContain("=>");
  });

  it("TSJ1037: == becomes ===", async () => {
    expect(await fixed(1037, "tsjitStrictEquality")).toContain("if (n === 1) return relu(x);");
  });

  it("with every fix applied the file compiles: no TSJ diagnostics left", async () => {
    let text = FIXES;
    for (const [code, fixName, description] of [
      [1018, "tsjitAddParameterType", /as number$/],
      [1038, "tsjitTensorItem", undefined],
      [1001, "tsjitHoistArrowFunction", undefined],
      [1037, "tsjitStrictEquality", undefined],
    ] as const) {
      server.notify("close", { file: files.fixes });
      server.open(files.fixes!, text);
      const diagnostic = tsjOnly(await semanticDiagnostics(files.fixes!)).find((d) => d.code === TSJ(code));
      expect(diagnostic, `TSJ${code} after earlier fixes`).toBeDefined();
      const fix = (await codeFixes(files.fixes!, diagnostic!)).find((f) => f.fixName === fixName && (description === undefined || description.test(f.description)));
      text = applyChanges(text, fix!.changes[0]!.textChanges);
    }
    server.notify("close", { file: files.fixes });
    server.open(files.fixes!, text);
    expect(tsjOnly(await semanticDiagnostics(files.fixes!))).toEqual([]);
    server.notify("close", { file: files.fixes });
    server.open(files.fixes!);
  });
});

describe("options", () => {
  it("severity per code: TSJ1015 as a warning, TSJ1022 off; hover off", async () => {
    server.open(files.options!);
    const got = tsjOnly(await semanticDiagnostics(files.options!));
    expect(got.map((d) => [d.code, d.category])).toEqual([[TSJ(1015), "warning"]]);
    server.open(files.optionsHover!);
    const info = await quickInfo(files.optionsHover!, HOVER, "function step", "function ".length);
    expect(info?.displayString).toContain("step(h: Tensor"); // TypeScript's own hover still there
    expect(info?.documentation ?? "").not.toContain("@script");
  });

  it("bad options: a clear message in the tsserver log, and the plugin still works with the rest", async () => {
    server.open(files.bad!);
    const got = tsjOnly(await semanticDiagnostics(files.bad!));
    expect(got.map((d) => [d.code, d.category])).toEqual([[TSJ(1015), "error"]]);
    const log = server.log();
    expect(log).toContain("tsjit/language-plugin: bad option in tsconfig: option 'hovr' is unknown; the options are 'hover', 'codeFixes', 'severity', 'throwIn'");
    expect(log).toContain("option 'severity': 'TSJ9999' is not a tsjit diagnostic code");
    expect(log).toContain(`option 'severity': TSJ1015 must be 'error', 'warning', 'suggestion', 'message', 'off', got "loud"`);
    expect(log).toContain(`option 'codeFixes' must be true or false, got "yes"`);
  });
});

describe("a throwing plugin does not take tsserver down", () => {
  it("diagnostics, quick info and code fixes fall back to TypeScript's own results, logged", async () => {
    server.open(files.throwing!);
    const diagnostics = await semanticDiagnostics(files.throwing!);
    expect(tsjOnly(diagnostics)).toEqual([]);
    expect(diagnostics.some((d) => d.code === 2365)).toBe(true); // TypeScript's own error (Tensor > number) is still reported
    const info = await quickInfo(files.throwing!, FIXES, "function a", "function ".length);
    expect(info?.displayString).toContain("a(x: Tensor");
    const fixes = await server.request<CodeFix[]>("getCodeFixes", { file: files.throwing, ...{ startLine: 3, startOffset: 1, endLine: 3, endOffset: 2 }, errorCodes: [TSJ(1018)] });
    expect(fixes.success).toBe(true);
    expect(server.alive).toBe(true);
    const log = server.log();
    expect(log).toMatch(/tsjit\/language-plugin: getSemanticDiagnostics failed, returning the plain language service result: Error: throwIn: semanticDiagnostics/);
    expect(log).toContain("tsjit/language-plugin: getQuickInfoAtPosition failed");
    expect(log).toContain("tsjit/language-plugin: getCodeFixesAtPosition failed");
    // The other projects are still served with the plugin.
    expect(tsjOnly(await semanticDiagnostics(files["unknownCall.ts"]!))).toHaveLength(1);
  });
});
