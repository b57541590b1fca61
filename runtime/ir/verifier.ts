/**
 * The IR verifier, after PyTorch's `Graph::lint()`: run after construction, after
 * every pass and on load. It checks
 * - structure: every node and block belongs where it claims to, values are defined
 *   once, by the node or block they name as definer;
 * - dominance: every input is defined earlier in the same block or an enclosing one
 *   (a parameter of an enclosing block counts);
 * - uses: every value's `uses` list is exactly the set of places it is used;
 * - each node kind's shape and types: op nodes against their registry schema, prims
 *   against the rules in the shared brief (see `checkPrim`).
 * A failure is an INVALID_GRAPH error naming the node as its IR line (which carries
 * the `# file:line:col` source comment).
 */
import { fail } from "../errors.js";
import "../ops/index.js";
import { formatType, type SchemaType } from "../ops/schema.js";
import { isDType } from "../tensor/dtype.js";
import { type AttributeValue, type Block, type Graph, Node, type Value } from "./Graph.js";
import { isOpKind, opOfKind } from "./opKinds.js";
import { PRIM_KINDS } from "./parser.js";
import { formatNodeLine, ValueNamer } from "./printer.js";
import { formatIRType, fromSchemaType, isSubtype, sameType, type IRType } from "./types.js";

export function verifyGraph(graph: Graph): void {
  new Verifier(graph).run();
}

class Verifier {
  private namer: ValueNamer | undefined;
  /** Every value defined so far (anywhere), to catch a value defined twice. */
  private readonly defined = new Set<Value>();
  private readonly nodes = new Set<Node>();
  private readonly blocks = new Set<Block>();

  constructor(private readonly graph: Graph) {}

  run(): void {
    const graph = this.graph;
    if (graph.block.owningNode !== null || graph.block.graph !== graph) this.fail("the graph's top-level block is not owned by the graph");
    this.checkBlock(graph.block, new Set(), null);
    this.checkUses();
  }

  private fail(message: string, node?: Node): never {
    if (!node) fail("INVALID_GRAPH", `verifyGraph: ${message}`);
    let line: string;
    try {
      this.namer ??= new ValueNamer(this.graph);
      line = formatNodeLine(node, this.namer);
    } catch {
      line = node.kind;
    }
    const where = node.source ? `${node.source.file}:${node.source.line}:${node.source.col}` : "no source range";
    fail("INVALID_GRAPH", `verifyGraph: ${message}\n  in node: ${line}\n  at ${where}`);
  }

  private name(value: Value): string {
    this.namer ??= new ValueNamer(this.graph);
    return this.namer.ref(value);
  }

  private defineValue(value: Value, definer: Node | Block, scope: Set<Value>, node: Node | undefined): void {
    if (value.definer !== definer) this.fail(`${this.name(value)} does not name its definer correctly`, node);
    if (this.defined.has(value)) this.fail(`${this.name(value)} is defined twice`, node);
    this.defined.add(value);
    scope.add(value);
  }

  private checkBlock(block: Block, outer: ReadonlySet<Value>, owner: Node | null): void {
    if (this.blocks.has(block)) this.fail("a block appears twice in the graph", owner ?? undefined);
    this.blocks.add(block);
    if (block.graph !== this.graph) this.fail("a block belongs to another graph", owner ?? undefined);
    if (block.owningNode !== owner) this.fail("a block does not name its owning node correctly", owner ?? undefined);
    const scope = new Set(outer);
    for (const param of block.params) this.defineValue(param, block, scope, owner ?? undefined);
    for (const node of block.nodes) {
      if (this.nodes.has(node)) this.fail("the node appears twice in the graph", node);
      this.nodes.add(node);
      if (node.graph !== this.graph) this.fail("the node belongs to another graph", node);
      if (node.owningBlock !== block) this.fail("the node does not name its owning block correctly", node);
      node.inputs.forEach((input, i) => {
        if (!scope.has(input)) this.fail(`input ${i} (${this.name(input)}) is not defined before this use`, node);
      });
      for (const inner of node.blocks) this.checkBlock(inner, scope, node);
      for (const output of node.outputs) this.defineValue(output, node, scope, node);
      this.checkNode(node);
    }
    block.returns.forEach((value, i) => {
      if (!scope.has(value)) {
        const where = owner ? `block${owner.blocks.indexOf(block)} return ${i}` : `graph output ${i}`;
        this.fail(`${where} (${this.name(value)}) is not defined before this use`, owner ?? undefined);
      }
    });
  }

