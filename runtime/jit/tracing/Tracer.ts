/**
 * The recording half of `trace`: an OpObserver and a TensorObserver that turn the
 * ops user code runs into graph nodes.
 *
 * Note [Tracing frames]: each graph being recorded has a Frame: the graph, the
 * module whose method it is (null for a function), and the map from Tensor objects
 * to the Values that hold them in that graph. A call into a submodule pushes a new
 * frame for the submodule's own `forward` graph; its Values never leak into the
 * caller's graph (the caller sees one `prim::CallMethod` node and its outputs).
 *
 * Note [Recorded sizes]: a shape entry that user code reads (`x.shape[1]`,
 * `x.size(1)`, `const [B, T] = x.size()`) is remembered as a candidate (Value, dim,
 * size). When a later op receives an integer equal to the size of exactly one
 * candidate, the tracer records `aten::size.int(%x, dim)` for it instead of a
 * constant, so the graph follows that dimension. An integer cannot say whether it
 * came from a read or from a literal (`x.transpose(1, 2)` traced at batch 1), so
 * only arguments that take sizes are matched: `int`/`int[]` arguments named as sizes
 * (`size`, `shape`, `sizes`, `split_size`, `output_size`, `normalized_shape`,
 * `start`, `end`, `length`), and `Scalar` arguments other than 0 and 1 (`x + 1`
 * traced at batch 1 must stay `x + 1`). Also never matched (they stay constants):
 * values equal to the argument's schema default, reads of parameters and buffers,
 * reads made by tsjit's own code, and values equal to several different candidates.
 * Arithmetic on sizes (`x.size(0) * 2`) is not seen: its result is a constant.
 */
import { fail } from "../../errors.js";
import type { Block, Graph, Node, SourceRange, Value } from "../../ir/Graph.js";
import { nodeKindOf } from "../../ir/opKinds.js";
import {
  BoolType,
  FloatType,
  fromSchemaType,
  IntType,
  listOf,
  moduleType,
  NoneType,
  ScalarTypeType,
  StrType,
  TensorType,
  tupleOf,
  type IRType,
} from "../../ir/types.js";
import { Module } from "../../nn/Module.js";
import { Parameter } from "../../nn/Parameter.js";
import { opDepth, type OpObserver } from "../../ops/dispatch.js";
import type { OpDef } from "../../ops/registry.js";
import type { SchemaArgument, SchemaType } from "../../ops/schema.js";
import { isDType } from "../../tensor/dtype.js";
import { Tensor, type TensorObserver } from "../../tensor/Tensor.js";
import { checkInputs } from "../executor/signature.js";
import type { ScriptFunction } from "../ScriptFunction.js";
import { ScriptModule } from "../ScriptModule.js";
import type { CallRecorder, CompiledCall } from "./activeRecorder.js";
import { emitTracerWarning, tracerWarningMessage } from "../TracerWarning.js";
import { calledFromUserCode, formatSourceRange, userSourceRange } from "./sourceLocation.js";

interface SizeRead {
  readonly value: Value;
  readonly dim: number;
  readonly size: number;
}

/** See Note [Tracing frames]. */
export interface Frame {
  readonly graph: Graph;
  readonly module: Module | null;
  readonly self: Value | null;
  readonly values: Map<Tensor, Value>;
  /** GetAttr results by dotted path from `%self`, so each attribute is read once per graph. */
  readonly attrs: Map<string, Value>;
  /** Parameters and buffers reachable from `module`, by dotted name. */
  readonly stateNames: Map<Tensor, string>;
  /** Modules reachable from `module`, by dotted name ("" for the module itself). */
  readonly moduleNames: Map<Module, string>;
  readonly modulesByPath: Map<string, Module>;
  /** See Note [Recorded sizes]; keyed by `${value.id}:${dim}`. */
  readonly sizeReads: Map<string, SizeRead>;
}

/** `int`/`int[]` arguments that take sizes: the only ones whose integers may be recorded sizes. */
const SIZE_ARGUMENTS = new Set(["size", "shape", "sizes", "split_size", "output_size", "normalized_shape", "start", "end", "length"]);

