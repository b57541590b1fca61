/**
 * `script`: the run-time half of `@script` (torch.jit.script, compiled at build time).
 *
 * What users write, and what the tsjit transformer turns it into (issue 4):
 *
 *   script(function f(x: Tensor): Tensor {...})   →  script.compiled("<payload JSON>", function f(...) {...})
 *   @script forward(x: Tensor): Tensor {...}       →  @script.compiled("<payload JSON>") forward(...) {...}
 *   @script class Model extends nn.Module {...}    →  @script.compiled("<payload JSON>") class Model ...
 *   script(moduleInstance)                         →  (unchanged) a ScriptModule bound to the instance
 *
 * `script.compiled` decodes and verifies the payload (Note [Payloads are untrusted] in
 * scripting/payload.ts) and, for decorators, records it in a WeakMap keyed by the
 * method function or the class constructor (Node 20 has no `Symbol.metadata`).
 * `script(moduleInstance)` mirrors the instance's module tree (sharing its Parameters)
 * and defines on each ScriptModule the compiled methods recorded for its class and
 * base classes; library layers (`nn.Linear`, ...) get forward graphs generated from
 * their configuration (runtime/nn/scripted/layers.ts); ScriptModules already in the
 * tree (traced submodules) are used as they are.
 *
 * Not compiled (plain tsc, esbuild, vitest): `script(fn)` asks the run-time compiler
 * registered with `setRuntimeCompiler` (transformer/runtimeCompile.ts, when `typescript`
 * can be imported), and otherwise throws NOT_COMPILED; a plain `@script` only marks
 * the method or class, and `script(instance)` throws NOT_COMPILED naming it.
 *
 * Note [TSJIT_DISABLE]: with TSJIT_DISABLE=1 in the environment (read once, when first
 * needed, through `process.env` where `process` exists), everything runs eagerly, as
 * PYTORCH_JIT=0 does: `script(fn)` and `script.compiled(payload, fn)` return `fn`,
 * `script(instance)` returns the instance, and the decorators do nothing. (The
 * returned values then lack `.graph`/`.code`, whatever their static types say.)
 */
import { fail } from "../errors.js";
import type { Graph } from "../ir/Graph.js";
import type { GraphJSON } from "../ir/json.js";
import { Module } from "../nn/Module.js";
import { libraryForwardGraph } from "../nn/scripted/layers.js";
import { describeValue } from "../ops/bind.js";
import { environmentVariable } from "../util/environment.js";
import { decodePayload, decodePayloadGraph, type DecodedPayload, type ScriptPayload } from "./scripting/payload.js";
import { checkUnrolledLists } from "./scripting/checkUnrolledLists.js";
import { mirrorModuleTree } from "./scripting/mirrorModuleTree.js";
import { ScriptFunction } from "./ScriptFunction.js";
import { ScriptModule } from "./ScriptModule.js";
import { activeRecorder } from "./tracing/activeRecorder.js";
import { classNameOf } from "./tracing/Tracer.js";

export type { ScriptPayload } from "./scripting/payload.js";

type AnyFunction = (...args: any[]) => any;

/** What `script(fn)` returns: `fn`'s call signature, plus the compiled graph. */
export type ScriptedFunction<F extends AnyFunction> = F & {
  readonly graph: Graph;
  /** The function as readable TypeScript-like code. */
  readonly code: string;
  /** The ScriptFunction that runs it (what `save` stores). */
  readonly scriptFunction: ScriptFunction;
};

/** `@script` / `@script.compiled(...)` as a TypeScript 5 standard method or class decorator. */
export interface ScriptDecorator {
  <This, Args extends any[], R>(value: (this: This, ...args: Args) => R, context: ClassMethodDecoratorContext<This, (this: This, ...args: Args) => R>): void;
  <C extends abstract new (...args: any[]) => Module>(value: C, context: ClassDecoratorContext<C>): void;
}

export interface Script {
  /** Compiles free function `fn` (precompiled by the transformer, or at run time when a compiler is registered). */
  <F extends AnyFunction>(fn: F): ScriptedFunction<F>;
  /** The ScriptModule of a module instance, with the compiled methods of every module class in its tree. */
  (module: Module): ScriptModule;
  <This, Args extends any[], R>(value: (this: This, ...args: Args) => R, context: ClassMethodDecoratorContext<This, (this: This, ...args: Args) => R>): void;
  <C extends abstract new (...args: any[]) => Module>(value: C, context: ClassDecoratorContext<C>): void;
  /** What the transformer emits: with a function, the scripted callable; without, a decorator recording the payload. */
  readonly compiled: {
    <F extends AnyFunction>(payload: string, fn: F): ScriptedFunction<F>;
    (payload: string): ScriptDecorator;
  };
}

