/**
 * `save(scriptModule | scriptFunction, path?)`: writes a self-contained model file
 * (Note [Model file layout] in format.ts) and returns its bytes.
 *
 * Saving is deterministic: the same module gives the same bytes (tensors are laid
 * out in sorted-name order by `encodeSafetensors`, program fields in a fixed order,
 * graphs through the deterministic `graphToJSON`).
 */
import { fail } from "../errors.js";
import type { Graph } from "../ir/Graph.js";
import { graphToJSON } from "../ir/json.js";
import { ScriptFunction } from "../jit/ScriptFunction.js";
import { ScriptModule } from "../jit/ScriptModule.js";
import { scriptFunctionOf } from "../jit/script.js";
import { encodeSafetensors } from "../nn/safetensors.js";
import type { Tensor } from "../tensor/Tensor.js";
import {
  constantTensorName,
  FORMAT_NAME,
  FUNCTIONS_CONSTANTS_PATH,
  FORMAT_VERSION,
  METADATA_FORMAT_KEY,
  METADATA_PROGRAM_KEY,
  METADATA_VERSION_KEY,
  stateTensorName,
} from "./format.js";
import { platform } from "../platform/index.js";
import { referencedConstants } from "./referencedConstants.js";
import { isValidClassName, isValidMemberName, programToJSON, type AttributeJSONValue, type ModuleProgram, type Program } from "./program.js";

/**
 * Saves a ScriptModule (with its submodules, parameters, buffers, attributes and
 * methods) or a ScriptFunction as one safetensors-compatible file. Writes it to
 * `path` when one is given (Node only: the browser build has no files) and returns
 * the bytes either way.
 */
export async function save(target: ScriptModule | ScriptFunction | ((...args: never[]) => unknown), path?: string): Promise<Uint8Array> {
  const bytes = encodeModelFile(target);
  if (path !== undefined) {
    await platform.writeBytes(path, bytes, "save()");
  }
  return bytes;
}

/** The bytes of the model file for `target` (synchronous; `save` adds file writing). */
export function encodeModelFile(input: ScriptModule | ScriptFunction | ((...args: never[]) => unknown)): Uint8Array {
  // A callable returned by script(fn) saves as its ScriptFunction.
  const target = scriptFunctionOf(input) ?? input;
  const tensors = new Map<string, Tensor>();
  let program: Program;
  if (target instanceof ScriptModule) {
    const functions = new FunctionTable();
    const root = describeModule(target, "", tensors, new Set(), functions);
    program = { kind: "module", root, functions: functions.encode(tensors, undefined) };
  } else if (target instanceof ScriptFunction) {
    checkName(target.name, "function name", "save()");
    const functions = new FunctionTable();
    functions.addCallees(target, `function ${target.name}`);
    addConstants(target.graph, "", target.name, tensors, `function ${target.name}`);
    checkCalls(target.graph, functions, target.name, `function ${target.name}`);
    program = { kind: "function", name: target.name, graph: graphToJSON(target.graph), functions: functions.encode(tensors, target) };
  } else {
    fail("ARGUMENT_TYPE", `save(): expected a ScriptModule or ScriptFunction, got ${describeValue(target)}`);
  }
  return encodeSafetensors(tensors, {
    [METADATA_FORMAT_KEY]: FORMAT_NAME,
    [METADATA_VERSION_KEY]: String(FORMAT_VERSION),
    [METADATA_PROGRAM_KEY]: JSON.stringify(programToJSON(program)),
  });
}

function describeValue(value: unknown): string {
  if (value === null || typeof value !== "object") return String(value);
  return (value as object).constructor?.name ?? "an object";
}

function checkName(name: string, what: string, where: string): void {
  if (!isValidMemberName(name)) {
    fail("INVALID_ARGUMENT", `${where}: ${what} ${JSON.stringify(name)} cannot be saved: names must be identifiers or decimal indices (no "." or "/")`);
  }
}

/**
 * The program's `functions` table: every ScriptFunction that a saved graph may call
 * through prim::CallFunction, transitively, by name. Two different functions under one
 * name cannot be saved unless their graphs are identical.
 */
class FunctionTable {
  readonly #functions = new Map<string, { fn: ScriptFunction; where: string }>();

  /** Adds the functions `owner` resolves CallFunction names in, and theirs, transitively (`owner` itself excluded). */
  addCallees(owner: ScriptFunction | ScriptModule, where: string): void {
    for (const fn of owner.functions.values()) if (fn !== owner) this.#add(fn, where);
  }

