/**
 * fuseConvPool: a copy of a graph in which a convolution with its activation followed
 * by a 2x2 max pooling of stride 2 is one `tsjit::conv2d_act_max_pool2x2` node, whose
 * native kernel pools each image's convolution while it is in cache, so the pre-pool
 * tensor (4.7 MB for cnn at batch 32) is never written out and read back:
 *
 *   %h : Tensor = tsjit::conv2d_act(%x, %w, %b, %s, %p, %d, %g, %activation)
 *   %y : Tensor = aten::max_pool2d(%h, %two, %none, %zero, %one, %false)
 *     =>   %y : Tensor = tsjit::conv2d_act_max_pool2x2(%x, %w, %b, %s, %p, %d, %g, %activation)
 *
 * The pooling is max_pool2d with constant kernel_size [2, 2], stride [2, 2] (or None or
 * [], which mean kernel_size), padding [0, 0], dilation [1, 1] and ceil_mode false; the
 * convolution is `tsjit::conv2d_act` (any activation: the fused op applies it before
 * the pooling, exactly as the two nodes do), or `aten::conv2d` then an activation that
 * fuseActivationEpilogues would fuse, when that pass has not run. Each intermediate must
 * have no other use and sit in the pooling's block.
 */
import { Node, type Graph, type Value } from "../../ir/Graph.js";
import { verifyMethodGraph } from "../executor/verify.js";
import { constantValue } from "./constantOperands.js";
import { copyGraph } from "./copyGraph.js";
import { activationOf, stringConstant } from "./fuseActivationEpilogues.js";
import { replaceNode } from "./replaceNode.js";

export function fuseConvPool(graph: Graph): Graph {
  const result = copyGraph(graph);
  for (const pool of [...result.allNodes()]) {
    if (pool.kind !== "aten::max_pool2d" || !isPool2x2(pool)) continue;
    const fusion = fusedConv(result, pool);
    if (!fusion) continue;
    replaceNode(result, pool, "tsjit::conv2d_act_max_pool2x2", fusion.inputs);
    for (const node of fusion.replaced) node.destroy();
  }
  verifyMethodGraph(result, "fuseConvPool");
  return result;
}

/** A constant int[2] operand equal to [v, v] (a single int stands for both dims). */
function isPair(value: Value | undefined, v: number): boolean {
  const constant = constantValue(value);
  return constant === v || (Array.isArray(constant) && constant.length === 2 && constant[0] === v && constant[1] === v);
}

/** max_pool2d(self, [2, 2], [2, 2] | None | [], [0, 0], [1, 1], false). */
function isPool2x2(pool: Node): boolean {
  const [, kernel, stride, padding, dilation, ceilMode] = pool.inputs;
  const strideValue = constantValue(stride);
  const defaultStride = strideValue === null || (Array.isArray(strideValue) && strideValue.length === 0);
  return isPair(kernel, 2) && (defaultStride || isPair(stride, 2)) && isPair(padding, 0) && isPair(dilation, 1) && constantValue(ceilMode) === false;
}

interface ConvFusion {
  /** The fused node's inputs: the convolution's, then the activation. */
  readonly inputs: Value[];
  /** The nodes the fused one replaces besides the pooling, last first. */
  readonly replaced: Node[];
}

/** The single-use node in `user`'s block that defines `user`'s first input, if any. */
function soleProducer(user: Node): Node | undefined {
  const input = user.inputs[0]!;
  const producer = input.definer;
  return producer instanceof Node && producer.owningBlock === user.owningBlock && input.uses.length === 1 ? producer : undefined;
}

function fusedConv(graph: Graph, pool: Node): ConvFusion | undefined {
  const producer = soleProducer(pool);
  if (producer?.kind === "tsjit::conv2d_act") return { inputs: [...producer.inputs], replaced: [producer] };
  const activation = producer && activationOf(producer);
  if (!producer || !activation) return undefined;
  const conv = soleProducer(producer);
  if (conv?.kind !== "aten::conv2d") return undefined;
  return { inputs: [...conv.inputs, stringConstant(graph, activation, pool)], replaced: [producer, conv] };
}
