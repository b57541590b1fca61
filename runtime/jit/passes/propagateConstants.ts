/**
 * propagateConstants: a copy of a graph in which
 * - an op node whose inputs are all constants, and that is pure and deterministic
 *   (effects.ts), is run now, through the registry as the executor runs it, and
 *   replaced by `prim::Constant` nodes: scalars, strings, int/float lists, or tensors
 *   (added to `graph.constants`);
 * - a `prim::ListConstruct` of int or float constants becomes a list constant;
 * - a `prim::If` on a constant condition is replaced by the nodes of the branch taken;
 * - a `prim::Loop` that runs zero times (constant trip count 0, or constant condition
 *   false) is replaced by its initial carried values.
 *
 *   %two : int = prim::Constant[value=2]()
 *   %three : int = prim::Constant[value=3]()
 *   %n : int = aten::mul.int(%two, %three)
 *   %y : Tensor = aten::mul.Scalar(%x, %n)
 * =>
 *   %two : int = prim::Constant[value=2]()
 *   %three : int = prim::Constant[value=3]()
 *   %n : int = prim::Constant[value=6]()
 *   %y : Tensor = aten::mul.Scalar(%x, %n)
 *
 * The constants folded away stay in the graph (eliminateDeadCode removes them). The
 * same computation folded in several places (an unrolled trace) is one tensor constant.
 * Left alone: a node whose evaluation fails (the error stays a run-time error), whose
 * result a constant cannot hold (a tuple, a list of tensors), a tensor result larger
 * than both 1024 elements and its largest input (a constant `zeros([4096, 4096])`
 * would only make the graph bigger), and nodes reading or making values of a type the
 * graph writes to (a list constant is read-only, so no list is folded when the graph
 * appends to lists, nor a list that may reach the caller).
 */
import { Node, type Block, type Graph, type Value } from "../../ir/Graph.js";
import { isOpKind } from "../../ir/opKinds.js";
import { formatAttributeValue } from "../../ir/printer.js";
import { formatIRType } from "../../ir/types.js";
import { runOp } from "../../ops/dispatch.js";
import { Tensor } from "../../tensor/Tensor.js";
import { verifyMethodGraph } from "../executor/verify.js";
import { constantAttribute, TensorConstants } from "./constantValues.js";
import { copyGraph } from "./copyGraph.js";
import { hasSideEffects, isDeterministic, mutatedTypes, opOfNode, touchesTypes } from "./effects.js";

const SMALL_TENSOR_ELEMENTS = 1024;

export function propagateConstants(graph: Graph): Graph {
  const result = copyGraph(graph);
  new ConstantFolder(result).foldBlock(result.block);
  verifyMethodGraph(result, "propagateConstants");
  return result;
}

/** A value known now: what the executor would hold in its register. */
type Known = { readonly value: unknown } | undefined;

class ConstantFolder {
  readonly #mutated: Set<string>;
  readonly #tensors: TensorConstants;
  /** Results already computed, by computationKey: the same computation twice gives the same tensor, stored once. */
  readonly #computed = new Map<string, unknown[]>();

  constructor(readonly graph: Graph) {
    this.#mutated = mutatedTypes(graph);
    this.#tensors = new TensorConstants(graph);
  }

  foldBlock(block: Block): void {
    for (let i = 0; i < block.nodes.length; i++) {
      const node = block.nodes[i]!;
      if (node.kind === "prim::If" && this.#inlineTakenBranch(node)) {
        i--; // the branch's nodes now start at i
        continue;
      }
      if (node.kind === "prim::Loop" && this.#removeLoopRunningZeroTimes(node)) {
        i--;
        continue;
      }
      for (const inner of node.blocks) this.foldBlock(inner);
      this.#foldNode(node);
    }
  }

