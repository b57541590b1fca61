/**
 * fuseMatmulAdd: a copy of a graph in which a product added to another tensor is one
 * `tsjit::matmul_add` node, whose GEMM starts from the addend (or adds it as a row as
 * it stores the product) instead of writing the product and reading it back:
 *
 *   %p : Tensor = aten::matmul(%h, %w)
 *   %y : Tensor = aten::add.Tensor(%a, %p, %one)   =>   %y : Tensor = tsjit::matmul_add(%h, %w, %a)
 *
 * with alpha the constant 1, the product used by nothing else, in the same block. The
 * fused op is exactly add(matmul(h, w), a) (Note [matmul_add] in ops/linalg.ts), for any
 * shapes and dtypes; fuseActivationEpilogues then folds an activation into it.
 */
import { Node, type Graph } from "../../ir/Graph.js";
import { verifyMethodGraph } from "../executor/verify.js";
import { constantTensor, constantValue } from "./constantOperands.js";
import { copyGraph } from "./copyGraph.js";
import { replaceNode } from "./replaceNode.js";

export function fuseMatmulAdd(graph: Graph): Graph {
  const result = copyGraph(graph);
  for (const add of [...result.allNodes()]) {
    if (add.kind !== "aten::add.Tensor" || constantValue(add.inputs[2]) !== 1) continue;
    const productIndex = productOperand(result, add);
    if (productIndex === undefined) continue;
    const product = add.inputs[productIndex]!.definer as Node;
    replaceNode(result, add, "tsjit::matmul_add", [product.inputs[0]!, product.inputs[1]!, add.inputs[1 - productIndex]!]);
    product.destroy();
  }
  verifyMethodGraph(result, "fuseMatmulAdd");
  return result;
}

/** Which of the add's operands is a product to fuse: one by a constant weight first, else the first. */
function productOperand(graph: Graph, add: Node): number | undefined {
  const candidates = [0, 1].filter((index) => {
    const value = add.inputs[index]!;
    const definer = value.definer;
    return definer instanceof Node && definer.kind === "aten::matmul" && definer.owningBlock === add.owningBlock && value.uses.length === 1;
  });
  return candidates.find((index) => constantTensor(graph, (add.inputs[index]!.definer as Node).inputs[1]) !== undefined) ?? candidates[0];
}
