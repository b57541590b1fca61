/**
 * stackMatmuls: a copy of a graph in which products of slices of one tensor by one
 * constant matrix are one product of the whole tensor, sliced afterwards (PyTorch's
 * BatchMM, side by side, where the stacked operand already exists):
 *
 *   %x0 : Tensor = aten::select.int(%x, %zero, %i0)      %p : Tensor = tsjit::stacked_matmul(%x, %w, %none)
 *   %y0 : Tensor = aten::matmul(%x0, %w)            =>    %y0 : Tensor = aten::select.int(%p, %zero, %i0)
 *   %x1 : Tensor = aten::select.int(%x, %zero, %i1)      %y1 : Tensor = aten::select.int(%p, %zero, %i1)
 *   %y1 : Tensor = aten::matmul(%x1, %w)
 *
 * This is how an RNN's input projection leaves its time loop: in a trace (the steps
 * unrolled, two or more products in one block), and in a scripted `prim::Loop` whose
 * body multiplies a slice of a tensor defined outside the loop (one product is enough;
 * the stacked product goes before the loop). The weight is a 2-D tensor constant (as
 * `freeze` makes them) and the slices are `select` along dim 0 (the constant 0).
 * `stacked_matmul` fails on a 1-D tensor, as the 0-d slices' products would have. A
 * hoisted product runs even when the loop does not: an input the loop would never
 * have multiplied fails there instead of passing through.
 *
 * When each product is added to something and the sum then to the same 1-D bias
 * constant of the weight's width, the bias moves into the stacked product:
 * `(x_t @ w + m) + b` becomes `(x_t @ w + b) + m` (float addition reassociated, as
 * the bias of a stacked RNN projection is in PyTorch's cuDNN and oneDNN RNNs).
 */
import { Node, type Block, type Graph, type Value } from "../../ir/Graph.js";
import { NoneType, TensorType } from "../../ir/types.js";
import type { Tensor } from "../../tensor/Tensor.js";
import { verifyMethodGraph } from "../executor/verify.js";
import { constantTensor, constantTensorName, constantValue } from "./constantOperands.js";
import { copyGraph } from "./copyGraph.js";
import { replaceNode } from "./replaceNode.js";

export function stackMatmuls(graph: Graph): Graph {
  const result = copyGraph(graph);
  for (const group of groupsOf(result)) stack(result, group);
  verifyMethodGraph(result, "stackMatmuls");
  return result;
}

/** One `matmul(select(stacked, 0, index), weight)`. */
interface SliceProduct {
  readonly node: Node;
  readonly select: Node;
  readonly stacked: Value;
  readonly weightName: string;
  readonly weight: Tensor;
}

/** Products of one tensor's slices by one weight, and where their stacked product goes. */
interface Group {
  readonly products: SliceProduct[];
  /** The stacked product is inserted before this node (a loop, or the first product). */
  readonly before: Node;
  readonly hoisted: boolean;
}

function groupsOf(graph: Graph): Group[] {
  const groups = new Map<string, Group>();
  const placeIds = new Map<Node | Block, number>();
  const idOf = (place: Node | Block) => placeIds.get(place) ?? placeIds.set(place, placeIds.size).get(place)!;
  for (const node of [...graph.allNodes()]) {
    const product = sliceProductOf(graph, node);
    if (!product) continue;
    const loop = enclosingLoopOutside(node, product.stacked);
    const key = `${loop ? idOf(loop) : idOf(node.owningBlock!)}/${product.stacked.id}/${product.weightName}`;
    const group = groups.get(key) ?? { products: [], before: loop ?? node, hoisted: loop !== undefined };
    group.products.push(product);
    groups.set(key, group);
  }
  return [...groups.values()].filter((g) => g.hoisted || g.products.length >= 2);
}

function sliceProductOf(graph: Graph, node: Node): SliceProduct | undefined {
  if (node.kind !== "aten::matmul") return undefined;
  const select = node.inputs[0]!.definer;
  if (!(select instanceof Node) || select.kind !== "aten::select.int" || constantValue(select.inputs[1]) !== 0) return undefined;
  const weightName = constantTensorName(node.inputs[1]);
  const weight = constantTensor(graph, node.inputs[1]);
  if (weightName === undefined || !weight || weight.ndim !== 2 || weight.dtype !== "float32") return undefined;
  return { node, select, stacked: select.inputs[0]!, weightName, weight };
}

