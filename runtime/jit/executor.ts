/**
 * The graph executor (DESIGN §4): `compileGraph` turns a Graph into a Plan once,
 * `runPlan` runs it many times.
 *
 * A Plan is a flat array of instructions over numbered registers, one register per
 * IR Value. Compiling does everything that does not depend on the inputs:
 * constants are hoisted into a register template, op nodes are resolved to their
 * registry entry (`opOfKind`), and structured control flow becomes jumps:
 *
 *   prim::If(%c)                       JUMP_IF_FALSE %c -> else
 *     block0(): ... -> (%a)            <then nodes>; MOVE %a -> %out; JUMP end
 *     block1(): ... -> (%b)      =>    else: <else nodes>; MOVE %b -> %out
 *                                      end:
 *
 *   %o = prim::Loop(%max, %cond0, %x0) MOVE %x0 -> %x; MOVE %cond0 -> %cond; %i = 0
 *     block0(%i, %x):                  head: LOOP_TEST (%i < %max && %cond) else -> exit
 *       ... -> (%c, %y)          =>    <body nodes>; MOVE (%c, %y) -> (%cond, %x); %i += 1; JUMP head
 *                                      exit: MOVE %x -> %o
 *
 * Each run takes a fresh copy of the register template, so plans are re-entrant
 * (a method may call itself through CallMethod/CallFunction).
 *
 * Note [Executor arena]: a plan also knows where each register dies (executor/arena.ts,
 * liveness over the jumps, so inside If branches and Loop bodies too); its kernel ops
 * then write into storage recycled from earlier ops and runs, and only the graph's
 * outputs are new allocations in a steady state. A register dies after an
 * instruction, or on the edge a branch takes when only the other way needed it.
 * A run checks the plan's arena (and its pool) out while it runs; a re-entrant run of
 * the same plan finds none and starts an empty one.
 *
 * Ops run through `runOp` on the bound arguments in schema order (an op node's
 * inputs are exactly those, Note [Node kinds]), never through `callOp`: no
 * re-binding, and eager-dispatch observers (the tracer) do not see them.
 *
 * Note [Runtime errors name the node]: any error thrown by an instruction is
 * rethrown as a GRAPH_RUNTIME TsjitError: the original message, then the failing
 * node as IR text with its TypeScript `file:line:col`; `cause` is the original
 * error. An error coming out of a called method is already in that form; the
 * caller adds a "called from" line, so the message reads as a traceback.
 */
import { fail, TsjitError } from "../errors.js";
import { Node, type Block, type Graph, type Value } from "../ir/Graph.js";
import { isOpKind, opOfKind } from "../ir/opKinds.js";
import { formatNodeLine } from "../ir/printer.js";
import { runOp } from "../ops/dispatch.js";
import type { OpDef } from "../ops/registry.js";
import type { TypedArray } from "../tensor/dtype.js";
import { Tensor } from "../tensor/Tensor.js";
import { releasesOf, RunArena, StoragePool, type RegisterUse, type Releases } from "./executor/arena.js";
import { RememberedMetas } from "./executor/rememberedMetas.js";
import { isReplayableOp, PlanReplays, replaysEnabled } from "./executor/replay.js";
import { RememberedView, remembersViews } from "./executor/rememberedViews.js";

/** What GetAttr and CallMethod need of a module value (ScriptModule implements it). */
export interface ModuleValue {
  getAttr(name: string): unknown;
  /** Runs method `name` and returns its graph's outputs as a list. */
  runMethodOutputs(name: string, inputs: readonly unknown[]): unknown[];
}

/** What CallFunction needs of a function (ScriptFunction implements it). */
export interface FunctionValue {
  callOutputs(inputs: readonly unknown[]): unknown[];
}

/** Where a run finds the functions `prim::CallFunction[name=...]` refers to. */
export interface RunContext {
  readonly functions?: ReadonlyMap<string, FunctionValue>;
}

