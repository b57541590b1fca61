/**
 * `.code`: a graph as TypeScript-like code a user recognises as their own method
 * (TorchScript's `.code`, in our language):
 *
 *   graph(%self : ControlFlow, %x : Tensor):      forward(x: Tensor): Tensor {
 *     %fc1 : Linear = prim::GetAttr[name="fc1"]     const fc1 = this.fc1;
 *     %3 : Tensor = prim::CallMethod[...](...)  =>  const _0 = fc1.forward(x);
 *     %4 : Tensor = aten::relu(%3)                  const _1 = relu(_0);
 *     return (%4)                                   return _1;
 *                                                 }
 *
 * - op nodes call the op's free function (camelCase of the schema name) with
 *   constants inlined as literals; trailing positional arguments equal to their
 *   schema default are left out, and keyword-only ones that differ from their
 *   default go into an options object, as the eager API takes them;
 * - scalar ops (`aten::add.int`, `aten::lt.float`, `aten::__not__`, ...) print as JS
 *   operators; `aten::size.int` as `x.size(d)`;
 * - a list built only to be passed to one op is written inside the call;
 * - `prim::If` assigns its outputs to `let` variables in both branches;
 * - `prim::Loop` is a `for` loop over its index (a `while` when the trip count is
 *   unbounded); loop-carried values are `let` variables declared before it, and the
 *   loop's outputs are those variables after it.
 */
import type { Block, Graph, Node, Value } from "../ir/Graph.js";
import { isOpKind, opOfKind } from "../ir/opKinds.js";
import type { IRType } from "../ir/types.js";
import { camelCase, type DefaultValue } from "../ops/schema.js";

export interface CodeOptions {
  /** A method (`forward(x: Tensor): Tensor {`, the first input is `this`) or a function (`function f(...)`). */
  readonly method: boolean;
}

export function printCode(graph: Graph, name: string, options: CodeOptions): string {
  return new CodePrinter(graph, options).print(name);
}

/** TypeScript's spelling of an IR type. */
export function formatTsType(type: IRType): string {
  switch (type.kind) {
    case "int":
    case "float":
      return "number";
    case "bool":
      return "boolean";
    case "str":
      return "string";
    case "None":
      return "null";
    case "ScalarType":
      return "DType";
    case "List": {
      const element = formatTsType(type.element);
      return /[ |]/.test(element) ? `(${element})[]` : `${element}[]`;
    }
    case "Tuple":
      return `[${type.elements.map(formatTsType).join(", ")}]`;
    case "Optional":
      return `${formatTsType(type.inner)} | null`;
    case "Module":
      return type.className;
    case "Tensor":
      return "Tensor";
  }
}

/** Numbers at or above this as a loop's trip count mean "no bound" (TorchScript uses INT64_MAX for while loops). */
const UNBOUNDED_TRIP_COUNT = 2 ** 53;

const BINARY_OPERATORS: Record<string, string> = {
  add: "+",
  sub: "-",
  mul: "*",
  div: "/",
  remainder: "%",
  lt: "<",
  le: "<=",
  gt: ">",
  ge: ">=",
  eq: "===",
  ne: "!==",
  __and__: "&&",
  __or__: "||",
};
const SCALAR_OVERLOADS = new Set(["int", "float", "bool", "str"]);

const RESERVED = new Set(["this", "const", "let", "var", "function", "return", "if", "else", "for", "while", "new", "class", "default", "delete", "in", "of", "do", "switch", "case", "break", "continue", "typeof", "void", "null", "true", "false", "throw", "try", "catch", "finally", "with", "yield", "await", "import", "export", "super", "enum", "instanceof"]);

class CodePrinter {
  readonly #names = new Map<Value, string>();
  readonly #taken = new Set<string>();
  /** Values printed inline where used: constants (as literals) and `this`. */
  readonly #inline = new Map<Value, string>();
  #temp = 0;
  readonly #lines: string[] = [];

