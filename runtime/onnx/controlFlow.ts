/**
 * prim::If -> ONNX If, prim::Loop -> ONNX Loop.
 *
 * If: each block becomes a subgraph with no inputs (it reads outer values by name)
 * whose outputs are the block's returns; a condition known at export time inlines the
 * taken block instead. Loop: the IR's (max trip count, initial condition, carried...)
 * and body block (iteration, carried...) -> (condition, carried...) are ONNX Loop's
 * own signature (M, cond, v_initial...) and body (iter_num, cond_in, v_in...) ->
 * (cond_out, v_out...), so values map one to one; the body's cond_in is unused, as
 * the IR's body never reads the condition it was entered with. Subgraph outputs are
 * always fresh Identity outputs: an ONNX graph output must be produced inside it.
 */
import type { Block, Node } from "../ir/Graph.js";
import type { DType } from "../tensor/dtype.js";
import { lowerBlock, loweredInput, type BlockLowering, type Env } from "./convertBlock.js";
import { loweredTensor, type LoweredTensor } from "./lowered.js";
import { failAt, materialize } from "./NodeLowering.js";
import { onnxDataType, valueInfo, type OnnxGraphBuilder } from "./OnnxGraphBuilder.js";
import type { GraphProto } from "./proto.js";

export function lowerIf(context: BlockLowering, node: Node, builder: OnnxGraphBuilder, env: Env): void {
  const condition = loweredInput(env, node.inputs[0]!);
  if (condition.kind === "constant" && typeof condition.value === "boolean") {
    const taken = node.blocks[condition.value ? 0 : 1]!;
    lowerBlock(context, taken, builder, env);
    node.outputs.forEach((output, i) => env.set(output, loweredInput(env, taken.returns[i]!)));
    return;
  }
  const refuse = (reason: string): never => failAt(node, `needs a tensor condition: ${reason}`);
  const conditionTensor = asBool(builder, materialize(builder, condition, refuse));
  const thenBranch = branchGraph(context, node, node.blocks[0]!, builder, env, "then", undefined);
  const elseBranch = branchGraph(context, node, node.blocks[1]!, builder, env, "else", thenBranch.dtypes);
  const names = builder.emit("If", [conditionTensor.name], { then_branch: { graph: thenBranch.graph }, else_branch: { graph: elseBranch.graph } }, node.outputs.length);
  node.outputs.forEach((output, i) => {
    const rank = thenBranch.ranks[i] === elseBranch.ranks[i] ? thenBranch.ranks[i] : undefined;
    env.set(output, loweredTensor(names[i]!, thenBranch.dtypes[i]!, rank));
  });
}

interface Subgraph {
  readonly graph: GraphProto;
  readonly dtypes: DType[];
  readonly ranks: (number | undefined)[];
}

/** One If branch as a subgraph; `dtypes`, when given, are the then-branch's, which the else-branch's outputs are cast to. */
function branchGraph(context: BlockLowering, node: Node, block: Block, builder: OnnxGraphBuilder, env: Env, label: string, dtypes: readonly DType[] | undefined): Subgraph {
  const sub = builder.subgraph();
  const inner: Env = new Map(env);
  lowerBlock(context, block, sub, inner);
  const outputs = block.returns.map((value, i) => {
    const lowered = materialize(sub, loweredInput(inner, value), (reason) => failAt(node, `cannot return a value from its ${label} branch: ${reason}`));
    return dtypes ? castIn(sub, lowered, dtypes[i]!) : lowered;
  });
  return subgraphOf(sub, `${label}_${builder.fresh("branch")}`, [], outputs);
}

export function lowerLoop(context: BlockLowering, node: Node, builder: OnnxGraphBuilder, env: Env): void {
  const refuse = (reason: string): never => failAt(node, `cannot carry a value through the loop: ${reason}`);
  const [maxTrips, condition, ...initial] = node.inputs.map((input) => materialize(builder, loweredInput(env, input), refuse));
  const body = node.blocks[0]!;
  const sub = builder.subgraph();
  const inner: Env = new Map(env);
  const iteration = loweredTensor(sub.fresh("iteration"), "int64", 0);
  const conditionIn = loweredTensor(sub.fresh("condition_in"), "bool", 0);
  inner.set(body.params[0]!, iteration);
  const carriedIn = initial.map((value, i) => {
    const carried = loweredTensor(sub.fresh("carried"), value.dtype, value.rank);
    inner.set(body.params[i + 1]!, carried);
    return carried;
  });
  lowerBlock(context, body, sub, inner);
  const [conditionOut, ...carriedOut] = body.returns.map((value) => materialize(sub, loweredInput(inner, value), refuse));
  const outputs = [asBool(sub, conditionOut!), ...carriedOut.map((value, i) => castIn(sub, value, initial[i]!.dtype))];
  const graph = subgraphOf(sub, `loop_${builder.fresh("body")}`, [iteration, conditionIn, ...carriedIn], outputs).graph;
  const names = builder.emit("Loop", [castIn(builder, maxTrips!, "int64").name, asBool(builder, condition!).name, ...initial.map((v) => v.name)], { body: { graph } }, initial.length);
  node.outputs.forEach((output, i) => {
    const rank = initial[i]!.rank === carriedOut[i]!.rank ? initial[i]!.rank : undefined;
    env.set(output, loweredTensor(names[i]!, initial[i]!.dtype, rank));
  });
}

function subgraphOf(sub: OnnxGraphBuilder, name: string, inputs: readonly LoweredTensor[], outputs: readonly LoweredTensor[]): Subgraph {
  const produced = outputs.map((value) => loweredTensor(sub.op("Identity", [value.name]), value.dtype, value.rank));
  const info = (value: LoweredTensor) => valueInfo(value.name, value.dtype, value.rank === 0 ? [] : undefined);
  return {
    graph: sub.toGraph(name, inputs.map(info), produced.map(info), false),
    dtypes: produced.map((value) => value.dtype),
    ranks: produced.map((value) => value.rank),
  };
}

function castIn(builder: OnnxGraphBuilder, value: LoweredTensor, dtype: DType): LoweredTensor {
  return value.dtype === dtype ? value : loweredTensor(builder.op("Cast", [value.name], { to: { int: onnxDataType(dtype) } }), dtype, value.rank);
}

function asBool(builder: OnnxGraphBuilder, value: LoweredTensor): LoweredTensor {
  return castIn(builder, value, "bool");
}