type Instruction =
  /** transientOuts: the outputs that are lists only read (Note [Transient lists]). */
  /**
   * metas: for an op that infers from metas alone, its last infer (Note [Remembered metas]);
   * views: for a view or composite op on a tensor, the layouts of its last views (Note [Remembered views]).
   */
  | {
      readonly code: "op";
      readonly node: Node;
      readonly op: OpDef;
      readonly args: readonly number[];
      readonly outs: readonly number[];
      readonly transientOuts: readonly boolean[];
      readonly metas: RememberedMetas | null;
      readonly views: RememberedView | null;
    }
  | { readonly code: "getattr"; readonly node: Node; readonly module: number; readonly name: string; readonly out: number }
  | { readonly code: "callMethod"; readonly node: Node; readonly module: number; readonly name: string; readonly args: readonly number[]; readonly outs: readonly number[] }
  | { readonly code: "callFunction"; readonly node: Node; readonly name: string; readonly args: readonly number[]; readonly outs: readonly number[] }
  /** transient: a list only an op reads, without writing to it (Note [Transient lists]). */
  | { readonly code: "construct"; readonly node: Node; readonly args: readonly number[]; readonly out: number; readonly transient: boolean }
  | { readonly code: "unpack"; readonly node: Node; readonly input: number; readonly outs: readonly number[] }
  | { readonly code: "raise"; readonly node: Node; readonly message: number }
  | { readonly code: "print"; readonly node: Node; readonly args: readonly number[] }
  /** A parallel copy: every source is read before any destination is written. */
  | { readonly code: "move"; readonly node: Node; readonly from: readonly number[]; readonly to: readonly number[] }
  | { readonly code: "jumpIfFalse"; readonly node: Node; readonly cond: number; target: number }
  | { readonly code: "jump"; readonly node: Node; target: number }
  | { readonly code: "loopInit"; readonly node: Node; readonly counter: number }
  | { readonly code: "loopTest"; readonly node: Node; readonly counter: number; readonly max: number; readonly cond: number; target: number }
  | { readonly code: "loopNext"; readonly node: Node; readonly counter: number; readonly target: number };

export interface Plan {
  readonly graph: Graph;
  readonly instructions: readonly Instruction[];
  /** Initial register contents: hoisted constants, undefined elsewhere. */
  readonly registers: readonly unknown[];
  /** The IR value each register holds (undefined for a loop's condition register). */
  readonly values: readonly (Value | undefined)[];
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  /** Where registers die (Note [Executor arena]); null when compiled without memory planning. */
  readonly releases: Releases | null;
  /** The arena (and its storage pool) between runs; undefined while a run has it checked out. */
  idleArena: RunArena | undefined;
  /** Recorded runs to replay (Note [Replayed plans]); undefined for a plan that cannot be replayed. */
  readonly replays: PlanReplays | undefined;
}

export interface CompileOptions {
  /** Recycle intermediate storage (Note [Executor arena]); default true. Off, every op allocates as eagerly. */
  readonly memoryPlanning?: boolean;
  /** Replay recorded runs (Note [Replayed plans]); default true unless TSJIT_REPLAY=0 is set. Needs memory planning. */
  readonly replay?: boolean;
}

/** Compiles `graph` into a Plan. Unknown op kinds and unsupported prims are errors here, not at run time. */
export function compileGraph(graph: Graph, options: CompileOptions = {}): Plan {
  const compiler = new Compiler(graph);
  const inputs = graph.inputs.map((v) => compiler.reg(v));
  compiler.block(graph.block);
  const outputs = graph.outputs.map((v) => compiler.reg(v));
  const releases = options.memoryPlanning === false ? null : releasesOf(compiler.code.map(registerUse), outputs);
  const replays = releases && (options.replay ?? replaysEnabled()) && isReplayablePlan(compiler.code) ? new PlanReplays(constantStorages(compiler.registers)) : undefined;
  return {
    graph,
    instructions: compiler.code,
    registers: compiler.registers,
    values: compiler.values,
    inputs,
    outputs,
    releases,
    idleArena: releases ? new RunArena(new StoragePool()) : undefined,
    replays,
  };
}

/** The instructions a replay can stand for: all but those that read a module, call out or print (Note [Replayed plans]). */
const REPLAYABLE_CODES: ReadonlySet<Instruction["code"]> = new Set(["construct", "unpack", "move", "jumpIfFalse", "jump", "loopInit", "loopTest", "loopNext", "raise"]);

function isReplayablePlan(code: readonly Instruction[]): boolean {
  return code.every((ins) => REPLAYABLE_CODES.has(ins.code) || (ins.code === "op" && isReplayableOp(ins.op, ins.node.kind)));
}

