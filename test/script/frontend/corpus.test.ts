/**
 * Every function of the corpus (test/script/corpus/basics.ts, language.ts) compiled by
 * the frontend gives what the same TypeScript gives eagerly, on fast-check generated
 * inputs: compile → verify → `script.compiled(payload, fn)` (the path the transformer's
 * output takes, with the payload decoder) → run, and again after `save` → `load`.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { load, save, script, tensor, Tensor, TsjitError, verifyGraph } from "../../../runtime/index.js";
import { ScriptFunction } from "../../../runtime/jit/ScriptFunction.js";
import type { IRType } from "../../../runtime/ir/types.js";
import * as basics from "../corpus/basics.js";
import * as language from "../corpus/language.js";
import { compile, formatDiagnostic, functionSites, graphsOf, makeProgram, sourceFile } from "./program.js";

const FILES = { "test/script/corpus/basics.ts": basics, "test/script/corpus/language.ts": language } as const;
const program = makeProgram(Object.keys(FILES));

type Eager = (...args: unknown[]) => unknown;
interface Entry {
  readonly file: string;
  readonly name: string;
  readonly eager: Eager;
}

const entries: Entry[] = [];
for (const [file, module] of Object.entries(FILES)) {
  for (const name of functionSites(sourceFile(program, file)).keys()) {
    entries.push({ file, name, eager: (module as unknown as Record<string, Eager>)[name]! });
  }
}

function compilePayload(entry: Entry): string {
  const decl = functionSites(sourceFile(program, entry.file)).get(entry.name)!;
  const { payload, diagnostics } = compile(program, { kind: "function", declaration: decl });
  expect(diagnostics.map(formatDiagnostic)).toEqual([]);
  for (const g of [...graphsOf(payload!).graphs.values(), ...graphsOf(payload!).functions.values()]) verifyGraph(g);
  return JSON.stringify(payload);
}

function compiled(name: string): ScriptFunction {
  return script.compiled(compilePayload(entries.find((e) => e.name === name)!), entries.find((e) => e.name === name)!.eager).scriptFunction;
}

// --- inputs ------------------------------------------------------------------------

const float = fc.float({ min: -2, max: 2, noNaN: true, noDefaultInfinity: true });
function tensorOf(shape: readonly number[]): fc.Arbitrary<Tensor> {
  const n = shape.reduce((a, b) => a * b, 1);
  return fc.array(float, { minLength: n, maxLength: n }).map((v) => tensor(Float32Array.from(v), { shape: [...shape] }));
}
const tensorArb = tensorOf([2, 4]);
const numberArb = fc.oneof(fc.integer({ min: -3, max: 6 }), fc.double({ min: -4, max: 4, noNaN: true }));
const smallIntArb = fc.integer({ min: 0, max: 5 });

/** Inputs that are not just "any value of the parameter's type", by function and parameter name. */
const OVERRIDES: Record<string, Record<string, fc.Arbitrary<unknown>>> = {
  whileLoop: { n: smallIntArb },
  whileContinue: { n: smallIntArb },
  intMath: { n: smallIntArb },
  raise: { n: fc.integer({ min: -1, max: 4 }) },
  countdown: { n: fc.integer({ min: 0, max: 40 }) },
  // 1.5 is not an integral size: aten::Int.float throws, as reshape does eagerly; 3 does not divide 8.
  reshapeBy: { n: fc.constantFrom(1, 2, 4, 8, 3, 1.5) },
  modeSwitch: { mode: fc.constantFrom("relu", "tanh", "sigmoid", "gelu") },
  checkedDiv: { b: fc.oneof({ arbitrary: fc.constant(0), weight: 1 }, { arbitrary: numberArb, weight: 4 }) },
  convStride: { x: tensorOf([1, 2, 5, 5]), w: tensorOf([3, 2, 3, 3]), b: tensorOf([3]) },
  convMethodless: { x: tensorOf([1, 1, 6, 6]), w: tensorOf([2, 1, 3, 3]) },
  tupleParam: { pair: fc.tuple(tensorArb, tensorArb) },
};