// --- TSJIT_DISABLE (Note [TSJIT_DISABLE]) ------------------------------------------

let disabledFromEnv: boolean | undefined;
let disabledOverride: boolean | undefined;

function readDisableFlag(): boolean {
  return environmentVariable("TSJIT_DISABLE") === "1";
}

/** Whether @script is disabled (TSJIT_DISABLE=1, read once; tests may override it). */
export function isScriptDisabled(): boolean {
  if (disabledOverride !== undefined) return disabledOverride;
  disabledFromEnv ??= readDisableFlag();
  return disabledFromEnv;
}

/** Overrides TSJIT_DISABLE (undefined: back to the environment's value). For tests and REPLs. */
export function setScriptDisabled(disabled: boolean | undefined): void {
  disabledOverride = disabled;
}

// --- The run-time compiler hook ---------------------------------------------------

export type RuntimeCompiler = (fn: Function) => ScriptPayload | undefined;

let runtimeCompiler: RuntimeCompiler | undefined;

/** Registers (or, with undefined, removes) the compiler `script(fn)` uses for functions the transformer did not compile. */
export function setRuntimeCompiler(compiler: RuntimeCompiler | undefined): RuntimeCompiler | undefined {
  const previous = runtimeCompiler;
  runtimeCompiler = compiler;
  return previous;
}

const HOW_TO_COMPILE = `build with tspc and { "transform": "tsjit/transformer" } in tsconfig.json's compilerOptions.plugins (see docs/language.md)`;

// --- Stores -------------------------------------------------------------------------

/** A validated payload, with its parsed JSON kept so graphs can be decoded afresh per ScriptModule. */
interface StoredPayload {
  readonly json: ScriptPayload;
  readonly decoded: DecodedPayload;
}

/** Payloads of `@script.compiled(...)` methods, by method function; of classes, by constructor. */
const methodPayloads = new WeakMap<Function, StoredPayload>();
const classPayloads = new WeakMap<Function, StoredPayload>();
/** Methods and classes marked with a plain `@script` (not compiled by the transformer). */
const markedMethods = new WeakMap<Function, string>();
const markedClasses = new WeakSet<Function>();
/** The ScriptFunction behind each callable `script(fn)` returned. */
const scriptedCallables = new WeakMap<Function, ScriptFunction>();

/** The ScriptFunction behind a callable returned by `script(fn)`, if `value` is one. */
export function scriptFunctionOf(value: unknown): ScriptFunction | undefined {
  return typeof value === "function" ? scriptedCallables.get(value) : undefined;
}

function store(payload: unknown, where: string): StoredPayload {
  let json: unknown = payload;
  if (typeof payload === "string") {
    try {
      json = JSON.parse(payload);
    } catch (error) {
      fail("INVALID_PAYLOAD", `${where}: the compiled payload is not valid JSON (${(error as Error).message}); rebuild with the tsjit transformer`);
    }
  }
  return { json: json as ScriptPayload, decoded: decodePayload(json, where) };
}

// --- script ------------------------------------------------------------------------

function isDecoratorContext(value: unknown): value is DecoratorContext {
  return typeof value === "object" && value !== null && typeof (value as { kind?: unknown }).kind === "string";
}

function scriptImpl(target: unknown, context?: unknown): unknown {
  if (context !== undefined) {
    if (!isDecoratorContext(context)) fail("ARGUMENT_TYPE", `script(): the second argument must be a decorator context (script is used as @script), got ${describeValue(context)}`);
    markDecorated(target, context);
    return undefined;
  }
  if (target instanceof Module) return scriptModule(target);
  if (typeof target === "function") return scriptFunction(target);
  fail("ARGUMENT_TYPE", `script(): expected a function or an nn.Module instance, got ${describeValue(target)}`);
}

/** A plain `@script`: the transformer did not compile it; remember it so script(instance) can say so. */
function markDecorated(target: unknown, context: DecoratorContext): void {
  if (isScriptDisabled()) return;
  if (context.kind === "method" && typeof target === "function") {
    markedMethods.set(target, String(context.name));
  } else if (context.kind === "class" && typeof target === "function") {
    markedClasses.add(target);
  } else {
    fail("INVALID_ARGUMENT", `@script applies to methods and classes, not to a ${context.kind} (${String(context.name)})`);
  }
}

