/**
 * The payload the @script transformer embeds in emitted JavaScript (the contract of
 * issue 4): `script.compiled("<payload JSON>", fn)` and `@script.compiled("<payload JSON>")`.
 * The frontend (`transformer/frontend`) produces it; this module owns its type and
 * its validating decoder.
 *
 * ```
 * { "version": 1, "kind": "function" | "method" | "class", "name": "f",
 *   "graphs": { "<name>": <GraphJSON> },      // function: { f }; method/class: the methods
 *   "functions": { "<name>": <GraphJSON> } }  // @script free functions reached by prim::CallFunction
 * ```
 *
 * Note [Payloads are untrusted]: a payload is a string in user code that anything
 * could have edited, so it is decoded like a model file: every field is checked, every
 * graph decodes with `graphFromJSON` and passes `verifyGraph`, and each error is a
 * TsjitError INVALID_PAYLOAD naming the site and the JSON path.
 */
import { fail, TsjitError } from "../../errors.js";
import type { Graph } from "../../ir/Graph.js";
import { graphFromJSON, type GraphJSON } from "../../ir/json.js";
import { formatIRType } from "../../ir/types.js";
import { verifyGraph } from "../../ir/verifier.js";

export type ScriptPayloadKind = "function" | "method" | "class";

/** What the build embeds, as deterministic JSON (JSON.stringify of this, keys in this order). */
export interface ScriptPayload {
  readonly version: 1;
  readonly kind: ScriptPayloadKind;
  /** Function or method name, or the class name for kind "class". */
  readonly name: string;
  /** "function": { [name]: graph }; "method": { [methodName]: graph, ...other methods it calls on this }; "class": forward + every method it reaches. */
  readonly graphs: Record<string, GraphJSON>;
  /** Other @script free functions reached through calls (prim::CallFunction[name=...]), transitively. */
  readonly functions: Record<string, GraphJSON>;
}

/** A payload whose graphs decoded and verified. */
export interface DecodedPayload {
  readonly kind: ScriptPayloadKind;
  readonly name: string;
  readonly graphs: ReadonlyMap<string, Graph>;
  readonly functions: ReadonlyMap<string, Graph>;
}

export const PAYLOAD_VERSION = 1;

const FIELDS = ["version", "kind", "name", "graphs", "functions"] as const;
const NAME = /^[A-Za-z_$][\w$]*$/;

function invalid(where: string, path: string, message: string): never {
  fail("INVALID_PAYLOAD", `${where}: compiled payload ${path} ${message}; rebuild with the tsjit transformer`);
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  const text = JSON.stringify(value);
  return `${typeof value} ${text.length > 40 ? `${text.slice(0, 37)}...` : text}`;
}

/**
 * Decodes a payload given as JSON text (what the transformer emits) or as an object
 * (what a run-time compiler returns). `where` names the site in errors, e.g.
 * `script.compiled()` or `@script on Model.forward`.
 */