  constructor(
    readonly graph: Graph,
    readonly options: CodeOptions,
  ) {}

  print(name: string): string {
    const inputs = [...this.graph.inputs];
    if (this.options.method && inputs.length > 0) this.#inline.set(inputs.shift()!, "this");
    const params = inputs.map((v) => `${this.#declare(v)}: ${formatTsType(v.type)}`);
    const outputs = this.graph.outputs;
    const returnType = outputs.length === 1 ? formatTsType(outputs[0]!.type) : `[${outputs.map((v) => formatTsType(v.type)).join(", ")}]`;
    const head = `${this.options.method ? "" : "function "}${name}(${params.join(", ")}): ${returnType} {`;
    this.#block(this.graph.block, 1);
    const returned = outputs.length === 1 ? this.#ref(outputs[0]!) : `[${outputs.map((v) => this.#ref(v)).join(", ")}]`;
    this.#emit(1, `return ${returned};`);
    return [head, ...this.#lines, "}"].join("\n") + "\n";
  }

  #emit(depth: number, line: string): void {
    this.#lines.push("  ".repeat(depth) + line);
  }

  /** A fresh identifier for `value`, from its debugName when it has a usable one. */
  #declare(value: Value, hint?: string): string {
    let base = (value.debugName ?? hint ?? "").replace(/[^A-Za-z0-9_$]/g, "_");
    if (base !== "" && /^\d/.test(base)) base = `_${base}`;
    let name: string;
    if (base === "" || /^_\d+$/.test(base)) {
      do name = `_${this.#temp++}`;
      while (this.#taken.has(name));
    } else {
      name = base;
      for (let i = 1; this.#taken.has(name) || RESERVED.has(name); i++) name = `${base}_${i}`;
    }
    this.#taken.add(name);
    this.#names.set(value, name);
    return name;
  }

  /** A fresh identifier not tied to a value. */
  #fresh(base: string): string {
    let name = base;
    for (let i = 1; this.#taken.has(name); i++) name = `${base}_${i}`;
    this.#taken.add(name);
    return name;
  }

  #ref(value: Value): string {
    return this.#inline.get(value) ?? this.#names.get(value) ?? `/* undefined %${value.debugName ?? value.id} */`;
  }

