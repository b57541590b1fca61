/**
 * The passes on every function of the @script corpus (test/script/corpus: loops, early
 * returns, lists built with push, tuples, throw, calls between functions): the optimized
 * function (and the functions it calls, optimized too) gives what the eager TypeScript
 * gives, on fast-check generated inputs, returning or throwing alike.
 */
import fc from "fast-check";
import { describe, it } from "vitest";
import { script } from "../../../runtime/index.js";
import type { Graph } from "../../../runtime/ir/Graph.js";
import { ScriptFunction } from "../../../runtime/jit/ScriptFunction.js";
import { eliminateCommonSubexpressions } from "../../../runtime/jit/passes/eliminateCommonSubexpressions.js";
import { eliminateDeadCode } from "../../../runtime/jit/passes/eliminateDeadCode.js";
import { propagateConstants } from "../../../runtime/jit/passes/propagateConstants.js";
import { argsFor, compilePayload, entries, expectSameOutcome, run } from "../../script/frontend/corpusCases.js";

function optimizeGraph(graph: Graph): Graph {
  let current = graph;
  for (let round = 0; round < 3; round++) current = eliminateDeadCode(eliminateCommonSubexpressions(propagateConstants(current)));
  return current;
}

function optimized(fn: ScriptFunction): ScriptFunction {
  const result = new ScriptFunction(fn.name, optimizeGraph(fn.graph));
  for (const callee of fn.functions.values()) if (callee !== fn) result.addFunction(optimized(callee));
  return result;
}

describe("the passes on the @script corpus: optimized == eager", () => {
  it.each(entries.map((e) => [e.name, e] as const))("%s", (_, entry) => {
    const fn = optimized(script.compiled(compilePayload(entry), entry.eager).scriptFunction);
    fc.assert(
      fc.property(argsFor(fn), (args) => {
        expectSameOutcome(
          run(() => fn.call(...args)),
          run(() => entry.eager(...args)),
        );
      }),
      { numRuns: 25 },
    );
  });
});