function arbitraryOf(type: IRType): fc.Arbitrary<unknown> {
  switch (type.kind) {
    case "Tensor":
      return tensorArb;
    case "float":
    case "int":
      return numberArb;
    case "bool":
      return fc.boolean();
    case "str":
      return fc.string({ maxLength: 4 });
    case "List":
      return fc.array(arbitraryOf(type.element), { maxLength: 4 });
    case "Tuple":
      return fc.tuple(...type.elements.map(arbitraryOf));
    case "Optional":
      // An omitted optional parameter is `undefined` in JavaScript; the graph takes it as None.
      return fc.option(arbitraryOf(type.inner), { nil: type.inner.kind === "Tensor" ? null : undefined });
    default:
      throw new Error(`no arbitrary for ${type.kind}`);
  }
}

function argsFor(fn: ScriptFunction): fc.Arbitrary<unknown[]> {
  return fc.tuple(...fn.graph.inputs.map((input) => OVERRIDES[fn.name]?.[input.debugName ?? ""] ?? arbitraryOf(input.type)));
}

// --- comparing -------------------------------------------------------------------------

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

function run(f: () => unknown): Outcome {
  try {
    return { ok: true, value: f() };
  } catch (error) {
    return { ok: false, error };
  }
}

function expectSame(got: unknown, want: unknown): void {
  if (want instanceof Tensor) {
    expect(got).toBeInstanceOf(Tensor);
    const g = (got as Tensor).toTypedArray();
    const w = want.toTypedArray();
    expect([...(got as Tensor).shape]).toEqual([...want.shape]);
    for (let i = 0; i < w.length; i++) expect(Math.abs(Number(g[i]) - Number(w[i]))).toBeLessThanOrEqual(1e-5);
  } else if (Array.isArray(want)) {
    expect(Array.isArray(got)).toBe(true);
    expect((got as unknown[]).length).toBe(want.length);
    want.forEach((w, i) => expectSame((got as unknown[])[i], w));
  } else if (typeof want === "number") {
    expect(typeof got).toBe("number");
    if (Number.isNaN(want)) expect(Number.isNaN(got)).toBe(true);
    else if (!Number.isFinite(want)) expect(got).toBe(want);
    else expect(Math.abs((got as number) - want)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want)));
  } else expect(got).toBe(want);
}

function expectSameOutcome(got: Outcome, want: Outcome): void {
  if (want.ok !== got.ok) throw new Error(`eager ${want.ok ? "returned" : `threw ${String(want.error)}`}, compiled ${got.ok ? "returned" : `threw ${String(got.error)}`}`);
  if (got.ok && want.ok) expectSame(got.value, want.value);
  // A compiled graph fails with a TsjitError, never a crash of the executor.
  if (!got.ok) expect(got.error).toBeInstanceOf(TsjitError);
}

describe("corpus: compiled == eager, and again after save/load", () => {
  it("has at least 40 functions", () => {
    expect(entries.length).toBeGreaterThanOrEqual(40);
  });

  it.each(entries.map((e) => [e.name, e] as const))("%s", async (_, entry) => {
    const scripted = script.compiled(compilePayload(entry), entry.eager);
    const fn = scripted.scriptFunction;
    const loaded = await load(await save(scripted));
    expect(loaded).toBeInstanceOf(ScriptFunction);
    expect((loaded as ScriptFunction).graph.toString()).toBe(fn.graph.toString());
    let returned = 0;
    fc.assert(
      fc.property(argsFor(fn), (args) => {
        const want = run(() => entry.eager(...args));
        if (want.ok) returned++;
        expectSameOutcome(run(() => scripted(...args)), want);
        expectSameOutcome(run(() => (loaded as ScriptFunction).call(...args)), want);
      }),
      { numRuns: 25 },
    );
    // Not vacuous: most generated inputs are valid ones (both sides returning).
    expect(returned).toBeGreaterThan(5);
  });

  it("compiling is deterministic: the same source gives byte-identical payloads", () => {
    for (const entry of entries.slice(0, 10)) expect(compilePayload(entry)).toBe(compilePayload(entry));
  });
});