  #block(block: Block, depth: number): void {
    for (const node of block.nodes) this.#node(node, depth);
  }

  /** `const a = expr;`, or `const [a, b] = expr;` for several outputs, or just `expr;` for none. */
  #assign(node: Node, depth: number, expression: string, hint?: string): void {
    if (node.outputs.length === 0) this.#emit(depth, `${expression};`);
    else if (node.outputs.length === 1) this.#emit(depth, `const ${this.#declare(node.outputs[0]!, hint)} = ${expression};`);
    else this.#emit(depth, `const [${node.outputs.map((v) => this.#declare(v)).join(", ")}] = ${expression};`);
  }

  #node(node: Node, depth: number): void {
    const args = node.inputs.map((v) => this.#ref(v));
    if (isOpKind(node.kind)) {
      this.#assign(node, depth, this.#opCall(node));
      return;
    }
    switch (node.kind) {
      case "prim::Constant":
        this.#inline.set(node.outputs[0]!, this.#constant(node));
        return;
      case "prim::GetAttr": {
        const name = String(node.attributes.get("name"));
        this.#assign(node, depth, `${args[0]}.${name}`, name);
        return;
      }
      case "prim::CallMethod":
        this.#assign(node, depth, `${args[0]}.${String(node.attributes.get("name"))}(${args.slice(1).join(", ")})`);
        return;
      case "prim::CallFunction":
        this.#assign(node, depth, `${String(node.attributes.get("name"))}(${args.join(", ")})`);
        return;
      case "prim::ListConstruct":
      case "prim::TupleConstruct": {
        // A list built only to be passed to one op is written in the call: `zeros([n, 8])`.
        const [output] = node.outputs;
        const user = output?.uses.length === 1 ? output.uses[0]!.user : undefined;
        if (node.kind === "prim::ListConstruct" && user && "kind" in user && isOpKind(user.kind)) {
          this.#inline.set(output!, `[${args.join(", ")}]`);
          return;
        }
        this.#assign(node, depth, `[${args.join(", ")}]`);
        return;
      }
      case "prim::ListUnpack":
      case "prim::TupleUnpack":
        this.#emit(depth, `const [${node.outputs.map((v) => this.#declare(v)).join(", ")}] = ${args[0]};`);
        return;
      case "prim::RaiseException":
        this.#emit(depth, `throw new Error(${args[0]});`);
        return;
      case "prim::Print":
        this.#emit(depth, `console.log(${args.join(", ")});`);
        return;
      case "prim::If":
        this.#if(node, depth);
        return;
      case "prim::Loop":
        this.#loop(node, depth);
        return;
    }
    this.#assign(node, depth, `${node.kind}(${args.join(", ")})`);
  }

  #if(node: Node, depth: number): void {
    const outputs = node.outputs.map((v) => this.#declare(v));
    for (const [i, v] of node.outputs.entries()) this.#emit(depth, `let ${outputs[i]}: ${formatTsType(v.type)};`);
    const branch = (block: Block): void => {
      this.#block(block, depth + 1);
      block.returns.forEach((v, i) => this.#emit(depth + 1, `${outputs[i]} = ${this.#ref(v)};`));
    };
    this.#emit(depth, `if (${this.#ref(node.inputs[0]!)}) {`);
    branch(node.blocks[0]!);
    this.#emit(depth, "} else {");
    branch(node.blocks[1]!);
    this.#emit(depth, "}");
  }

  #loop(node: Node, depth: number): void {
    const body = node.blocks[0]!;
    const [maxValue, condValue, ...initial] = node.inputs;
    const [indexParam, ...carriedParams] = body.params;
    const [continueValue, ...carriedReturns] = body.returns;
    // Carried values live in `let` variables named after the body's parameters; the loop's outputs are those variables.
    const carried = carriedParams.map((p) => this.#declare(p));
    carried.forEach((name, i) => this.#emit(depth, `let ${name} = ${this.#ref(initial[i]!)};`));
    node.outputs.forEach((v, i) => this.#names.set(v, carried[i]!));
    const alwaysTrue = (v: Value | undefined) => v !== undefined && this.#constantValue(v) === true;
    const conditional = !(alwaysTrue(condValue) && alwaysTrue(continueValue));
    let cond = "";
    if (conditional) {
      cond = this.#fresh("cond");
      this.#emit(depth, `let ${cond} = ${this.#ref(condValue!)};`);
    }
    const maxConstant = this.#constantValue(maxValue!);
    const bounded = !(typeof maxConstant === "number" && maxConstant >= UNBOUNDED_TRIP_COUNT);
    const indexUsed = indexParam!.uses.length > 0;
    const index = this.#declare(indexParam!, "i");
    if (!bounded && !indexUsed) {
      this.#emit(depth, `while (${conditional ? cond : "true"}) {`);
    } else {
      const tests = [...(bounded ? [`${index} < ${this.#ref(maxValue!)}`] : []), ...(conditional ? [cond] : [])];
      this.#emit(depth, `for (let ${index} = 0; ${tests.join(" && ")}; ${index}++) {`);
    }
    this.#block(body, depth + 1);
    const targets = [...(conditional ? [cond] : []), ...carried];
    const sources = [...(conditional ? [continueValue!] : []), ...carriedReturns].map((v) => this.#ref(v));
    const changed = targets.map((t, i) => [t, sources[i]!] as const).filter(([t, s]) => t !== s);
    // A carried value that reads another carried variable must see the old value: assign all at once.
    const reads = new Set(changed.map(([, s]) => s));
    if (changed.length > 1 && changed.some(([t]) => reads.has(t))) {
      this.#emit(depth + 1, `[${changed.map(([t]) => t).join(", ")}] = [${changed.map(([, s]) => s).join(", ")}];`);
    } else {
      for (const [t, s] of changed) this.#emit(depth + 1, `${t} = ${s};`);
    }
    this.#emit(depth, "}");
  }

  #constantValue(value: Value): unknown {
    const node = value.definer;
    if (!("kind" in node) || node.kind !== "prim::Constant") return undefined;
    return node.attributes.has("value") ? node.attributes.get("value") : null;
  }

  #constant(node: Node): string {
    return literal(node.attributes.has("value") ? node.attributes.get("value") : null);
  }

  #opCall(node: Node): string {
    const op = opOfKind(node.kind);
    const { name, overload, arguments: schemaArgs } = op.parsed;
    const args = node.inputs.map((v) => this.#ref(v));
    if (SCALAR_OVERLOADS.has(overload) || name === "__not__" || overload === "t" || name === "size" || (name === "len" && overload === "Tensor")) {
      const scalar = scalarExpression(name, overload, args);
      if (scalar !== undefined) return scalar;
    }
    if (name === "Bool" || name === "Float" || name === "Int") {
      // On a tensor these are what the user wrote: item() of a one-element tensor.
      const value = overload === "Tensor" ? `${args[0]}.item()` : `Number(${args[0]})`;
      return name === "Bool" ? (overload === "Tensor" ? `${value} !== 0` : `Boolean(${args[0]})`) : name === "Float" ? value : `Math.trunc(${value})`;
    }
    const positional: string[] = [];
    const keywords: string[] = [];
    let lastNeeded = -1;
    schemaArgs.forEach((arg, i) => {
      const isDefault = "default" in arg && this.#isConstantEqual(node.inputs[i], arg.default!);
      if (arg.keywordOnly) {
        if (!isDefault) keywords.push(`${camelCase(arg.name)}: ${args[i]}`);
      } else {
        positional.push(args[i] ?? "undefined");
        if (!isDefault) lastNeeded = i;
      }
    });
    const shown = positional.slice(0, lastNeeded + 1);
    if (keywords.length > 0) shown.push(`{ ${keywords.join(", ")} }`);
    return `${camelCase(name)}(${shown.join(", ")})`;
  }

  #isConstantEqual(value: Value | undefined, expected: DefaultValue): boolean {
    if (!value) return false;
    const actual = this.#constantValue(value);
    if (actual === undefined) return false;
    if (Array.isArray(expected)) {
      return Array.isArray(actual) && actual.length === expected.length && actual.every((a, i) => a === expected[i]);
    }
    // A scalar default (`stride=1`) also stands for the same value repeated (`[1, 1]`).
    if (Array.isArray(actual) && typeof expected === "number") return actual.every((a) => a === expected);
    return Object.is(actual, expected) || actual === expected;
  }
}

function scalarExpression(name: string, overload: string, args: string[]): string | undefined {
  const [a, b] = args;
  if (name === "size") return `${a}.size(${b})`;
  if (name === "len") return overload === "t" ? `${a}.length` : `${a}.size(0)`;
  if (name === "__getitem__") return `${a}[${b}]`;
  if (name === "__not__") return `!${a}`;
  if (name === "neg") return `-${a}`;
  if (name === "floordiv") return `Math.floor(${a} / ${b})`;
  const operator = BINARY_OPERATORS[name];
  return operator === undefined ? undefined : `${a} ${operator} ${b}`;
}

function literal(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "NaN";
    if (value === Infinity) return "Infinity";
    if (value === -Infinity) return "-Infinity";
    return String(value);
  }
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `[${value.map(literal).join(", ")}]`;
  return `CONSTANTS.${(value as { tensor: string }).tensor}`;
}
