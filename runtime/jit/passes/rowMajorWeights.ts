/**
 * rowMajorWeights: a copy of a graph in which a product's constant right operand that
 * is a transposed view (`W.t()` folded by freeze: column-major, row stride 1) is a
 * row-major copy instead:
 *
 *   %w : Tensor = prim::Constant[value=tensor:c4]()       (c4: [256, 256], strides [1, 256])
 *   %y : Tensor = aten::matmul(%h, %w)               =>    %w : Tensor = prim::Constant[value=tensor:c4.rows]()   (strides [256, 1])
 *
 * A product of one row (an RNN step) streams its weight through a GEMV kernel, which
 * reads a row-major weight a row at a time into one set of accumulators and a
 * column-major one as a dot product per column, each ending in a horizontal sum: 2.9
 * against 3.8 us for 256 x 256 on AVX-512. Larger products pack B either way. The
 * products: `aten::matmul` and `aten::mm` (B), `tsjit::matmul_add(_act)` and
 * `tsjit::stacked_matmul` (their `other`). A constant used by anything else as well
 * keeps its layout there; the copy is made once per constant.
 */
import { Node, type Graph } from "../../ir/Graph.js";
import type { Tensor } from "../../tensor/Tensor.js";
import { verifyMethodGraph } from "../executor/verify.js";
import { constantTensor, constantTensorName } from "./constantOperands.js";
import { copyGraph } from "./copyGraph.js";

const PRODUCTS: ReadonlySet<string> = new Set(["aten::matmul", "aten::mm", "tsjit::matmul_add", "tsjit::matmul_add_act", "tsjit::stacked_matmul"]);

export function rowMajorWeights(graph: Graph): Graph {
  const result = copyGraph(graph);
  const copies = new Map<string, string>();
  for (const node of [...result.allNodes()]) {
    if (!PRODUCTS.has(node.kind)) continue;
    const weight = node.inputs[1]!;
    const name = constantTensorName(weight);
    const tensor = constantTensor(result, weight);
    if (name === undefined || !tensor || !isColumnMajor(tensor)) continue;
    let rows = copies.get(name);
    if (rows === undefined) {
      rows = result.addTensorConstant(tensor.contiguous(), freshName(result, `${name}.rows`)).tensor;
      copies.set(name, rows);
    }
    const constant = result.createNode("prim::Constant", [], (weight.definer as Node).source).setAttribute("value", { tensor: rows });
    node.owningBlock!.insertBefore(constant, node);
    node.replaceInput(1, constant.addOutput(weight.type, weight.debugName));
  }
  verifyMethodGraph(result, "rowMajorWeights");
  return result;
}

/** A 2-D view whose columns are contiguous and rows are not: what `t()` of a row-major matrix gives. */
function isColumnMajor(t: Tensor): boolean {
  return t.ndim === 2 && t.shape[0]! > 1 && t.shape[1]! > 1 && t.strides[0] === 1 && t.strides[1] !== 1;
}

function freshName(graph: Graph, base: string): string {
  let name = base;
  for (let i = 1; graph.constants.has(name); i++) name = `${base}.${i}`;
  return name;
}