  #inlineTakenBranch(node: Node): boolean {
    const condition = this.#known(node.inputs[0]!);
    if (!condition || typeof condition.value !== "boolean") return false;
    const taken = node.blocks[condition.value ? 0 : 1]!;
    for (const inner of [...taken.nodes]) {
      taken.removeNode(inner);
      node.owningBlock!.insertBefore(inner, node);
    }
    node.outputs.forEach((output, i) => output.replaceAllUsesWith(taken.returns[i]!));
    node.destroy();
    return true;
  }

  #removeLoopRunningZeroTimes(node: Node): boolean {
    const [maxTripCount, condition] = node.inputs;
    const max = this.#known(maxTripCount!);
    const runs = this.#known(condition!);
    const zeroTimes = (max !== undefined && typeof max.value === "number" && max.value <= 0) || (runs !== undefined && runs.value === false);
    if (!zeroTimes) return false;
    node.outputs.forEach((output, k) => output.replaceAllUsesWith(node.inputs[k + 2]!));
    node.destroy();
    return true;
  }

  /** Replaces `node` by constants (inserted where it was) when it can. */
  #foldNode(node: Node): void {
    if (node.blocks.length > 0 || touchesTypes(node, this.#mutated) || node.outputs.some(isEscapingList)) return;
    const inputs = node.inputs.map((input) => this.#known(input));
    if (inputs.some((known) => known === undefined)) return;
    const args = inputs.map((known) => known!.value);
    const key = computationKey(node);
    const values = this.#computed.get(key) ?? this.#evaluate(node, args);
    if (!values) return;
    this.#computed.set(key, values);
    const largestInput = Math.max(0, ...args.filter((a): a is Tensor => a instanceof Tensor).map((t) => t.numel()));
    const attributes = values.map((value, i) => constantAttribute(value, node.outputs[i]!.type));
    if (attributes.some((a) => a === undefined || (a instanceof Tensor && a.numel() > Math.max(SMALL_TENSOR_ELEMENTS, largestInput)))) return;
    node.outputs.forEach((output, i) => {
      const constant = this.graph.createNode("prim::Constant", [], node.source);
      constant.setAttribute("value", this.#tensors.attribute(attributes[i]!));
      node.owningBlock!.insertBefore(constant, node);
      output.replaceAllUsesWith(constant.addOutput(output.type, output.debugName));
    });
    node.destroy();
  }

  /** The node's outputs computed from `args`, or undefined if it cannot be evaluated now. */
  #evaluate(node: Node, args: unknown[]): unknown[] | undefined {
    if (node.kind === "prim::ListConstruct") return [args];
    const op = opOfNode(node);
    if (!op || hasSideEffects(node) || !isDeterministic(node)) return undefined;
    try {
      const result = runOp(op, args);
      return node.outputs.length === 1 ? [result] : (result as unknown[]);
    } catch {
      return undefined;
    }
  }

  /** What the executor holds for `value` before running anything, if it is a constant. */
  #known(value: Value): Known {
    const definer = value.definer;
    if (!(definer instanceof Node) || definer.kind !== "prim::Constant") return undefined;
    if (!definer.attributes.has("value")) return { value: null };
    const attribute = definer.attributes.get("value")!;
    if (Array.isArray(attribute)) return { value: Object.freeze([...attribute]) };
    if (attribute !== null && typeof attribute === "object") {
      const tensor = this.graph.constants.get((attribute as { tensor: string }).tensor);
      return tensor ? { value: tensor } : undefined;
    }
    return { value: attribute };
  }
}

/**
 * A list that reaches anything but an op (a block return, a tuple, a call) may reach the
 * caller, who would get the executor's read-only array for a list constant instead of
 * a list of its own.
 */
function isEscapingList(value: Value): boolean {
  return value.type.kind === "List" && value.uses.some((use) => !(use.user instanceof Node) || !isOpKind(use.user.kind));
}

/** Kind, attributes and the constants the inputs are: equal keys compute equal results. */
function computationKey(node: Node): string {
  const attributes = [...node.attributes].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, value]) => `${name}=${formatAttributeValue(value)}`);
  const inputs = node.inputs.map((input) => {
    const value = (input.definer as Node).attributes.get("value");
    return `${formatIRType(input.type)}=${value === undefined ? "" : formatAttributeValue(value)}`;
  });
  return `${node.kind}[${attributes.join(",")}](${inputs.join(",")})`;
}
