/**
 * The program JSON of a model file (`__metadata__["tsjit.program"]`, see Note [Model
 * file layout] in format.ts) and its validating decoder.
 *
 * ```
 * { "kind": "module",
 *   "root": { "className": "MLP",
 *             "parameters": ["bias"], "buffers": ["running_mean"],
 *             "attributes": { "scale": 0.125, "name": "x", "flag": true },
 *             "children": { "fc1": <module> },
 *             "methods": { "forward": <GraphJSON> } } }
 * { "kind": "function", "name": "f", "graph": <GraphJSON> }
 * ```
 *
 * Either kind may add `"functions": { "<name>": <GraphJSON> }`: the free functions that
 * `prim::CallFunction[name=...]` nodes call (scripted functions, transitively), one
 * table for the whole program. It is written only when non-empty.
 *
 * The file is untrusted: `decodeProgram` checks every field (type, allowed names,
 * no unknown or duplicate fields) and names the JSON path of the first wrong one,
 * e.g. `program.root.children.fc1.parameters[0]`. Graph JSON is checked by the IR's
 * own decoder (`graphFromJSON`), which load.ts calls with the path.
 */
import { fail } from "../errors.js";

export type AttributeJSONValue = number | boolean | string | null;

/** A decoded module of the program; maps keep the file's order. */
export interface ModuleProgram {
  readonly className: string;
  /** The module's train/eval mode when it was saved. */
  readonly training: boolean;
  readonly parameters: readonly string[];
  readonly buffers: readonly string[];
  readonly attributes: ReadonlyMap<string, AttributeJSONValue>;
  readonly children: ReadonlyMap<string, ModuleProgram>;
  /** Method name → graph JSON, not yet decoded. */
  readonly methods: ReadonlyMap<string, unknown>;
}

/** Function name → graph JSON (not yet decoded), for prim::CallFunction. */
export type FunctionsProgram = ReadonlyMap<string, unknown>;

export type Program =
  | { readonly kind: "module"; readonly root: ModuleProgram; readonly functions?: FunctionsProgram }
  | { readonly kind: "function"; readonly name: string; readonly graph: unknown; readonly functions?: FunctionsProgram };

/**
 * Names of parameters, buffers, attributes, submodules and methods: JS identifiers,
 * or decimal indices (nn.Sequential's children). They never contain "." or "/", which
 * keeps state-dict keys and constant tensor names unambiguous.
 */
const MEMBER_NAME = /^(?:[A-Za-z_$][A-Za-z0-9_$]*|[0-9]+)$/;

/** Class names as the IR's type parser reads them (`parseIRType`), minus its built-in type names. */
const CLASS_NAME = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$/;
const BUILTIN_TYPE_NAMES = new Set(["Tensor", "int", "float", "bool", "str", "None", "NoneType", "ScalarType"]);

/** Modules nest at most this deep (a malicious file could otherwise exhaust the stack). */
export const MAX_MODULE_DEPTH = 64;

/** Whether `name` may name a module member or method in a model file. */
export function isValidMemberName(name: string): boolean {
  return MEMBER_NAME.test(name) && !(name in Object.prototype);
}

/** Class names of module types; never a name Object.prototype has (`constructor`, `__proto__`), which lookup tables would mistake. */
export function isValidClassName(name: string): boolean {
  return CLASS_NAME.test(name) && !BUILTIN_TYPE_NAMES.has(name) && !(name in Object.prototype);
}

/** `program.root.children.fc1` for identifiers; `program.root.children["a-b"]` otherwise. */
export function childPath(path: string, key: string): string {
  return /^[A-Za-z0-9_$]+$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function invalid(path: string, message: string): never {
  fail("INVALID_FILE", `model file: ${path} ${message}`);
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  const text = JSON.stringify(value);
  return `${typeof value} ${text.length > 60 ? `${text.slice(0, 57)}...` : text}`;
}

function expectObject(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) invalid(path, `must be an object, got ${describe(value)}`);
  return value as Record<string, unknown>;
}

/** Checks that `object` has exactly the fields `fields` (all required). */
function expectFields(object: Record<string, unknown>, fields: readonly string[], path: string): void {
  for (const field of fields) {
    if (!Object.hasOwn(object, field)) invalid(path, `is missing the field "${field}" (expected fields: ${fields.join(", ")})`);
  }
  for (const key of Object.keys(object)) {
    if (!fields.includes(key)) invalid(childPath(path, key), `is not a known field (expected fields: ${fields.join(", ")})`);
  }
}

function expectString(value: unknown, path: string): string {
  if (typeof value !== "string") invalid(path, `must be a string, got ${describe(value)}`);
  return value;
}

function expectMemberName(value: unknown, path: string): string {
  const name = expectString(value, path);
  if (!isValidMemberName(name)) invalid(path, `${JSON.stringify(name)} is not a valid name (expected an identifier or a decimal index)`);
  return name;
}

/** Parses the program JSON text (the metadata string) and validates it. */
export function parseProgram(text: string): Program {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    fail("INVALID_FILE", `model file: __metadata__["tsjit.program"] is not valid JSON: ${(error as Error).message}`);
  }
  return decodeProgram(json);
}

