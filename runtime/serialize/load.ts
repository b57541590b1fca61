/**
 * `load(pathOrBytes)`: reads a model file (Note [Model file layout] in format.ts)
 * back into a ScriptModule or ScriptFunction, without the model's class and without
 * TypeScript.
 *
 * Note [Model files are untrusted]: nothing in the file is ever executed as code (no
 * eval, no Function; graphs are data for the executor). Every layer is validated
 * before anything is built from it, and every problem is a TsjitError with code
 * INVALID_FILE (UNSUPPORTED_VERSION for a newer format) whose message names the byte
 * offset, header field, JSON path (`program.root.children.fc1.parameters[0]`) or
 * tensor that is wrong:
 * 1. the safetensors layer (`decodeSafetensors`: header length, JSON, dtypes, shapes
 *    against byte sizes, offsets in range, no overlaps or gaps);
 * 2. the metadata: a tsjit file at all, the format version, the program JSON;
 * 3. the program, field by field (`decodeProgram`), including names that would
 *    collide with ScriptModule members;
 * 4. every tensor the program names exists, and every tensor in the file is used;
 * 5. every graph decodes (`graphFromJSON`: unknown ops are named) and verifies
 *    (`verifyGraph`); the tensor constants it references exist;
 * 6. module references link: `%self` has the module's class type, every GetAttr on
 *    a module names a member of the right type, every CallMethod names a method of
 *    the callee with the right arity and types; every CallFunction names a function of
 *    the program's `functions` table, likewise; no method or function calls itself,
 *    directly or through others.
 * A file that passes all of this is a well-formed program; what it computes is what
 * the file says (safetensors has no checksums, so changed weight bytes load fine).
 */
import { fail, TsjitError } from "../errors.js";
import type { Graph, Node, Value } from "../ir/Graph.js";
import { graphFromJSON } from "../ir/json.js";
import { formatIRType, isSubtype, type IRType } from "../ir/types.js";
import { verifyGraph } from "../ir/verifier.js";
import { ScriptFunction } from "../jit/ScriptFunction.js";
import { markConstantWeights } from "../jit/passes/markConstantWeights.js";
import { ScriptModule } from "../jit/ScriptModule.js";
import { Parameter } from "../nn/Parameter.js";
import { decodeSafetensors } from "../nn/safetensors.js";
import type { Tensor } from "../tensor/Tensor.js";
import {
  CONSTANTS_PREFIX,
  constantTensorName,
  FORMAT_NAME,
  FUNCTIONS_CONSTANTS_PATH,
  FORMAT_VERSION,
  METADATA_FORMAT_KEY,
  METADATA_PROGRAM_KEY,
  METADATA_VERSION_KEY,
  stateTensorName,
} from "./format.js";
import { platform, type ByteSource } from "../platform/index.js";
import { referencedConstants } from "./referencedConstants.js";
import { childPath, isValidClassName, parseProgram, type ModuleProgram } from "./program.js";

/**
 * Loads a model file written by `save`: its bytes, or where to read them — in Node a
 * path or a URL (file: read from disk, others fetched), in the browser build a URL
 * (a string is relative to the page). Rejects with INVALID_FILE / UNSUPPORTED_VERSION
 * errors as Note [Model files are untrusted] describes.
 */
export async function load(source: ByteSource | Uint8Array): Promise<ScriptModule | ScriptFunction> {
  if (typeof source === "string" || source instanceof URL) return decodeModelFile(await platform.readBytes(source, "load()"), String(source));
  if (!(source instanceof Uint8Array)) fail("ARGUMENT_TYPE", `load(): expected a path, a URL or a Uint8Array, got ${source === null ? "null" : typeof source}`);
  return decodeModelFile(source);
}

function invalid(message: string): never {
  fail("INVALID_FILE", `model file: ${message}`);
}

/** Decodes model file bytes (synchronous; `load` adds file reading). `name` only labels errors. */
export function decodeModelFile(bytes: Uint8Array, name?: string): ScriptModule | ScriptFunction {
  try {
    return decodeChecked(bytes);
  } catch (error) {
    if (name !== undefined && error instanceof TsjitError) throw new TsjitError(error.code, `${name}: ${error.message}`);
    throw error;
  }
}

