/**
 * copyGraph: an independent copy of a graph (nodes, attributes, blocks, debug names,
 * source ranges, tensor constants), for the passes that rewrite a graph in place:
 * each one copies its input first, so that a pass never changes the graph it is given.
 * The constants' tensors are shared, not cloned (graphs never write to them).
 */
import { Graph, type Block, type Value } from "../../ir/Graph.js";

export function copyGraph(graph: Graph): Graph {
  const result = new Graph();
  for (const [name, tensor] of graph.constants) result.addTensorConstant(tensor, name);
  const env = new Map<Value, Value>();
  for (const input of graph.inputs) env.set(input, result.addInput(input.type, input.debugName));
  copyNodes(graph.block, result.block, env);
  for (const output of graph.outputs) result.registerOutput(env.get(output)!);
  return result;
}

function copyNodes(source: Block, target: Block, env: Map<Value, Value>): void {
  for (const node of source.nodes) {
    const copy = target.graph.createNode(node.kind, node.inputs.map((v) => env.get(v)!), node.source);
    for (const [key, value] of node.attributes) copy.setAttribute(key, value);
    for (const output of node.outputs) env.set(output, copy.addOutput(output.type, output.debugName));
    target.appendNode(copy);
    for (const block of node.blocks) {
      const inner = copy.addBlock();
      for (const param of block.params) env.set(param, inner.addParam(param.type, param.debugName));
      copyNodes(block, inner, env);
      for (const ret of block.returns) inner.addReturn(env.get(ret)!);
    }
  }
}
