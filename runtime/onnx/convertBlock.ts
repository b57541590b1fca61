/**
 * Lowers IR blocks into ONNX graphs node by node. Structural prims are resolved at
 * export time (constants, lists, tuples), prim::If and prim::Loop become ONNX If and
 * Loop with subgraphs (controlFlow.ts), op nodes go through the mapping table.
 * `env` maps each IR value to what it became; a subgraph starts from a copy of its
 * parent's env, since ONNX subgraphs may read outer-scope values by name.
 */
import type { Block, Node, Value } from "../ir/Graph.js";
import type { ScriptFunction } from "../jit/ScriptFunction.js";
import type { Tensor } from "../tensor/Tensor.js";
import { lowerIf, lowerLoop } from "./controlFlow.js";
import { loweredConstant, type Lowered } from "./lowered.js";
import { failAt, NodeLowering } from "./NodeLowering.js";
import type { OnnxGraphBuilder } from "./OnnxGraphBuilder.js";
import { OP_MAPPINGS } from "./ops/index.js";

export type Env = Map<Value, Lowered>;

export interface BlockLowering {
  readonly opset: number;
  /** The tensor constants of the graph being lowered. */
  readonly constants: ReadonlyMap<string, Tensor>;
  /** The functions `prim::CallFunction[name=...]` may call. */
  readonly functions: ReadonlyMap<string, ScriptFunction>;
  /** The functions being lowered inline, outermost first (a recursive call cannot be). */
  readonly callStack: readonly string[];
}

export function lowerBlock(context: BlockLowering, block: Block, builder: OnnxGraphBuilder, env: Env): void {
  for (const node of block.nodes) lowerNode(context, node, builder, env);
}

export function loweredInput(env: Env, value: Value): Lowered {
  const lowered = env.get(value);
  if (!lowered) throw new Error(`exportOnnx: %${value.debugName ?? value.id} was used before it was lowered`);
  return lowered;
}

function lowerNode(context: BlockLowering, node: Node, builder: OnnxGraphBuilder, env: Env): void {
  const inputs = node.inputs.map((input) => loweredInput(env, input));
  switch (node.kind) {
    case "prim::Constant":
      env.set(node.outputs[0]!, constantOf(context, node));
      return;
    case "prim::ListConstruct":
    case "prim::TupleConstruct":
      env.set(node.outputs[0]!, { kind: "list", items: inputs });
      return;
    case "prim::ListUnpack":
    case "prim::TupleUnpack": {
      const list = inputs[0]!;
      if (list.kind !== "list" || list.items.length !== node.outputs.length) failAt(node, `needs a list of ${node.outputs.length} built in the graph`);
      node.outputs.forEach((output, i) => env.set(output, list.items[i]!));
      return;
    }
    case "prim::CallFunction":
      return lowerCall(context, node, builder, env, inputs);
    case "prim::If":
      return lowerIf(context, node, builder, env);
    case "prim::Loop":
      return lowerLoop(context, node, builder, env);
  }
  const mapping = OP_MAPPINGS.get(node.kind);
  if (!mapping) failAt(node, "has no ONNX mapping");
  const firstEmitted = builder.nodes.length;
  const lowered = mapping.lower(new NodeLowering(builder, node, inputs, context.opset));
  // ONNX Runtime's errors name the failing node; its doc_string leads back to the TypeScript line.
  if (node.source) for (const emitted of builder.nodes.slice(firstEmitted)) emitted.doc_string = `${node.source.file}:${node.source.line}:${node.source.col}`;
  const outputs: readonly Lowered[] = Array.isArray(lowered) ? lowered : [lowered as Lowered];
  if (outputs.length !== node.outputs.length) throw new Error(`exportOnnx: the mapping of ${node.kind} gave ${outputs.length} outputs for ${node.outputs.length}`);
  node.outputs.forEach((output, i) => env.set(output, outputs[i]!));
}

/** A call of a scripted function, lowered inline: ONNX has no calls (model-local functions aside). */
function lowerCall(context: BlockLowering, node: Node, builder: OnnxGraphBuilder, env: Env, inputs: readonly Lowered[]): void {
  const name = node.attributes.get("name");
  const callee = typeof name === "string" ? context.functions.get(name) : undefined;
  if (!callee) failAt(node, `calls a function the exported module or function does not have (${JSON.stringify(name)})`);
  if (context.callStack.includes(callee.name)) failAt(node, `calls ${callee.name} recursively, which cannot be inlined`);
  const graph = callee.graph;
  const inner: Env = new Map(graph.inputs.map((input, i) => [input, inputs[i]!]));
  const calleeContext = { ...context, constants: graph.constants, functions: callee.functions, callStack: [...context.callStack, callee.name] };
  lowerBlock(calleeContext, graph.block, builder, inner);
  node.outputs.forEach((output, i) => env.set(output, loweredInput(inner, graph.outputs[i]!)));
}

function constantOf(context: BlockLowering, node: Node): Lowered {
  const type = node.outputs[0]!.type;
  const value = node.attributes.get("value");
  if (value === undefined) return loweredConstant(null, type);
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const name = (value as { tensor: string }).tensor;
    const tensor = context.constants.get(name);
    if (!tensor) failAt(node, `refers to tensor constant '${name}', which the graph does not have`);
    return loweredConstant(tensor, type, name);
  }
  return loweredConstant(value as Exclude<typeof value, object> | readonly number[], type);
}