function decodeChecked(bytes: Uint8Array): ScriptModule | ScriptFunction {
  const { tensors, metadata } = decodeSafetensors(bytes);
  const programText = readMetadata(metadata);
  const program = parseProgram(programText);
  const files = new FileTensors(tensors);
  let result: ScriptModule | ScriptFunction;
  const functionGraphs = new Map<string, Graph>();
  for (const [name, json] of program.functions ?? []) {
    const path = childPath("program.functions", name);
    const graph = decodeGraph(json, path, files.constantsOf(FUNCTIONS_CONSTANTS_PATH, name));
    if (graph.inputs[0]?.type.kind === "Module") invalid(`${path}: a function graph takes no %self (its first input is a module)`);
    functionGraphs.set(name, graph);
  }
  const functions = atPath("program.functions", () => linkFunctions(functionGraphs));
  if (program.kind === "function") {
    const graph = decodeGraph(program.graph, "program.graph", files.constantsOf("", program.name));
    checkReferences([], functionGraphs, { path: "program.graph", graph });
    const fn = atPath("program.graph", () => new ScriptFunction(program.name, graph));
    for (const callee of functions) fn.addFunction(callee);
    result = fn;
  } else {
    const probe = new ScriptModule("Probe");
    const loaded: LoadedModule[] = [];
    const root = buildModule(program.root, "", "program.root", files, probe, loaded);
    checkReferences(loaded, functionGraphs);
    for (const entry of loaded) {
      for (const [method, graph] of entry.graphs) {
        atPath(childPath(`${entry.jsonPath}.methods`, method), () => entry.module.defineMethod(method, graph));
        markConstantWeights(graph);
      }
      const callsFunctions = [...entry.graphs.values()].some((graph) => [...graph.allNodes()].some((node) => node.kind === "prim::CallFunction"));
      if (callsFunctions) for (const callee of functions) entry.module.addFunction(callee);
    }
    result = root;
  }
  files.checkAllUsed();
  return result;
}

/** ScriptFunctions for the program's functions table, each able to call every other. */
function linkFunctions(graphs: ReadonlyMap<string, Graph>): ScriptFunction[] {
  const all = [...graphs].map(([name, graph]) => new ScriptFunction(name, graph));
  for (const fn of all) for (const other of all) if (other !== fn) fn.addFunction(other);
  return all;
}

/** Checks the tsjit metadata and returns the program text. */
function readMetadata(metadata: ReadonlyMap<string, string>): string {
  const format = metadata.get(METADATA_FORMAT_KEY);
  const program = metadata.get(METADATA_PROGRAM_KEY);
  if (format !== FORMAT_NAME || program === undefined) {
    const found = format === undefined ? "has no \"format\"" : `has "format": ${JSON.stringify(format)}`;
    fail(
      "INVALID_FILE",
      `not a tsjit model file: no tsjit program in __metadata__ (it ${found}${program === undefined ? " and no \"tsjit.program\"" : ""}); use loadSafetensors for plain weights`,
    );
  }
  const version = metadata.get(METADATA_VERSION_KEY);
  if (version === undefined) invalid(`__metadata__ has no "${METADATA_VERSION_KEY}" (the format version)`);
  if (!/^[1-9][0-9]*$/.test(version)) invalid(`__metadata__["${METADATA_VERSION_KEY}"] is ${JSON.stringify(version)}, expected a positive integer`);
  if (version.length > 15 || Number(version) > FORMAT_VERSION) {
    fail("UNSUPPORTED_VERSION", `model file format version ${version} is newer than this tsjit supports (${FORMAT_VERSION}); upgrade tsjit`);
  }
  return program;
}

/** The file's tensors, tracking which ones the program uses. */
class FileTensors {
  readonly #tensors: ReadonlyMap<string, Tensor>;
  readonly #used = new Set<string>();
  /** `<module path>/<graph name>` → that graph's constants by name. */
  readonly #constants = new Map<string, Map<string, Tensor>>();

  constructor(tensors: ReadonlyMap<string, Tensor>) {
    this.#tensors = tensors;
    for (const [key, tensor] of tensors) {
      if (!key.startsWith(CONSTANTS_PREFIX)) continue;
      const rest = key.slice(CONSTANTS_PREFIX.length);
      const first = rest.indexOf("/");
      const second = first < 0 ? -1 : rest.indexOf("/", first + 1);
      if (second < 0 || second === rest.length - 1) {
        invalid(`tensor ${JSON.stringify(key)} is not a valid constant name (expected "${CONSTANTS_PREFIX}<module path>/<method>/<name>")`);
      }
      const owner = rest.slice(0, second);
      const group = this.#constants.get(owner) ?? new Map<string, Tensor>();
      group.set(rest.slice(second + 1), tensor);
      this.#constants.set(owner, group);
    }
  }

