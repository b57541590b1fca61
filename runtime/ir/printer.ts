/**
 * The text form of the IR, in the style of TorchScript's `graph.str()`:
 *
 *   graph(%self : ControlFlow,
 *         %x : Tensor):
 *     %fc1 : Linear = prim::GetAttr[name="fc1"](%self)
 *     %3 : Tensor = prim::CallMethod[name="forward"](%fc1, %x) # examples/models/controlflow.ts:9:15
 *     %10 : Tensor = prim::If(%9)
 *       block0():
 *         -> (%3)
 *       block1():
 *         -> (%x)
 *     return (%10)
 *
 * `parser.ts` reads exactly this back: print(parse(s)) === s whenever the names in
 * `s` are unique (the parser keeps every name as the value's debugName).
 *
 * Note [Value names]: names are assigned once per graph, in program order (graph
 * inputs; then per node its outputs, then its blocks' parameters and nodes). A value
 * gets its debugName unless an earlier value took it (then `name.1`, `name.2`, ...);
 * an unnamed value gets the smallest integer not used by any name in the graph.
 * Every debugName in the graph is reserved up front, so a later named value never
 * has to give way to an earlier unnamed one.
 */
import type { AttributeValue, Block, Graph, Node, SourceRange, Value } from "./Graph.js";
import { formatIRType, type IRType } from "./types.js";

const NAME = /^[A-Za-z0-9_.]+$/;
const BARE_CONSTANT_NAME = /^[A-Za-z0-9_.]+$/;

/** The debugName as it may appear after `%`: invalid characters become `_`. */
function sanitize(name: string | undefined): string | undefined {
  if (name === undefined || name === "") return undefined;
  return NAME.test(name) ? name : name.replace(/[^A-Za-z0-9_.]/g, "_");
}

/** Assigns every value of a graph its printed name (see Note [Value names]). */
export class ValueNamer {
  private readonly names = new Map<Value, string>();
  private readonly taken = new Set<string>();
  private readonly reserved = new Set<string>();
  private counter = 0;

  constructor(graph: Graph) {
    const order: Value[] = [];
    collectBlockValues(graph.block, order);
    for (const value of order) {
      const name = sanitize(value.debugName);
      if (name !== undefined) this.reserved.add(name);
    }
    for (const value of order) this.name(value);
  }

  /** The name of `value` without the `%`; values not defined in the graph get one on first request. */
  name(value: Value): string {
    const existing = this.names.get(value);
    if (existing !== undefined) return existing;
    const base = sanitize(value.debugName);
    let name: string;
    if (base !== undefined && !this.taken.has(base)) {
      name = base;
    } else if (base !== undefined) {
      let suffix = 1;
      while (this.taken.has(`${base}.${suffix}`) || this.reserved.has(`${base}.${suffix}`)) suffix++;
      name = `${base}.${suffix}`;
    } else {
      while (this.taken.has(String(this.counter)) || this.reserved.has(String(this.counter))) this.counter++;
      name = String(this.counter++);
    }
    this.taken.add(name);
    this.names.set(value, name);
    return name;
  }

  ref(value: Value): string {
    return `%${this.name(value)}`;
  }
}

/** Values in program order: the order names are assigned in and JSON ids are numbered in. */
export function collectBlockValues(block: Block, out: Value[]): void {
  out.push(...block.params);
  for (const node of block.nodes) {
    out.push(...node.outputs);
    for (const inner of node.blocks) collectBlockValues(inner, out);
  }
}

export function printGraph(graph: Graph): string {
  const namer = new ValueNamer(graph);
  const params = graph.inputs.map((v) => `${namer.ref(v)} : ${formatIRType(v.type)}`);
  const lines = [`graph(${params.join(",\n      ")}):`];
  printNodes(graph.block.nodes, 1, namer, lines);
  lines.push(`  return (${graph.outputs.map((v) => namer.ref(v)).join(", ")})`);
  return lines.join("\n") + "\n";
}

function printNodes(nodes: readonly Node[], depth: number, namer: ValueNamer, lines: string[]): void {
  for (const node of nodes) {
    const indent = "  ".repeat(depth);
    lines.push(indent + formatNodeLine(node, namer));
    node.blocks.forEach((block, index) => {
      const params = block.params.map((v) => `${namer.ref(v)} : ${formatIRType(v.type)}`).join(", ");
      lines.push(`${indent}  block${index}(${params}):`);
      printNodes(block.nodes, depth + 2, namer, lines);
      lines.push(`${indent}    -> (${block.returns.map((v) => namer.ref(v)).join(", ")})`);
    });
  }
}

/** One node's line, without indentation or blocks: `%4 : Tensor = aten::relu(%3) # file:1:2`. */
export function formatNodeLine(node: Node, namer: ValueNamer = new ValueNamer(node.graph)): string {
  const outputs = node.outputs.map((v) => `${namer.ref(v)} : ${formatIRType(v.type)}`).join(", ");
  const names = [...node.attributes.keys()].sort();
  const floatContext = node.kind === "prim::Constant" && node.outputs.length === 1 && isFloatType(node.outputs[0]!.type);
  const attributes = names.length === 0 ? "" : `[${names.map((n) => `${n}=${formatAttributeValue(node.attributes.get(n)!, floatContext)}`).join(", ")}]`;
  const inputs = `(${node.inputs.map((v) => namer.ref(v)).join(", ")})`;
  return `${outputs === "" ? "" : `${outputs} = `}${node.kind}${attributes}${inputs}${formatSource(node.source)}`;
}

export function formatSource(source: SourceRange | undefined): string {
  return source ? ` # ${source.file}:${source.line}:${source.col}` : "";
}

function isFloatType(type: IRType): boolean {
  if (type.kind === "float") return true;
  if (type.kind === "Optional") return isFloatType(type.inner);
  if (type.kind === "List") return isFloatType(type.element);
  return false;
}

/** An attribute value as the text IR spells it; `asFloat` prints integral numbers as `2.`. */
export function formatAttributeValue(value: AttributeValue, asFloat = false): string {
  if (value === null) return "None";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") return formatNumber(value, asFloat);
  if (Array.isArray(value)) return `[${(value as readonly number[]).map((v) => formatNumber(v, asFloat)).join(", ")}]`;
  const name = (value as { tensor: string }).tensor;
  return `tensor:${BARE_CONSTANT_NAME.test(name) ? name : JSON.stringify(name)}`;
}

/**
 * Numbers in a form `Number()` reads back exactly: `String(v)`, except that values
 * below 1e-4 use exponent notation and exponents have two digits at least (`1e-05`,
 * as PyTorch prints eps), and a float that would read as an int gets a `.` (`2.`).
 */
export function formatNumber(value: number, asFloat: boolean): string {
  if (Number.isNaN(value)) return "nan";
  if (value === Infinity) return "inf";
  if (value === -Infinity) return "-inf";
  let text = Object.is(value, -0) ? "-0" : String(value);
  if (!text.includes("e") && value !== 0 && Math.abs(value) < 1e-4) text = value.toExponential();
  text = text.replace(/e([+-])(\d)$/, "e$10$2");
  return asFloat && /^-?\d+$/.test(text) ? `${text}.` : text;
}
