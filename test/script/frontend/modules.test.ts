/**
 * Module, method and class sites of @script (test/script/corpus/modules.ts): each site
 * compiled by the frontend, its payload applied to the class as TypeScript's decorator
 * lowering applies `@script.compiled(...)`, then `script(instance)` compared with the
 * eager module on fast-check inputs, and again after save → load.
 */
import { readdirSync } from "node:fs";
import { resolve } from "node:path";
import fc from "fast-check";
import * as ts from "typescript";
import { describe, expect, it } from "vitest";
import { load, manualSeed, nn, save, script, ScriptModule, tensor, Tensor, trace } from "../../../runtime/index.js";
import { DIAGNOSTICS, type ScriptPayload } from "../../../transformer/frontend/index.js";
import * as corpus from "../corpus/modules.js";
import { decorateClass, decorateMethod } from "../runtime/helpers.js";
import { compile, formatDiagnostic, makeProgram, ROOT, sourceFile } from "./program.js";

const FILE = "test/script/corpus/modules.ts";
const program = makeProgram([FILE]);

// --- Sites: `/** @script */` on a class or a method (see the corpus's header) ----------

interface Site {
  readonly className: string;
  readonly site: { kind: "class"; declaration: ts.ClassDeclaration } | { kind: "method"; declaration: ts.MethodDeclaration };
  readonly methodName?: string;
  readonly expectedError?: string;
}

/** The tags of the doc comments just before `node` (TypeScript skips JSDoc tags in .ts files unless asked, so they are read from the text). */
function tagsOf(sf: ts.SourceFile, node: ts.Node): Map<string, string> {
  const out = new Map<string, string>();
  for (const range of ts.getLeadingCommentRanges(sf.text, node.pos) ?? []) {
    const text = sf.text.slice(range.pos, range.end);
    if (!text.startsWith("/**")) continue;
    for (const m of text.matchAll(/@(\w+)[ \t]*([^\n*]*)/g)) out.set(m[1]!, m[2]!.trim());
  }
  return out;
}

function collectSites(sf: ts.SourceFile): Site[] {
  const out: Site[] = [];
  for (const s of sf.statements) {
    if (!ts.isClassDeclaration(s) || !s.name) continue;
    const className = s.name.text;
    const tags = tagsOf(sf, s);
    const expectedError = tags.get("scriptError");
    if (tags.has("script")) out.push({ className, site: { kind: "class", declaration: s }, ...(expectedError ? { expectedError } : {}) });
    for (const m of s.members) {
      if (ts.isMethodDeclaration(m) && ts.isIdentifier(m.name) && tagsOf(sf, m).has("script")) out.push({ className, methodName: m.name.text, site: { kind: "method", declaration: m } });
    }
  }
  return out;
}

const SITES = collectSites(sourceFile(program, FILE));
const payloads = new Map<string, ScriptPayload>();
const classes = corpus as unknown as Record<string, Function & { prototype: object }>;

for (const s of SITES) {
  if (s.expectedError) continue;
  const { payload, diagnostics } = compile(program, s.site);
  if (!payload) throw new Error(`${s.className}: ${diagnostics.map(formatDiagnostic).join("\n")}`);
  payloads.set(s.className, payload);
  const json = JSON.stringify(payload);
  if (s.site.kind === "class") decorateClass(classes[s.className]!, script.compiled(json));
  else decorateMethod(classes[s.className]!, s.methodName!, script.compiled(json));
}

// --- Inputs and comparison ---------------------------------------------------------------

const tensorOf = (shape: readonly number[]) => {
  const n = shape.reduce((a, b) => a * b, 1);
  return fc.array(fc.float({ min: -2, max: 2, noNaN: true, noDefaultInfinity: true }), { minLength: n, maxLength: n }).map((v) => tensor(Float32Array.from(v), { shape: [...shape] }));
};

function expectClose(got: unknown, want: Tensor, label: string): void {
  expect(got, label).toBeInstanceOf(Tensor);
  const g = (got as Tensor).toTypedArray();
  const w = want.toTypedArray();
  expect([...(got as Tensor).shape], label).toEqual([...want.shape]);
  for (let i = 0; i < w.length; i++) {
    const diff = Math.abs(Number(g[i]) - Number(w[i]));
    expect(diff, `${label}: element ${i} got ${g[i]}, want ${w[i]}`).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(Number(w[i]))));
  }
}

