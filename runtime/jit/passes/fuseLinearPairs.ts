/**
 * fuseLinearPairs: a copy of a graph in which two linear layers in a row, each
 * `aten::linear` or `tsjit::linear_act`, are one `tsjit::linear_act_linear` node (Note
 * [Linear pairs] in ops/linalg.ts), whose native kernel streams both weights of a
 * one-row product in one pass:
 *
 *   %h : Tensor = tsjit::linear_act(%x, %w1, %b1, %relu)
 *   %y : Tensor = aten::linear(%h, %w2, %b2)
 *     =>   %none : str = prim::Constant[value="none"]()
 *          %h, %y = tsjit::linear_act_linear(%x, %w1, %b1, %relu, %w2, %b2, %none)
 *
 * The first layer's result must have no other use and sit in the second's block. Pairs
 * are taken in graph order, so a chain of three layers pairs its first two.
 */
import { Node, type Graph, type Value } from "../../ir/Graph.js";
import { verifyMethodGraph } from "../executor/verify.js";
import { copyGraph } from "./copyGraph.js";
import { stringConstant } from "./fuseActivationEpilogues.js";

const LAYERS = new Set(["aten::linear", "tsjit::linear_act"]);

export function fuseLinearPairs(graph: Graph): Graph {
  const result = copyGraph(graph);
  for (const second of [...result.allNodes()]) {
    if (second.owningBlock === null || !LAYERS.has(second.kind)) continue;
    const hidden = second.inputs[0]!;
    const first = hidden.definer;
    if (!(first instanceof Node) || !LAYERS.has(first.kind) || first.owningBlock !== second.owningBlock || hidden.uses.length !== 1) continue;
    let none: Value | undefined;
    const activation = (layer: Node) => layer.inputs[3] ?? (none ??= stringConstant(result, "none", second));
    const [x, w1, b1] = first.inputs;
    const [, w2, b2] = second.inputs;
    const inputs = [x!, w1!, b1!, activation(first), w2!, b2!, activation(second)];
    const pair = result.createNode("tsjit::linear_act_linear", inputs, second.source);
    pair.addOutput(hidden.type, hidden.debugName);
    const output = pair.addOutput(second.outputs[0]!.type, second.outputs[0]!.debugName);
    second.owningBlock.insertBefore(pair, second);
    second.outputs[0]!.replaceAllUsesWith(output);
    second.destroy();
    first.destroy();
  }
  verifyMethodGraph(result, "fuseLinearPairs");
  return result;
}
