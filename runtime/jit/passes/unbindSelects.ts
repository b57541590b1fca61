/**
 * unbindSelects: a copy of a graph in which the slices `select(x, 0, 0)` ...
 * `select(x, 0, n - 1)` of one tensor in one block, each index a constant taken once,
 * are one `unbind` of its first n rows, unpacked:
 *
 *   %a : Tensor = aten::select.int(%x, %zero, %zero)       %rows : Tensor = aten::narrow(%x, %zero, %zero, %two)
 *   ...                                              =>    %parts : Tensor[] = aten::unbind.int(%rows, %zero)
 *   %b : Tensor = aten::select.int(%x, %zero, %one)        %a : Tensor, %b : Tensor = prim::ListUnpack(%parts)
 *
 * A trace of a loop over time does this n times (after stackMatmuls, once per step of
 * the stacked input projection); one node and one unpack cost less than n. `narrow`
 * keeps what the selects meant for any length of x: past row n the rows are not read,
 * and an x of fewer rows fails (narrow's error instead of select's).
 */
import { Node, type Block, type Graph, type Value } from "../../ir/Graph.js";
import { IntType, listOf, TensorType } from "../../ir/types.js";
import { verifyMethodGraph } from "../executor/verify.js";
import { constantValue } from "./constantOperands.js";
import { copyGraph } from "./copyGraph.js";

export function unbindSelects(graph: Graph): Graph {
  const result = copyGraph(graph);
  const blocks = [result.block, ...[...result.allNodes()].flatMap((node) => node.blocks)];
  for (const block of blocks) {
    for (const rows of rowSelectsOf(block)) unbind(result, rows);
  }
  verifyMethodGraph(result, "unbindSelects");
  return result;
}

interface RowSelects {
  /** By index: row k's select at k. */
  readonly rows: Node[];
  /** The first of them in the block, where the unbind goes. */
  readonly first: Node;
}

/** Per tensor, its selects along dim 0 in this block by constant index, when they are rows 0..n-1 once each (n >= 2). */
function rowSelectsOf(block: Block): RowSelects[] {
  const byTensor = new Map<Value, Node[]>();
  for (const node of block.nodes) {
    if (node.kind !== "aten::select.int" || constantValue(node.inputs[1]) !== 0) continue;
    const index = constantValue(node.inputs[2]);
    if (typeof index !== "number" || index < 0) continue;
    const selects = byTensor.get(node.inputs[0]!) ?? [];
    selects.push(node);
    byTensor.set(node.inputs[0]!, selects);
  }
  return [...byTensor.values()].flatMap((selects) => {
    if (selects.length < 2) return [];
    const byIndex = new Array<Node | undefined>(selects.length);
    for (const select of selects) {
      const index = constantValue(select.inputs[2]) as number;
      // A row past n, or taken twice, leaves the rows incomplete.
      if (index >= selects.length || byIndex[index]) return [];
      byIndex[index] = select;
    }
    return [{ rows: byIndex as Node[], first: selects[0]! }];
  });
}

function unbind(graph: Graph, { rows, first }: RowSelects): void {
  const insert = (node: Node) => first.owningBlock!.insertBefore(node, first);
  const zero = first.inputs[1]!;
  const lengthNode = graph.createNode("prim::Constant", [], first.source).setAttribute("value", rows.length);
  insert(lengthNode);
  const narrow = graph.createNode("aten::narrow", [first.inputs[0]!, zero, zero, lengthNode.addOutput(IntType)], first.source);
  insert(narrow);
  const parts = graph.createNode("aten::unbind.int", [narrow.addOutput(TensorType, "rows"), zero], first.source);
  insert(parts);
  const unpack = graph.createNode("prim::ListUnpack", [parts.addOutput(listOf(TensorType), "parts")], first.source);
  insert(unpack);
  for (const select of rows) {
    const row = unpack.addOutput(TensorType, select.outputs[0]!.debugName);
    select.outputs[0]!.replaceAllUsesWith(row);
    select.destroy();
  }
}