interface Case {
  /** Eager module (the reference) and the module to script (the same one unless the test swaps a part). */
  readonly make: () => { eager: nn.Module; toScript: nn.Module };
  readonly input: readonly number[];
}

const same = (m: nn.Module) => () => ({ eager: m.eval(), toScript: m });
const V = [3, 4];

function hybrid(): { eager: nn.Module; toScript: nn.Module } {
  const eager = new corpus.Hybrid().eval();
  const toScript = new corpus.Hybrid().eval();
  toScript.loadStateDict(eager.stateDict());
  const traced = trace(toScript.encoder, [tensor(Float32Array.from({ length: 12 }, (_, i) => i / 6 - 1), { shape: V })]);
  (toScript as unknown as { encoder: nn.Module }).encoder = traced;
  return { eager, toScript };
}

const CASES: Record<string, Case> = {
  LinearRelu: { make: same(new corpus.LinearRelu()), input: V },
  ConvNet: { make: same(new corpus.ConvNet()), input: [2, 1, 4, 4] },
  Activations: { make: same(new corpus.Activations()), input: V },
  SequentialBody: { make: same(new corpus.SequentialBody()), input: V },
  ParameterRead: { make: same(new corpus.ParameterRead()), input: V },
  FlagBranch: { make: same(new corpus.FlagBranch(true)), input: V },
  FlagBranchFalse: { make: same(new corpus.FlagBranch(false, -1)), input: V },
  StringMode: { make: same(new corpus.StringMode("sum")), input: V },
  StringModeMean: { make: same(new corpus.StringMode("mean")), input: V },
  // A `Parameter | null` field of a user module: the frontend types its GetAttr Tensor?;
  // the mirrored ScriptModule has no "bias" when it is null, and a model file's check wants
  // the GetAttr of a present tensor typed exactly Tensor (runtime/serialize/load.ts).
  OptionalBias: { make: same(new corpus.OptionalBias(true)), input: V },
  OptionalBiasNone: { make: same(new corpus.OptionalBias(false)), input: V },
  HelperCalls: { make: same(new corpus.HelperCalls()), input: V },
  TupleHelper: { make: same(new corpus.TupleHelper()), input: V },
  DefaultArgs: { make: same(new corpus.DefaultArgs()), input: V },
  CallsFunction: { make: same(new corpus.CallsFunction()), input: V },
  LoopOverField: { make: same(new corpus.LoopOverField(3)), input: V },
  LoopOverFieldZero: { make: same(new corpus.LoopOverField(0)), input: V },
  StackedLayers: { make: same(new corpus.StackedLayers()), input: V },
  CtorModuleList: { make: same(new corpus.CtorModuleList()), input: V },
  SequentialLoop: { make: same(new corpus.SequentialLoop()), input: V },
  Block: { make: same(new corpus.Block(2)), input: V },
  ListOfBlocks: { make: same(new corpus.ListOfBlocks()), input: V },
  Outer: { make: same(new corpus.Outer()), input: V },
  WideLinearRelu: { make: same(new corpus.WideLinearRelu()), input: V },
  Hybrid: { make: hybrid, input: V },
  MaxPoolFunctional: { make: same(new corpus.MaxPoolFunctional()), input: [2, 1, 6, 6] },
};

manualSeed(7);