  /** Note [Uses] in Graph.ts: each value's uses are exactly where it appears. */
  private checkUses(): void {
    const expected = new Map<Value, number>();
    for (const node of this.nodes) for (const input of node.inputs) expected.set(input, (expected.get(input) ?? 0) + 1);
    for (const block of this.blocks) for (const value of block.returns) expected.set(value, (expected.get(value) ?? 0) + 1);
    for (const value of this.defined) {
      const node = value.definer instanceof Node ? value.definer : (value.definer.owningNode ?? undefined);
      const seen = new Map<Node | Block, Set<number>>();
      for (const use of value.uses) {
        const user = use.user;
        const isNode = user instanceof Node;
        const here = isNode ? user.inputs[use.index] : user.returns[use.index];
        const live = isNode ? this.nodes.has(user) : this.blocks.has(user);
        if (here !== value || !live) this.fail(`${this.name(value)} lists a use that does not exist (${isNode ? user.kind : "block return"} #${use.index})`, node);
        const indices = seen.get(user) ?? new Set<number>();
        if (indices.has(use.index)) this.fail(`${this.name(value)} lists the same use twice`, node);
        indices.add(use.index);
        seen.set(user, indices);
      }
      if (value.uses.length !== (expected.get(value) ?? 0)) {
        this.fail(`${this.name(value)} has ${value.uses.length} recorded uses but is used ${expected.get(value) ?? 0} times`, node);
      }
    }
  }

  private checkNode(node: Node): void {
    if (isOpKind(node.kind)) this.checkOp(node);
    else this.checkPrim(node);
  }

  private checkOp(node: Node): void {
    let schema;
    try {
      schema = opOfKind(node.kind).parsed;
    } catch (error) {
      this.fail(`unknown op kind '${node.kind}' (${(error as Error).message})`, node);
    }
    if (node.blocks.length > 0) this.fail(`an op node has no blocks, found ${node.blocks.length}`, node);
    const args = schema.arguments;
    if (node.inputs.length !== args.length) {
      this.fail(`${node.kind} takes ${args.length} inputs (${args.map((a) => a.name).join(", ")}), found ${node.inputs.length}`, node);
    }
    args.forEach((arg, i) => {
      const input = node.inputs[i]!;
      if (!acceptsArgument(input.type, arg.type)) {
        this.fail(`input ${i} (${arg.name}) of ${node.kind} must be ${formatType(arg.type)}, found ${this.name(input)} : ${formatIRType(input.type)}`, node);
      }
    });
    const returns = schema.returns;
    if (node.outputs.length !== returns.length) this.fail(`${node.kind} has ${returns.length} outputs, found ${node.outputs.length}`, node);
    returns.forEach((ret, i) => {
      const declared = fromSchemaType(ret.type);
      const output = node.outputs[i]!;
      if (!isSubtype(declared, output.type)) {
        this.fail(`output ${i} of ${node.kind} is ${formatIRType(declared)}, but ${this.name(output)} is declared ${formatIRType(output.type)}`, node);
      }
    });
  }

  private expectCounts(node: Node, inputs: number | "any", outputs: number | "any"): void {
    if (inputs !== "any" && node.inputs.length !== inputs) this.fail(`${node.kind} takes ${inputs} input(s), found ${node.inputs.length}`, node);
    if (outputs !== "any" && node.outputs.length !== outputs) this.fail(`${node.kind} has ${outputs} output(s), found ${node.outputs.length}`, node);
  }

  private expectType(node: Node, value: Value, ok: boolean, what: string, expected: string): void {
    if (!ok) this.fail(`${what} must be ${expected}, found ${this.name(value)} : ${formatIRType(value.type)}`, node);
  }

  private stringAttribute(node: Node, name: string): void {
    if (typeof node.attributes.get(name) !== "string") this.fail(`${node.kind} needs a string attribute '${name}'`, node);
  }

