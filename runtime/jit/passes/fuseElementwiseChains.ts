/**
 * fuseElementwiseChains: a copy of a graph in which each group of pointwise ops whose
 * intermediate results are used only inside the group is one `tsjit::fused_pointwise`
 * node, whose kernel reads the group's inputs once and writes one output.
 *
 *   %h : Tensor = aten::mul.Tensor(%x, %a)          %inputs : Tensor[] = prim::ListConstruct(%x, %a, %b)
 *   %k : Tensor = aten::add.Tensor(%h, %b, %one) => %program : str = prim::Constant[value="t0 = mul(x0, x1); t1 = add(t0, x2); t2 = gelu(t1)"]()
 *   %y : Tensor = aten::gelu(%k, %none)             %y : Tensor = tsjit::fused_pointwise(%inputs, %program)
 *
 * Pointwise ops: add/sub (alpha the constant 1) and mul/div (rounding_mode None), with a
 * tensor or a constant number as `other`; maximum, minimum; the float unary ops
 * (relu, neg, exp, log, sqrt, rsqrt, tanh, sigmoid, silu, erf, ...); gelu with a constant
 * `approximate`; leaky_relu, elu, softplus and clamp with constant parameters (clamp's
 * bounds not NaN, rounded to float32 as the op does). Groups are grown from their last
 * node back through producers whose every use is in the group, in one block (never
 * across an If or Loop), up to 8 inputs; a group of one op is left alone. Left alone too:
 * any node reading or making a value of a type the graph writes to (effects.ts), so
 * nothing moves past a mutation. The IR has no dtypes: the fused op computes float32
 * inputs in one pass and runs any other dtype op by op, as the graph did.
 */
import { Node, type Block, type Graph, type Value } from "../../ir/Graph.js";
import { listOf, StrType, TensorType } from "../../ir/types.js";
import { formatProgram, PROGRAM_UNARY_OPS, type ProgramOperand, type ProgramStatement, type ProgramUnaryOp } from "../../kernels/pointwiseProgram.js";
import { verifyMethodGraph } from "../executor/verify.js";
import { copyGraph } from "./copyGraph.js";
import { mutatedTypes, touchesTypes } from "./effects.js";

/** The most inputs a fused node takes (the native kernel's limit, runtime/native/f32-fused). */
export const MAX_FUSED_INPUTS = 8;

/** What a pointwise node computes: its op, its tensor operands (values) and its numbers. */
interface Pointwise {
  readonly op: ProgramStatement["op"];
  readonly tensors: readonly Value[];
  /** The second operand of a binary op, when it is a number. */
  readonly number?: number;
  readonly params: readonly number[];
}

const BINARY_KINDS: ReadonlyMap<string, ProgramStatement["op"]> = new Map([
  ["aten::add.Tensor", "add"],
  ["aten::add.Scalar", "add"],
  ["aten::sub.Tensor", "sub"],
  ["aten::sub.Scalar", "sub"],
  ["aten::mul.Tensor", "mul"],
  ["aten::mul.Scalar", "mul"],
  ["aten::div.Tensor", "div"],
  ["aten::div.Scalar", "div"],
  ["aten::maximum.Tensor", "maximum"],
  ["aten::minimum.Tensor", "minimum"],
]);

export function fuseElementwiseChains(graph: Graph): Graph {
  const result = copyGraph(graph);
  const mutated = mutatedTypes(result);
  const blocks = [result.block, ...[...result.allNodes()].flatMap((node) => node.blocks)];
  for (const block of blocks) fuseBlock(result, block, mutated);
  verifyMethodGraph(result, "fuseElementwiseChains");
  return result;
}

function fuseBlock(graph: Graph, block: Block, mutated: ReadonlySet<string>): void {
  const grouped = new Set<Node>();
  for (const root of [...block.nodes].reverse()) {
    if (grouped.has(root) || !pointwiseOf(root, mutated)) continue;
    const group = growGroup(root, mutated, grouped);
    if (group.nodes.length < 2) continue;
    for (const node of group.nodes) grouped.add(node);
    replaceGroup(graph, root, group);
  }
}

interface Group {
  /** In block order; the root last. */
  readonly nodes: Node[];
  readonly inputs: Value[];
}

/** The root and, repeatedly, the producers of its group's operands used only in the group. */
function growGroup(root: Node, mutated: ReadonlySet<string>, taken: ReadonlySet<Node>): Group {
  const members = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const node of [...members]) {
      for (const value of pointwiseOf(node, mutated)!.tensors) {
        const producer = value.definer;
        if (!(producer instanceof Node) || members.has(producer) || taken.has(producer) || producer.owningBlock !== root.owningBlock) continue;
        if (!pointwiseOf(producer, mutated) || !value.uses.every((use) => members.has(use.user as Node))) continue;
        members.add(producer);
        if (groupInputs(members).length > MAX_FUSED_INPUTS) members.delete(producer);
        else grew = true;
      }
    }
  }
  const nodes = root.owningBlock!.nodes.filter((node) => members.has(node));
  return { nodes, inputs: groupInputs(members) };
}

