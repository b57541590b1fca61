/**
 * ScriptModule: a module whose methods are graphs, run by the executor. It is an
 * nn.Module, so `namedParameters()`, `stateDict()`, `loadStateDict()`, `eval()` and
 * friends work as for any module: parameters and submodules are registered as own
 * properties (`sm.fc1`), buffers with `registerBuffer`, and plain attributes (numbers,
 * booleans, strings that graphs read with `prim::GetAttr`) in a map of their own.
 *
 * The tracer builds one from a traced nn.Module, `load` rebuilds one from a file, and
 * users call it like the module it came from: `sm.forward(x)`.
 */
import { fail } from "../errors.js";
import type { Graph } from "../ir/Graph.js";
import { Module, type RegisterBufferOptions } from "../nn/Module.js";
import { Parameter } from "../nn/Parameter.js";
import type { Tensor } from "../tensor/Tensor.js";
import { printCode } from "./codePrinter.js";
import { compileGraph, runPlan, type ModuleValue, type Plan } from "./executor.js";
import { checkInputs, packOutputs } from "./executor/signature.js";
import { verifyMethodGraph } from "./executor/verify.js";
import { inlineCalls } from "./passes/inlineCalls.js";
import type { ScriptFunction } from "./ScriptFunction.js";
import { activeRecorder } from "./tracing/activeRecorder.js";

/** A plain module attribute read by GetAttr; null stands for a field holding no tensor (`bias = null`). */
export type AttributeScalar = number | boolean | string | null;

export class ScriptModule extends Module implements ModuleValue {
  readonly #members = new Map<string, Parameter | ScriptModule>();
  readonly #attributes = new Map<string, AttributeScalar>();
  readonly #bufferNames = new Set<string>();
  readonly #methods = new Map<string, Graph>();
  readonly #plans = new Map<string, Plan>();
  readonly #functions = new Map<string, ScriptFunction>();

  constructor(readonly className: string) {
    super();
  }

  protected override ownMembers(): Iterable<[string, unknown]> {
    return this.#members.entries();
  }

  addParameter(name: string, p: Parameter): void {
    if (!(p instanceof Parameter)) fail("ARGUMENT_TYPE", `${this.className}.addParameter("${name}"): expected an nn.Parameter`);
    this.#addMember(name, p);
  }

  addModule(name: string, m: ScriptModule): void {
    if (!(m instanceof ScriptModule)) fail("ARGUMENT_TYPE", `${this.className}.addModule("${name}"): expected a ScriptModule`);
    this.#addMember(name, m);
  }

  addAttribute(name: string, value: AttributeScalar): void {
    if (value !== null && !["number", "boolean", "string"].includes(typeof value)) {
      fail("ARGUMENT_TYPE", `${this.className}.addAttribute("${name}"): an attribute is a number, boolean, string or null, got ${typeof value}`);
    }
    this.#checkFreeName(name, "addAttribute");
    this.#attributes.set(name, value);
  }

  override registerBuffer(name: string, tensor: Tensor | null, options?: RegisterBufferOptions): void {
    this.#checkFreeName(name, "registerBuffer");
    super.registerBuffer(name, tensor, options);
    this.#bufferNames.add(name);
  }

  /** Plain attributes (not parameters, buffers or submodules), in the order they were added. */
  get attributes(): ReadonlyMap<string, AttributeScalar> {
    return this.#attributes;
  }

  /** Registers a function that `prim::CallFunction[name=...]` in this module's methods may call. */
  addFunction(fn: ScriptFunction): void {
    this.#functions.set(fn.name, fn);
  }

  get functions(): ReadonlyMap<string, ScriptFunction> {
    return this.#functions;
  }

  /** Defines (or redefines) method `name`. The graph is verified now and compiled on its first call. */
  defineMethod(name: string, graph: Graph): void {
    const self = graph.inputs[0];
    if (!self || self.type.kind !== "Module") {
      fail("INVALID_ARGUMENT", `${this.className}.defineMethod("${name}"): a method graph's first input must be the module (%self : ${this.className})`);
    }
    verifyMethodGraph(graph, `${this.className}.${name}`);
    this.#methods.set(name, graph);
    this.#plans.delete(name);
  }

  get methods(): ReadonlyMap<string, Graph> {
    return this.#methods;
  }

  runMethod(name: string, inputs: readonly unknown[]): unknown {
    // Called from code being traced: recorded as one prim::CallMethod (Note [Trace calls script]).
    const recorder = activeRecorder();
    if (recorder) return recorder.recordCall({ kind: "method", module: this, name, args: inputs });
    const graph = this.#method(name);
    const checked = checkInputs(`ScriptModule ${this.className}`, name, graph, 1, inputs);
    return packOutputs(this.runMethodOutputs(name, checked));
  }

  override forward(...inputs: unknown[]): unknown {
    return this.runMethod("forward", inputs);
  }

  /** Runs method `name` on inputs already checked (CallMethod's path) and returns its outputs as a list. */
  runMethodOutputs(name: string, inputs: readonly unknown[]): unknown[] {
    let plan = this.#plans.get(name);
    if (!plan) {
      plan = compileGraph(this.#method(name));
      this.#plans.set(name, plan);
    }
    return runPlan(plan, this, inputs, { functions: this.#functions });
  }

  /** What `prim::GetAttr[name=...]` reads: a parameter, submodule, buffer, attribute, or `training`. */
  getAttr(name: string): unknown {
    const member = this.#members.get(name);
    if (member !== undefined) return member;
    if (this.#attributes.has(name)) return this.#attributes.get(name);
    if (this.#bufferNames.has(name)) return this.getBuffer(name);
    if (name === "training") return this.training;
    const known = [...this.#members.keys(), ...this.#bufferNames, ...this.#attributes.keys()];
    fail("INVALID_ARGUMENT", `ScriptModule ${this.className} has no attribute '${name}' (it has: ${known.join(", ") || "nothing"})`);
  }

  /** The forward method's graph. */
  get graph(): Graph {
    return this.#method("forward");
  }

  /** forward as readable TypeScript-like code. */
  get code(): string {
    return printCode(this.graph, "forward", { method: true });
  }

  /** A copy of forward's graph with every call into a submodule inlined. */
  get inlinedGraph(): Graph {
    return inlineCalls(this.graph, this);
  }

  #method(name: string): Graph {
    const graph = this.#methods.get(name);
    if (!graph) {
      fail("INVALID_ARGUMENT", `ScriptModule ${this.className} has no method '${name}' (methods: ${[...this.#methods.keys()].join(", ") || "none"})`);
    }
    return graph;
  }

  #addMember(name: string, value: Parameter | ScriptModule): void {
    this.#checkFreeName(name, value instanceof Parameter ? "addParameter" : "addModule");
    this.#members.set(name, value);
    Object.defineProperty(this, name, { value, enumerable: true, writable: false, configurable: false });
  }

  #checkFreeName(name: string, what: string): void {
    if (!/^[A-Za-z_$][\w$]*$/.test(name) && !/^\d+$/.test(name)) {
      fail("INVALID_ARGUMENT", `${this.className}.${what}(): "${name}" is not a valid attribute name`);
    }
    if (this.#members.has(name) || this.#attributes.has(name) || this.#bufferNames.has(name) || name in this) {
      fail("INVALID_ARGUMENT", `${this.className}.${what}(): attribute "${name}" already exists`);
    }
  }
}