/** Validates a parsed program JSON value field by field. */
export function decodeProgram(json: unknown): Program {
  const path = "program";
  const object = expectObject(json, path);
  const kind = object["kind"];
  const hasFunctions = Object.hasOwn(object, "functions");
  if (kind === "module") {
    expectFields(object, hasFunctions ? ["kind", "root", "functions"] : ["kind", "root"], path);
    const root = decodeModule(object["root"], `${path}.root`, 0);
    return hasFunctions ? { kind, root, functions: decodeFunctions(object, path) } : { kind, root };
  }
  if (kind === "function") {
    expectFields(object, hasFunctions ? ["kind", "name", "graph", "functions"] : ["kind", "name", "graph"], path);
    const name = expectMemberName(object["name"], `${path}.name`);
    const functions = decodeFunctions(object, path);
    if (functions.has(name)) invalid(childPath(`${path}.functions`, name), `has the name of the program's own function`);
    return hasFunctions ? { kind, name, graph: object["graph"], functions } : { kind, name, graph: object["graph"] };
  }
  invalid(`${path}.kind`, `must be "module" or "function", got ${describe(kind)}`);
}

function decodeFunctions(object: Record<string, unknown>, path: string): Map<string, unknown> {
  const functions = new Map<string, unknown>();
  if (!Object.hasOwn(object, "functions")) return functions;
  const table = expectObject(object["functions"], `${path}.functions`);
  if (Object.keys(table).length === 0) invalid(`${path}.functions`, "is empty (omit it when there are no functions)");
  for (const [name, value] of Object.entries(table)) {
    const where = childPath(`${path}.functions`, name);
    if (!isValidMemberName(name) || /^[0-9]/.test(name)) invalid(where, "is not a valid function name (expected an identifier)");
    functions.set(name, value);
  }
  return functions;
}

const MODULE_FIELDS = ["className", "training", "parameters", "buffers", "attributes", "children", "methods"] as const;

function decodeModule(json: unknown, path: string, depth: number): ModuleProgram {
  if (depth > MAX_MODULE_DEPTH) invalid(path, `nests modules more than ${MAX_MODULE_DEPTH} deep`);
  const object = expectObject(json, path);
  expectFields(object, MODULE_FIELDS, path);
  const className = expectString(object["className"], `${path}.className`);
  if (!isValidClassName(className)) invalid(`${path}.className`, `${JSON.stringify(className)} is not a valid class name`);
  const training = object["training"];
  if (typeof training !== "boolean") invalid(`${path}.training`, `must be a boolean, got ${describe(training)}`);

  // Every member name of a module is unique across parameters, buffers, attributes and children.
  const taken = new Map<string, string>();
  const claim = (name: string, where: string): void => {
    const previous = taken.get(name);
    if (previous !== undefined) invalid(where, `${JSON.stringify(name)} is already used by ${previous}`);
    taken.set(name, where);
  };

  const names = (field: "parameters" | "buffers"): string[] => {
    const fieldPath = `${path}.${field}`;
    const value = object[field];
    if (!Array.isArray(value)) invalid(fieldPath, `must be an array of names, got ${describe(value)}`);
    return value.map((entry, i) => {
      const name = expectMemberName(entry, `${fieldPath}[${i}]`);
      claim(name, `${fieldPath}[${i}]`);
      return name;
    });
  };
  const parameters = names("parameters");
  const buffers = names("buffers");

  const attributes = new Map<string, AttributeJSONValue>();
  for (const [name, value] of Object.entries(expectObject(object["attributes"], `${path}.attributes`))) {
    const where = childPath(`${path}.attributes`, name);
    if (!isValidMemberName(name)) invalid(where, `is not a valid attribute name (expected an identifier or a decimal index)`);
    if (value !== null && typeof value !== "number" && typeof value !== "boolean" && typeof value !== "string") {
      invalid(where, `must be a number, boolean, string or null, got ${describe(value)}`);
    }
    claim(name, where);
    attributes.set(name, value);
  }

  const children = new Map<string, ModuleProgram>();
  for (const [name, value] of Object.entries(expectObject(object["children"], `${path}.children`))) {
    const where = childPath(`${path}.children`, name);
    if (!isValidMemberName(name)) invalid(where, `is not a valid submodule name (expected an identifier or a decimal index)`);
    claim(name, where);
    children.set(name, decodeModule(value, where, depth + 1));
  }

  const methods = new Map<string, unknown>();
  for (const [name, value] of Object.entries(expectObject(object["methods"], `${path}.methods`))) {
    const where = childPath(`${path}.methods`, name);
    if (!isValidMemberName(name)) invalid(where, `is not a valid method name (expected an identifier)`);
    if (taken.has(name)) invalid(where, `${JSON.stringify(name)} is already used by ${taken.get(name)}`);
    methods.set(name, value);
  }
  return { className, training, parameters, buffers, attributes, children, methods };
}

/** The JSON form of a module, fields in a fixed order so that saving is deterministic. */
export function moduleToJSON(module: ModuleProgram): Record<string, unknown> {
  return {
    className: module.className,
    training: module.training,
    parameters: [...module.parameters],
    buffers: [...module.buffers],
    attributes: Object.fromEntries(module.attributes),
    children: Object.fromEntries([...module.children].map(([name, child]) => [name, moduleToJSON(child)])),
    methods: Object.fromEntries(module.methods),
  };
}

export function programToJSON(program: Program): Record<string, unknown> {
  const json: Record<string, unknown> =
    program.kind === "module" ? { kind: "module", root: moduleToJSON(program.root) } : { kind: "function", name: program.name, graph: program.graph };
  if (program.functions !== undefined && program.functions.size > 0) json["functions"] = Object.fromEntries(program.functions);
  return json;
}
