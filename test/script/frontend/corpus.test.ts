/**
 * Every function of the corpus compiled by the frontend and run by the executor
 * gives what the same TypeScript gives eagerly, on fast-check generated inputs.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { tensor, Tensor } from "../../../runtime/index.js";
import { ScriptFunction } from "../../../runtime/jit/ScriptFunction.js";
import type { Graph } from "../../../runtime/ir/Graph.js";
import * as basics from "../corpus/basics.js";
import { compile, formatDiagnostic, functionSites, graphsOf, makeProgram, sourceFile } from "./program.js";

const FILE = "test/script/corpus/basics.ts";
const program = makeProgram([FILE]);
const sites = functionSites(sourceFile(program, FILE));

function compiled(name: string): ScriptFunction {
  const { payload, diagnostics } = compile(program, { kind: "function", declaration: sites.get(name)! });
  expect(diagnostics.map(formatDiagnostic)).toEqual([]);
  const { graphs, functions } = graphsOf(payload!);
  const fn = new ScriptFunction(name, graphs.get(name)!);
  for (const [n, g] of functions) fn.addFunction(new ScriptFunction(n, g));
  return fn;
}

const tensorArb = fc.array(fc.float({ min: -2, max: 2, noNaN: true, noDefaultInfinity: true }), { minLength: 8, maxLength: 8 }).map((v) => tensor(Float32Array.from(v), { shape: [2, 4] }));
const numberArb = fc.oneof(fc.integer({ min: -3, max: 6 }), fc.double({ min: -4, max: 4, noNaN: true }));
const smallIntArb = fc.integer({ min: 0, max: 5 });

function argsFor(graph: Graph, name: string): fc.Arbitrary<unknown[]> {
  return fc.tuple(
    ...graph.inputs.map((input) => {
      const t = input.type;
      if (t.kind === "Tensor") return tensorArb;
      if (t.kind === "Optional" && t.inner.kind === "Tensor") return fc.option(tensorArb, { nil: null });
      if (t.kind === "Optional") return fc.option(smallIntArb, { nil: null });
      if (name === "whileLoop" || name === "raise" || name === "intMath") return smallIntArb.map((n) => (name === "raise" ? n - 1 : n));
      return numberArb;
    }),
  );
}

function run(f: () => unknown): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: f() };
  } catch {
    return { ok: false };
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
    else expect(Math.abs((got as number) - want)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want)));
  } else expect(got).toBe(want);
}

const eager = basics as unknown as Record<string, (...args: unknown[]) => unknown>;

describe("corpus: compiled == eager", () => {
  it.each([...sites.keys()])("%s", (name) => {
    const fn = compiled(name);
    fc.assert(
      fc.property(argsFor(fn.graph, name), (args) => {
        const want = run(() => eager[name]!(...args.map((a) => (a === null && fn.graph.inputs[args.indexOf(a)]?.type.kind === "Optional" && name === "defaultArg" ? undefined : a))));
        const got = run(() => fn.call(...args));
        expect(got.ok).toBe(want.ok);
        if (got.ok && want.ok) expectSame(got.value, want.value);
      }),
      { numRuns: 25 },
    );
  });

  it("the rnn-style loop compiles to prim::Loop, early returns to prim::If", () => {
    expect(compiled("whileLoop").graph.toString()).toContain("prim::Loop");
    expect(compiled("earlyReturn").graph.toString()).toContain("prim::If");
    expect(compiled("callsHelper").graph.toString()).toContain('prim::CallFunction[name="helper"]');
  });
});
