/**
 * The transformer's pieces in process, on one ts.Program over in-memory files that
 * import "tsjit" (mapped to runtime/index.ts, as in the editor): which sites
 * analyzeFile finds (by symbol), its cache, the emit transformer's rewrite, and the
 * program transformer's semantic diagnostics.
 */
import { join } from "node:path";
import * as ts from "typescript";
import { beforeAll, describe, expect, test } from "vitest";
import { analyzeFile } from "../../../transformer/analyzeFile.js";
import tsjitDiagnostics from "../../../transformer/diagnostics.js";
import tsjitTransformer from "../../../transformer/index.js";
import { REPO, positionOf } from "./project.js";

// In-memory files in a real folder (module resolution asks the host whether the folder exists).
const DIR = join(REPO, "test/script/transformer");

const FILES: Record<string, string> = {
  "sites.ts": `import { nn, relu, script, type Tensor } from "tsjit";
import { script as s } from "tsjit";
import * as L from "tsjit";
import { reexported } from "./virtualReexport.js";
import { helperFromElsewhere } from "./virtualOther.js";

export const a = script(function a(x: Tensor): Tensor {
  return relu(x);
});

function b(x: Tensor): Tensor {
  return relu(x);
}
export const bs = s(b);
export const viaReexport = reexported(function viaReexport(x: Tensor): Tensor {
  return relu(x);
});
export const notASite = script(helperFromElsewhere);

export class M extends nn.Module {
  @L.script
  override forward(x: Tensor): Tensor {
    return relu(x);
  }
}

@script
export class C extends nn.Module {
  override forward(x: Tensor): Tensor {
    return relu(x);
  }
}

export const instance = script(new M());
`,
  "virtualReexport.ts": `export { script as reexported } from "tsjit";\n`,
  "virtualOther.ts": `import type { Tensor } from "tsjit";
export function helperFromElsewhere(x: Tensor): Tensor {
  return x;
}
`,
  "impostor.ts": `import { relu, type Tensor } from "tsjit";

function script<T>(value: T, _context?: unknown): T {
  return value;
}
const ns = { script };

export const f = script(function f(x: Tensor): Tensor {
  return relu(x);
});

export class K {
  @ns.script
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}
`,
  "bad.ts": `import { script, type Tensor } from "tsjit";

export const bad = script(function bad(x: Tensor): Tensor {
  const f = (y: Tensor) => y;
  return f(x);
});
`,
};

function createProgram(overrides: ts.CompilerOptions = {}): { program: ts.Program; host: ts.CompilerHost } {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    skipLibCheck: true,
    types: [],
    noEmit: false,
    sourceMap: false,
    paths: { tsjit: [join(REPO, "runtime/index.ts")] },
    rootDir: DIR,
    outDir: join(DIR, "out"),
    ...overrides,
  };
  const host = ts.createCompilerHost(options, true);
  const files = new Map(Object.entries(FILES).map(([name, text]) => [join(DIR, name), text]));
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, onError, create) => {
    const text = files.get(name);
    return text !== undefined ? ts.createSourceFile(name, text, version, true) : getSourceFile(name, version, onError, create);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => files.has(name) || fileExists(name);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => files.get(name) ?? readFile(name);
  const program = ts.createProgram({ rootNames: [...files.keys()], options, host });
  return { program, host };
}

function file(program: ts.Program, name: string): ts.SourceFile {
  return program.getSourceFile(join(DIR, name))!;
}

/** A transformer that rebuilds every call, as another plugin running first might: the new nodes have no positions or parents. */
const rebuildCalls: ts.TransformerFactory<ts.SourceFile> = (context) => (sourceFile) => {
  const visit = (node: ts.Node): ts.Node => {
    const visited = ts.visitEachChild(node, visit, context);
    return ts.isCallExpression(visited) ? context.factory.updateCallExpression(visited, visited.expression, visited.typeArguments, [...visited.arguments]) : visited;
  };
  return ts.visitEachChild(sourceFile, visit, context);
};

/** Emits `name` with the emit transformer (after `first`, if given); returns the JavaScript. */
function emitWithTransformer(program: ts.Program, name: string, first: ts.TransformerFactory<ts.SourceFile>[] = []): string {
  let output = "";
  const result = program.emit(file(program, name), (fileName, text) => {
    if (fileName.endsWith(".js")) output = text;
  }, undefined, false, { before: [...first, tsjitTransformer(program, {}, { ts })] });
  expect(result.emitSkipped).toBe(false);
  return output;
}

