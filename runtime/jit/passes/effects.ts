/**
 * What a pass must know about a node before it removes, merges or evaluates it.
 *
 * - Side effects: `prim::RaiseException`, `prim::Print`, calls (`prim::CallMethod`,
 *   `prim::CallFunction`: the callee may do anything), ops that write to an argument
 *   (schema alias annotation `(a!)`, e.g. `append.t(Tensor[](a!) self, ...)`), an op kind
 *   the registry does not know, and an If or Loop whose blocks hold any of those.
 * - Determinism: random ops give a new value at each run; `dropout` is random unless its
 *   `training` argument is the constant false.
 * - Mutated types: a value written to (by an op, or possibly by a call it is passed to)
 *   may alias other values of its type, so passes leave alone every node that reads or
 *   makes a value of such a type. Coarse, but it needs no alias analysis to be right.
 *   A callee can only write through registry ops, so a call may write to the parts of
 *   its arguments whose types some op of the registry writes to (today: lists, by append).
 */
import { Node, type Graph } from "../../ir/Graph.js";
import { isOpKind, opOfKind } from "../../ir/opKinds.js";
import { formatIRType, fromSchemaType, type IRType } from "../../ir/types.js";
import { allOps, type OpDef } from "../../ops/registry.js";

/** Ops whose result is drawn at random, or whose contents are unspecified (`empty`). */
const NONDETERMINISTIC_OPS = new Set(["rand", "rand_like", "randn", "randn_like", "randint", "randperm", "bernoulli", "multinomial", "normal", "dropout", "empty"]);

const CALLS = new Set(["prim::CallMethod", "prim::CallFunction"]);
const EFFECT_PRIMS = new Set(["prim::RaiseException", "prim::Print", ...CALLS]);

/** The registry entry of an op node, or undefined for a prim or an unknown op. */
export function opOfNode(node: Node): OpDef | undefined {
  if (!isOpKind(node.kind)) return undefined;
  try {
    return opOfKind(node.kind);
  } catch {
    return undefined;
  }
}

/** The arguments an op writes to, per its schema's `(a!)` annotations. */
function writtenArguments(op: OpDef): number[] {
  return op.parsed.arguments.flatMap((argument, i) => (argument.alias?.mutable ? [i] : []));
}

/** The types some op of the registry writes to. */
function typesAnyOpWrites(): Set<string> {
  return new Set(allOps().flatMap((op) => writtenArguments(op).map((i) => formatIRType(withoutOptional(fromSchemaType(op.parsed.arguments[i]!.type))))));
}

export function hasSideEffects(node: Node): boolean {
  if (EFFECT_PRIMS.has(node.kind)) return true;
  if (isOpKind(node.kind)) {
    const op = opOfNode(node);
    if (!op || writtenArguments(op).length > 0) return true;
  }
  return node.blocks.some((block) => block.nodes.some(hasSideEffects));
}

export function isDeterministic(node: Node): boolean {
  const op = opOfNode(node);
  if (!op || !NONDETERMINISTIC_OPS.has(op.parsed.name)) return node.blocks.every((block) => block.nodes.every(isDeterministic));
  if (op.parsed.name !== "dropout") return false;
  const training = node.inputs[op.parsed.arguments.findIndex((a) => a.name === "training")]?.definer;
  return training instanceof Node && training.kind === "prim::Constant" && training.attributes.get("value") === false;
}

/** The types (as `formatIRType` spells them, never optional) of the values that nodes of `graph` may write to. */
export function mutatedTypes(graph: Graph): Set<string> {
  const types = new Set<string>();
  let writable: Set<string> | undefined;
  for (const node of graph.allNodes()) {
    if (CALLS.has(node.kind)) {
      writable ??= typesAnyOpWrites();
      const args = node.kind === "prim::CallMethod" ? node.inputs.slice(1) : node.inputs;
      for (const input of args) for (const part of typeParts(input.type)) if (writable.has(part)) types.add(part);
      continue;
    }
    const op = opOfNode(node);
    if (op) for (const i of writtenArguments(op)) types.add(formatIRType(withoutOptional(node.inputs[i]!.type)));
  }
  return types;
}

function withoutOptional(type: IRType): IRType {
  return type.kind === "Optional" ? withoutOptional(type.inner) : type;
}

/** `type` and every type nested in it, optionals removed. */
function typeParts(type: IRType): string[] {
  const bare = withoutOptional(type);
  const nested = bare.kind === "List" ? [bare.element] : bare.kind === "Tuple" ? bare.elements : [];
  return [formatIRType(bare), ...nested.flatMap(typeParts)];
}

/** Whether `node` reads or makes a value whose type is, holds or may be one of `types`. */
export function touchesTypes(node: Node, types: ReadonlySet<string>): boolean {
  return [...node.inputs, ...node.outputs].some((value) => typeParts(value.type).some((part) => types.has(part)));
}
