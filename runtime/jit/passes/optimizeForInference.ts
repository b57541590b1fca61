/**
 * optimizeForInference(module): freeze the module (unless it is frozen already), then
 * run propagateConstants, eliminateCommonSubexpressions and eliminateDeadCode on each
 * method until a round changes nothing (each pass can expose work for the others: a
 * folded If condition drops a branch, merged nodes make constants dead), then fuse
 * in the settled graph: products of slices of one tensor into one (stackMatmuls),
 * the row selects of one tensor into one unbind (unbindSelects), products with the
 * tensor added to them (fuseMatmulAdd), products with their
 * activation (fuseActivationEpilogues), convolutions with the 2x2 max pooling after
 * them (fuseConvPool), two linear layers in a row (fuseLinearPairs), then the pointwise
 * chains left (fuseElementwiseChains), and
 * drop what that left dead.
 */
import type { Graph } from "../../ir/Graph.js";
import { printGraph } from "../../ir/printer.js";
import type { ScriptModule } from "../ScriptModule.js";
import { eliminateCommonSubexpressions } from "./eliminateCommonSubexpressions.js";
import { eliminateDeadCode } from "./eliminateDeadCode.js";
import { fuseActivationEpilogues } from "./fuseActivationEpilogues.js";
import { fuseConvPool } from "./fuseConvPool.js";
import { fuseElementwiseChains } from "./fuseElementwiseChains.js";
import { fuseLinearPairs } from "./fuseLinearPairs.js";
import { fuseMatmulAdd } from "./fuseMatmulAdd.js";
import { freeze, frozenModuleWith, isFrozen, type FreezeOptions } from "./freeze.js";
import { propagateConstants } from "./propagateConstants.js";
import { stackMatmuls } from "./stackMatmuls.js";
import { unbindSelects } from "./unbindSelects.js";

/** A bound on the rounds; each round removes or folds something, so graphs settle in a few. */
const MAX_ROUNDS = 16;

export interface OptimizeOptions extends FreezeOptions {
  /** false leaves pointwise chains unfused (to compare against); default true. */
  readonly fuseElementwise?: boolean;
}

export function optimizeForInference(module: ScriptModule, options: OptimizeOptions = {}): ScriptModule {
  const frozen = isFrozen(module) ? module : freeze(module, options);
  const methods = new Map([...frozen.methods].map(([name, graph]) => [name, fuse(optimizeToFixedPoint(graph), options.fuseElementwise ?? true)] as const));
  return frozenModuleWith(frozen, methods);
}

/** The constants the fused nodes no longer read (an alpha, an approximate) go too. */
function fuse(graph: Graph, elementwise: boolean): Graph {
  const epilogues = fuseLinearPairs(fuseConvPool(fuseActivationEpilogues(fuseMatmulAdd(unbindSelects(stackMatmuls(graph))))));
  return eliminateDeadCode(elementwise ? fuseElementwiseChains(epilogues) : epilogues);
}

function optimizeToFixedPoint(graph: Graph): Graph {
  let current = graph;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const next = eliminateDeadCode(eliminateCommonSubexpressions(propagateConstants(current)));
    if (printGraph(next) === printGraph(current)) return next;
    current = next;
  }
  return current;
}