/** The storages of the tensors among hoisted constants (lists of them included). */
function constantStorages(registers: readonly unknown[]): Set<TypedArray> {
  const storages = new Set<TypedArray>();
  const add = (value: unknown): void => {
    if (value instanceof Tensor) storages.add(value.storage);
    else if (Array.isArray(value)) value.forEach(add);
  };
  registers.forEach(add);
  return storages;
}

function registerUse(ins: Instruction, pc: number): RegisterUse {
  const next = [pc + 1];
  switch (ins.code) {
    case "op":
    case "callFunction":
      return { reads: ins.args, writes: ins.outs, successors: next };
    case "getattr":
      return { reads: [ins.module], writes: [ins.out], successors: next };
    case "callMethod":
      return { reads: [ins.module, ...ins.args], writes: ins.outs, successors: next };
    case "construct":
      return { reads: ins.args, writes: [ins.out], successors: next };
    case "unpack":
      return { reads: [ins.input], writes: ins.outs, successors: next };
    case "raise":
      return { reads: [ins.message], writes: [], successors: [] };
    case "print":
      return { reads: ins.args, writes: [], successors: next };
    case "move":
      return { reads: ins.from, writes: ins.to, successors: next };
    case "jumpIfFalse":
      return { reads: [ins.cond], writes: [], successors: [pc + 1, ins.target] };
    case "jump":
      return { reads: [], writes: [], successors: [ins.target] };
    case "loopInit":
      return { reads: [], writes: [ins.counter], successors: next };
    case "loopTest":
      return { reads: [ins.counter, ins.max, ins.cond], writes: [], successors: [pc + 1, ins.target] };
    case "loopNext":
      return { reads: [ins.counter], writes: [ins.counter], successors: [ins.target] };
  }
}

class Compiler {
  readonly code: Instruction[] = [];
  readonly registers: unknown[] = [];
  readonly values: (Value | undefined)[] = [];
  readonly #slots = new Map<Value, number>();

  constructor(readonly graph: Graph) {}

  reg(value: Value): number {
    let slot = this.#slots.get(value);
    if (slot === undefined) {
      slot = this.registers.length;
      this.registers.push(undefined);
      this.values.push(value);
      this.#slots.set(value, slot);
    }
    return slot;
  }

  regs(values: readonly Value[]): number[] {
    return values.map((v) => this.reg(v));
  }

  block(block: Block): void {
    for (const node of block.nodes) this.node(node);
  }

  node(node: Node): void {
    const outs = this.regs(node.outputs);
    const args = this.regs(node.inputs);
    if (isOpKind(node.kind)) {
      let op: OpDef;
      try {
        op = opOfKind(node.kind);
      } catch (error) {
        throw nodeError(error, node, "compile");
      }
      const metas = op.kind === "kernel" && op.infersFromMetas ? new RememberedMetas(op) : null;
      const views = remembersViews(op) ? new RememberedView() : null;
      this.code.push({ code: "op", node, op, args, outs, transientOuts: node.outputs.map(isOnlyRead), metas, views });
      return;
    }
    switch (node.kind) {
      case "prim::Constant":
        this.registers[outs[0]!] = this.constant(node);
        return;
      case "prim::GetAttr":
        this.code.push({ code: "getattr", node, module: args[0]!, name: stringAttribute(node, "name"), out: outs[0]! });
        return;
      case "prim::CallMethod":
        this.code.push({ code: "callMethod", node, module: args[0]!, name: stringAttribute(node, "name"), args: args.slice(1), outs });
        return;
      case "prim::CallFunction":
        this.code.push({ code: "callFunction", node, name: stringAttribute(node, "name"), args, outs });
        return;
      case "prim::ListConstruct":
      case "prim::TupleConstruct":
        this.code.push({ code: "construct", node, args, out: outs[0]!, transient: isTransientList(node) });
        return;
      case "prim::ListUnpack":
      case "prim::TupleUnpack":
        this.code.push({ code: "unpack", node, input: args[0]!, outs });
        return;
      case "prim::RaiseException":
        this.code.push({ code: "raise", node, message: args[0]! });
        return;
      case "prim::Print":
        this.code.push({ code: "print", node, args });
        return;
      case "prim::If":
        this.ifNode(node, args, outs);
        return;
      case "prim::Loop":
        this.loopNode(node, args, outs);
        return;
    }
    throw nodeError(new TsjitError("UNKNOWN_OP", `the executor does not support '${node.kind}'`), node, "compile");
  }