/** The tensor operands of `members` made outside them, in order of first use. */
function groupInputs(members: ReadonlySet<Node>): Value[] {
  const inputs = new Set<Value>();
  const ordered = [...members].sort((a, b) => a.owningBlock!.nodes.indexOf(a) - b.owningBlock!.nodes.indexOf(b));
  for (const node of ordered) {
    for (const value of pointwiseOf(node, new Set())!.tensors) {
      if (!(value.definer instanceof Node && members.has(value.definer))) inputs.add(value);
    }
  }
  return [...inputs];
}

function replaceGroup(graph: Graph, root: Node, group: Group): void {
  const statementOf = new Map<Value, number>();
  const operand = (value: Value): ProgramOperand => {
    const temp = statementOf.get(value);
    return temp === undefined ? { kind: "input", index: group.inputs.indexOf(value) } : { kind: "temp", index: temp };
  };
  const statements: ProgramStatement[] = group.nodes.map((node, index) => {
    const pointwise = pointwiseOf(node, new Set())!;
    statementOf.set(node.outputs[0]!, index);
    const [x, other] = pointwise.tensors.map(operand) as [ProgramOperand, ProgramOperand | undefined];
    if (pointwise.op in PROGRAM_UNARY_OPS) return { kind: "unary", op: pointwise.op as ProgramUnaryOp, x, params: pointwise.params };
    const b: ProgramOperand = other ?? { kind: "number", value: pointwise.number! };
    return { kind: "binary", op: pointwise.op as Extract<ProgramStatement, { kind: "binary" }>["op"], a: x, b };
  });
  const block = root.owningBlock!;
  const list = graph.createNode("prim::ListConstruct", group.inputs, root.source);
  const inputs = list.addOutput(listOf(TensorType), "inputs");
  const constant = graph.createNode("prim::Constant", [], root.source).setAttribute("value", formatProgram(statements));
  const program = constant.addOutput(StrType, "program");
  const fused = graph.createNode("tsjit::fused_pointwise", [inputs, program], root.source);
  const output = fused.addOutput(root.outputs[0]!.type, root.outputs[0]!.debugName);
  for (const node of [list, constant, fused]) block.insertBefore(node, root);
  root.outputs[0]!.replaceAllUsesWith(output);
  for (const node of [...group.nodes].reverse()) node.destroy();
}

/** The pointwise op `node` computes, or undefined when it is not one the pass fuses. */
function pointwiseOf(node: Node, mutated: ReadonlySet<string>): Pointwise | undefined {
  if (node.outputs.length !== 1 || touchesTypes(node, mutated)) return undefined;
  const binary = BINARY_KINDS.get(node.kind);
  if (binary) return binaryOf(node, binary);
  const name = node.kind.startsWith("aten::") ? node.kind.slice("aten::".length) : "";
  switch (name) {
    case "gelu": {
      const approximate = constantOf(node.inputs[1]);
      if (approximate !== "none" && approximate !== "tanh") return undefined;
      return { op: approximate === "none" ? "gelu" : "gelu_tanh", tensors: [node.inputs[0]!], params: [] };
    }
    case "clamp": {
      const bounds = [constantOf(node.inputs[1]), constantOf(node.inputs[2])];
      if (!bounds.every((b) => b === null || (typeof b === "number" && !Number.isNaN(b))) || bounds.every((b) => b === null)) return undefined;
      const [lo, hi] = bounds as (number | null)[];
      return { op: "clamp", tensors: [node.inputs[0]!], params: [lo === null ? -Infinity : Math.fround(lo!), hi === null ? Infinity : Math.fround(hi!)] };
    }
    case "leaky_relu":
    case "elu":
    case "softplus": {
      const params = node.inputs.slice(1).map(constantOf);
      if (!params.every((p): p is number => typeof p === "number")) return undefined;
      return { op: name, tensors: [node.inputs[0]!], params };
    }
    case "gelu_tanh": // the program's name for gelu(approximate='tanh'), not an aten op
    case "":
      return undefined;
    default:
      if (!Object.hasOwn(PROGRAM_UNARY_OPS, name) || PROGRAM_UNARY_OPS[name as ProgramUnaryOp] !== 0) return undefined;
      return { op: name as ProgramUnaryOp, tensors: [node.inputs[0]!], params: [] };
  }
}

function binaryOf(node: Node, op: ProgramStatement["op"]): Pointwise | undefined {
  const [self, other, extra] = node.inputs as [Value, Value, Value | undefined];
  if (op === "add" || op === "sub") {
    if (constantOf(extra) !== 1) return undefined;
  } else if (op === "div" && constantOf(extra) !== null) {
    return undefined;
  }
  if (other.type.kind === "Tensor") return { op, tensors: [self, other], params: [] };
  const number = constantOf(other);
  return typeof number === "number" ? { op, tensors: [self], number, params: [] } : undefined;
}

/** The value of a non-tensor `prim::Constant` (null for None), or undefined when `value` is not one. */
function constantOf(value: Value | undefined): unknown {
  const definer = value?.definer;
  if (!(definer instanceof Node) || definer.kind !== "prim::Constant" || value!.type.kind === "Tensor") return undefined;
  return definer.attributes.has("value") ? definer.attributes.get("value") : null;
}