/** The loop directly holding `node` when `value` is defined outside it. */
function enclosingLoopOutside(node: Node, value: Value): Node | undefined {
  const loop = node.owningBlock!.owningNode;
  if (loop?.kind !== "prim::Loop" || isDefinedWithin(value, loop)) return undefined;
  return loop;
}

function isDefinedWithin(value: Value, node: Node): boolean {
  let block: Block | null = value.definer instanceof Node ? value.definer.owningBlock : value.definer;
  while (block) {
    if (block.owningNode === node) return true;
    block = block.owningNode?.owningBlock ?? null;
  }
  return false;
}

function stack(graph: Graph, group: Group): void {
  const first = group.products[0]!;
  const bias = commonBias(graph, group.products);
  const insert = (node: Node) => group.before.owningBlock!.insertBefore(node, group.before);
  const weight = tensorConstant(graph, first.weightName, first.node, insert);
  const addend = bias ? tensorConstant(graph, bias.name, first.node, insert) : noneConstant(graph, first.node, insert);
  const stacked = graph.createNode("tsjit::stacked_matmul", [first.stacked, weight, addend], first.node.source);
  const product = stacked.addOutput(TensorType, "stacked");
  insert(stacked);
  for (const slice of group.products) replaceNode(graph, slice.node, "aten::select.int", [product, slice.select.inputs[1]!, slice.select.inputs[2]!]);
  for (const { outerAdd, innerAdd } of bias?.sums ?? []) {
    outerAdd.outputs[0]!.replaceAllUsesWith(innerAdd.outputs[0]!);
    outerAdd.destroy();
  }
}

interface Bias {
  readonly name: string;
  /** Per product: the add of it to something, and the add of that sum to the bias. */
  readonly sums: readonly { readonly innerAdd: Node; readonly outerAdd: Node }[];
}

/** The bias every product's sum is added to, when there is one (see the top of the file). */
function commonBias(graph: Graph, products: readonly SliceProduct[]): Bias | undefined {
  const sums: { innerAdd: Node; outerAdd: Node }[] = [];
  let name: string | undefined;
  for (const { node, weight } of products) {
    const innerAdd = soleAddUser(node.outputs[0]!);
    const outerAdd = innerAdd && soleAddUser(innerAdd.outputs[0]!);
    if (!innerAdd || !outerAdd) return undefined;
    const biasValue = outerAdd.inputs[outerAdd.inputs[0] === innerAdd.outputs[0] ? 1 : 0]!;
    const bias = constantTensor(graph, biasValue);
    const biasName = constantTensorName(biasValue);
    if (!bias || bias.ndim !== 1 || bias.shape[0] !== weight.shape[1] || bias.dtype !== "float32") return undefined;
    if (name !== undefined && biasName !== name) return undefined;
    name = biasName;
    sums.push({ innerAdd, outerAdd });
  }
  return name === undefined ? undefined : { name, sums };
}

/** The one user of `value` when it is `aten::add.Tensor` with alpha 1 in the same block, reading it once. */
function soleAddUser(value: Value): Node | undefined {
  if (value.uses.length !== 1) return undefined;
  const { user, index } = value.uses[0]!;
  if (!(user instanceof Node) || user.kind !== "aten::add.Tensor" || index > 1 || constantValue(user.inputs[2]) !== 1) return undefined;
  if (user.inputs[0] === user.inputs[1] || !(value.definer instanceof Node) || user.owningBlock !== value.definer.owningBlock) return undefined;
  return user;
}

function tensorConstant(graph: Graph, name: string, like: Node, insert: (node: Node) => void): Value {
  const node = graph.createNode("prim::Constant", [], like.source).setAttribute("value", { tensor: name });
  insert(node);
  return node.addOutput(TensorType, name);
}

function noneConstant(graph: Graph, like: Node, insert: (node: Node) => void): Value {
  const node = graph.createNode("prim::Constant", [], like.source).setAttribute("value", null);
  insert(node);
  return node.addOutput(NoneType);
}