  constant(node: Node): unknown {
    if (!node.attributes.has("value")) return null;
    const value = node.attribute("value");
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      const name = (value as { tensor: string }).tensor;
      const tensor = this.graph.constants.get(name);
      if (!tensor) throw nodeError(new TsjitError("INVALID_ARGUMENT", `tensor constant '${name}' is not in the graph's constants`), node, "compile");
      return tensor;
    }
    return Array.isArray(value) ? Object.freeze([...(value as number[])]) : value;
  }

  ifNode(node: Node, args: number[], outs: number[]): void {
    const [thenBlock, elseBlock] = node.blocks;
    if (!thenBlock || !elseBlock || node.blocks.length !== 2) {
      throw nodeError(new TsjitError("INVALID_ARGUMENT", `prim::If needs 2 blocks, has ${node.blocks.length}`), node, "compile");
    }
    const branch: Instruction & { code: "jumpIfFalse" } = { code: "jumpIfFalse", node, cond: args[0]!, target: -1 };
    this.code.push(branch);
    this.block(thenBlock);
    this.move(node, this.regs(thenBlock.returns), outs);
    const skipElse: Instruction & { code: "jump" } = { code: "jump", node, target: -1 };
    this.code.push(skipElse);
    branch.target = this.code.length;
    this.block(elseBlock);
    this.move(node, this.regs(elseBlock.returns), outs);
    skipElse.target = this.code.length;
  }

  loopNode(node: Node, args: number[], outs: number[]): void {
    const body = node.blocks[0];
    if (!body || node.blocks.length !== 1 || args.length < 2) {
      throw nodeError(new TsjitError("INVALID_ARGUMENT", "prim::Loop needs (maxTripCount, condition, carried...) and one block"), node, "compile");
    }
    const [max, initialCond, ...initialCarried] = args;
    const [counter, ...carried] = this.regs(body.params);
    const cond = this.registers.length;
    this.registers.push(undefined);
    this.values.push(undefined);
    this.move(node, [initialCond!, ...initialCarried], [cond, ...carried]);
    this.code.push({ code: "loopInit", node, counter: counter! });
    const head = this.code.length;
    const test: Instruction & { code: "loopTest" } = { code: "loopTest", node, counter: counter!, max: max!, cond, target: -1 };
    this.code.push(test);
    this.block(body);
    this.move(node, this.regs(body.returns), [cond, ...carried]);
    this.code.push({ code: "loopNext", node, counter: counter!, target: head });
    test.target = this.code.length;
    this.move(node, carried, outs);
  }

  move(node: Node, from: number[], to: number[]): void {
    if (from.length !== to.length) {
      throw nodeError(new TsjitError("INVALID_ARGUMENT", `a block returns ${from.length} values where ${to.length} are expected`), node, "compile");
    }
    if (from.length > 0) this.code.push({ code: "move", node, from, to });
  }
}

function stringAttribute(node: Node, name: string): string {
  const value = node.attributes.get(name);
  if (typeof value !== "string") throw nodeError(new TsjitError("INVALID_ARGUMENT", `attribute '${name}' must be a string`), node, "compile");
  return value;
}

/**
 * Runs a compiled plan and returns the graph's outputs. For a method graph `self` is
 * the module (the graph's first input) and `inputs` the rest; for a function graph
 * `self` is undefined and `inputs` are all of the graph's inputs.
 */
export function runPlan(plan: Plan, self: ModuleValue | undefined, inputs: readonly unknown[], context: RunContext = {}): unknown[] {
  const skip = self === undefined ? 0 : 1;
  if (inputs.length + skip !== plan.inputs.length) {
    fail("ARGUMENT_COUNT", `graph expects ${plan.inputs.length} inputs, got ${inputs.length + skip}`);
  }
  const replays = plan.replays;
  if (!replays) return runInstructions(plan, self, inputs, context);
  const replayed = replays.replay(self, inputs);
  if (replayed) return replayed;
  return replays.runNormally(self, inputs, plan.idleArena?.pool, () => runInstructions(plan, self, inputs, context));
}

