/**
 * The JSON form of a graph, as stored in model files:
 *
 *   { "version": 1,
 *     "inputs": [{ "id": 0, "type": "Tensor", "name": "x" }],
 *     "nodes": [{ "kind": "aten::relu", "inputs": [0], "outputs": [{ "id": 1, "type": "Tensor" }],
 *                 "attributes": { ... }, "blocks": [{ "params": [...], "nodes": [...], "returns": [...] }],
 *                 "source": { "file": "model.ts", "line": 3, "col": 5 } }],
 *     "outputs": [1] }
 *
 * Deterministic: value ids are renumbered densely in program order (the order of
 * printer.ts's Note [Value names]), keys are written in a fixed order, attributes
 * sorted by name, optional fields (`name`, `attributes`, `blocks`, `source`) omitted
 * when empty. Attribute values: JSON numbers, strings, booleans, null, number lists;
 * `{"tensor": NAME}` for a tensor constant; `{"number": "nan" | "inf" | "-inf" | "-0"}`
 * for numbers JSON cannot spell.
 *
 * `graphFromJSON` reads untrusted input (it comes from files): every field is
 * checked, and anything wrong is an INVALID_GRAPH error naming its JSON path.
 */
import { fail, TsjitError } from "../errors.js";
import type { Tensor } from "../tensor/Tensor.js";
import { type AttributeValue, type Block, Graph, type Node, type Value } from "./Graph.js";
import { isKnownKind, parseTypeText } from "./parser.js";
import { collectBlockValues } from "./printer.js";
import { formatIRType } from "./types.js";

export const GRAPH_JSON_VERSION = 1;

export type AttributeJSON = number | boolean | string | null | (number | { number: string })[] | { tensor: string } | { number: string };

export interface ValueJSON {
  id: number;
  type: string;
  name?: string;
}

export interface SourceJSON {
  file: string;
  line: number;
  col: number;
}

export interface NodeJSON {
  kind: string;
  inputs: number[];
  outputs: ValueJSON[];
  attributes?: Record<string, AttributeJSON>;
  blocks?: BlockJSON[];
  source?: SourceJSON;
}

export interface BlockJSON {
  params: ValueJSON[];
  nodes: NodeJSON[];
  returns: number[];
}

export interface GraphJSON {
  version: number;
  inputs: ValueJSON[];
  nodes: NodeJSON[];
  outputs: number[];
}

/** Blocks nest at most this deep in a file. */
const MAX_DEPTH = 200;

export function graphToJSON(graph: Graph): GraphJSON {
  const order: Value[] = [];
  collectBlockValues(graph.block, order);
  const ids = new Map<Value, number>();
  order.forEach((value, i) => ids.set(value, i));
  const idOf = (value: Value): number => {
    const id = ids.get(value);
    if (id === undefined) fail("INVALID_GRAPH", `graphToJSON: a value of type ${formatIRType(value.type)} is used but not defined in the graph`);
    return id;
  };
  const valueJSON = (value: Value): ValueJSON => {
    const out: ValueJSON = { id: idOf(value), type: formatIRType(value.type) };
    if (value.debugName !== undefined) out.name = value.debugName;
    return out;
  };
  const nodeJSON = (node: Node): NodeJSON => {
    const out: NodeJSON = { kind: node.kind, inputs: node.inputs.map(idOf), outputs: node.outputs.map(valueJSON) };
    if (node.attributes.size > 0) {
      const attributes: Record<string, AttributeJSON> = {};
      for (const name of [...node.attributes.keys()].sort()) attributes[name] = attributeToJSON(node.attributes.get(name)!);
      out.attributes = attributes;
    }
    if (node.blocks.length > 0) out.blocks = node.blocks.map(blockJSON);
    if (node.source) out.source = { file: node.source.file, line: node.source.line, col: node.source.col };
    return out;
  };
  const blockJSON = (block: Block): BlockJSON => ({ params: block.params.map(valueJSON), nodes: block.nodes.map(nodeJSON), returns: block.returns.map(idOf) });
  return {
    version: GRAPH_JSON_VERSION,
    inputs: graph.inputs.map(valueJSON),
    nodes: graph.block.nodes.map(nodeJSON),
    outputs: graph.outputs.map(idOf),
  };
}

function numberToJSON(value: number): number | { number: string } {
  if (Number.isNaN(value)) return { number: "nan" };
  if (value === Infinity) return { number: "inf" };
  if (value === -Infinity) return { number: "-inf" };
  if (Object.is(value, -0)) return { number: "-0" };
  return value;
}

