/**
 * Memory planning on random graphs (test/ir/randomGraph.ts: ops, lists, tuples,
 * Print/RaiseException, If and Loop nested): a planned plan, run several times so
 * storage is recycled within and between runs, computes what the same plan without
 * planning computes, fails where it fails, and never overwrites an output the caller
 * kept from an earlier run.
 */
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { tensor } from "../../runtime/index.js";
import { printGraph } from "../../runtime/ir/printer.js";
import { compileGraph, runPlan, type Plan } from "../../runtime/jit/executor.js";
import { randomGraph } from "../ir/randomGraph.js";
import { valuesOf } from "../utils/values.js";

function run(plan: Plan, inputs: unknown[]): { ok: true; outputs: unknown[] } | { ok: false; message: string } {
  try {
    return { ok: true, outputs: runPlan(plan, undefined, inputs) };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("executor arena on random graphs with If and Loop", () => {
  it("planned == unplanned over repeated runs, and kept outputs stay as they were", () => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    const input = fc.array(fc.float({ min: -3, max: 3, noNaN: true }), { minLength: 2, maxLength: 2 });
    fc.assert(
      fc.property(fc.gen(), fc.array(fc.tuple(input, fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 3 }), (g, calls) => {
        const graph = randomGraph(g);
        const planned = compileGraph(graph);
        const unplanned = compileGraph(graph, { memoryPlanning: false });
        expect(unplanned.releases).toBeNull();
        const kept: { outputs: unknown[]; snapshot: unknown }[] = [];
        for (const [values, n] of calls) {
          const inputs = graph.inputs.map((v) => (v.type.kind === "int" ? n : tensor(values)));
          const want = run(unplanned, inputs);
          const got = run(planned, inputs);
          if (!want.ok) {
            expect(got, printGraph(graph)).toEqual(want);
            continue;
          }
          expect(got.ok, printGraph(graph)).toBe(true);
          if (!got.ok) return;
          expect(got.outputs.map(valuesOf), printGraph(graph)).toEqual(want.outputs.map(valuesOf));
          kept.push({ outputs: got.outputs, snapshot: got.outputs.map(valuesOf) });
        }
        for (const { outputs, snapshot } of kept) expect(outputs.map(valuesOf)).toEqual(snapshot);
      }),
      { numRuns: 400, seed: 20261127 },
    );
  });
});
