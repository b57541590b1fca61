/**
 * Every pass on random graphs (test/ir/randomGraph.ts: ops, constants of every kind,
 * lists, tuples, Print/RaiseException, If and Loop nested): the result verifies (each
 * pass runs the verifier), the input graph is unchanged, and wherever the original graph
 * runs to the end, the result computes the same outputs. (Where the original fails, a
 * pass may legitimately remove the failing node if nothing uses it.)
 */
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { tensor, type Tensor } from "../../../runtime/index.js";
import type { Graph } from "../../../runtime/ir/Graph.js";
import { printGraph } from "../../../runtime/ir/printer.js";
import { compileGraph, runPlan } from "../../../runtime/jit/executor.js";
import { eliminateCommonSubexpressions } from "../../../runtime/jit/passes/eliminateCommonSubexpressions.js";
import { eliminateDeadCode } from "../../../runtime/jit/passes/eliminateDeadCode.js";
import { fuseElementwiseChains } from "../../../runtime/jit/passes/fuseElementwiseChains.js";
import { propagateConstants } from "../../../runtime/jit/passes/propagateConstants.js";
import { randomGraph } from "../../ir/randomGraph.js";

const PASSES: Record<string, (graph: Graph) => Graph> = {
  eliminateDeadCode,
  eliminateCommonSubexpressions,
  propagateConstants,
  fuseElementwiseChains,
  "all three, twice": (graph) => {
    let g = graph;
    for (let round = 0; round < 2; round++) g = eliminateDeadCode(eliminateCommonSubexpressions(propagateConstants(g)));
    return g;
  },
};

function run(graph: Graph, inputs: unknown[]): { ok: true; outputs: unknown[] } | { ok: false } {
  try {
    return { ok: true, outputs: runPlan(compileGraph(graph), undefined, inputs) };
  } catch {
    return { ok: false };
  }
}

/** Tensors by dtype, shape and values (NaN equal to NaN); other values as they are. */
function describeValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(describeValue);
  if (value !== null && typeof value === "object" && "toTypedArray" in value) {
    const t = value as Tensor;
    return { dtype: t.dtype, shape: [...t.shape], values: Array.from(t.toTypedArray(), (v) => (Number.isNaN(Number(v)) ? "nan" : Number(v))) };
  }
  return value;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe.each(Object.entries(PASSES))("%s on random graphs", (_name, pass) => {
  it("verifies, leaves its input alone, and computes what the original computes", () => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    fc.assert(
      fc.property(fc.gen(), fc.array(fc.float({ min: -3, max: 3, noNaN: true }), { minLength: 2, maxLength: 2 }), fc.integer({ min: 0, max: 3 }), (g, values, n) => {
        const graph = randomGraph(g);
        const inputs = graph.inputs.map((input) => (input.type.kind === "int" ? n : tensor(values)));
        const before = printGraph(graph);
        const result = pass(graph);
        expect(printGraph(graph)).toBe(before);
        const original = run(graph, inputs);
        if (!original.ok) return;
        const optimized = run(result, inputs);
        expect(optimized.ok, printGraph(result)).toBe(true);
        if (optimized.ok) expect(optimized.outputs.map(describeValue)).toEqual(original.outputs.map(describeValue));
      }),
      { numRuns: 300, seed: 20261126 },
    );
  });
});
