/** The link between node kinds and registry entries (see Note [Node kinds] in Graph.ts). */
import { fail } from "../errors.js";
import { getOverloads, hasOp, type OpDef } from "../ops/registry.js";
import { nodeKindOfSchema } from "../ops/schema.js";

export function nodeKindOf(op: OpDef): string {
  return nodeKindOfSchema(op.parsed);
}

/** Whether `kind` names an op (aten:: or tsjit::) rather than a structural prim::. */
export function isOpKind(kind: string): boolean {
  return !kind.startsWith("prim::");
}

/** The registry entry an op node's kind names; an unknown kind is an UNKNOWN_OP error. */
export function opOfKind(kind: string): OpDef {
  const match = /^(\w+)::(\w+)(?:\.(\w+))?$/.exec(kind);
  if (!match || !hasOp(match[2]!)) fail("UNKNOWN_OP", `unknown op '${kind}'`);
  const [, namespace, name, overload = ""] = match;
  const op = getOverloads(name!).find((o) => o.parsed.namespace === namespace && o.parsed.overload === overload);
  if (!op) fail("UNKNOWN_OP", `unknown op '${kind}' (${name} has overloads: ${getOverloads(name!).map(nodeKindOf).join(", ")})`);
  return op;
}
