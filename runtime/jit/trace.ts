/**
 * `trace`: torch.jit.trace / trace_module for tsjit. Runs eager code once and
 * records every op it calls into a graph (see `tracing/Tracer.ts`).
 */
import { fail } from "../errors.js";
import { Graph } from "../ir/Graph.js";
import { moduleType, TensorType } from "../ir/types.js";
import { Module } from "../nn/Module.js";
import { setOpObserver } from "../ops/dispatch.js";
import { describeValue } from "../ops/bind.js";
import { setTensorObserver, Tensor } from "../tensor/Tensor.js";
import { ScriptFunction } from "./ScriptFunction.js";
import { ScriptModule } from "./ScriptModule.js";
import { mirrorModuleTree } from "./scripting/mirrorModuleTree.js";
import { checkTrace } from "./tracing/checkTrace.js";
import { parameterNames } from "./tracing/parameterNames.js";
import { userSourceRange } from "./tracing/sourceLocation.js";
import { describeResult, Tracer } from "./tracing/Tracer.js";
import { setActiveRecorder } from "./tracing/activeRecorder.js";
import { tupleOf } from "../ir/types.js";

export { TracerWarning } from "./TracerWarning.js";

export interface TraceOptions {
  /**
   * More input sets to check the trace against: for each, the code is traced again
   * and the graphs must print the same (source comments aside), and the first
   * trace run on those inputs must give the eager outputs. Otherwise `trace` throws
   * a TRACING_CHECK error showing the first differing graph line or output element.
   */
  readonly checkInputs?: readonly (readonly unknown[] | Tensor)[];
  /** Relative and absolute tolerance of the output comparison (default 1e-5). */
  readonly checkTolerance?: number;
}

/** A function that takes tensors and returns a tensor or an array of tensors. */
export type TraceableFunction = (...inputs: Tensor[]) => unknown;

/**
 * Traces a module (like PyTorch's `torch.jit.trace` of an `nn.Module`, i.e.
 * `trace_module`) or a function: runs it once on `exampleInputs` and records every
 * op it calls into a graph.
 *
 * - A module gives a {@link ScriptModule} mirroring its tree: the same class names,
 *   parameters (the same Parameter objects), buffers, submodules and plain
 *   number/boolean/string attributes. Parameters and buffers are read with
 *   `prim::GetAttr` from `%self`; a call `this.fc.forward(x)` into a submodule stays a
 *   call (`prim::CallMethod[name="forward"]`) and the submodule gets its own traced
 *   `forward` (`inlinedGraph` shows everything inlined). A function gives a
 *   {@link ScriptFunction} named `fn.name` (or "traced_function").
 * - Inputs are Tensors (one Tensor may be passed alone); the traced code must return a
 *   Tensor or an array of Tensors (a tuple: the traced forward returns an array).
 * - Only what runs is recorded: a branch or loop in JS is recorded as the path this
 *   input took. Turning a tensor into a JS value (`item()`, `tolist()`,
 *   `toTypedArray()`, `x.mean() > 0.5`) makes that value a constant, and emits a
 *   `TracerWarning` (`process.emitWarning`) naming the line, once per line per trace.
 *   Other tensors the code uses that are neither inputs, results of ops, nor
 *   parameters/buffers of the module become tensor constants (copies).
 * - Calls into compiled code stay calls (Note [Trace calls script] in
 *   tracing/activeRecorder.ts): a function from `script(fn)` is recorded as one
 *   `prim::CallFunction[name=...]` (its control flow kept; the traced ScriptFunction or
 *   ScriptModule carries it, so it runs and saves), and a method of a ScriptModule
 *   submodule as one `prim::CallMethod`. A ScriptModule that is not a submodule of the
 *   traced module cannot be called from traced code (an error says so).
 * - Shapes: a shape entry the code reads (`x.shape[i]`, `x.size(i)`,
 *   `const [B, T] = x.size()`) is not baked in when it is passed on as is: an integer
 *   argument of a later op equal to the size of exactly one such read is recorded as
 *   `aten::size.int(%x, i)`, so `x.reshape(x.size(0), -1)` and
 *   `zeros([x.size(1), 256])` follow the batch size. A JS number does not say where
 *   it came from, so to keep literals literal only arguments that take sizes are
 *   matched: `int`/`int[]` arguments named `size`, `shape`, `sizes`, `split_size`,
 *   `output_size`, `normalized_shape`, `start`, `end` or `length` (never `dim`,
 *   `index`, `kernel_size`, ...), and `Scalar` arguments other than 0 and 1.
 *   Values equal to several different reads, or to none, stay constants; so do
 *   values equal to the argument's default, sizes of parameters and buffers, and
 *   reads made inside tsjit (its layers). Arithmetic on sizes cannot be recorded
 *   (`x.size(0) * 2` is a plain number): its result is a constant. Check a trace on
 *   inputs of other sizes with `checkInputs`.
 *
 * @example
 * const traced = trace(new Simple(), [randn([1, 10])]) as ScriptModule;
 * console.log(traced.graph.toString());
 * traced.forward(randn([4, 10]));
 */
