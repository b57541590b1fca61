/**
 * Reads the text form that `printer.ts` writes (the grammar is in the shared brief
 * and in printer.ts's header):
 *
 *   graph   := "graph(" [param ("," param)*] "):" node* "return" "(" refs ")"
 *   param   := "%" NAME ":" type
 *   node    := [param ("," param)* "="] KIND ["[" attr ("," attr)* "]"] "(" refs ")" ["# " file:line:col] block*
 *   block   := "block" N "(" [param ("," param)*] "):" node* "->" "(" refs ")"
 *
 * Whitespace (newlines included) is insignificant except that a source comment runs
 * to the end of its line, so indentation is not checked. Names are kept as each
 * value's debugName exactly. A use resolves to the latest earlier definition of the
 * name that is visible from it (same or enclosing block); failing that, to any
 * definition of the name, so that the verifier (not the parser) reports the
 * dominance error. Errors are INVALID_GRAPH and name line:column.
 */
import { fail, TsjitError } from "../errors.js";
import "../ops/index.js";
import type { Tensor } from "../tensor/Tensor.js";
import { type AttributeValue, type Block, Graph, type Node, type Value } from "./Graph.js";
import { opOfKind } from "./opKinds.js";
import { moduleType, NoneType, listOf, optionalOf, tupleOf, type IRType } from "./types.js";

/** The structural node kinds (see the shared brief's "Prims"). */
export const PRIM_KINDS: ReadonlySet<string> = new Set([
  "prim::Constant",
  "prim::GetAttr",
  "prim::CallMethod",
  "prim::CallFunction",
  "prim::ListConstruct",
  "prim::ListUnpack",
  "prim::TupleConstruct",
  "prim::TupleUnpack",
  "prim::If",
  "prim::Loop",
  "prim::RaiseException",
  "prim::Print",
]);

/** Types nest at most this deep (untrusted input must not exhaust the stack). */
const MAX_DEPTH = 200;

const SIMPLE_TYPES: Record<string, IRType> = {
  Tensor: { kind: "Tensor" },
  int: { kind: "int" },
  float: { kind: "float" },
  bool: { kind: "bool" },
  str: { kind: "str" },
  ScalarType: { kind: "ScalarType" },
  NoneType,
};

interface Definition {
  readonly value: Value;
  readonly block: Block;
  readonly order: number;
}

interface PendingUse {
  readonly name: string;
  readonly pos: number;
  readonly block: Block;
  readonly order: number;
  readonly attach: (value: Value) => void;
}

class Scanner {
  pos = 0;

  constructor(
    readonly text: string,
    readonly what: string,
  ) {}

  error(message: string, at = this.pos): never {
    const before = this.text.slice(0, at);
    const line = before.split("\n").length;
    const lineStart = before.lastIndexOf("\n") + 1;
    const col = at - lineStart + 1;
    let lineEnd = this.text.indexOf("\n", lineStart);
    if (lineEnd < 0) lineEnd = this.text.length;
    const excerpt = this.text.slice(lineStart, lineEnd);
    fail("INVALID_GRAPH", `${this.what}: ${line}:${col}: ${message}\n  ${excerpt}\n  ${" ".repeat(Math.max(0, col - 1))}^`);
  }

  skipWs(): void {
    while (this.pos < this.text.length && /[ \t\r\n]/.test(this.text[this.pos]!)) this.pos++;
  }

  atEnd(): boolean {
    this.skipWs();
    return this.pos >= this.text.length;
  }

  /** Whether the text at the cursor (after whitespace) matches `re` (a sticky regex). */
  lookingAt(re: RegExp): boolean {
    this.skipWs();
    re.lastIndex = this.pos;
    return re.test(this.text);
  }

  match(re: RegExp): string | undefined {
    this.skipWs();
    re.lastIndex = this.pos;
    const m = re.exec(this.text);
    if (!m) return undefined;
    this.pos += m[0].length;
    return m[0];
  }