  private checkPrim(node: Node): void {
    const kind = node.kind;
    if (!PRIM_KINDS.has(kind)) this.fail(`unknown prim kind '${kind}'`, node);
    if (kind !== "prim::If" && kind !== "prim::Loop" && node.blocks.length > 0) this.fail(`${kind} has no blocks, found ${node.blocks.length}`, node);
    switch (kind) {
      case "prim::Constant": {
        this.expectCounts(node, 0, 1);
        if (!node.attributes.has("value")) this.fail("prim::Constant needs a 'value' attribute", node);
        const type = node.outputs[0]!.type;
        const problem = constantProblem(node.attributes.get("value")!, type, this.graph);
        if (problem) this.fail(`the constant's value does not fit its type ${formatIRType(type)}: ${problem}`, node);
        return;
      }
      case "prim::GetAttr":
        this.expectCounts(node, 1, 1);
        this.expectType(node, node.inputs[0]!, node.inputs[0]!.type.kind === "Module", "the input of prim::GetAttr", "a module");
        this.stringAttribute(node, "name");
        return;
      case "prim::CallMethod":
        if (node.inputs.length < 1) this.fail("prim::CallMethod takes the module as its first input", node);
        this.expectType(node, node.inputs[0]!, node.inputs[0]!.type.kind === "Module", "the first input of prim::CallMethod", "a module");
        this.stringAttribute(node, "name");
        return;
      case "prim::CallFunction":
        this.stringAttribute(node, "name");
        return;
      case "prim::ListConstruct": {
        this.expectCounts(node, "any", 1);
        const type = node.outputs[0]!.type;
        if (type.kind !== "List") this.fail(`the output of prim::ListConstruct must be a list, found ${formatIRType(type)}`, node);
        node.inputs.forEach((input, i) => this.expectType(node, input, isSubtype(input.type, type.element), `item ${i}`, formatIRType(type.element)));
        return;
      }
      case "prim::ListUnpack": {
        this.expectCounts(node, 1, "any");
        const type = node.inputs[0]!.type;
        if (type.kind !== "List") this.fail(`the input of prim::ListUnpack must be a list, found ${formatIRType(type)}`, node);
        node.outputs.forEach((output, i) => this.expectType(node, output, isSubtype(type.element, output.type), `output ${i}`, `a supertype of ${formatIRType(type.element)}`));
        return;
      }
      case "prim::TupleConstruct": {
        this.expectCounts(node, "any", 1);
        const type = node.outputs[0]!.type;
        if (type.kind !== "Tuple" || type.elements.length !== node.inputs.length) {
          this.fail(`the output of prim::TupleConstruct must be a tuple of ${node.inputs.length}, found ${formatIRType(type)}`, node);
        }
        node.inputs.forEach((input, i) => this.expectType(node, input, isSubtype(input.type, type.elements[i]!), `item ${i}`, formatIRType(type.elements[i]!)));
        return;
      }
      case "prim::TupleUnpack": {
        this.expectCounts(node, 1, "any");
        const type = node.inputs[0]!.type;
        if (type.kind !== "Tuple" || type.elements.length !== node.outputs.length) {
          this.fail(`the input of prim::TupleUnpack must be a tuple of ${node.outputs.length}, found ${formatIRType(type)}`, node);
        }
        node.outputs.forEach((output, i) => this.expectType(node, output, isSubtype(type.elements[i]!, output.type), `output ${i}`, `a supertype of ${formatIRType(type.elements[i]!)}`));
        return;
      }
      case "prim::If":
        return this.checkIf(node);
      case "prim::Loop":
        return this.checkLoop(node);
      case "prim::RaiseException":
        this.expectCounts(node, 1, 0);
        this.expectType(node, node.inputs[0]!, node.inputs[0]!.type.kind === "str", "the message of prim::RaiseException", "str");
        return;
      case "prim::Print":
        this.expectCounts(node, "any", 0);
        return;
    }
  }

  private checkIf(node: Node): void {
    this.expectCounts(node, 1, "any");
    this.expectType(node, node.inputs[0]!, node.inputs[0]!.type.kind === "bool", "the condition of prim::If", "bool");
    if (node.blocks.length !== 2) this.fail(`prim::If has 2 blocks, found ${node.blocks.length}`, node);
    node.blocks.forEach((block, b) => {
      if (block.params.length > 0) this.fail(`block${b} of prim::If takes no parameters, found ${block.params.length}`, node);
      if (block.returns.length !== node.outputs.length) {
        this.fail(`block${b} of prim::If returns ${block.returns.length} value(s), but the node has ${node.outputs.length} output(s)`, node);
      }
      block.returns.forEach((value, i) => {
        const output = node.outputs[i]!;
        this.expectType(node, value, isSubtype(value.type, output.type), `return ${i} of block${b}`, `a subtype of ${formatIRType(output.type)} (output ${this.name(output)})`);
      });
    });
  }