describe("corpus: constructs that need a closer look", () => {
  it("loops compile to prim::Loop, early returns to prim::If, calls to prim::CallFunction", () => {
    expect(compiled("whileLoop").graph.toString()).toContain("prim::Loop");
    expect(compiled("nestedLoops").graph.toString().match(/prim::Loop/g)).toHaveLength(2);
    expect(compiled("earlyReturn").graph.toString()).toContain("prim::If");
    expect(compiled("callsHelper").graph.toString()).toContain('prim::CallFunction[name="helper"]');
    expect(compiled("tupleFromCall").graph.toString()).toContain('prim::CallFunction[name="swap"]');
  });

  it("throw new Error(message) raises a TsjitError carrying the message at run time", () => {
    const fn = compiled("checkedDiv");
    expect(fn.call(1, 2)).toBe(0.5);
    expect(() => fn.call(1, 0)).toThrow(TsjitError);
    expect(() => fn.call(1, 0)).toThrow(/division by zero/);
    expect(() => fn.call(3.5, 1)).toThrow(/a is too large: 3\.5/);
    expect(() => compiled("modeSwitch").call(tensor([1]), "gelu")).toThrow(/unknown mode gelu/);
    expect(() => compiled("raise").call(tensor([1]), -2)).toThrow(/n must be >= 0, got -2/);
  });

  it("a number used as a size goes through aten::Int.float: integral values work, others throw", () => {
    const fn = compiled("reshapeBy");
    expect(fn.graph.toString()).toContain("aten::Int.float");
    const x = tensor(Float32Array.from({ length: 8 }, (_, i) => i), { shape: [2, 4] });
    expect([...(fn.call(x, 4) as Tensor).shape]).toEqual([4, 2]);
    expect([...(fn.call(x, 8) as Tensor).shape]).toEqual([8, 1]);
    expect(() => fn.call(x, 1.5)).toThrow(TsjitError);
  });

  it("int/float: shape reads and loop indices are int, true division gives float", () => {
    const graph = compiled("intFloat").graph;
    expect(graph.outputs[0]!.type.kind).toBe("float");
    expect(compiled("shapeLength").graph.outputs[0]!.type.kind).toBe("int");
    expect(compiled("mathInt").graph.outputs[0]!.type.kind).toBe("int");
    expect(compiled("numberArrayOf").graph.inputs[0]!.type).toEqual({ kind: "List", element: { kind: "float" } });
  });

  it("tuple params, tuple returns and ops returning tuples keep their types", () => {
    expect(compiled("tupleParam").graph.inputs[0]!.type.kind).toBe("Tuple");
    expect(compiled("mixedTuple").graph.outputs.map((o) => o.type.kind).join()).toMatch(/Tuple|Tensor,float,bool/);
    const [values, indices] = compiled("maxFreeFunction").call(tensor([[1, 5], [3, 2]])) as [Tensor, Tensor];
    expect([...values.toTypedArray()]).toEqual([3, 5]);
    expect([...indices.toTypedArray()].map(Number)).toEqual([1, 0]);
  });

  it("Math.round rounds halves up as JavaScript does (not to even)", () => {
    const fn = compiled("mathMore");
    for (const a of [-3, -2, -1, 0, 1, 2, 2.5, -2.5, 0.5, -0.5]) expect(fn.call(a)).toBeCloseTo(language.mathMore(a), 9);
  });

  it("options objects become the op's named arguments", () => {
    expect(compiled("geluTanh").graph.toString()).toContain('"tanh"');
    expect(compiled("convStride").graph.toString()).toContain("aten::conv2d");
  });
});

describe("corpus: edge values", () => {
  it("division by a denormal gives ±Infinity, as JavaScript does", () => {
    expect(compiled("checkedDiv").call(-1, 5e-324)).toBe(-Infinity);
  });
});