  /** The state tensor `key`, which the program names at `where`. */
  take(key: string, where: string): Tensor {
    const tensor = this.#tensors.get(key);
    if (tensor === undefined) invalid(`${where} refers to tensor ${JSON.stringify(key)}, which is not in the file`);
    this.#used.add(key);
    return tensor;
  }

  /** The tensor constants stored for graph `graphName` of the module at `modulePath`. */
  constantsOf(modulePath: string, graphName: string): ConstantGroup {
    const group = this.#constants.get(`${modulePath}/${graphName}`) ?? new Map<string, Tensor>();
    for (const name of group.keys()) this.#used.add(constantTensorName(modulePath, graphName, name));
    return { modulePath, graphName, tensors: group };
  }

  checkAllUsed(): void {
    for (const key of this.#tensors.keys()) {
      if (!this.#used.has(key)) {
        invalid(
          key.startsWith(CONSTANTS_PREFIX)
            ? `tensor ${JSON.stringify(key)} is a constant of a graph that the program does not have`
            : `tensor ${JSON.stringify(key)} is not a parameter or buffer of the program (every tensor in a model file must be used)`,
        );
      }
    }
  }
}

interface ConstantGroup {
  readonly modulePath: string;
  readonly graphName: string;
  readonly tensors: ReadonlyMap<string, Tensor>;
}

interface LoadedModule {
  readonly module: ScriptModule;
  readonly program: ModuleProgram;
  readonly jsonPath: string;
  readonly graphs: Map<string, Graph>;
}

function buildModule(program: ModuleProgram, modulePath: string, jsonPath: string, files: FileTensors, probe: ScriptModule, loaded: LoadedModule[]): ScriptModule {
  const module = new ScriptModule(program.className);
  module.training = program.training;
  const checkFree = (name: string, where: string): void => {
    if (name in probe) invalid(`${where} ${JSON.stringify(name)} is the name of a ScriptModule member and cannot be used`);
  };
  program.parameters.forEach((name, i) => {
    const where = `${jsonPath}.parameters[${i}]`;
    checkFree(name, where);
    module.addParameter(name, new Parameter(files.take(stateTensorName(modulePath, name), where)));
  });
  program.buffers.forEach((name, i) => {
    const where = `${jsonPath}.buffers[${i}]`;
    checkFree(name, where);
    module.registerBuffer(name, files.take(stateTensorName(modulePath, name), where));
  });
  for (const [name, value] of program.attributes) {
    checkFree(name, childPath(`${jsonPath}.attributes`, name));
    module.addAttribute(name, value);
  }
  for (const [name, child] of program.children) {
    const where = childPath(`${jsonPath}.children`, name);
    checkFree(name, where);
    module.addModule(name, buildModule(child, stateTensorName(modulePath, name), where, files, probe, loaded));
  }
  const graphs = new Map<string, Graph>();
  for (const [name, json] of program.methods) {
    graphs.set(name, decodeGraph(json, childPath(`${jsonPath}.methods`, name), files.constantsOf(modulePath, name)));
  }
  decodedGraphs.set(program, graphs);
  loaded.push({ module, program, jsonPath, graphs });
  return module;
}

/** Runs `f`, turning any TsjitError into INVALID_FILE (UNSUPPORTED_VERSION stays) prefixed with the JSON path. */
function atPath<T>(path: string, f: () => T): T {
  try {
    return f();
  } catch (error) {
    if (error instanceof TsjitError) {
      throw new TsjitError(error.code === "UNSUPPORTED_VERSION" ? error.code : "INVALID_FILE", `model file: ${path}: ${error.message}`);
    }
    throw error;
  }
}

function decodeGraph(json: unknown, path: string, constants: ConstantGroup): Graph {
  const graph = atPath(path, () => graphFromJSON(json, constants.tensors));
  checkTypes(graph, path);
  atPath(path, () => verifyGraph(graph));
  const referenced = referencedConstants(graph);
  for (const name of referenced) {
    if (!constants.tensors.has(name)) {
      invalid(`${path} uses tensor constant "${name}", but tensor ${JSON.stringify(constantTensorName(constants.modulePath, constants.graphName, name))} is not in the file`);
    }
  }
  for (const name of constants.tensors.keys()) {
    if (!referenced.has(name)) {
      invalid(`tensor ${JSON.stringify(constantTensorName(constants.modulePath, constants.graphName, name))} is a constant that ${path} does not use`);
    }
  }
  return graph;
}

