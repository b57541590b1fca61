/**
 * Structured control flow (DESIGN §3): `if`/`?:`/`&&`/`||` → `prim::If` whose
 * outputs are the variables either arm assigned (Note [Environment keys]), loops →
 * `prim::Loop` with the variables the body assigns as loop-carried values.
 *
 * Note [Loop-carried types]: a carried variable may widen in the body (`let s = 0`
 * then `s += 0.5`: int → float; `let best = null` then `best = x`: None → Tensor?).
 * The body is compiled with the types on entry; if a returned type is wider, the
 * loop node is removed and the body compiled again with the joined types (at most
 * a few rounds: the lattice is shallow).
 *
 * Note [Refinement]: `if (b !== null)` makes `b` a `T` in the then-arm (and
 * `b === null` in the else-arm) by `aten::unwrap_optional`; an arm that does not
 * assign `b` gives it back unrefined, so the refinement adds no If outputs.
 */
import type * as ts from "typescript";
import type { Node, Value } from "../../runtime/ir/Graph.js";
import { BoolType, IntType, type IRType } from "../../runtime/ir/types.js";
import type { FunctionCompiler, Key } from "./context.js";
import { emitExpression, unwrapOptional } from "./expressions.js";
import { describeType, joinTypes } from "./types.js";

export interface Refinements {
  readonly whenTrue: Key[];
  readonly whenFalse: Key[];
}

/** A condition as a bool (Tensors via `aten::Bool.Tensor`), plus the null checks it makes. */
export function emitCondition(fc: FunctionCompiler, node: ts.Expression): { value: Value | undefined; refine: Refinements } {
  const refine = refinementsOf(fc, node);
  const value = emitExpression(fc, node);
  return { value: value && toBool(fc, value, node), refine };
}

export function toBool(fc: FunctionCompiler, value: Value, node: ts.Node): Value | undefined {
  switch (value.type.kind) {
    case "bool":
      return value;
    case "Tensor":
      return fc.op1("aten::Bool.Tensor", [value], BoolType, node);
    case "Optional": {
      const none = fc.op1(`aten::is_none.${value.type.inner.kind}`, [value], BoolType, node);
      return fc.op1("aten::__not__", [none], BoolType, node);
    }
    default:
      fc.report("conditionType", node, [describeType(value.type)]);
      return undefined;
  }
}

function refinementsOf(fc: FunctionCompiler, node: ts.Expression): Refinements {
  const tsi = fc.ts;
  const SK = tsi.SyntaxKind;
  let inner = node;
  while (tsi.isParenthesizedExpression(inner)) inner = inner.expression;
  const keyOf = (e: ts.Expression): Key | undefined => {
    if (!tsi.isIdentifier(e)) return undefined;
    const symbol = fc.checker.getSymbolAtLocation(e);
    return symbol && fc.env.get(symbol)?.type.kind === "Optional" ? symbol : undefined;
  };
  const isNull = (e: ts.Expression) => e.kind === SK.NullKeyword || (tsi.isIdentifier(e) && e.text === "undefined");
  if (tsi.isBinaryExpression(inner)) {
    const op = inner.operatorToken.kind;
    const eq = op === SK.EqualsEqualsEqualsToken || op === SK.EqualsEqualsToken;
    const ne = op === SK.ExclamationEqualsEqualsToken || op === SK.ExclamationEqualsToken;
    if (eq || ne) {
      const key = isNull(inner.right) ? keyOf(inner.left) : isNull(inner.left) ? keyOf(inner.right) : undefined;
      if (key) return ne ? { whenTrue: [key], whenFalse: [] } : { whenTrue: [], whenFalse: [key] };
    }
    if (op === SK.AmpersandAmpersandToken) {
      const a = refinementsOf(fc, inner.left);
      const b = refinementsOf(fc, inner.right);
      return { whenTrue: [...a.whenTrue, ...b.whenTrue], whenFalse: [] };
    }
    if (op === SK.BarBarToken) {
      const a = refinementsOf(fc, inner.left);
      const b = refinementsOf(fc, inner.right);
      return { whenTrue: [], whenFalse: [...a.whenFalse, ...b.whenFalse] };
    }
  }
  if (tsi.isPrefixUnaryExpression(inner) && inner.operator === SK.ExclamationToken) {
    const r = refinementsOf(fc, inner.operand);
    return { whenTrue: r.whenFalse, whenFalse: r.whenTrue };
  }
  const key = keyOf(inner);
  if (key) return { whenTrue: [key], whenFalse: [] };
  return { whenTrue: [], whenFalse: [] };
}

