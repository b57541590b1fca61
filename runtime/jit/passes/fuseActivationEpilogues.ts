/**
 * fuseActivationEpilogues: a copy of a graph in which a linear layer or a conv2d
 * followed by an activation is one `tsjit::linear_act`, `tsjit::addmm_act` or
 * `tsjit::conv2d_act` node (and a `tsjit::matmul_add` one `tsjit::matmul_add_act`),
 * whose native kernel applies the activation to each tile of the product as it
 * stores it (docs/native.md).
 *
 *   %h : Tensor = aten::linear(%x, %w, %b)     %activation : str = prim::Constant[value="relu"]()
 *   %y : Tensor = aten::relu(%h)          =>   %y : Tensor = tsjit::linear_act(%x, %w, %b, %activation)
 *
 * The linear layer is `aten::linear`, or `aten::addmm(%b, %x, %wt)` with beta and alpha
 * the constant 1, which becomes `tsjit::addmm_act(%b, %x, %wt, %activation)` (keeping
 * addmm's checks: mat1 and mat2 2-D). The convolution is
 * `aten::conv2d` with list padding (not the `padding` overload's "same"/"valid"). The activation is relu,
 * tanh, sigmoid, silu, or gelu with a constant `approximate`. Left alone: a product
 * whose result has any other use (another node, a return), and chains
 * with anything in between (a dropout, a view). linear, addmm and conv2d accept
 * float32 only, so the fused node computes in the same dtype.
 */
import { Node, type Graph, type Value } from "../../ir/Graph.js";
import type { EpilogueActivation } from "../../kernels/linalg.js";
import { verifyMethodGraph } from "../executor/verify.js";
import { constantValue } from "./constantOperands.js";
import { copyGraph } from "./copyGraph.js";
import { replaceNode } from "./replaceNode.js";

const UNARY_ACTIVATIONS: ReadonlyMap<string, EpilogueActivation> = new Map([
  ["aten::relu", "relu"],
  ["aten::tanh", "tanh"],
  ["aten::sigmoid", "sigmoid"],
  ["aten::silu", "silu"],
]);

export function fuseActivationEpilogues(graph: Graph): Graph {
  const result = copyGraph(graph);
  for (const node of [...result.allNodes()]) {
    const activation = activationOf(node);
    if (!activation) continue;
    const producer = node.inputs[0]!.definer;
    if (!(producer instanceof Node) || producer.owningBlock !== node.owningBlock || node.inputs[0]!.uses.length !== 1) continue;
    const fusion = fusedInputs(producer);
    if (!fusion) continue;
    const act = stringConstant(result, activation, node);
    replaceNode(result, node, fusion.kind, [...fusion.inputs(), act]);
    producer.destroy();
  }
  verifyMethodGraph(result, "fuseActivationEpilogues");
  return result;
}

/** The epilogue activation `node` computes from its first input, if it is one. */
export function activationOf(node: Node): EpilogueActivation | undefined {
  const unary = UNARY_ACTIVATIONS.get(node.kind);
  if (unary) return unary;
  if (node.kind !== "aten::gelu") return undefined;
  const approximate = constantValue(node.inputs[1]);
  if (approximate === "none") return "gelu";
  if (approximate === "tanh") return "gelu_tanh";
  return undefined;
}

interface Fusion {
  readonly kind: "tsjit::linear_act" | "tsjit::addmm_act" | "tsjit::conv2d_act" | "tsjit::matmul_add_act";
  /** The fused node's inputs but the activation. */
  inputs(): Value[];
}

function fusedInputs(node: Node): Fusion | undefined {
  if (node.kind === "aten::linear") return { kind: "tsjit::linear_act", inputs: () => [...node.inputs] };
  if (node.kind === "aten::conv2d") return { kind: "tsjit::conv2d_act", inputs: () => [...node.inputs] };
  if (node.kind === "tsjit::matmul_add") return { kind: "tsjit::matmul_add_act", inputs: () => [...node.inputs] };
  if (node.kind === "aten::addmm" && constantValue(node.inputs[3]) === 1 && constantValue(node.inputs[4]) === 1) {
    return { kind: "tsjit::addmm_act", inputs: () => node.inputs.slice(0, 3) };
  }
  return undefined;
}

/** A new `str` constant `text` inserted before `before`, named "activation". */
export function stringConstant(graph: Graph, text: string, before: Node): Value {
  const constant = graph.createNode("prim::Constant", [], before.source).setAttribute("value", text);
  const value = constant.addOutput({ kind: "str" }, "activation");
  before.owningBlock!.insertBefore(constant, before);
  return value;
}
