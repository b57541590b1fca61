/**
 * markConstantWeights: marks the weight of every product in a graph whose weight is a
 * tensor constant (`aten::linear` and `tsjit::linear_act`'s weight, both weights of
 * `tsjit::linear_act_linear`, `aten::addmm` and
 * `tsjit::addmm_act`'s mat2, `aten::matmul`, `aten::mm`,
 * `tsjit::matmul_add(_act)` and `tsjit::stacked_matmul`'s second operand) as a
 * constant weight (kernels/constantWeights.ts), so the native GEMM packs it once, the
 * first time a product needs it packed, instead of on every call. The graph is not
 * changed: the IR and saved files stay as they are, and a loaded frozen model is
 * marked again when it is loaded.
 *
 *   %w : Tensor = prim::Constant[value=tensor:fc.weight]()
 *   %y : Tensor = aten::linear(%x, %w, %b)        => fc.weight's storage is marked
 */
import type { Graph } from "../../ir/Graph.js";
import { markConstantWeight } from "../../kernels/constantWeights.js";
import { constantTensor } from "./constantOperands.js";

/** The inputs that are weights (B, or B transposed) of each product kind. */
const WEIGHT_INPUTS: ReadonlyMap<string, readonly number[]> = new Map([
  ["aten::linear", [1]],
  ["tsjit::linear_act", [1]],
  ["tsjit::linear_act_linear", [1, 4]],
  ["aten::addmm", [2]],
  ["tsjit::addmm_act", [2]],
  ["aten::matmul", [1]],
  ["aten::mm", [1]],
  ["tsjit::matmul_add", [1]],
  ["tsjit::matmul_add_act", [1]],
  ["tsjit::stacked_matmul", [1]],
]);

export function markConstantWeights(graph: Graph): void {
  for (const node of graph.allNodes()) {
    for (const index of WEIGHT_INPUTS.get(node.kind) ?? []) {
      const weight = constantTensor(graph, node.inputs[index]);
      if (weight) markConstantWeight(weight.storage);
    }
  }
}
