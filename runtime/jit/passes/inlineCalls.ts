/**
 * inlineCalls: a copy of a method graph in which every `prim::CallMethod` on a module
 * known statically (`%self`, or reached from it by a chain of `prim::GetAttr`) is
 * replaced by the callee's nodes, recursively. The callee's `%self` becomes the
 * GetAttr value it was called on, so its parameter reads stay GetAttr chains.
 *
 * Given (Outer.forward, with %fc : Linear = GetAttr[name="fc"](%self)):
 *   %y : Tensor = prim::CallMethod[name="forward"](%fc, %x)
 * and Linear.forward:
 *   graph(%self : Linear, %input : Tensor):
 *     %weight : Tensor = prim::GetAttr[name="weight"](%self)
 *     %bias : Tensor = prim::GetAttr[name="bias"](%self)
 *     %3 : Tensor = aten::linear(%input, %weight, %bias)
 *     return (%3)
 * Result:
 *   %weight : Tensor = prim::GetAttr[name="weight"](%fc)
 *   %bias : Tensor = prim::GetAttr[name="bias"](%fc)
 *   %3 : Tensor = aten::linear(%x, %weight, %bias)
 * with the uses of %y now uses of %3.
 *
 * Values keep their debug names (the printer makes them unique) and nodes their
 * source ranges. Tensor constants of a callee are copied into the result's constants,
 * renamed when a name is taken. A method that (directly or not) calls itself is left
 * as a call at the point of recursion. The input graph is not changed.
 */
import { Graph, type Block, type Node, type TensorConstantRef, type Value } from "../../ir/Graph.js";
import type { Tensor } from "../../tensor/Tensor.js";
import { verifyMethodGraph } from "../executor/verify.js";

/** What inlining needs of a module: its method graphs and its submodules. */
export interface InlinableModule {
  readonly methods: ReadonlyMap<string, Graph>;
  getAttr(name: string): unknown;
}

function isInlinable(value: unknown): value is InlinableModule {
  const m = value as Partial<InlinableModule> | null;
  return typeof m === "object" && m !== null && m.methods instanceof Map && typeof m.getAttr === "function";
}

export function inlineCalls(graph: Graph, self: InlinableModule): Graph {
  const result = new Graph();
  const inliner = new Inliner(result);
  const env = new Map<Value, Value>();
  graph.inputs.forEach((input, i) => {
    const copy = result.addInput(input.type, input.debugName);
    env.set(input, copy);
    if (i === 0) inliner.modules.set(copy, self);
  });
  inliner.copyBlock(graph, graph.block, result.block, env, [graph]);
  for (const output of graph.outputs) result.registerOutput(env.get(output)!);
  verifyMethodGraph(result, "inlinedGraph");
  return result;
}

class Inliner {
  /** The module each module-typed value of the result is statically known to be. */
  readonly modules = new Map<Value, InlinableModule>();
  /** Per source graph: its tensor constant names to their names in the result. */
  readonly #constantNames = new Map<Graph, Map<string, string>>();

  constructor(readonly result: Graph) {}

  /** Copies `source`'s nodes into `target`, mapping values through `env`. `stack` holds the graphs being inlined. */
  copyBlock(graph: Graph, source: Block, target: Block, env: Map<Value, Value>, stack: Graph[]): void {
    for (const node of source.nodes) {
      if (node.kind === "prim::CallMethod" && this.#tryInline(node, target, env, stack)) continue;
      this.#copyNode(graph, node, target, env, stack);
    }
  }

  #tryInline(node: Node, target: Block, env: Map<Value, Value>, stack: Graph[]): boolean {
    const moduleValue = env.get(node.inputs[0]!)!;
    const module = this.modules.get(moduleValue);
    const name = node.attributes.get("name");
    if (!module || typeof name !== "string") return false;
    const callee = module.methods.get(name);
    if (!callee || stack.includes(callee) || callee.inputs.length !== node.inputs.length) return false;
    const calleeEnv = new Map<Value, Value>();
    callee.inputs.forEach((input, i) => calleeEnv.set(input, env.get(node.inputs[i]!)!));
    this.copyBlock(callee, callee.block, target, calleeEnv, [...stack, callee]);
    node.outputs.forEach((output, i) => env.set(output, calleeEnv.get(callee.outputs[i]!)!));
    return true;
  }

  #copyNode(graph: Graph, node: Node, target: Block, env: Map<Value, Value>, stack: Graph[]): void {
    const copy = this.result.createNode(node.kind, node.inputs.map((v) => env.get(v)!), node.source);
    for (const [key, value] of node.attributes) copy.setAttribute(key, isTensorRef(value) ? this.#constant(graph, value) : value);
    for (const output of node.outputs) env.set(output, copy.addOutput(output.type, output.debugName));
    target.appendNode(copy);
    for (const block of node.blocks) {
      const inner = copy.addBlock();
      for (const param of block.params) env.set(param, inner.addParam(param.type, param.debugName));
      this.copyBlock(graph, block, inner, env, stack);
      for (const ret of block.returns) inner.addReturn(env.get(ret)!);
    }
    if (node.kind === "prim::GetAttr") {
      const owner = this.modules.get(copy.inputs[0]!);
      const name = node.attributes.get("name");
      if (owner && typeof name === "string") {
        let member: unknown;
        try {
          member = owner.getAttr(name);
        } catch {
          member = undefined;
        }
        if (isInlinable(member)) this.modules.set(copy.outputs[0]!, member);
      }
    }
  }

  #constant(graph: Graph, ref: TensorConstantRef): TensorConstantRef {
    let names = this.#constantNames.get(graph);
    if (!names) this.#constantNames.set(graph, (names = new Map()));
    let name = names.get(ref.tensor);
    if (name === undefined) {
      const tensor: Tensor | undefined = graph.constants.get(ref.tensor);
      if (!tensor) return ref;
      name = ref.tensor;
      for (let i = this.result.constants.size; this.result.constants.has(name); i++) name = `c${i}`;
      this.result.addTensorConstant(tensor, name);
      names.set(ref.tensor, name);
    }
    return { tensor: name };
  }
}

function isTensorRef(value: unknown): value is TensorConstantRef {
  return typeof value === "object" && value !== null && !Array.isArray(value) && "tensor" in value;
}