describe("module corpus: script(instance) == eager, and after save → load", () => {
  it("has 15+ compiled module sites and a case for each", () => {
    const compiled = SITES.filter((s) => !s.expectedError).map((s) => s.className);
    expect(compiled.length).toBeGreaterThanOrEqual(15);
    const covered = new Set(Object.keys(CASES).map((k) => k.replace(/(False|Mean|None|Zero)$/, "")));
    for (const name of compiled) expect(covered.has(name), `no case for ${name}`).toBe(true);
  });

  const check = async (name: string): Promise<void> => {
    const { make, input } = CASES[name]!;
    const { eager, toScript } = make();
    const sm = script(toScript);
    expect(sm).toBeInstanceOf(ScriptModule);
    const inputs: Tensor[] = [];
    fc.assert(
      fc.property(tensorOf(input), (x) => {
        inputs.push(x);
        const want = eager.forward(x) as Tensor;
        expectClose(sm.forward(x), want, `${name} scripted`);
      }),
      { numRuns: 25 },
    );
    const loaded = (await load(await save(sm))) as ScriptModule;
    for (const x of inputs.slice(0, 5)) expectClose(loaded.forward(x), eager.forward(x) as Tensor, `${name} loaded`);
  };
  it.each(Object.keys(CASES))("%s", check);
});

// --- What the graphs contain ----------------------------------------------------------------

function kinds(sm: ScriptModule, method = "forward"): string[] {
  const out: string[] = [];
  const walk = (nodes: Iterable<{ kind: string; blocks: readonly { nodes: Iterable<any> }[] }>): void => {
    for (const n of nodes) {
      out.push(n.kind);
      for (const b of n.blocks) walk(b.nodes);
    }
  };
  walk(sm.methods.get(method)!.block.nodes as never);
  return out;
}

const count = (xs: string[], k: string) => xs.filter((x) => x === k).length;

describe("module graphs", () => {
  it("a submodule call is GetAttr + CallMethod, and the layer gets its library graph", () => {
    const sm = script(new corpus.LinearRelu());
    const k = kinds(sm);
    expect(k).toContain("prim::GetAttr");
    expect(k).toContain("prim::CallMethod");
    expect(k).not.toContain("aten::linear");
    expect(kinds(child(sm, "fc") as ScriptModule)).toContain("aten::linear");
    expect(sm.code).toMatch(/const fc = this\.fc;\n\s*const (\w+) = fc\.forward\(x\);\n\s*const \w+ = relu\(\1\)/);
  });

  it("a class site compiles forward and every method it reaches, and nothing else", () => {
    expect(Object.keys(payloads.get("HelperCalls")!.graphs).sort()).toEqual(["activate", "forward", "project"]);
    expect(payloads.get("HelperCalls")!.kind).toBe("class");
    const sm = script(new corpus.HelperCalls());
    expect(count(kinds(sm), "prim::CallMethod")).toBe(2);
    expect(count(kinds(sm, "activate"), "prim::CallMethod")).toBe(1);
    expect(count(kinds(sm, "project"), "prim::CallMethod")).toBe(1);
    expect([...sm.methods.keys()].sort()).toEqual(["activate", "forward", "project"]);
  });

  it("a method site carries the methods and functions it calls", () => {
    const p = payloads.get("CallsFunction")!;
    expect(p.kind).toBe("method");
    expect(Object.keys(p.graphs)).toEqual(["forward"]);
    expect(Object.keys(p.functions)).toEqual(["gateFn"]);
    expect(count(kinds(script(new corpus.CallsFunction())), "prim::CallFunction")).toBe(2);
  });

  it("a loop over an nn.ModuleList is unrolled: one call per layer, no prim::Loop", () => {
    const k = kinds(script(new corpus.StackedLayers()));
    expect(k).not.toContain("prim::Loop");
    expect(count(k, "prim::CallMethod")).toBe(3);
    expect(count(kinds(script(new corpus.ListOfBlocks())), "prim::CallMethod")).toBe(3);
    expect(count(kinds(script(new corpus.CtorModuleList())), "prim::CallMethod")).toBe(3);
    expect(count(kinds(script(new corpus.SequentialLoop())), "prim::CallMethod")).toBe(2);
  });

  // Note [ModuleList length]: the unrolled count is the initializer's (the frontend refuses a
  // field assigned twice or grown with append/extend/insert in its class); script(instance)
  // refuses an instance whose list was replaced from outside with another length.
  const relisted = (n: number): corpus.StackedLayers => {
    const m = new corpus.StackedLayers();
    m.layers = new nn.ModuleList(Array.from({ length: n }, () => new nn.Linear(4, 4)));
    return m;
  };

  for (const n of [2, 4]) {
    it(`an instance holding ${n} layers where the initializer has 3 is refused by script(instance)`, () => {
      expect(() => script(relisted(n))).toThrow(new RegExp(`compiled for 3 modules in "layers" \\(ModuleList\\), but this instance holds ${n}`));
    });
  }

  it("an instance holding the initializer's number of layers scripts and runs", () => {
    const eager = relisted(3);
    const x = tensor(Float32Array.from({ length: 12 }, (_, i) => i / 12 - 0.5), { shape: V });
    expect((script(eager).forward(x) as Tensor).tolist()).toEqual(eager.forward(x).tolist());
  });

  it("a loop bounded by a number field stays a prim::Loop", () => {
    expect(kinds(script(new corpus.LoopOverField(2)))).toContain("prim::Loop");
  });

  it("module fields are read with GetAttr and their values come from the instance", () => {
    const on = script(new corpus.FlagBranch(true));
    const off = script(new corpus.FlagBranch(false));
    expect(on.graph.toString()).toBe(off.graph.toString());
    expect(on.graph.toString()).toMatch(/prim::GetAttr\[name="useTanh"\]/);
    expect(on.graph.toString()).toMatch(/prim::GetAttr\[name="offset"\]/);
  });

  it("a traced submodule keeps its traced graph inside the scripted model (hybrid)", () => {
    const { toScript } = hybrid();
    const traced = (toScript as corpus.Hybrid).encoder;
    expect(traced).toBeInstanceOf(ScriptModule);
    const sm = script(toScript);
    const encoder = child(sm, "encoder");
    expect(encoder).toBe(traced);
    expect(kinds(encoder)).toContain("aten::relu");
    expect(kinds(encoder)).not.toContain("prim::If");
    expect(kinds(sm)).toContain("prim::If");
  });

  it("the same source compiles to byte-identical payloads", () => {
    const again = makeProgram([FILE]);
    const sites = collectSites(sourceFile(again, FILE)).filter((s) => !s.expectedError);
    for (const s of sites) expect(JSON.stringify(compile(again, s.site).payload), s.className).toBe(JSON.stringify(payloads.get(s.className)));
  });
});