  tryEat(token: string): boolean {
    this.skipWs();
    if (this.text.startsWith(token, this.pos)) {
      this.pos += token.length;
      return true;
    }
    return false;
  }

  expect(token: string, context: string): void {
    if (!this.tryEat(token)) this.error(`expected '${token}' ${context}, found ${this.found()}`);
  }

  found(): string {
    this.skipWs();
    if (this.pos >= this.text.length) return "end of text";
    const rest = /^\S{1,20}/.exec(this.text.slice(this.pos, this.pos + 20));
    return `'${rest ? rest[0] : this.text[this.pos]}'`;
  }

  valueName(context: string): { name: string; pos: number } {
    this.skipWs();
    const pos = this.pos;
    const name = this.match(/%([A-Za-z0-9_.]+)/y);
    if (name === undefined) this.error(`expected a value name (%name) ${context}, found ${this.found()}`);
    return { name: name.slice(1), pos };
  }

  type(depth = 0): IRType {
    if (depth > MAX_DEPTH) this.error(`type nested deeper than ${MAX_DEPTH}`);
    this.skipWs();
    const start = this.pos;
    let type: IRType;
    if (this.tryEat("(")) {
      const elements: IRType[] = [];
      if (!this.tryEat(")")) {
        do elements.push(this.type(depth + 1));
        while (this.tryEat(","));
        this.expect(")", "to close a tuple type");
      }
      type = tupleOf(elements);
    } else {
      const name = this.match(/[A-Za-z_$][\w$.]*/y);
      if (name === undefined) this.error(`expected a type, found ${this.found()}`, start);
      type = Object.hasOwn(SIMPLE_TYPES, name) ? SIMPLE_TYPES[name]! : moduleType(name);
    }
    for (;;) {
      if (this.text.startsWith("[]", this.pos)) {
        this.pos += 2;
        type = listOf(type);
      } else if (this.text[this.pos] === "?") {
        this.pos += 1;
        type = optionalOf(type);
      } else {
        return type;
      }
    }
  }

  jsonString(context: string): string {
    this.skipWs();
    const start = this.pos;
    const m = this.match(/"(?:[^"\\\n]|\\.)*"/y);
    if (m === undefined) this.error(`expected a string ${context}`, start);
    try {
      return JSON.parse(m) as string;
    } catch {
      this.error(`invalid string literal ${context}`, start);
    }
  }

  number(context: string): number {
    this.skipWs();
    const start = this.pos;
    if (this.match(/-inf\b/y)) return -Infinity;
    if (this.match(/inf\b/y)) return Infinity;
    if (this.match(/nan\b/y)) return NaN;
    const text = this.match(/-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y);
    if (text === undefined) this.error(`expected a number ${context}, found ${this.found()}`, start);
    return Number(text);
  }
}

/** Parses a type as `formatIRType` prints it; INVALID_GRAPH on anything else. */
export function parseTypeText(text: string, what = "type"): IRType {
  const scanner = new Scanner(text, what);
  const type = scanner.type();
  if (!scanner.atEnd()) scanner.error(`unexpected ${scanner.found()} after type`);
  return type;
}

/** Whether `kind` names a known prim or a registered op. */
export function isKnownKind(kind: string): boolean {
  if (kind.startsWith("prim::")) return PRIM_KINDS.has(kind);
  try {
    opOfKind(kind);
    return true;
  } catch (error) {
    if (error instanceof TsjitError) return false;
    throw error;
  }
}

class GraphParser {
  private readonly s: Scanner;
  private readonly graph = new Graph();
  private readonly definitions = new Map<string, Definition[]>();
  private readonly uses: PendingUse[] = [];
  private readonly tensorRefs: { name: string; pos: number }[] = [];
  private order = 0;

  constructor(text: string) {
    this.s = new Scanner(text, "parseGraph");
  }