/** Whether an integer passed as `argument` may stand for a size read (see Note [Recorded sizes]). */
function maySizeArgument(argument: SchemaArgument, value: number): boolean {
  let type = argument.type;
  if (type.kind === "Optional") type = type.inner;
  if (type.kind === "Scalar") return value !== 0 && value !== 1;
  return SIZE_ARGUMENTS.has(argument.name);
}

export function classNameOf(module: Module): string {
  return module instanceof ScriptModule ? module.className : module.constructor.name;
}

export class Tracer implements OpObserver, TensorObserver, CallRecorder {
  readonly frames: Frame[] = [];
  /** Scripted functions the trace calls (Note [Trace calls script]), by name. */
  readonly calledFunctions = new Map<string, ScriptFunction>();
  /** While > 0, nothing is recorded (a constant being cloned, a submodule's repeated call). */
  muted = 0;
  readonly #warnedSites = new Set<string>();

  get recording(): boolean {
    return this.muted === 0 && this.frames.length > 0;
  }

  current(): Frame {
    const frame = this.frames[this.frames.length - 1];
    if (!frame) fail("INVALID_ARGUMENT", "trace(): internal error: no graph is being recorded");
    return frame;
  }

  newFrame(graph: Graph, module: Module | null, self: Value | null): Frame {
    const stateNames = new Map<Tensor, string>();
    const moduleNames = new Map<Module, string>();
    const modulesByPath = new Map<string, Module>();
    if (module) {
      for (const [name, p] of module.namedParameters()) stateNames.set(p, name);
      for (const [name, b] of module.namedBuffers()) if (!stateNames.has(b)) stateNames.set(b, name);
      for (const [name, m] of module.namedModules()) {
        moduleNames.set(m, name);
        modulesByPath.set(name, m);
      }
    }
    const attrs = new Map<string, Value>();
    if (self) attrs.set("", self);
    return { graph, module, self, values: new Map(), attrs, stateNames, moduleNames, modulesByPath, sizeReads: new Map() };
  }

  mute<T>(f: () => T): T {
    this.muted++;
    try {
      return f();
    } finally {
      this.muted--;
    }
  }

  // --- TensorObserver -------------------------------------------------------------

