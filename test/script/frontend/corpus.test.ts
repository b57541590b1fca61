/**
 * Every function of the corpus (test/script/corpus/basics.ts, language.ts) compiled by
 * the frontend gives what the same TypeScript gives eagerly, on fast-check generated
 * inputs: compile → verify → `script.compiled(payload, fn)` (the path the transformer's
 * output takes, with the payload decoder) → run, and again after `save` → `load`.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { load, save, script, tensor, Tensor, TsjitError } from "../../../runtime/index.js";
import { ScriptFunction } from "../../../runtime/jit/ScriptFunction.js";
import * as language from "../corpus/language.js";
import { argsFor, compiled, compilePayload, entries, expectSameOutcome, run } from "./corpusCases.js";

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