function runInstructions(plan: Plan, self: ModuleValue | undefined, inputs: readonly unknown[], context: RunContext): unknown[] {
  const skip = self === undefined ? 0 : 1;
  const r = plan.registers.slice();
  if (self !== undefined) r[plan.inputs[0]!] = self;
  for (let i = 0; i < inputs.length; i++) r[plan.inputs[i + skip]!] = inputs[i];
  const code = plan.instructions;
  const releases = plan.releases;
  const idle = plan.idleArena;
  plan.idleArena = undefined;
  const arena = releases ? (idle ?? new RunArena(new StoragePool())) : undefined;
  let pc = 0;
  let at = 0;
  try {
    while (pc < code.length) {
      at = pc;
      const ins = code[pc]!;
      pc++;
      switch (ins.code) {
        case "op": {
          const args = gather(r, ins.args);
          const allocate = arena && (ins.op.overwritesOutputs ? arena.allocateUnzeroed : arena.allocate);
          const result = ins.views ? ins.views.resultFor(ins.op, args, allocate) : runOp(ins.op, args, allocate, ins.metas?.metasFor(args));
          storeOutputs(r, ins.outs, result);
          break;
        }
        case "getattr":
          r[ins.out] = moduleValue(r[ins.module], ins.name).getAttr(ins.name);
          break;
        case "callMethod": {
          const result = moduleValue(r[ins.module], ins.name).runMethodOutputs(ins.name, ins.args.map((slot) => r[slot]));
          ins.outs.forEach((slot, i) => (r[slot] = result[i]));
          break;
        }
        case "callFunction": {
          const fn = context.functions?.get(ins.name);
          if (!fn) fail("INVALID_ARGUMENT", `no function named '${ins.name}' is defined (known: ${[...(context.functions?.keys() ?? [])].join(", ") || "none"})`);
          const result = fn.callOutputs(ins.args.map((slot) => r[slot]));
          ins.outs.forEach((slot, i) => (r[slot] = result[i]));
          break;
        }
        case "construct":
          r[ins.out] = ins.args.map((slot) => r[slot]);
          break;
        case "unpack": {
          const items = r[ins.input];
          if (!Array.isArray(items) || items.length !== ins.outs.length) {
            fail("INVALID_ARGUMENT", `expected a list of ${ins.outs.length} values to unpack, got ${Array.isArray(items) ? `${items.length} values` : typeof items}`);
          }
          ins.outs.forEach((slot, i) => (r[slot] = items[i]));
          break;
        }
        case "raise":
          throw new TsjitError("GRAPH_RUNTIME", String(r[ins.message]));
        case "print":
          console.log(...ins.args.map((slot) => r[slot]));
          break;
        case "move": {
          const values = gather(r, ins.from);
          for (let i = 0; i < values.length; i++) {
            const slot = ins.to[i]!;
            const previous = r[slot];
            r[slot] = values[i];
            // Held before the previous value is dropped: a loop may copy a register onto itself.
            arena?.hold(values[i]);
            arena?.drop(previous);
          }
          break;
        }
        case "jumpIfFalse":
          if (!r[ins.cond]) pc = ins.target;
          break;
        case "jump":
          pc = ins.target;
          break;
        case "loopInit":
          r[ins.counter] = 0;
          break;
        case "loopTest":
          if (!((r[ins.counter] as number) < (r[ins.max] as number) && r[ins.cond])) pc = ins.target;
          break;
        case "loopNext":
          r[ins.counter] = (r[ins.counter] as number) + 1;
          pc = ins.target;
          break;
      }
      if (arena) {
        trackRegisters(arena, ins, r);
        release(arena, r, releases!.after[at]!);
        const edges = releases!.onEdge[at]!;
        if (edges.length > 0) release(arena, r, edges[pc === at + 1 ? 0 : 1]!);
      }
    }
  } catch (error) {
    throw nodeError(error, code[at]!.node, "run");
  } finally {
    if (arena) {
      arena.endRun();
      plan.idleArena = arena;
    }
  }
  return plan.outputs.map((slot) => r[slot]);
}