/**
 * Step 6 of Note [Model files are untrusted]: GetAttr and CallMethod on modules known
 * statically (`%self` and GetAttr chains from it) name real members of the right type,
 * CallMethod passes arguments of the callee's types, and no method calls itself,
 * directly or through others (the executor would recurse until the stack overflows).
 */
function checkReferences(loaded: readonly LoadedModule[], functions: ReadonlyMap<string, Graph>, main?: { path: string; graph: Graph }): void {
  const calls = new Map<string, { path: string; callees: Set<string> }>();
  const plain = [...functions].map(([name, graph]) => ({ path: childPath("program.functions", name), graph }));
  if (main) plain.push(main);
  for (const { path, graph } of plain) {
    const callees = new Set<string>();
    for (const node of graph.allNodes()) checkNode(node, new Map(), path, callees, functions);
    calls.set(path, { path, callees });
  }
  for (const entry of loaded) {
    for (const [method, graph] of entry.graphs) {
      const path = childPath(`${entry.jsonPath}.methods`, method);
      const self = graph.inputs[0];
      if (self === undefined || self.type.kind !== "Module" || self.type.className !== entry.program.className) {
        invalid(`${path}: the first input must be %self of type ${entry.program.className}, got ${self === undefined ? "no inputs" : formatIRType(self.type)}`);
      }
      const known = new Map<Value, LoadedModuleRef>([[self, { program: entry.program, jsonPath: entry.jsonPath, graphs: entry.graphs }]]);
      const callees = new Set<string>();
      for (const node of graph.allNodes()) checkNode(node, known, path, callees, functions);
      calls.set(path, { path, callees });
    }
  }
  // Depth-first search for a cycle in the call graph (methods named by their JSON path).
  const state = new Map<string, "active" | "done">();
  const visit = (method: string, chain: string[]): void => {
    if (state.get(method) === "done") return;
    if (state.get(method) === "active") {
      const cycle = chain.slice(chain.indexOf(method));
      invalid(`${method} calls itself (${[...cycle, method].join(" -> ")}); recursive methods are not supported`);
    }
    state.set(method, "active");
    for (const callee of calls.get(method)?.callees ?? []) visit(callee, [...chain, method]);
    state.set(method, "done");
  };
  for (const method of calls.keys()) visit(method, []);
}

/** Every value's type is a well-formed IR type (the graph decoder's type parser is not trusted to guarantee it). */
function checkTypes(graph: Graph, path: string): void {
  const check = (value: Value, where: string): void => {
    if (!wellFormedType(value.type)) invalid(`${path}: ${where} has a malformed type`);
  };
  graph.inputs.forEach((value, i) => check(value, `input ${i}`));
  for (const node of graph.allNodes()) {
    node.outputs.forEach((value, i) => check(value, `output ${i} of ${describeNode(node)}`));
    for (const block of node.blocks) block.params.forEach((value, i) => check(value, `block parameter ${i} of ${describeNode(node)}`));
  }
}

function wellFormedType(type: IRType, depth = 0): boolean {
  if (typeof type !== "object" || type === null || depth > 32 || !Object.hasOwn(type, "kind")) return false;
  switch (type.kind) {
    case "Tensor":
    case "int":
    case "float":
    case "bool":
    case "str":
    case "None":
    case "ScalarType":
      return true;
    case "List":
      return wellFormedType(type.element, depth + 1);
    case "Optional":
      return wellFormedType(type.inner, depth + 1);
    case "Tuple":
      return Array.isArray(type.elements) && type.elements.every((t) => wellFormedType(t, depth + 1));
    case "Module":
      return typeof type.className === "string" && isValidClassName(type.className);
    default:
      return false;
  }
}

interface LoadedModuleRef {
  readonly program: ModuleProgram;
  readonly jsonPath: string;
  /** Decoded graphs of the module's methods. */
  readonly graphs: ReadonlyMap<string, Graph>;
}

function describeNode(node: Node): string {
  const attributes = [...node.attributes].map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(", ");
  const source = node.source ? ` (${node.source.file}:${node.source.line}:${node.source.col})` : "";
  return `${node.kind}${attributes ? `[${attributes}]` : ""}${source}`;
}