export function trace(target: Module, exampleInputs: readonly unknown[] | Tensor, options?: TraceOptions): ScriptModule;
export function trace(target: TraceableFunction, exampleInputs: readonly unknown[] | Tensor, options?: TraceOptions): ScriptFunction;
export function trace(target: Module | TraceableFunction, exampleInputs: readonly unknown[] | Tensor, options?: TraceOptions): ScriptModule | ScriptFunction;
export function trace(target: Module | TraceableFunction, exampleInputs: readonly unknown[] | Tensor, options: TraceOptions = {}): ScriptModule | ScriptFunction {
  const inputs = tensorInputs(exampleInputs, "exampleInputs");
  const traced = traceOnce(target, inputs);
  if (options.checkInputs !== undefined) {
    const checkSets = options.checkInputs.map((set, i) => tensorInputs(set, `checkInputs[${i}]`));
    checkTrace({
      traced,
      checkSets,
      tolerance: options.checkTolerance ?? 1e-5,
      retrace: (set) => traceOnce(target, set),
      runEager: (set) => (target instanceof Module ? target.forward(...set) : target(...set)),
    });
  }
  return traced;
}

function tensorInputs(inputs: readonly unknown[] | Tensor, what: string): Tensor[] {
  const list: readonly unknown[] = inputs instanceof Tensor ? [inputs] : inputs;
  if (!Array.isArray(list)) fail("ARGUMENT_TYPE", `trace(): ${what} must be a Tensor or an array of Tensors, got ${describeResult(list)}`);
  list.forEach((input, i) => {
    if (!(input instanceof Tensor)) {
      fail("ARGUMENT_TYPE", `trace(): ${what}[${i}] must be a Tensor, got ${describeValue(input)}; only Tensor inputs can be traced`);
    }
  });
  return list as Tensor[];
}

/** Runs `f` with the tracer installed as both observers; restores the previous ones however `f` ends. */
function withTracer<T>(tracer: Tracer, f: () => T): T {
  const previousOps = setOpObserver(tracer);
  const previousTensors = setTensorObserver(tracer);
  const previousRecorder = setActiveRecorder(tracer);
  try {
    return f();
  } finally {
    setOpObserver(previousOps);
    setTensorObserver(previousTensors);
    setActiveRecorder(previousRecorder);
  }
}

function traceOnce(target: Module | TraceableFunction, inputs: Tensor[]): ScriptModule | ScriptFunction {
  if (target instanceof ScriptModule) {
    fail("INVALID_ARGUMENT", `trace(): ${target.className} is already a ScriptModule; trace the nn.Module it came from`);
  }
  if (target instanceof Module) return traceModule(target, inputs);
  if (typeof target !== "function") fail("ARGUMENT_TYPE", `trace(): expected an nn.Module or a function, got ${describeResult(target)}`);
  const tracer = new Tracer();
  const graph = new Graph();
  const frame = tracer.newFrame(graph, null, null);
  const names = parameterNames(target, inputs.length);
  inputs.forEach((input, i) => frame.values.set(input, graph.addInput(TensorType, names[i])));
  const name = target.name || "traced_function";
  withTracer(tracer, () => {
    tracer.frames.push(frame);
    try {
      tracer.registerOutputs(frame, target(...inputs), `function ${name}`);
    } finally {
      tracer.frames.pop();
    }
  });
  const traced = new ScriptFunction(name, graph);
  addCalledFunctions(traced, graph, tracer);
  return traced;
}

/** Gives `owner` the scripted functions its graph calls (Note [Trace calls script]). */
function addCalledFunctions(owner: ScriptFunction | ScriptModule, graph: Graph, tracer: Tracer): void {
  for (const node of graph.allNodes()) {
    if (node.kind !== "prim::CallFunction") continue;
    const fn = tracer.calledFunctions.get(node.attribute("name") as string);
    if (fn === undefined) continue;
    if (owner instanceof ScriptFunction && fn.name === owner.name && fn !== owner) {
      fail("INVALID_ARGUMENT", `trace(): the traced function and the scripted function it calls are both named "${fn.name}"; rename one`);
    }
    owner.addFunction(fn);
  }
}