describe("analyzeFile", () => {
  let program: ts.Program;
  let host: ts.CompilerHost;

  beforeAll(() => {
    ({ program, host } = createProgram());
  }, 60_000);

  test("finds function, declaration, alias, re-export, namespace and class sites by symbol", () => {
    const analysis = analyzeFile(ts, program, file(program, "sites.ts"));
    const found = analysis.sites.map((site) => {
      const name = site.site.declaration.name;
      return `${site.site.kind}:${name !== undefined && ts.isIdentifier(name) ? name.text : "?"}:${site.node.getText().split("(")[0]}`;
    });
    expect(found).toEqual(["function:a:script", "function:b:s", "function:viaReexport:reexported", "method:forward:@L.script", "class:C:@script"]);
    expect(analysis.diagnostics).toEqual([]);
    for (const site of analysis.sites) {
      expect(site.payloadJSON).toBeDefined();
      expect(Object.keys(JSON.parse(site.payloadJSON!) as object)).toEqual(["version", "kind", "name", "graphs", "functions"]);
    }
  });

  test("ignores a local function and decorator that are merely called `script`", () => {
    expect(analyzeFile(ts, program, file(program, "impostor.ts")).sites).toEqual([]);
  });

  test("caches one analysis per program and source file", () => {
    const sites = file(program, "sites.ts");
    const once = analyzeFile(ts, program, sites);
    expect(analyzeFile(ts, program, sites)).toBe(once);
    const other = ts.createProgram({ rootNames: program.getRootFileNames(), options: program.getCompilerOptions(), host });
    const again = analyzeFile(ts, other, other.getSourceFile(sites.fileName)!);
    expect(again).not.toBe(once);
    expect(again.sites.map((s) => s.payloadJSON)).toEqual(once.sites.map((s) => s.payloadJSON));
  });

  test("a site with errors carries its diagnostics and no payload", () => {
    const analysis = analyzeFile(ts, program, file(program, "bad.ts"));
    expect(analysis.sites).toHaveLength(1);
    expect(analysis.sites[0]!.payloadJSON).toBeUndefined();
    expect(analysis.diagnostics.length).toBeGreaterThan(0);
    const arrow = analysis.diagnostics[0]!;
    expect(arrow.category).toBe("error");
    expect(arrow.node.getStart()).toBe(FILES["bad.ts"]!.indexOf("(y: Tensor) => y"));
  });

  test("the emit transformer rewrites the compiled sites, keeps the rest, and is deterministic", () => {
    const js = emitWithTransformer(program, "sites.ts");
    expect(js.match(/\.compiled\("/g)).toHaveLength(5);
    expect(js).toContain("script(helperFromElsewhere)");
    expect(js).toContain("script(new M())");
    expect(emitWithTransformer(program, "sites.ts")).toBe(js);
    const fresh = createProgram().program;
    expect(emitWithTransformer(fresh, "sites.ts")).toBe(js);
    expect(emitWithTransformer(program, "sites.ts", [rebuildCalls])).toBe(js); // findings pitfall 3
    expect(emitWithTransformer(program, "impostor.ts")).not.toContain(".compiled(");
    const bad = emitWithTransformer(program, "bad.ts");
    expect(bad).not.toContain(".compiled(");
    expect(bad).toContain("script(function bad(x) {");
  });

  test("CommonJS output: the new callee goes through the module transform like the original (findings pitfall 2)", () => {
    const { program: cjs } = createProgram({ module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10 });
    const js = emitWithTransformer(cjs, "sites.ts");
    expect(js).toContain("require(");
    const callees = [...js.matchAll(/([\w$.()]*)\.compiled\("/g)].map((m) => m[1]);
    expect(callees).toEqual(["tsjit_1.script", "tsjit_2.script", "virtualReexport_js_1.reexported", "L.script", "tsjit_1.script"]);
  });

  test("without the program transformer, the emit transformer reports the TSJ errors itself, once; with it, never", () => {
    const collect = (target: ts.Program): ts.Diagnostic[] => {
      const added: ts.Diagnostic[] = [];
      const before = tsjitTransformer(target, {}, { ts, addDiagnostic: (d) => added.push(d) });
      for (let i = 0; i < 2; i++) target.emit(file(target, "bad.ts"), () => {}, undefined, false, { before: [before] });
      return added;
    };
    const alone = collect(createProgram().program);
    const bad = FILES["bad.ts"]!;
    expect(alone.map((d) => [d.source, d.start])).toEqual([["tsjit", bad.indexOf("(y: Tensor) => y")], ["tsjit", bad.indexOf("f(x)")]]);
    const checked = createProgram().program;
    tsjitDiagnostics(checked, undefined, {}, { ts });
    expect(collect(checked)).toEqual([]);
  });

  test("the program transformer adds TSJ errors to the semantic diagnostics, once", () => {
    const { program: checked } = createProgram();
    expect(tsjitDiagnostics(checked, undefined, {}, { ts })).toBe(checked);
    expect(tsjitDiagnostics(checked, undefined, {}, { ts })).toBe(checked); // a second application changes nothing
    const bad = file(checked, "bad.ts");
    const diagnostics = checked.getSemanticDiagnostics(bad).filter((d) => d.source === "tsjit");
    expect(diagnostics.length).toBeGreaterThan(0);
    const first = diagnostics[0]!;
    const { line, column } = positionOf(FILES["bad.ts"]!, "(y: Tensor) => y");
    const at = bad.getLineAndCharacterOfPosition(first.start!);
    expect([at.line + 1, at.character + 1]).toEqual([line, column]);
    expect(first.length).toBe("(y: Tensor) => y".length);
    expect(first.category).toBe(ts.DiagnosticCategory.Error);
    expect(first.messageText).toMatch(/^TSJ1\d{3}: /);
    expect(first.code).toBe(90000 + Number((first.messageText as string).slice(3, 7)));
    // The whole-program queries include them exactly once.
    const all = ts.getPreEmitDiagnostics(checked).filter((d) => d.source === "tsjit");
    expect(all).toHaveLength(diagnostics.length);
    expect(checked.getSemanticDiagnostics().filter((d) => d.source === "tsjit")).toHaveLength(diagnostics.length);
    expect(checked.getSemanticDiagnostics(file(checked, "sites.ts")).filter((d) => d.source === "tsjit")).toEqual([]);
  });
});