/** After `ins` ran: its results are held, and what it passed to a call escapes. */
function trackRegisters(arena: RunArena, ins: Instruction, r: unknown[]): void {
  switch (ins.code) {
    case "op":
      for (let i = 0; i < ins.outs.length; i++) {
        const value = r[ins.outs[i]!];
        if (ins.transientOuts[i]) arena.holdElements(value as unknown[]);
        else arena.hold(value);
      }
      break;
    case "unpack":
      for (const slot of ins.outs) arena.hold(r[slot]);
      break;
    case "callMethod":
    case "callFunction":
      arena.escape(ins.args.map((slot) => r[slot]));
      break;
    case "construct":
      if (ins.transient) arena.holdElements(r[ins.out] as unknown[]);
      else arena.hold(r[ins.out]);
      break;
  }
}

function release(arena: RunArena, r: unknown[], dying: readonly number[]): void {
  for (const slot of dying) {
    arena.drop(r[slot]);
    r[slot] = undefined;
  }
}

function gather(r: readonly unknown[], slots: readonly number[]): unknown[] {
  const values = new Array<unknown>(slots.length);
  for (let i = 0; i < slots.length; i++) values[i] = r[slots[i]!];
  return values;
}

function storeOutputs(r: unknown[], outs: readonly number[], result: unknown): void {
  if (outs.length === 1) r[outs[0]!] = result;
  else if (outs.length > 1) outs.forEach((slot, i) => (r[slot] = (result as unknown[])[i]));
}

function moduleValue(value: unknown, name: string): ModuleValue {
  const candidate = value as Partial<ModuleValue> | null;
  if (typeof candidate?.getAttr !== "function" || typeof candidate.runMethodOutputs !== "function") {
    fail("INVALID_ARGUMENT", `cannot read '${name}' of a value that is not a ScriptModule (${typeof value})`);
  }
  return candidate as ModuleValue;
}

const wrapped = new WeakSet<Error>();

/** See Note [Runtime errors name the node]. */
function nodeError(error: unknown, node: Node, phase: "compile" | "run"): TsjitError {
  const location = describeNode(node);
  if (error instanceof TsjitError && wrapped.has(error)) {
    const outer = new TsjitError(error.code, `${error.message}\ncalled from:\n  ${location}`);
    outer.cause = error.cause;
    wrapped.add(outer);
    return outer;
  }
  const message = error instanceof Error ? error.message : String(error);
  const code = phase === "run" ? "GRAPH_RUNTIME" : error instanceof TsjitError ? error.code : "INVALID_ARGUMENT";
  const verb = phase === "run" ? "failed" : "cannot be compiled";
  const result = new TsjitError(code, `${message}\nThe failing node ${verb}:\n  ${location}`);
  result.cause = error;
  wrapped.add(result);
  return result;
}

/**
 * Note [Transient lists]: a list passed to an op is a plain array the op reads during
 * the call and does not keep (the registry's ops never hold on to their arguments),
 * and a list `prim::ListUnpack` reads is gone once its elements are in registers
 * (which hold them themselves). So the tensors of a list that is only read so need
 * not escape the arena: they stay live while the list register is, and are released
 * with it. That covers a `prim::ListConstruct` whose one use is an op's argument the
 * schema does not mark written (`(a!)`, as append's list), and an op's list result
 * (chunk, split, unbind) whose uses are all unpacks or such arguments; every other list
 * (returned, passed to a call, written to) escapes as before.
 */
function isTransientList(node: Node): boolean {
  return node.kind === "prim::ListConstruct" && node.outputs[0]!.uses.length === 1 && isOnlyRead(node.outputs[0]!);
}

function isOnlyRead(list: Value): boolean {
  if (list.type.kind !== "List" || list.uses.length === 0) return false;
  return list.uses.every(({ user, index }) => {
    if (!(user instanceof Node)) return false;
    if (user.kind === "prim::ListUnpack") return true;
    if (!isOpKind(user.kind)) return false;
    const argument = opOfKind(user.kind).parsed.arguments[index];
    return argument !== undefined && !argument.alias?.mutable;
  });
}

/** A node as one line of IR text (`%3 : Tensor = aten::matmul(%x, %w) # model.ts:9:15`), named as the graph prints it. */
export function describeNode(node: Node): string {
  return formatNodeLine(node);
}