function attributeToJSON(value: AttributeValue): AttributeJSON {
  if (typeof value === "number") return numberToJSON(value);
  if (Array.isArray(value)) return (value as readonly number[]).map(numberToJSON);
  if (value !== null && typeof value === "object") return { tensor: (value as { tensor: string }).tensor };
  return value as string | boolean | null;
}

const SPECIAL_NUMBERS: Record<string, number> = { nan: NaN, inf: Infinity, "-inf": -Infinity, "-0": -0 };

class Decoder {
  private readonly graph = new Graph();
  private readonly values = new Map<number, Value>();

  constructor(private readonly constants: ReadonlyMap<string, Tensor> | undefined) {}

  fail(path: string, message: string): never {
    fail("INVALID_GRAPH", `graphFromJSON: ${path}: ${message}`);
  }

  decode(json: unknown): Graph {
    const root = this.object(json, "graph");
    const version = root["version"];
    if (typeof version !== "number" || !Number.isInteger(version) || version < 1) this.fail("version", `expected a positive integer, found ${describe(version)}`);
    if (version > GRAPH_JSON_VERSION) {
      fail("UNSUPPORTED_VERSION", `graphFromJSON: the graph is in IR format version ${version}, newer than the supported version ${GRAPH_JSON_VERSION}; upgrade tsjit to load it`);
    }
    this.keys(root, "graph", ["version", "inputs", "nodes", "outputs"], ["version", "inputs", "nodes", "outputs"]);
    const block = this.graph.block;
    this.array(root["inputs"], "inputs").forEach((v, i) => this.defineValue(v, `inputs[${i}]`, (type, name) => block.addParam(type, name)));
    this.nodes(root["nodes"], "nodes", block, 0);
    this.array(root["outputs"], "outputs").forEach((id, i) => block.addReturn(this.ref(id, `outputs[${i}]`)));
    return this.graph;
  }

  private object(json: unknown, path: string): Record<string, unknown> {
    if (json === null || typeof json !== "object" || Array.isArray(json)) this.fail(path, `expected an object, found ${describe(json)}`);
    return json as Record<string, unknown>;
  }

  private array(json: unknown, path: string): unknown[] {
    if (!Array.isArray(json)) this.fail(path, `expected an array, found ${describe(json)}`);
    return json;
  }

  private string(json: unknown, path: string): string {
    if (typeof json !== "string") this.fail(path, `expected a string, found ${describe(json)}`);
    return json;
  }

  private integer(json: unknown, path: string): number {
    if (typeof json !== "number" || !Number.isSafeInteger(json) || json < 0) this.fail(path, `expected a non-negative integer, found ${describe(json)}`);
    return json;
  }

  private keys(object: Record<string, unknown>, path: string, required: readonly string[], allowed: readonly string[]): void {
    for (const key of required) if (!Object.prototype.hasOwnProperty.call(object, key)) this.fail(path, `missing field '${key}'`);
    for (const key of Object.keys(object)) if (!allowed.includes(key)) this.fail(path, `unknown field '${key}'`);
  }

  private defineValue(json: unknown, path: string, create: (type: ReturnType<typeof parseTypeText>, name: string | undefined) => Value): void {
    const object = this.object(json, path);
    this.keys(object, path, ["id", "type"], ["id", "type", "name"]);
    const id = this.integer(object["id"], `${path}.id`);
    if (this.values.has(id)) this.fail(`${path}.id`, `value id ${id} is defined twice`);
    const typeText = this.string(object["type"], `${path}.type`);
    let type;
    try {
      type = parseTypeText(typeText, "type");
    } catch (error) {
      if (error instanceof TsjitError) this.fail(`${path}.type`, `invalid type ${JSON.stringify(typeText)}`);
      throw error;
    }
    const name = object["name"] === undefined ? undefined : this.string(object["name"], `${path}.name`);
    this.values.set(id, create(type, name));
  }

  private ref(json: unknown, path: string): Value {
    const id = this.integer(json, path);
    const value = this.values.get(id);
    if (!value) this.fail(path, `unknown value id ${id}`);
    return value;
  }

  private nodes(json: unknown, path: string, block: Block, depth: number): void {
    if (depth > MAX_DEPTH) this.fail(path, `blocks nested deeper than ${MAX_DEPTH}`);
    this.array(json, path).forEach((n, i) => this.node(n, `${path}[${i}]`, block, depth));
  }