describe("module sites that must not compile", () => {
  const bad = SITES.filter((s) => s.expectedError);
  it("are present", () => expect(bad.length).toBeGreaterThanOrEqual(3));
  it.each(bad.map((s) => [s.className, s] as const))("%s", (_, s) => {
    const { payload, diagnostics } = compile(program, s.site);
    expect(payload).toBeUndefined();
    const names = diagnostics.map((d) => DIAGNOSTICS.find((k) => k.code === d.code)?.name);
    expect(names, diagnostics.map(formatDiagnostic).join("\n")).toContain(s.expectedError);
  });
});

describe("compile time", () => {
  it("compiles every site of every corpus file in one program", () => {
    const dir = resolve(ROOT, "test/script/corpus");
    const files = readdirSync(dir)
      .filter((f) => f.endsWith(".ts"))
      .map((f) => `test/script/corpus/${f}`);
    const started = performance.now();
    const all = makeProgram(files);
    all.getTypeChecker();
    const programMs = performance.now() - started;
    const compileStart = performance.now();
    let sites = 0;
    let graphs = 0;
    for (const file of files) {
      const sf = sourceFile(all, file);
      const found: Site["site"][] = collectSites(sf).filter((s) => !s.expectedError).map((s) => s.site);
      for (const st of sf.statements) if (ts.isFunctionDeclaration(st) && st.name && st.body && st.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) found.push({ kind: "function", declaration: st } as never);
      for (const site of found) {
        const { payload } = compile(all, site as never);
        sites++;
        if (payload) graphs += Object.keys(payload.graphs).length + Object.keys(payload.functions).length;
      }
    }
    const compileMs = performance.now() - compileStart;
    console.log(`[corpus compile time] ${files.length} files, ${sites} sites, ${graphs} graphs: program + checker ${programMs.toFixed(0)} ms, frontend ${compileMs.toFixed(0)} ms`);
    expect(sites).toBeGreaterThan(40);
  });
});

function child(sm: ScriptModule, name: string): ScriptModule {
  return new Map(sm.namedChildren()).get(name) as ScriptModule;
}
