/**
 * eliminateDeadCode: a copy of a graph without the nodes whose results nothing uses
 * and that have no side effects (effects.ts), inside If and Loop blocks too; without
 * the outputs of an If that nothing uses (with the values its blocks returned for
 * them), and without the loop-carried values of a Loop that neither the loop body nor
 * anything after the loop reads. Tensor constants no node refers to any more are
 * dropped from `graph.constants`.
 *
 *   graph(%x : Tensor, %c : bool):              graph(%x : Tensor, %c : bool):
 *     %a : Tensor = aten::relu(%x)                %b : Tensor = aten::neg(%x)
 *     %b : Tensor = aten::neg(%x)        =>       return (%b)
 *     %n : Tensor = prim::If(%c)
 *       block0(): -> (%a)
 *       block1(): -> (%x)
 *     return (%b)
 *
 * Kept: RaiseException, Print, calls, ops that write to an argument (`append`), and an
 * If or Loop holding any of those, whether or not their results are used.
 */
import type { Block, Graph, Node } from "../../ir/Graph.js";
import { verifyMethodGraph } from "../executor/verify.js";
import { referencedConstants } from "../../serialize/referencedConstants.js";
import { copyGraph } from "./copyGraph.js";
import { hasSideEffects } from "./effects.js";

export function eliminateDeadCode(graph: Graph): Graph {
  const result = copyGraph(graph);
  sweepBlock(result.block);
  const referenced = referencedConstants(result);
  for (const name of [...result.constants.keys()]) if (!referenced.has(name)) result.constants.delete(name);
  verifyMethodGraph(result, "eliminateDeadCode");
  return result;
}

/** Removes dead nodes of `block`, last to first, so that a node's inputs are looked at after all of its users. */
function sweepBlock(block: Block): void {
  for (const node of [...block.nodes].reverse()) {
    if (node.kind === "prim::If") dropUnusedIfOutputs(node);
    if (node.kind === "prim::Loop") dropUnusedLoopCarried(node);
    for (const inner of node.blocks) sweepBlock(inner);
    if (node.outputs.every((output) => output.uses.length === 0) && !hasSideEffects(node)) node.destroy();
  }
}

function dropUnusedIfOutputs(node: Node): void {
  for (let i = node.outputs.length - 1; i >= 0; i--) {
    if (node.outputs[i]!.uses.length > 0) continue;
    node.eraseOutput(i);
    for (const block of node.blocks) block.eraseReturn(i);
  }
}

/**
 * Loop inputs are (max, cond, carried...), body params (i, carried...), body returns
 * (cond, carried...), outputs (carried...). Carried value k goes when output k and body
 * param k+1 are unused: then what the body returns for it is read by nobody.
 */
function dropUnusedLoopCarried(node: Node): void {
  const body = node.blocks[0]!;
  for (let k = node.outputs.length - 1; k >= 0; k--) {
    if (node.outputs[k]!.uses.length > 0 || body.params[k + 1]!.uses.length > 0) continue;
    node.eraseOutput(k);
    node.eraseInput(k + 2);
    body.eraseParam(k + 1);
    body.eraseReturn(k + 1);
  }
}