function checkNode(node: Node, known: Map<Value, LoadedModuleRef>, path: string, callees: Set<string>, functions: ReadonlyMap<string, Graph>): void {
  if (node.kind === "prim::CallFunction") {
    const name = node.attributes.get("name");
    const callee = typeof name === "string" ? functions.get(name) : undefined;
    const where = `${path}: ${describeNode(node)}`;
    if (callee === undefined) invalid(`${where} calls function ${JSON.stringify(name)}, which program.functions does not have`);
    checkCallSignature(node, callee, 0, where, "function");
    callees.add(childPath("program.functions", name as string));
    return;
  }
  if (node.kind !== "prim::GetAttr" && node.kind !== "prim::CallMethod") return;
  const target = node.inputs[0] === undefined ? undefined : known.get(node.inputs[0]);
  if (target === undefined) return; // not statically a known module: the executor checks at run time
  const name = node.attributes.get("name");
  if (typeof name !== "string") invalid(`${path}: ${describeNode(node)} has no string attribute "name"`);
  const where = `${path}: ${describeNode(node)} on module ${target.program.className} (${target.jsonPath})`;
  const program = target.program;
  if (node.kind === "prim::CallMethod") {
    const callee = target.graphs.get(name);
    if (callee === undefined) invalid(`${where}: the module has no method "${name}"`);
    checkCallSignature(node, callee, 1, where, "method");
    callees.add(childPath(`${target.jsonPath}.methods`, name));
    return;
  }
  const output = node.outputs[0];
  if (node.outputs.length !== 1 || output === undefined) invalid(`${where}: GetAttr must have exactly one output`);
  const expectType = (wanted: string, ok: boolean): void => {
    if (!ok) invalid(`${where}: "${name}" is ${wanted}, but the output has type ${formatIRType(output.type)}`);
  };
  const child = program.children.get(name);
  if (child !== undefined) {
    expectType(`a submodule of class ${child.className}`, output.type.kind === "Module" && output.type.className === child.className);
    const childJsonPath = childPath(`${target.jsonPath}.children`, name);
    known.set(output, { program: child, jsonPath: childJsonPath, graphs: graphsOf(child) });
    return;
  }
  if (program.parameters.includes(name) || program.buffers.includes(name)) {
    expectType("a tensor", output.type.kind === "Tensor" || (output.type.kind === "Optional" && output.type.inner.kind === "Tensor"));
    return;
  }
  if (name === "training") {
    expectType("the module's training flag (bool)", output.type.kind === "bool");
    return;
  }
  if (program.attributes.has(name)) {
    const value = program.attributes.get(name)!;
    expectType(`an attribute with value ${JSON.stringify(value)}`, attributeFits(value, output.type));
    return;
  }
  invalid(`${where}: the module has no parameter, buffer, attribute or submodule "${name}"`);
}

/** A call node passes arguments of the callee's input types (after `skip` leading inputs: self) and takes outputs of its output types. */
function checkCallSignature(node: Node, callee: Graph, skip: number, where: string, what: "method" | "function"): void {
  if (node.inputs.length !== callee.inputs.length) {
    invalid(`${where}: passes ${node.inputs.length - skip} argument(s), but the ${what} takes ${callee.inputs.length - skip}`);
  }
  node.inputs.forEach((input, i) => {
    if (i >= skip && !isSubtype(input.type, callee.inputs[i]!.type)) {
      invalid(`${where}: argument ${i - skip + 1} has type ${formatIRType(input.type)}, but the ${what} takes ${formatIRType(callee.inputs[i]!.type)}`);
    }
  });
  if (node.outputs.length !== callee.outputs.length) {
    invalid(`${where}: has ${node.outputs.length} output(s), but the ${what} returns ${callee.outputs.length}`);
  }
  node.outputs.forEach((output, i) => {
    if (!isSubtype(callee.outputs[i]!.type, output.type)) {
      invalid(`${where}: output ${i} has type ${formatIRType(output.type)}, but the ${what} returns ${formatIRType(callee.outputs[i]!.type)}`);
    }
  });
}

function attributeFits(value: number | boolean | string | null, type: IRType): boolean {
  // A Tensor-typed read of a null field is the refined read inside `if (this.bias !== null)`.
  if (value === null) return type.kind === "None" || type.kind === "Optional" || type.kind === "Tensor";
  if (type.kind === "Optional") return attributeFits(value, type.inner);
  switch (type.kind) {
    case "int":
      return typeof value === "number" && Number.isInteger(value);
    case "float":
      return typeof value === "number";
    case "bool":
      return typeof value === "boolean";
    case "str":
      return typeof value === "string";
    default:
      return false;
  }
}

/** Decoded graphs by module program; filled by `buildModule` (children first). */
const decodedGraphs = new WeakMap<ModuleProgram, ReadonlyMap<string, Graph>>();

function graphsOf(program: ModuleProgram): ReadonlyMap<string, Graph> {
  return decodedGraphs.get(program) ?? new Map();
}