export function applyRefinements(fc: FunctionCompiler, keys: readonly Key[], at: ts.Node): void {
  for (const key of keys) {
    const value = fc.env.get(key);
    if (value && value.type.kind === "Optional") {
      const refined = unwrapOptional(fc, value, at);
      if (refined) {
        refined.debugName = fc.keyName(key);
        fc.env.set(key, refined);
      }
    }
  }
}

/** What one arm of an If produced: its final environment, its result values, whether it cannot complete. */
export interface ArmResult {
  readonly results: readonly Value[];
  /** The arm never completes normally (it raised): its outputs are placeholders. */
  readonly raised?: boolean;
}

/**
 * Emits `prim::If(cond)` with two arms. Outputs: first each arm's `results`
 * (joined), then every variable of the current environment that an arm changed.
 * Returns the result outputs; the environment afterwards holds the merged variables.
 */
export function emitIf(fc: FunctionCompiler, cond: Value, at: ts.Node, thenArm: () => ArmResult, elseArm: () => ArmResult, mergeAt: ts.Node = at): Value[] | undefined {
  const before = new Map(fc.env);
  const poisonedBefore = new Set(fc.poisoned);
  const ifNode = fc.append("prim::If", [cond], at);
  const blocks = [ifNode.addBlock(), ifNode.addBlock()];
  const arms = [thenArm, elseArm].map((arm, i) => {
    fc.env = new Map(before);
    const result = fc.inBlock(blocks[i]!, arm);
    return { result, env: fc.env };
  });
  fc.env = new Map(before);
  const live = arms.filter((a) => !a.result.raised);
  const keys = [...before.keys()].filter((k) => !fc.poisoned.has(k) && arms.some((a) => a.env.get(k) !== undefined && a.env.get(k) !== before.get(k)));
  for (const key of [...before.keys()]) if (arms.some((a) => !a.env.has(key))) keys.includes(key) || keys.push(key);
  const resultCount = Math.max(...arms.map((a) => a.result.results.length));
  const outputs: Value[] = [];
  let ok = true;
  const returnsOf: Value[][] = [[], []];
  for (let r = 0; r < resultCount; r++) {
    const candidates = live.map((a) => a.result.results[r]!).filter((v) => v !== undefined);
    const type = joinAll(candidates.map((v) => v.type));
    if (!type) {
      fc.report("typeMismatch", mergeAt, ["the result", describeType(candidates[0]!.type), describeType(candidates[1]!.type)]);
      ok = false;
      continue;
    }
    arms.forEach((a, i) => {
      const v = a.result.results[r];
      returnsOf[i]!.push(v ?? placeholder(fc, blocks[i]!, type, at, a.result.raised === true)!);
    });
    outputs.push(ifNode.addOutput(type));
  }
  for (const key of keys) {
    const values = arms.map((a) => (a.result.raised ? before.get(key) : a.env.get(key)));
    if (values.some((v) => v === undefined) || !before.has(key)) {
      fc.poisoned.add(key);
      fc.env.delete(key);
      continue;
    }
    const liveValues = live.map((a) => a.env.get(key)!);
    const type = joinAll((liveValues.length > 0 ? liveValues : values).map((v) => v!.type));
    if (!type) {
      fc.report("typeMismatch", mergeAt, [fc.keyName(key), describeType(liveValues[0]!.type), describeType(liveValues[1]!.type)]);
      fc.poisoned.add(key);
      fc.env.delete(key);
      continue;
    }
    const joinedOk = values.every((v) => joinTypes(v!.type, type) !== undefined);
    if (!joinedOk) continue;
    values.forEach((v, i) => returnsOf[i]!.push(v!));
    const out = ifNode.addOutput(type, fc.keyName(key));
    fc.env.set(key, out);
  }
  blocks.forEach((b, i) => returnsOf[i]!.forEach((v) => b.addReturn(v)));
  for (const k of poisonedBefore) fc.poisoned.add(k);
  return ok ? outputs : undefined;
}

function joinAll(types: readonly IRType[]): IRType | undefined {
  let acc: IRType | undefined = types[0];
  for (const t of types.slice(1)) acc = acc && joinTypes(acc, t);
  return acc;
}

/** A value of `type` for an arm that raised (never read): a constant where one exists. */
function placeholder(fc: FunctionCompiler, block: import("../../runtime/ir/Graph.js").Block, type: IRType, at: ts.Node, raised: boolean): Value | undefined {
  return fc.inBlock(block, () => {
    switch (type.kind) {
      case "int":
      case "float":
        return fc.constant(0, type, at);
      case "bool":
        return fc.constant(false, type, at);
      case "str":
        return fc.constant("", type, at);
      case "None":
      case "Optional":
        return fc.constant(null, type.kind === "None" ? type : { kind: "None" }, at);
      default:
        // An arm that fell through without returning is a missingReturn (reported on the same node, so once).
        if (raised) fc.report("throwInReturningBranch", at);
        else fc.report("missingReturn", at, [fc.declaration.name?.getText() ?? "this function"]);
        return fc.constant(null, { kind: "None" }, at);
    }
  });
}