  parse(constants?: ReadonlyMap<string, Tensor>): Graph {
    const s: Scanner = this.s;
    s.skipWs();
    if (!s.tryEat("graph")) s.error(`expected 'graph(' at the start, found ${s.found()}`);
    s.expect("(", "after 'graph'");
    if (!s.tryEat(")")) {
      do this.param(this.graph.block);
      while (s.tryEat(","));
      s.expect(")", "after the graph's parameters");
    }
    s.expect(":", "after the graph's parameters");
    this.nodes(this.graph.block, 0);
    if (!s.lookingAt(/return\b/y)) s.error(`expected a node or 'return (...)', found ${s.found()}`);
    s.tryEat("return");
    this.refs(this.graph.block, (v) => this.graph.block.addReturn(v), "in the graph's return");
    if (!s.atEnd()) s.error(`unexpected ${s.found()} after the graph's return`);
    this.resolve();
    for (const ref of this.tensorRefs) {
      if (!constants) continue;
      const tensor = constants.get(ref.name);
      if (!tensor) s.error(`tensor constant '${ref.name}' is not among the given constants`, ref.pos);
      this.graph.constants.set(ref.name, tensor);
    }
    return this.graph;
  }

  private define(value: Value, block: Block): void {
    const list = this.definitions.get(value.debugName!) ?? [];
    list.push({ value, block, order: this.order++ });
    this.definitions.set(value.debugName!, list);
  }

  private param(block: Block): Value {
    const { name } = this.s.valueName("as a parameter");
    this.s.expect(":", `after %${name}`);
    const value = block.addParam(this.s.type(), name);
    this.define(value, block);
    return value;
  }

  /** `(%a, %b)`: uses, attached in order once every definition is known. */
  private refs(block: Block, attach: (value: Value) => void, context: string): void {
    const s: Scanner = this.s;
    s.expect("(", context);
    if (s.tryEat(")")) return;
    do {
      const { name, pos } = s.valueName(context);
      this.uses.push({ name, pos, block, order: this.order++, attach });
    } while (s.tryEat(","));
    s.expect(")", context);
  }