function scriptFunction(fn: Function): unknown {
  if (isScriptDisabled() || scriptedCallables.has(fn)) return fn;
  const name = fn.name || "<anonymous>";
  const payload = runtimeCompiler?.(fn);
  if (payload === undefined) {
    fail(
      "NOT_COMPILED",
      `script(${name}): ${name} was not compiled by the tsjit transformer; ${HOW_TO_COMPILE}; or, in a REPL or a test, call registerRuntimeCompiler() from "tsjit/transformer/runtime" once to compile from the TypeScript source`,
    );
  }
  return scriptedCallable(store(payload, `script(${name})`).decoded, fn, `script(${name})`);
}

function compiledImpl(payload: string, fn?: Function): unknown {
  if (fn !== undefined) {
    if (typeof fn !== "function") fail("ARGUMENT_TYPE", `script.compiled(): the second argument must be the function, got ${describeValue(fn)}`);
    if (isScriptDisabled()) return fn;
    const where = `script.compiled(${fn.name || "<anonymous>"})`;
    const { decoded } = store(payload, where);
    if (decoded.kind !== "function") fail("INVALID_PAYLOAD", `${where}: the payload is a ${decoded.kind}'s, but it wraps a function`);
    return scriptedCallable(decoded, fn, where);
  }
  const decorator = (target: unknown, context: unknown): void => {
    if (!isDecoratorContext(context) || typeof target !== "function") {
      fail("ARGUMENT_TYPE", "@script.compiled(payload) must decorate a method or a class");
    }
    if (isScriptDisabled()) return;
    const where = `@script on ${context.kind === "class" ? String(context.name ?? target.name) : `method ${String(context.name)}`}`;
    const stored = store(payload, where);
    if (context.kind === "method") {
      if (stored.decoded.kind !== "method") fail("INVALID_PAYLOAD", `${where}: the payload is a ${stored.decoded.kind}'s, but it decorates a method`);
      methodPayloads.set(target, stored);
    } else if (context.kind === "class") {
      if (stored.decoded.kind !== "class") fail("INVALID_PAYLOAD", `${where}: the payload is a ${stored.decoded.kind}'s, but it decorates a class`);
      classPayloads.set(target, stored);
    } else {
      fail("INVALID_ARGUMENT", `@script applies to methods and classes, not to a ${context.kind} (${String(context.name)})`);
    }
  };
  return decorator;
}

/** ScriptFunctions for a function payload's graph and the functions it calls, linked to each other. */
function functionsOf(functions: ReadonlyMap<string, Graph>): ScriptFunction[] {
  const all = [...functions].map(([name, graph]) => new ScriptFunction(name, graph));
  for (const fn of all) for (const other of all) if (other !== fn) fn.addFunction(other);
  return all;
}

function scriptedCallable(decoded: DecodedPayload, fn: Function, where: string): unknown {
  const graph = decoded.graphs.get(decoded.name);
  if (!graph) fail("INVALID_PAYLOAD", `${where}: the payload has no graph named "${decoded.name}"`);
  const main = new ScriptFunction(decoded.name, graph);
  for (const other of functionsOf(decoded.functions)) if (other.name !== main.name) main.addFunction(other);
  const callable = function (this: unknown, ...args: unknown[]): unknown {
    // Called from code being traced: one prim::CallFunction (Note [Trace calls script]).
    const recorder = activeRecorder();
    if (recorder) return recorder.recordCall({ kind: "function", fn: main, args });
    return main.call(...args);
  };
  Object.defineProperty(callable, "name", { value: fn.name || decoded.name });
  Object.defineProperty(callable, "length", { value: fn.length });
  Object.defineProperty(callable, "graph", { get: () => main.graph, enumerable: true });
  Object.defineProperty(callable, "code", { get: () => main.code, enumerable: true });
  Object.defineProperty(callable, "scriptFunction", { value: main, enumerable: true });
  scriptedCallables.set(callable, main);
  return callable;
}

// --- script(moduleInstance) --------------------------------------------------------

function scriptModule(root: Module): unknown {
  if (root instanceof ScriptModule || isScriptDisabled()) return root;
  const tree = mirrorModuleTree(root);
  const paths = new Map<Module, string>();
  for (const [path, module] of root.namedModules()) if (!paths.has(module)) paths.set(module, path);
  for (const [module, sm] of tree) {
    if (module instanceof ScriptModule) continue; // traced or scripted already: used as is
    defineCompiledMethods(module, sm, paths.get(module) ?? "", tree);
  }
  return tree.get(root)!;
}

/** The compiled graphs (as JSON) and functions that apply to `module`'s class, most derived first (see below). */
interface CompiledClass {
  readonly methods: Map<string, GraphJSON>;
  readonly functions: Map<string, GraphJSON>;
}

/**
 * Collects the compiled methods of `module`'s class and its base classes. A graph
 * for method N recorded on class P is used unless a class derived from P defines its
 * own N (an override wins, compiled or not); a plain `@script` the transformer did not
 * compile is a NOT_COMPILED error naming the class and method.
 */