  onValueRead(_tensor: Tensor, via: string): void {
    if (!this.recording || opDepth() !== 0) return;
    const site = formatSourceRange(userSourceRange());
    if (this.#warnedSites.has(site)) return;
    this.#warnedSites.add(site);
    emitTracerWarning(tracerWarningMessage(via, site));
  }

  onShapeRead(tensor: Tensor, shape: readonly number[]): readonly number[] {
    if (!this.recording || opDepth() !== 0) return shape;
    const frame = this.current();
    const value = frame.values.get(tensor);
    if (!value || tensor instanceof Parameter || frame.stateNames.has(tensor)) return shape;
    if (!calledFromUserCode()) return shape;
    return new Proxy(shape, {
      get: (target, property, receiver) => {
        const result: unknown = Reflect.get(target, property, receiver);
        if (typeof property === "string" && /^\d+$/.test(property) && typeof result === "number") {
          const dim = Number(property);
          frame.sizeReads.set(`${value.id}:${dim}`, { value, dim, size: result });
        }
        return result;
      },
    });
  }

  // --- OpObserver -----------------------------------------------------------------

  onOp(op: OpDef, args: readonly unknown[], result: unknown): void {
    if (!this.recording) return;
    const frame = this.current();
    const source = userSourceRange();
    const inputs = op.parsed.arguments.map((argument, i) => this.argumentValue(frame, argument, argument.type, args[i], source));
    const node = this.append(frame, nodeKindOf(op), inputs, source);
    const returns = op.parsed.returns;
    if (returns.length === 1 && returns[0]!.type.kind === "List") {
      const type = fromSchemaType(returns[0]!.type);
      const list = node.addOutput(type);
      if (Array.isArray(result)) {
        const element = type.kind === "List" ? type.element : TensorType;
        const unpack = this.append(frame, "prim::ListUnpack", [list], source);
        for (const item of result) this.bindResult(frame, item, unpack.addOutput(element));
      }
    } else if (returns.length === 1) {
      this.bindResult(frame, result, node.addOutput(fromSchemaType(returns[0]!.type)));
    } else {
      const items = Array.isArray(result) ? result : [];
      returns.forEach((r, i) => this.bindResult(frame, items[i], node.addOutput(fromSchemaType(r.type))));
    }
  }

  // --- Calls into compiled graphs (Note [Trace calls script]) ------------------

  recordCall(call: CompiledCall): unknown {
    const frame = this.current();
    const source = userSourceRange();
    const inputs: Value[] = [];
    let graph: Graph;
    let name: string;
    let what: string;
    if (call.kind === "function") {
      graph = call.fn.graph;
      name = call.fn.name;
      what = `function ${name}`;
      const known = this.calledFunctions.get(name);
      if (known !== undefined && known !== call.fn) fail("INVALID_ARGUMENT", `trace(): two different scripted functions named "${name}" are called; give them distinct names`);
    } else {
      const method = call.module.methods.get(call.name);
      if (!method) return this.mute(() => call.module.runMethod(call.name, call.args));
      graph = method;
      name = call.name;
      what = `${call.module.className}.${name}`;
      const path = frame.moduleNames.get(call.module);
      if (path === undefined || path === "") {
        fail(
          "INVALID_ARGUMENT",
          `trace(): ${what} is a method of a ScriptModule that is not a submodule of the module being traced, so the trace cannot call it; make it a submodule (a field of the traced module)`,
        );
      }
      inputs.push(this.attributePath(frame, path, undefined, source));
    }
    const skip = call.kind === "function" ? 0 : 1;
    const checked = checkInputs(call.kind === "function" ? "ScriptFunction" : `ScriptModule ${call.module.className}`, name, graph, skip, call.args);
    const result = this.mute(() => (call.kind === "function" ? call.fn.call(...checked) : call.module.runMethod(call.name, checked)));
    graph.inputs.slice(skip).forEach((param, i) => inputs.push(this.callArgument(frame, checked[i], param.type, source, what)));
    const node = this.append(frame, call.kind === "function" ? "prim::CallFunction" : "prim::CallMethod", inputs, source).setAttribute("name", name);
    const outputs = graph.outputs.map((output) => node.addOutput(output.type));
    const results = outputs.length === 1 ? [result] : (result as unknown[]);
    outputs.forEach((output, i) => {
      const value = results[i];
      if (output.type.kind === "Tuple" && Array.isArray(value)) {
        const unpack = this.append(frame, "prim::TupleUnpack", [output], source);
        output.type.elements.forEach((type, j) => this.bindResult(frame, value[j], unpack.addOutput(type)));
      } else {
        this.bindResult(frame, value, output);
      }
    });
    if (call.kind === "function") this.calledFunctions.set(name, call.fn);
    return result;
  }

  /** An argument of a call into a compiled graph, as a Value of the callee's declared input type. */
  callArgument(frame: Frame, value: unknown, type: IRType, source: SourceRange | undefined, what: string): Value {
    if (value === null || value === undefined) return this.constant(frame, null, NoneType, source);
    switch (type.kind) {
      case "Optional":
        return this.callArgument(frame, value, type.inner, source, what);
      case "Tensor":
        return this.tensorValue(frame, value as Tensor, source);
      case "int":
      case "float":
      case "bool":
      case "str":
      case "ScalarType":
        return this.constant(frame, value as number | boolean | string, type, source);
      case "List":
        if (type.element.kind === "int" || type.element.kind === "float") return this.constant(frame, [...(value as number[])], type, source);
        return this.append(frame, "prim::ListConstruct", (value as unknown[]).map((item) => this.callArgument(frame, item, type.element, source, what)), source).addOutput(type);
      case "Tuple":
        return this.append(frame, "prim::TupleConstruct", (value as unknown[]).map((item, i) => this.callArgument(frame, item, type.elements[i]!, source, what)), source).addOutput(type);
      default:
        fail("ARGUMENT_TYPE", `trace(): cannot pass ${describeResult(value)} to ${what} (declared ${type.kind})`);
    }
  }

  // --- Values ---------------------------------------------------------------------

  append(frame: Frame, kind: string, inputs: readonly Value[], source: SourceRange | undefined, block: Block = frame.graph.block): Node {
    return block.appendNode(frame.graph.createNode(kind, inputs, source));
  }

  bindResult(frame: Frame, result: unknown, value: Value): void {
    if (result instanceof Tensor) frame.values.set(result, value);
  }

  /**
   * The Value for a tensor in `frame`'s graph: the one recorded for it; else a
   * GetAttr chain when it is a parameter or buffer of the frame's module; else a
   * tensor constant (a copy, so later changes to the tensor do not leak in).
   */
  tensorValue(frame: Frame, tensor: Tensor, source: SourceRange | undefined): Value {
    const known = frame.values.get(tensor);
    if (known) return known;
    let value: Value;
    const name = frame.stateNames.get(tensor);
    if (name !== undefined) {
      value = this.attributePath(frame, name, TensorType, source);
    } else {
      const copy = this.mute(() => tensor.clone());
      const ref = frame.graph.addTensorConstant(copy);
      const node = this.append(frame, "prim::Constant", [], source).setAttribute("value", ref);
      value = node.addOutput(TensorType);
    }
    frame.values.set(tensor, value);
    return value;
  }

  /** `prim::GetAttr` nodes from `%self` down the dotted `path`, each prefix read once. */
  attributePath(frame: Frame, path: string, leafType: IRType | undefined, source: SourceRange | undefined): Value {
    const cached = frame.attrs.get(path);
    if (cached) return cached;
    if (!frame.self) fail("INVALID_ARGUMENT", `trace(): internal error: attribute '${path}' read in a graph without %self`);
    const parts = path.split(".");
    let current = frame.self;
    let prefix = "";
    parts.forEach((part, i) => {
      prefix = prefix ? `${prefix}.${part}` : part;
      const existing = frame.attrs.get(prefix);
      if (existing) {
        current = existing;
        return;
      }
      const module = frame.modulesByPath.get(prefix);
      const type = module ? moduleType(classNameOf(module)) : i === parts.length - 1 && leafType ? leafType : TensorType;
      const node = this.append(frame, "prim::GetAttr", [current], source).setAttribute("name", part);
      current = node.addOutput(type, part);
      frame.attrs.set(prefix, current);
    });
    return current;
  }

  constant(frame: Frame, value: number | boolean | string | null | readonly number[], type: IRType, source: SourceRange | undefined): Value {
    const node = this.append(frame, "prim::Constant", [], source).setAttribute("value", value);
    return node.addOutput(type);
  }

  /** One bound argument of an op as a Value (see the schema-order rule in Note [Node kinds]). */
  argumentValue(frame: Frame, argument: SchemaArgument, type: SchemaType, value: unknown, source: SourceRange | undefined): Value {
    if (value === null || value === undefined) return this.constant(frame, null, NoneType, source);
    switch (type.kind) {
      case "Optional":
        return this.argumentValue(frame, argument, type.inner, value, source);
      case "Tensor":
        return this.tensorValue(frame, value as Tensor, source);
      case "List":
        return this.listValue(frame, argument, type, value, source);
      case "int":
        return this.intValue(frame, argument, value as number, source);
      case "Scalar":
        if (typeof value === "boolean") return this.constant(frame, value, BoolType, source);
        return Number.isInteger(value) ? this.intValue(frame, argument, value as number, source) : this.constant(frame, value as number, FloatType, source);
      case "float":
        return this.constant(frame, value as number, FloatType, source);
      case "bool":
        return this.constant(frame, value as boolean, BoolType, source);
      case "str":
        return this.constant(frame, value as string, StrType, source);
      case "ScalarType":
        if (!isDType(value)) fail("ARGUMENT_TYPE", `trace(): argument '${argument.name}' is not a dtype: ${String(value)}`);
        return this.constant(frame, value, ScalarTypeType, source);
    }
  }

  listValue(frame: Frame, argument: SchemaArgument, type: Extract<SchemaType, { kind: "List" }>, value: unknown, source: SourceRange | undefined): Value {
    const items = value as readonly unknown[];
    const element = type.element.kind === "Optional" ? type.element.inner : type.element;
    if (element.kind === "Tensor") {
      const values = items.map((item) => this.tensorValue(frame, item as Tensor, source));
      return this.append(frame, "prim::ListConstruct", values, source).addOutput(listOf(TensorType));
    }
    if (element.kind === "int") {
      const ints = items as readonly number[];
      const isDefault = Array.isArray(argument.default) && sameNumbers(argument.default, ints);
      const sizes = ints.map((v) => (isDefault ? undefined : this.recordedSize(frame, argument, v, source)));
      if (sizes.some((s) => s !== undefined)) {
        const values = ints.map((v, i) => sizes[i] ?? this.constant(frame, v, IntType, source));
        return this.append(frame, "prim::ListConstruct", values, source).addOutput(listOf(IntType));
      }
      return this.constant(frame, [...ints], listOf(IntType), source);
    }
    if (element.kind === "float" || element.kind === "Scalar") {
      return this.constant(frame, [...(items as readonly number[])], listOf(FloatType), source);
    }
    const values = items.map((item) => this.argumentValue(frame, argument, element, item, source));
    const itemType = fromSchemaType(element);
    return this.append(frame, "prim::ListConstruct", values, source).addOutput(listOf(itemType));
  }

  intValue(frame: Frame, argument: SchemaArgument, value: number, source: SourceRange | undefined): Value {
    const isDefault = argument.default === value;
    return (isDefault ? undefined : this.recordedSize(frame, argument, value, source)) ?? this.constant(frame, value, IntType, source);
  }

  /** `aten::size.int(%x, dim)` when `value` is the size of exactly one candidate read (Note [Recorded sizes]). */
  recordedSize(frame: Frame, argument: SchemaArgument, value: number, source: SourceRange | undefined): Value | undefined {
    if (!Number.isInteger(value) || !maySizeArgument(argument, value)) return undefined;
    let match: SizeRead | undefined;
    for (const read of frame.sizeReads.values()) {
      if (read.size !== value) continue;
      if (match) return undefined;
      match = read;
    }
    if (!match) return undefined;
    const dim = this.constant(frame, match.dim, IntType, source);
    return this.append(frame, "aten::size.int", [match.value, dim], source).addOutput(IntType);
  }

  /** The graph's output(s) from what the traced code returned: a Tensor, or an array of Tensors (a tuple). */
  registerOutputs(frame: Frame, result: unknown, what: string): void {
    const source = userSourceRange();
    frame.graph.registerOutput(this.outputValue(frame, result, what, source));
  }

  outputValue(frame: Frame, result: unknown, what: string, source: SourceRange | undefined): Value {
    if (result instanceof Tensor) return this.tensorValue(frame, result, source);
    if (Array.isArray(result) && result.every((item) => item instanceof Tensor)) {
      const values = result.map((item: Tensor) => this.tensorValue(frame, item, source));
      return this.append(frame, "prim::TupleConstruct", values, source).addOutput(tupleOf(values.map(() => TensorType)));
    }
    fail("ARGUMENT_TYPE", `trace(): ${what} returned ${describeResult(result)}; a traced function or module must return a Tensor or an array of Tensors`);
  }
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

export function describeResult(value: unknown): string {
  if (value instanceof Tensor) return "a Tensor";
  if (Array.isArray(value)) return `an array of [${value.map(describeResult).join(", ")}]`;
  if (value === null) return "null";
  if (value instanceof Module) return `a module (${value.constructor.name})`;
  return typeof value === "object" ? "an object" : `a ${typeof value} (${String(value)})`;
}