export function decodePayload(input: unknown, where: string): DecodedPayload {
  let json: unknown = input;
  if (typeof input === "string") {
    try {
      json = JSON.parse(input);
    } catch (error) {
      fail("INVALID_PAYLOAD", `${where}: the compiled payload is not valid JSON (${(error as Error).message}); rebuild with the tsjit transformer`);
    }
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) invalid(where, "payload", `must be an object, got ${describe(json)}`);
  const object = json as Record<string, unknown>;
  for (const key of Object.keys(object)) {
    if (!(FIELDS as readonly string[]).includes(key)) invalid(where, `payload.${key}`, `is not a known field (expected: ${FIELDS.join(", ")})`);
  }
  for (const field of FIELDS) if (!Object.hasOwn(object, field)) invalid(where, "payload", `is missing the field "${field}"`);
  const version = object["version"];
  if (typeof version === "number" && Number.isInteger(version) && version > PAYLOAD_VERSION) {
    fail("UNSUPPORTED_VERSION", `${where}: compiled payload version ${version} is newer than this tsjit runtime supports (${PAYLOAD_VERSION}); upgrade tsjit`);
  }
  if (version !== PAYLOAD_VERSION) invalid(where, "payload.version", `must be ${PAYLOAD_VERSION}, got ${describe(version)}`);
  const kind = object["kind"];
  if (kind !== "function" && kind !== "method" && kind !== "class") invalid(where, "payload.kind", `must be "function", "method" or "class", got ${describe(kind)}`);
  const name = object["name"];
  if (typeof name !== "string" || !NAME.test(name)) invalid(where, "payload.name", `must be an identifier, got ${describe(name)}`);

  const graphs = decodeGraphs(object["graphs"], "payload.graphs", where);
  const functions = decodeGraphs(object["functions"], "payload.functions", where);
  for (const [graphName, graph] of graphs) {
    const self = graph.inputs[0];
    const isMethod = self !== undefined && self.type.kind === "Module";
    if (kind === "function" && isMethod) invalid(where, `payload.graphs.${graphName}`, "is a method graph (first input %self), but the payload is a function's");
    if (kind !== "function" && !isMethod) {
      invalid(where, `payload.graphs.${graphName}`, `must be a method graph whose first input is %self (a module), got ${self ? formatIRType(self.type) : "no inputs"}`);
    }
  }
  for (const [functionName, graph] of functions) {
    if (graph.inputs[0]?.type.kind === "Module") invalid(where, `payload.functions.${functionName}`, "is a method graph; functions take no %self");
  }
  if (kind === "function" && !graphs.has(name)) invalid(where, "payload.graphs", `has no graph for the function "${name}"`);
  if (kind === "method" && !graphs.has(name)) invalid(where, "payload.graphs", `has no graph for the method "${name}"`);
  if (kind === "class" && graphs.size === 0) invalid(where, "payload.graphs", "is empty");
  checkCallees(graphs, functions, where);
  return { kind, name, graphs, functions };
}

/** Decodes and verifies one graph of a payload already validated as a whole (errors as INVALID_PAYLOAD at `path`). */
export function decodePayloadGraph(json: unknown, path: string, where: string): Graph {
  try {
    const graph = graphFromJSON(json);
    verifyGraph(graph);
    return graph;
  } catch (error) {
    if (error instanceof TsjitError && error.code !== "INVALID_PAYLOAD") invalid(where, path, `is not a valid graph: ${error.message}`);
    throw error;
  }
}

function decodeGraphs(value: unknown, path: string, where: string): Map<string, Graph> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) invalid(where, path, `must be an object of graphs, got ${describe(value)}`);
  const graphs = new Map<string, Graph>();
  for (const [name, json] of Object.entries(value as Record<string, unknown>)) {
    const graphPath = `${path}.${name}`;
    if (!NAME.test(name) || name in Object.prototype) invalid(where, graphPath, "is not a valid name (expected an identifier)");
    graphs.set(name, decodePayloadGraph(json, graphPath, where));
  }
  return graphs;
}

/** Every prim::CallFunction names a function the payload carries. */
function checkCallees(graphs: ReadonlyMap<string, Graph>, functions: ReadonlyMap<string, Graph>, where: string): void {
  const check = (graph: Graph, path: string, self?: string): void => {
    for (const node of graph.allNodes()) {
      if (node.kind !== "prim::CallFunction") continue;
      const callee = node.attributes.get("name");
      if (typeof callee !== "string" || (!functions.has(callee) && callee !== self)) {
        invalid(where, path, `calls function ${JSON.stringify(callee)}, which the payload does not carry (payload.functions has: ${[...functions.keys()].join(", ") || "nothing"})`);
      }
    }
  };
  for (const [name, graph] of graphs) check(graph, `payload.graphs.${name}`, graphs.get(name)!.inputs[0]?.type.kind === "Module" ? undefined : name);
  for (const [name, graph] of functions) check(graph, `payload.functions.${name}`, name);
}