export function emitConditional(fc: FunctionCompiler, node: ts.ConditionalExpression): Value | undefined {
  const { value: cond, refine } = emitCondition(fc, node.condition);
  if (!cond) return undefined;
  let failed = false;
  const arm = (e: ts.Expression, keys: Key[]) => () => {
    applyRefinements(fc, keys, e);
    const v = emitExpression(fc, e);
    if (!v) failed = true;
    return { results: v ? [v] : [] };
  };
  const outputs = emitIf(fc, cond, node, arm(node.whenTrue, refine.whenTrue), arm(node.whenFalse, refine.whenFalse));
  restoreRefined(fc, [...refine.whenTrue, ...refine.whenFalse]);
  return failed || !outputs ? undefined : outputs[0];
}

/** After an If whose arms only refined (never assigned) `keys`, nothing to undo: emitIf merged them; see Note [Refinement]. */
function restoreRefined(_fc: FunctionCompiler, _keys: readonly Key[]): void {}

/** `a && b`, `a || b` on booleans, with JavaScript's short-circuit (b runs only when needed). */
export function emitLogical(fc: FunctionCompiler, node: ts.BinaryExpression): Value | undefined {
  const isAnd = node.operatorToken.kind === fc.ts.SyntaxKind.AmpersandAmpersandToken;
  const { value: left, refine } = emitCondition(fc, node.left);
  if (!left) return undefined;
  let failed = false;
  const evalRight = () => {
    applyRefinements(fc, isAnd ? refine.whenTrue : refine.whenFalse, node.right);
    const right = emitExpression(fc, node.right);
    const b = right && toBool(fc, right, node.right);
    if (!b) failed = true;
    return { results: b ? [b] : [] };
  };
  const shortCircuit = () => ({ results: [fc.constant(!isAnd, BoolType, node)] });
  const outputs = emitIf(fc, left, node, isAnd ? evalRight : shortCircuit, isAnd ? shortCircuit : evalRight);
  return failed || !outputs ? undefined : outputs[0];
}

export interface LoopSpec {
  readonly node: ts.Node;
  readonly maxTrip: Value;
  readonly initialCondition: Value;
  /** Keys carried through the loop (they must be in the environment now). */
  readonly carried: readonly Key[];
  /** Emits the body (given the iteration number) and returns the condition for the next iteration. */
  readonly body: (iteration: Value) => Value | undefined;
}

/** See Note [Loop-carried types]. */
export function emitLoop(fc: FunctionCompiler, spec: LoopSpec): void {
  const carried = spec.carried.filter((k) => fc.env.has(k));
  let types = carried.map((k) => fc.env.get(k)!.type);
  for (let round = 0; round < 4; round++) {
    const mark = fc.pc.diagnostics.length;
    const before = new Map(fc.env);
    const poisonedBefore = new Set(fc.poisoned);
    const loop: Node = fc.append("prim::Loop", [spec.maxTrip, spec.initialCondition, ...carried.map((k) => before.get(k)!)], spec.node);
    const body = loop.addBlock();
    const iteration = body.addParam(IntType, "i");
    carried.forEach((k, i) => fc.env.set(k, body.addParam(types[i]!, fc.keyName(k))));
    const next = fc.inBlock(body, () => spec.body(iteration));
    const returned = carried.map((k) => fc.env.get(k));
    const widened = returned.map((v, i) => (v ? joinTypes(types[i]!, v.type) : types[i]));
    const bad = widened.findIndex((t) => t === undefined);
    const changed = widened.some((t, i) => t !== undefined && JSON.stringify(t) !== JSON.stringify(types[i]));
    if (bad < 0 && changed && round < 3) {
      loop.destroy();
      fc.pc.diagnostics.length = mark;
      fc.env = before;
      fc.poisoned.clear();
      for (const k of poisonedBefore) fc.poisoned.add(k);
      types = widened as IRType[];
      continue;
    }
    if (bad >= 0) fc.report("typeMismatch", spec.node, [fc.keyName(carried[bad]!), describeType(types[bad]!), describeType(returned[bad]!.type)]);
    const cond = next ?? fc.inBlock(body, () => fc.constant(false, BoolType, spec.node));
    body.addReturn(cond);
    carried.forEach((_k, i) => body.addReturn(returned[i] ?? body.params[i + 1]!));
    fc.env = before;
    carried.forEach((k, i) => fc.env.set(k, loop.addOutput(types[i]!, fc.keyName(k))));
    return;
  }
}