  private nodes(block: Block, depth: number): void {
    const s: Scanner = this.s;
    for (;;) {
      if (s.atEnd() || s.lookingAt(/return\b/y) || s.lookingAt(/->/y) || s.lookingAt(/block\d+\s*\(/y)) return;
      this.node(block, depth);
    }
  }

  private node(block: Block, depth: number): void {
    const s: Scanner = this.s;
    if (depth > MAX_DEPTH) s.error(`blocks nested deeper than ${MAX_DEPTH}`);
    const outputs: { name: string; type: IRType }[] = [];
    if (s.lookingAt(/%/y)) {
      do {
        const { name } = s.valueName("as a node output");
        s.expect(":", `after %${name}`);
        outputs.push({ name, type: s.type() });
      } while (s.tryEat(","));
      s.expect("=", "after the node's outputs");
    }
    s.skipWs();
    const kindPos = s.pos;
    const kind = s.match(/[A-Za-z_]\w*::[A-Za-z_]\w*(?:\.\w+)?/y);
    if (kind === undefined) s.error(`expected a node kind (namespace::name), found ${s.found()}`);
    if (!isKnownKind(kind)) s.error(`unknown node kind '${kind}'`, kindPos);
    const node = this.graph.createNode(kind);
    block.appendNode(node);
    if (s.tryEat("[")) {
      do this.attribute(node);
      while (s.tryEat(","));
      s.expect("]", "to close the attribute list");
    }
    this.refs(block, (v) => node.addInput(v), `for the inputs of ${kind}`);
    node.source = this.sourceComment();
    for (const output of outputs) this.define(node.addOutput(output.type, output.name), block);
    while (s.lookingAt(/block\d+\s*\(/y)) this.block(node, depth);
  }

  private attribute(node: Node): void {
    const s: Scanner = this.s;
    s.skipWs();
    const namePos = s.pos;
    const name = s.match(/[A-Za-z_]\w*/y);
    if (name === undefined) s.error(`expected an attribute name, found ${s.found()}`);
    if (node.attributes.has(name)) s.error(`duplicate attribute '${name}'`, namePos);
    s.expect("=", `after attribute '${name}'`);
    node.setAttribute(name, this.attributeValue(name));
  }

  private attributeValue(name: string): AttributeValue {
    const s: Scanner = this.s;
    const context = `for attribute '${name}'`;
    s.skipWs();
    if (s.text[s.pos] === '"') return s.jsonString(context);
    if (s.match(/true\b/y)) return true;
    if (s.match(/false\b/y)) return false;
    if (s.match(/None\b/y)) return null;
    if (s.match(/tensor:/y)) {
      const pos = s.pos;
      const ref = s.text[s.pos] === '"' ? s.jsonString(context) : s.match(/[A-Za-z0-9_.]+/y);
      if (ref === undefined) s.error(`expected a tensor constant name after 'tensor:'`);
      this.tensorRefs.push({ name: ref, pos });
      return { tensor: ref };
    }
    if (s.tryEat("[")) {
      const items: number[] = [];
      if (s.tryEat("]")) return items;
      do items.push(s.number(`in the list ${context}`));
      while (s.tryEat(","));
      s.expect("]", `to close the list ${context}`);
      return items;
    }
    return s.number(context);
  }

  /** ` # file:line:col` up to the end of the node's line. */
  private sourceComment(): Node["source"] {
    const s: Scanner = this.s;
    while (s.pos < s.text.length && (s.text[s.pos] === " " || s.text[s.pos] === "\t")) s.pos++;
    if (s.text[s.pos] !== "#") return undefined;
    const start = s.pos;
    let end = s.text.indexOf("\n", start);
    if (end < 0) end = s.text.length;
    s.pos = end;
    const body = s.text.slice(start + 1, end).replace(/\r$/, "").replace(/^ /, "");
    const m = /^(.*):(\d+):(\d+)$/.exec(body);
    if (!m) s.error("expected a source location 'file:line:col' after '#'", start);
    return { file: m[1]!, line: Number(m[2]), col: Number(m[3]) };
  }

  private block(node: Node, depth: number): void {
    const s: Scanner = this.s;
    s.skipWs();
    const pos = s.pos;
    const label = s.match(/block\d+/y)!;
    if (label !== `block${node.blocks.length}`) s.error(`expected 'block${node.blocks.length}', found '${label}'`, pos);
    const block = node.addBlock();
    s.expect("(", `after '${label}'`);
    if (!s.tryEat(")")) {
      do this.param(block);
      while (s.tryEat(","));
      s.expect(")", `after the parameters of ${label}`);
    }
    s.expect(":", `after the parameters of ${label}`);
    this.nodes(block, depth + 1);
    if (!s.tryEat("->")) s.error(`expected a node or '-> (...)' to end ${label}, found ${s.found()}`);
    this.refs(block, (v) => block.addReturn(v), `in the returns of ${label}`);
  }

  private resolve(): void {
    for (const use of this.uses) {
      const candidates = this.definitions.get(use.name);
      if (!candidates) this.s.error(`undefined value %${use.name}`, use.pos);
      let chosen: Definition | undefined;
      for (const def of candidates) {
        if (def.order < use.order && encloses(def.block, use.block)) chosen = def;
      }
      use.attach((chosen ?? candidates[0]!).value);
    }
  }
}

function encloses(outer: Block, inner: Block): boolean {
  for (let b: Block | null = inner; b; b = b.owningNode?.owningBlock ?? null) if (b === outer) return true;
  return false;
}

/**
 * Parses the text IR. Tensor constants (`tensor:NAME`) are taken from `constants`
 * when given (a missing one is an error); without it they stay unresolved references.
 */
export function parseGraph(text: string, constants?: ReadonlyMap<string, Tensor>): Graph {
  return new GraphParser(text).parse(constants);
}
