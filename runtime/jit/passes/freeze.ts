/**
 * freeze(module): a ScriptModule for inference whose forward no longer reads the
 * module, after torch.jit.freeze. Each kept method (forward, and those named in
 * `preservedMethods`) is inlined (inlineCalls), its reads of parameters, buffers and
 * attributes become constants (foldModuleAttributes), then propagateConstants,
 * eliminateCommonSubexpressions and eliminateDeadCode run once each.
 *
 * The weights of its products that became constants are marked (markConstantWeights)
 * for the native GEMM to pack once, on first use, rather than on every call.
 *
 * The module must be in eval mode: freezing bakes in `training`. The constants share
 * the module's tensors (no copies), but results computed from them while freezing do
 * not follow later changes: freeze once the weights are final. The result holds no
 * parameters unless a frozen graph still reads `%self` (a recursive call stays a
 * call); then it shares the module's members. Other methods are dropped.
 */
import { fail } from "../../errors.js";
import type { Graph } from "../../ir/Graph.js";
import { ScriptModule } from "../ScriptModule.js";
import { eliminateCommonSubexpressions } from "./eliminateCommonSubexpressions.js";
import { eliminateDeadCode } from "./eliminateDeadCode.js";
import { foldModuleAttributes } from "./foldModuleAttributes.js";
import { inlineCalls } from "./inlineCalls.js";
import { markConstantWeights } from "./markConstantWeights.js";
import { propagateConstants } from "./propagateConstants.js";

export interface FreezeOptions {
  /** Methods besides forward to keep (frozen the same way). */
  readonly preservedMethods?: readonly string[];
}

const frozenModules = new WeakSet<ScriptModule>();

/** Whether `module` came out of freeze (or optimizeForInference). */
export function isFrozen(module: ScriptModule): boolean {
  return frozenModules.has(module);
}

export function freeze(module: ScriptModule, options: FreezeOptions = {}): ScriptModule {
  if (!(module instanceof ScriptModule)) fail("ARGUMENT_TYPE", "freeze(): expected a ScriptModule (trace or script the model first)");
  if (module.training) {
    fail("INVALID_ARGUMENT", `freeze(): ScriptModule ${module.className} is in training mode; call .eval() on it first (freezing bakes in eval-mode behaviour)`);
  }
  const names = new Set(["forward", ...(options.preservedMethods ?? [])]);
  const graphs = new Map<string, Graph>();
  for (const name of names) {
    const graph = module.methods.get(name);
    if (!graph) fail("INVALID_ARGUMENT", `freeze(): ScriptModule ${module.className} has no method '${name}' (methods: ${[...module.methods.keys()].join(", ") || "none"})`);
    graphs.set(name, freezeGraph(graph, module));
  }
  return frozenModuleWith(module, graphs);
}

function freezeGraph(graph: Graph, module: ScriptModule): Graph {
  const folded = foldModuleAttributes(inlineCalls(graph, module), module);
  return eliminateDeadCode(eliminateCommonSubexpressions(propagateConstants(folded)));
}

/**
 * A new eval-mode ScriptModule of `source`'s class with `methods` as its methods and
 * `source`'s functions, marked frozen, its constant weights marked; it shares `source`'s members only if a method
 * still reads `%self`.
 */
export function frozenModuleWith(source: ScriptModule, methods: ReadonlyMap<string, Graph>): ScriptModule {
  const result = new ScriptModule(source.className);
  result.training = false;
  if ([...methods.values()].some((graph) => graph.inputs[0]!.uses.length > 0)) shareMembers(source, result);
  for (const fn of source.functions.values()) result.addFunction(fn);
  for (const [name, graph] of methods) {
    result.defineMethod(name, graph);
    markConstantWeights(graph);
  }
  frozenModules.add(result);
  return result;
}

function shareMembers(source: ScriptModule, target: ScriptModule): void {
  for (const [name, parameter] of source.namedParameters("", false)) target.addParameter(name, parameter);
  const persistent = new Set(source.stateDict().keys());
  for (const [name, buffer] of source.namedBuffers("", false)) target.registerBuffer(name, buffer, { persistent: persistent.has(name) });
  for (const [name, value] of source.attributes) target.addAttribute(name, value);
  for (const [name, child] of source.namedChildren()) target.addModule(name, child as ScriptModule);
}