  private checkLoop(node: Node): void {
    if (node.inputs.length < 2) this.fail(`prim::Loop takes (max trip count, initial condition, carried...), found ${node.inputs.length} input(s)`, node);
    this.expectType(node, node.inputs[0]!, node.inputs[0]!.type.kind === "int", "the max trip count of prim::Loop", "int");
    this.expectType(node, node.inputs[1]!, node.inputs[1]!.type.kind === "bool", "the initial condition of prim::Loop", "bool");
    const carried = node.inputs.slice(2);
    if (node.outputs.length !== carried.length) this.fail(`prim::Loop carries ${carried.length} value(s) but has ${node.outputs.length} output(s)`, node);
    if (node.blocks.length !== 1) this.fail(`prim::Loop has 1 block, found ${node.blocks.length}`, node);
    const body = node.blocks[0]!;
    if (body.params.length !== carried.length + 1) {
      this.fail(`the body of prim::Loop takes (iteration, carried...) = ${carried.length + 1} parameter(s), found ${body.params.length}`, node);
    }
    if (body.returns.length !== carried.length + 1) {
      this.fail(`the body of prim::Loop returns (condition, carried...) = ${carried.length + 1} value(s), found ${body.returns.length}`, node);
    }
    this.expectType(node, body.params[0]!, body.params[0]!.type.kind === "int", "the iteration parameter of the loop body", "int");
    this.expectType(node, body.returns[0]!, body.returns[0]!.type.kind === "bool", "the continue condition of the loop body", "bool");
    carried.forEach((initial, i) => {
      const param = body.params[i + 1]!;
      const type = param.type;
      this.expectType(node, initial, isSubtype(initial.type, type), `carried input ${i}`, `a subtype of ${formatIRType(type)} (body parameter ${this.name(param)})`);
      const ret = body.returns[i + 1]!;
      this.expectType(node, ret, isSubtype(ret.type, type), `carried return ${i} of the loop body`, `a subtype of ${formatIRType(type)}`);
      const output = node.outputs[i]!;
      this.expectType(node, output, sameType(output.type, type) || isSubtype(type, output.type), `output ${i}`, `a supertype of ${formatIRType(type)}`);
    });
  }
}

/** Whether a value of IR type `actual` may be passed for a schema argument of type `expected`. */
export function acceptsArgument(actual: IRType, expected: SchemaType): boolean {
  switch (expected.kind) {
    case "Scalar":
      return actual.kind === "int" || actual.kind === "float" || actual.kind === "bool";
    case "Optional":
      if (actual.kind === "None") return true;
      if (actual.kind === "Optional") return acceptsArgument(actual.inner, expected.inner);
      return acceptsArgument(actual, expected.inner);
    case "List":
      // `int[2]` accepts any int[]: the length is checked when the op runs.
      return actual.kind === "List" && acceptsArgument(actual.element, expected.element);
    default:
      return isSubtype(actual, fromSchemaType(expected));
  }
}

/** Why a constant's value does not fit its declared type, or undefined when it does. */
function constantProblem(value: AttributeValue, type: IRType, graph: Graph): string | undefined {
  const describe = () => (value === null ? "None" : Array.isArray(value) ? "a list" : typeof value === "object" ? "a tensor reference" : `a ${typeof value}`);
  switch (type.kind) {
    case "int":
      return typeof value === "number" && Number.isInteger(value) ? undefined : `expected an integer, found ${typeof value === "number" ? value : describe()}`;
    case "float":
      return typeof value === "number" ? undefined : `expected a number, found ${describe()}`;
    case "bool":
      return typeof value === "boolean" ? undefined : `expected a boolean, found ${describe()}`;
    case "str":
      return typeof value === "string" ? undefined : `expected a string, found ${describe()}`;
    case "None":
      return value === null ? undefined : `expected None, found ${describe()}`;
    case "ScalarType":
      return isDType(value) ? undefined : `expected a dtype name, found ${typeof value === "string" ? JSON.stringify(value) : describe()}`;
    case "Optional":
      return value === null ? undefined : constantProblem(value, type.inner, graph);
    case "List": {
      if (!Array.isArray(value)) return `expected a list, found ${describe()}`;
      const element = type.element.kind;
      if (element === "int") return (value as readonly number[]).every((v) => Number.isInteger(v)) ? undefined : "expected a list of integers";
      if (element === "float") return (value as readonly number[]).every((v) => typeof v === "number") ? undefined : "expected a list of numbers";
      return `list constants hold ints or floats, not ${formatIRType(type.element)}`;
    }
    case "Tensor": {
      if (value === null || typeof value !== "object" || Array.isArray(value)) return `expected a tensor reference, found ${describe()}`;
      const name = (value as { tensor: string }).tensor;
      return graph.constants.has(name) ? undefined : `tensor constant '${name}' is missing from graph.constants`;
    }
    default:
      return `constants of type ${formatIRType(type)} are not supported`;
  }
}