  #add(fn: ScriptFunction, where: string): void {
    const known = this.#functions.get(fn.name);
    if (known?.fn === fn) return;
    if (known !== undefined) {
      if (JSON.stringify(graphToJSON(known.fn.graph)) === JSON.stringify(graphToJSON(fn.graph))) return;
      fail("INVALID_ARGUMENT", `save(): two different functions are named "${fn.name}" (called from ${known.where} and from ${where}); a model file holds one function per name`);
    }
    checkName(fn.name, "function name", "save()");
    this.#functions.set(fn.name, { fn, where });
    this.addCallees(fn, `function ${fn.name}`);
  }

  has(name: string): boolean {
    return this.#functions.has(name);
  }

  /** The table as program JSON, in name order (deterministic), storing each function's tensor constants. */
  encode(tensors: Map<string, Tensor>, main: ScriptFunction | undefined): Map<string, unknown> {
    const out = new Map<string, unknown>();
    for (const name of [...this.#functions.keys()].sort()) {
      const { fn } = this.#functions.get(name)!;
      if (main !== undefined && name === main.name) fail("INVALID_ARGUMENT", `save(): function ${main.name} calls a different function with its own name`);
      addConstants(fn.graph, FUNCTIONS_CONSTANTS_PATH, name, tensors, `function ${name}`);
      checkCalls(fn.graph, this, name, `function ${name}`);
      out.set(name, graphToJSON(fn.graph));
    }
    return out;
  }
}

/** Every prim::CallFunction in `graph` names a function of the table (or `self`, the function being saved). */
function checkCalls(graph: Graph, functions: FunctionTable, self: string | undefined, where: string): void {
  for (const node of graph.allNodes()) {
    if (node.kind !== "prim::CallFunction") continue;
    const name = node.attributes.get("name");
    if (typeof name !== "string" || (!functions.has(name) && name !== self)) {
      fail("INVALID_ARGUMENT", `save(): ${where} calls function ${JSON.stringify(name)}, which it cannot resolve (addFunction it first)`);
    }
  }
}

function describeModule(module: ScriptModule, path: string, tensors: Map<string, Tensor>, visiting: Set<ScriptModule>, functions: FunctionTable): ModuleProgram {
  const where = `save(): module ${path === "" ? "<root>" : `"${path}"`} (${module.className})`;
  if (visiting.has(module)) fail("INVALID_ARGUMENT", `${where} contains itself`);
  visiting.add(module);
  if (!isValidClassName(module.className)) fail("INVALID_ARGUMENT", `${where}: class name ${JSON.stringify(module.className)} cannot be saved`);

  const parameters: string[] = [];
  for (const [name, parameter] of module.namedParameters("", false)) {
    checkName(name, "parameter", where);
    parameters.push(name);
    tensors.set(stateTensorName(path, name), parameter);
  }
  // Every buffer is saved, persistent or not: the methods may read any of them.
  const buffers: string[] = [];
  for (const [name, buffer] of module.namedBuffers("", false)) {
    checkName(name, "buffer", where);
    buffers.push(name);
    tensors.set(stateTensorName(path, name), buffer);
  }
  const attributes = new Map<string, AttributeJSONValue>();
  for (const [name, value] of module.attributes) {
    checkName(name, "attribute", where);
    if (typeof value === "number" && !Number.isFinite(value)) {
      fail("INVALID_ARGUMENT", `${where}: attribute "${name}" is ${value}, which a model file cannot hold (JSON numbers are finite)`);
    }
    attributes.set(name, value);
  }
  const children = new Map<string, ModuleProgram>();
  for (const [name, child] of module.namedChildren()) {
    checkName(name, "submodule", where);
    if (!(child instanceof ScriptModule)) {
      fail("ARGUMENT_TYPE", `${where}: submodule "${name}" is a ${child.constructor.name}, not a ScriptModule; trace or script it first`);
    }
    children.set(name, describeModule(child, stateTensorName(path, name), tensors, visiting, functions));
  }
  functions.addCallees(module, where);
  const methods = new Map<string, unknown>();
  for (const [name, graph] of module.methods) {
    checkName(name, "method", where);
    addConstants(graph, path, name, tensors, `${where} method ${name}`);
    checkCalls(graph, functions, undefined, `${where} method ${name}`);
    methods.set(name, graphToJSON(graph));
  }
  visiting.delete(module);
  return { className: module.className, training: module.training, parameters, buffers, attributes, children, methods };
}

/** Stores the tensor constants the graph refers to (unreferenced entries of graph.constants are dropped, as load requires). */
function addConstants(graph: Graph, modulePath: string, graphName: string, tensors: Map<string, Tensor>, where: string): void {
  for (const name of [...referencedConstants(graph)].sort()) {
    const tensor = graph.constants.get(name);
    if (tensor === undefined) fail("INVALID_ARGUMENT", `save(): ${where}: tensor constant "${name}" is used but not in graph.constants`);
    if (name === "") fail("INVALID_ARGUMENT", `save(): ${where}: a tensor constant has an empty name`);
    tensors.set(constantTensorName(modulePath, graphName, name), tensor);
  }
}