type Forward = (...args: unknown[]) => unknown;

function traceModule(root: Module, inputs: Tensor[]): ScriptModule {
  const scriptModules = mirrorModuleTree(root);
  const tracer = new Tracer();
  /** Modules whose forward graph exists: traced ones, and ScriptModules already in the tree. */
  const traced = new Set<Module>([...scriptModules.keys()].filter((m) => m instanceof ScriptModule));

  /** Traces `module`'s forward into its own graph (Note [Tracing frames]) and defines it on its ScriptModule. */
  const traceMethod = (module: Module, forward: Forward, args: Tensor[]): unknown => {
    const sm = scriptModules.get(module)!;
    const graph = new Graph();
    const self = graph.addInput(moduleType(sm.className), "self");
    const frame = tracer.newFrame(graph, module, self);
    const names = parameterNames(forward, args.length);
    args.forEach((arg, i) => frame.values.set(arg, graph.addInput(TensorType, names[i])));
    tracer.frames.push(frame);
    let result: unknown;
    try {
      result = forward.apply(module, args);
      tracer.registerOutputs(frame, result, `${sm.className}.forward`);
    } finally {
      tracer.frames.pop();
    }
    sm.defineMethod("forward", graph);
    addCalledFunctions(sm, graph, tracer);
    traced.add(module);
    return result;
  };

  /** A submodule's forward while tracing: a CallMethod in the caller's graph. */
  const callSubmodule = (module: Module, forward: Forward, args: unknown[]): unknown => {
    if (!tracer.recording) return forward.apply(module, args);
    const caller = tracer.current();
    const path = caller.moduleNames.get(module);
    // Not reachable from the caller's module, or called with non-tensors: record its ops in place.
    if (path === undefined || path === "" || !args.every((arg) => arg instanceof Tensor)) return forward.apply(module, args);
    const source = userSourceRange();
    const moduleValue = tracer.attributePath(caller, path, undefined, source);
    const argValues = (args as Tensor[]).map((arg) => tracer.tensorValue(caller, arg, source));
    const result = traced.has(module) ? tracer.mute(() => forward.apply(module, args)) : traceMethod(module, forward, args as Tensor[]);
    const node = tracer.append(caller, "prim::CallMethod", [moduleValue, ...argValues], source).setAttribute("name", "forward");
    const sm = scriptModules.get(module)!;
    const declared = sm.methods.get("forward")?.outputs[0]?.type;
    if (result instanceof Tensor) {
      if (declared && declared.kind !== "Tensor") fail("ARGUMENT_TYPE", `trace(): ${sm.className}.forward returned a Tensor, but its traced graph returns ${describeResult(result)}`);
      tracer.bindResult(caller, result, node.addOutput(TensorType));
    } else if (Array.isArray(result) && result.every((item) => item instanceof Tensor)) {
      if (declared && !(declared.kind === "Tuple" && declared.elements.length === result.length)) {
        fail("ARGUMENT_TYPE", `trace(): ${sm.className}.forward returned ${result.length} tensors here, but a different number when first traced`);
      }
      const tuple = node.addOutput(tupleOf(result.map(() => TensorType)));
      const unpack = tracer.append(caller, "prim::TupleUnpack", [tuple], source);
      for (const item of result) tracer.bindResult(caller, item, unpack.addOutput(TensorType));
    } else {
      fail("ARGUMENT_TYPE", `trace(): ${sm.className}.forward returned ${describeResult(result)}; a traced module must return a Tensor or an array of Tensors`);
    }
    return result;
  };

  // Wrap every submodule's forward (an own property, removed afterwards).
  const restores: (() => void)[] = [];
  for (const [path, module] of root.namedModules()) {
    if (path === "") continue;
    const own = Object.getOwnPropertyDescriptor(module, "forward");
    const forward = module.forward as Forward;
    Object.defineProperty(module, "forward", {
      value: (...args: unknown[]) => callSubmodule(module, forward, args),
      writable: true,
      configurable: true,
      enumerable: false,
    });
    restores.push(() => {
      if (own) Object.defineProperty(module, "forward", own);
      else delete (module as { forward?: unknown }).forward;
    });
  }
  try {
    withTracer(tracer, () => traceMethod(root, root.forward as Forward, inputs));
  } finally {
    for (const restore of restores.reverse()) restore();
  }
  return scriptModules.get(root)!;
}