  private node(json: unknown, path: string, block: Block, depth: number): void {
    const object = this.object(json, path);
    this.keys(object, path, ["kind", "inputs", "outputs"], ["kind", "inputs", "outputs", "attributes", "blocks", "source"]);
    const kind = this.string(object["kind"], `${path}.kind`);
    if (!/^[A-Za-z_]\w*::[A-Za-z_]\w*(?:\.\w+)?$/.test(kind) || !isKnownKind(kind)) this.fail(`${path}.kind`, `unknown node kind ${JSON.stringify(kind)}`);
    const node = this.graph.createNode(kind);
    this.array(object["inputs"], `${path}.inputs`).forEach((id, i) => node.addInput(this.ref(id, `${path}.inputs[${i}]`)));
    if (object["attributes"] !== undefined) {
      const attributes = this.object(object["attributes"], `${path}.attributes`);
      for (const name of Object.keys(attributes).sort()) {
        const at = `${path}.attributes.${name}`;
        if (!/^[A-Za-z_]\w*$/.test(name)) this.fail(at, "invalid attribute name");
        node.setAttribute(name, this.attribute(attributes[name], at));
      }
    }
    if (object["source"] !== undefined) {
      const source = this.object(object["source"], `${path}.source`);
      this.keys(source, `${path}.source`, ["file", "line", "col"], ["file", "line", "col"]);
      const file = this.string(source["file"], `${path}.source.file`);
      if (file.includes("\n")) this.fail(`${path}.source.file`, "a file name cannot contain a newline");
      node.source = { file, line: this.integer(source["line"], `${path}.source.line`), col: this.integer(source["col"], `${path}.source.col`) };
    }
    block.appendNode(node);
    this.array(object["outputs"], `${path}.outputs`).forEach((v, i) => this.defineValue(v, `${path}.outputs[${i}]`, (type, name) => node.addOutput(type, name)));
    if (object["blocks"] !== undefined) {
      this.array(object["blocks"], `${path}.blocks`).forEach((b, i) => this.block(b, `${path}.blocks[${i}]`, node, depth + 1));
    }
  }

  private block(json: unknown, path: string, node: Node, depth: number): void {
    const object = this.object(json, path);
    this.keys(object, path, ["params", "nodes", "returns"], ["params", "nodes", "returns"]);
    const block = node.addBlock();
    this.array(object["params"], `${path}.params`).forEach((v, i) => this.defineValue(v, `${path}.params[${i}]`, (type, name) => block.addParam(type, name)));
    this.nodes(object["nodes"], `${path}.nodes`, block, depth);
    this.array(object["returns"], `${path}.returns`).forEach((id, i) => block.addReturn(this.ref(id, `${path}.returns[${i}]`)));
  }

  private number(json: unknown, path: string): number {
    if (typeof json === "number") return json;
    if (json !== null && typeof json === "object" && !Array.isArray(json)) {
      const object = json as Record<string, unknown>;
      this.keys(object, path, ["number"], ["number"]);
      const text = object["number"];
      if (typeof text === "string" && Object.prototype.hasOwnProperty.call(SPECIAL_NUMBERS, text)) return SPECIAL_NUMBERS[text]!;
      this.fail(`${path}.number`, `expected "nan", "inf", "-inf" or "-0", found ${describe(text)}`);
    }
    this.fail(path, `expected a number, found ${describe(json)}`);
  }

  private attribute(json: unknown, path: string): AttributeValue {
    if (json === null || typeof json === "string" || typeof json === "boolean" || typeof json === "number") return json;
    if (Array.isArray(json)) return json.map((item, i) => this.number(item, `${path}[${i}]`));
    const object = this.object(json, path);
    if (Object.prototype.hasOwnProperty.call(object, "tensor")) {
      this.keys(object, path, ["tensor"], ["tensor"]);
      const name = this.string(object["tensor"], `${path}.tensor`);
      const tensor = this.constants?.get(name);
      if (!tensor) this.fail(`${path}.tensor`, `tensor constant '${name}' is missing`);
      this.graph.constants.set(name, tensor);
      return { tensor: name };
    }
    return this.number(object, path);
  }
}

function describe(json: unknown): string {
  if (json === undefined) return "nothing";
  if (json === null) return "null";
  if (Array.isArray(json)) return "an array";
  if (typeof json === "object") return "an object";
  if (typeof json === "string") return JSON.stringify(json.length > 40 ? `${json.slice(0, 40)}...` : json);
  return `${typeof json} ${String(json)}`;
}

/**
 * Rebuilds a graph from `graphToJSON`'s output (or a file's copy of it). Tensor
 * constants come from `constants`: a reference to a name missing from it is an
 * error (without `constants`, every reference is missing).
 */
export function graphFromJSON(json: unknown, constants?: ReadonlyMap<string, Tensor>): Graph {
  return new Decoder(constants).decode(json);
}