function compiledClassOf(module: Module, describe: string): CompiledClass {
  const methods = new Map<string, GraphJSON>();
  const functions = new Map<string, GraphJSON>();
  const shadowed = new Set<string>();
  const take = (stored: StoredPayload): void => {
    for (const [name, graph] of Object.entries(stored.json.graphs)) if (!shadowed.has(name) && !methods.has(name)) methods.set(name, graph);
    for (const [name, graph] of Object.entries(stored.json.functions)) if (!functions.has(name)) functions.set(name, graph);
  };
  for (let proto: object | null = Object.getPrototypeOf(module); proto !== null && proto !== Module.prototype && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    const ctor = (proto as { constructor?: unknown }).constructor;
    const className = typeof ctor === "function" ? ctor.name : "<anonymous>";
    if (typeof ctor === "function" && Object.hasOwn(proto, "constructor")) {
      const stored = classPayloads.get(ctor);
      if (stored) take(stored);
      else if (markedClasses.has(ctor)) {
        fail("NOT_COMPILED", `script(${describe}): class ${className} is marked @script but was not compiled by the tsjit transformer; ${HOW_TO_COMPILE}`);
      }
    }
    const own = Object.getOwnPropertyNames(proto);
    for (const name of own) {
      if (name === "constructor") continue;
      const value = Object.getOwnPropertyDescriptor(proto, name)?.value;
      if (typeof value !== "function") continue;
      const stored = methodPayloads.get(value);
      if (stored) {
        take(stored);
      } else if (markedMethods.has(value) && !shadowed.has(name) && !methods.has(name)) {
        fail("NOT_COMPILED", `script(${describe}): method ${className}.${markedMethods.get(value)} is marked @script but was not compiled by the tsjit transformer; ${HOW_TO_COMPILE}`);
      }
    }
    for (const name of own) shadowed.add(name);
  }
  return { methods, functions };
}

/** Decodes a method graph for ScriptModule `sm`: an inherited method's %self gets the subclass's type. */
function methodGraph(json: GraphJSON, sm: ScriptModule, where: string): Graph {
  let source = json;
  const self = json.inputs[0];
  if (self && self.type !== sm.className) source = { ...json, inputs: [{ ...self, type: sm.className }, ...json.inputs.slice(1)] };
  return decodePayloadGraph(source, "graph", where);
}

function defineCompiledMethods(module: Module, sm: ScriptModule, path: string, tree: ReadonlyMap<Module, ScriptModule>): void {
  const describe = `module ${path === "" ? "<root>" : `"${path}"`} (${sm.className})`;
  const compiled = compiledClassOf(module, describe);
  // Functions first, linked to each other; methods resolve prim::CallFunction through the module.
  const functionGraphs = new Map<string, Graph>();
  for (const [name, json] of compiled.functions) {
    functionGraphs.set(name, decodePayloadGraph(json, `functions.${name}`, `script(${describe})`));
  }
  for (const fn of functionsOf(functionGraphs)) sm.addFunction(fn);
  for (const [name, json] of compiled.methods) {
    const graph = methodGraph(json, sm, `script(${describe}): method ${name}`);
    checkUnrolledLists(sm, name, graph, describe);
    sm.defineMethod(name, graph);
  }
  if (compiled.methods.size > 0 || sm.methods.has("forward")) return;
  const library = libraryForwardGraph(module, sm.className, (child) => tree.get(child)?.className ?? classNameOf(child));
  if (library) {
    sm.defineMethod("forward", library);
    return;
  }
  // Modules without a forward of their own (ModuleList, plain holders) are reached through their members.
  if (module.forward === Module.prototype.forward) return;
  fail(
    "NOT_COMPILED",
    `script(): ${describe} has no compiled forward: mark its forward (or the class) with @script and ${HOW_TO_COMPILE}, or trace it and assign the traced ScriptModule in its place`,
  );
}

/**
 * `torch.jit.script` for tsjit: see the file comment. `script(fn)` keeps `fn`'s call
 * signature and adds `.graph`, `.code` and `.scriptFunction`; `script(module)` returns
 * a ScriptModule; `@script` marks a method or a class for the transformer.
 *
 * @example
 * class Gate extends nn.Module {
 *   fc = new nn.Linear(4, 1);
 *   @script
 *   forward(x: Tensor): Tensor {
 *     return x.sum().item() > 0 ? this.fc.forward(x) : zerosLike(this.fc.forward(x));
 *   }
 * }
 * const sm = script(new Gate().eval());
 * console.log(sm.code);
 */
export const script: Script = Object.assign(scriptImpl, { compiled: compiledImpl }) as unknown as Script;
