/**
 * ScriptFunction: a free function compiled to a graph (`@script` on a function, or
 * `trace` of a function). Calls to other functions (`prim::CallFunction[name=...]`)
 * are resolved in `functions`.
 */
import type { Graph } from "../ir/Graph.js";
import { printCode } from "./codePrinter.js";
import { compileGraph, runPlan, type FunctionValue, type Plan } from "./executor.js";
import { checkInputs, packOutputs } from "./executor/signature.js";
import { verifyMethodGraph } from "./executor/verify.js";

export class ScriptFunction implements FunctionValue {
  #plan: Plan | undefined;
  readonly #functions = new Map<string, ScriptFunction>();

  constructor(
    readonly name: string,
    readonly graph: Graph,
  ) {
    verifyMethodGraph(graph, name);
    this.#functions.set(name, this);
  }

  /** The function as readable TypeScript-like code. */
  get code(): string {
    return printCode(this.graph, this.name, { method: false });
  }

  /** Functions this one may call by name (itself included). */
  get functions(): ReadonlyMap<string, ScriptFunction> {
    return this.#functions;
  }

  addFunction(fn: ScriptFunction): void {
    this.#functions.set(fn.name, fn);
  }

  call(...inputs: unknown[]): unknown {
    const checked = checkInputs("ScriptFunction", this.name, this.graph, 0, inputs);
    return packOutputs(this.callOutputs(checked));
  }

  /** Runs the graph on inputs already checked (CallFunction's path) and returns its outputs as a list. */
  callOutputs(inputs: readonly unknown[]): unknown[] {
    this.#plan ??= compileGraph(this.graph);
    return runPlan(this.#plan, undefined, inputs, { functions: this.#functions });
  }
}
