/**
 * The graph IR: structured SSA after TorchScript's (torch/csrc/jit/docs/OVERVIEW.md).
 *
 * A Graph owns one top-level Block. A Block has parameters (the graph's inputs, or
 * a loop body's iteration values), a list of Nodes, and returns. A Node has a kind
 * (`aten::add.Tensor`, `prim::If`), input and output Values, attributes, nested
 * Blocks (If: then/else; Loop: body) and the source range it came from.
 *
 * Note [Node kinds]: op nodes are spelled `namespace::name.overload` (the overload
 * part omitted for the default overload), so every op node names exactly one
 * registry entry and needs no re-resolution when a graph is loaded. Their inputs are
 * the op's arguments in schema order, every default made explicit.
 *
 * Note [Uses]: every Value records where it is used, as (user, index) pairs, where
 * the user is a Node (an input) or a Block (a return). Mutators keep uses exact; the
 * verifier checks them.
 */
import { fail } from "../errors.js";
import type { Tensor } from "../tensor/Tensor.js";
import { printGraph } from "./printer.js";
import type { IRType } from "./types.js";

export interface SourceRange {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/** A reference to a tensor in `Graph.constants`, by name. */
export interface TensorConstantRef {
  readonly tensor: string;
}

/** Node attribute values. A number is an int or a float as the node's output type says. */
export type AttributeValue = number | boolean | string | null | readonly number[] | TensorConstantRef;

export interface Use {
  readonly user: Node | Block;
  readonly index: number;
}

export class Value {
  readonly uses: Use[] = [];

  constructor(
    readonly id: number,
    public type: IRType,
    /** The name from the source (`x`, `h`), when there is one; the printer makes names unique. */
    public debugName: string | undefined,
    /** The node whose output this is, or the block whose parameter it is. */
    readonly definer: Node | Block,
  ) {}

  /** Makes every use of this value a use of `other` instead. */
  replaceAllUsesWith(other: Value): void {
    for (const use of [...this.uses]) {
      if (use.user instanceof Node) use.user.replaceInput(use.index, other);
      else use.user.replaceReturn(use.index, other);
    }
  }
}

export class Node {
  readonly inputs: Value[] = [];
  readonly outputs: Value[] = [];
  readonly blocks: Block[] = [];
  readonly attributes = new Map<string, AttributeValue>();
  owningBlock: Block | null = null;

  constructor(
    readonly graph: Graph,
    readonly kind: string,
    public source: SourceRange | undefined,
  ) {}

  addInput(value: Value): this {
    value.uses.push({ user: this, index: this.inputs.length });
    this.inputs.push(value);
    return this;
  }

  replaceInput(index: number, value: Value): void {
    removeUse(this.inputs[index]!, this, index);
    this.inputs[index] = value;
    value.uses.push({ user: this, index });
  }

  addOutput(type: IRType, debugName?: string): Value {
    const value = this.graph.newValue(type, debugName, this);
    this.outputs.push(value);
    return value;
  }

  /** Removes output `index`, which must be unused. */
  eraseOutput(index: number): void {
    if (this.outputs[index]!.uses.length > 0) fail("INVALID_ARGUMENT", `IR: cannot remove output ${index} of ${this.kind}: it is still used`);
    this.outputs.splice(index, 1);
  }

  /** Removes input `index`; the inputs after it move down one place. */
  eraseInput(index: number): void {
    removeUse(this.inputs[index]!, this, index);
    this.inputs.splice(index, 1);
    renumberUses(this.inputs, this, index);
  }

  addBlock(): Block {
    const block = new Block(this.graph, this);
    this.blocks.push(block);
    return block;
  }

  setAttribute(name: string, value: AttributeValue): this {
    this.attributes.set(name, value);
    return this;
  }

  attribute(name: string): AttributeValue {
    if (!this.attributes.has(name)) fail("INVALID_ARGUMENT", `IR: ${this.kind} has no attribute '${name}'`);
    return this.attributes.get(name)!;
  }

  /** Removes this node from its block; its outputs must be unused. */
  destroy(): void {
    for (const output of this.outputs) {
      if (output.uses.length > 0) fail("INVALID_ARGUMENT", `IR: cannot remove ${this.kind}: its output is still used`);
    }
    this.inputs.forEach((input, index) => removeUse(input, this, index));
    for (const block of this.blocks) block.destroyContents();
    this.owningBlock?.removeNode(this);
  }
}

export class Block {
  readonly params: Value[] = [];
  readonly nodes: Node[] = [];
  readonly returns: Value[] = [];

  constructor(
    readonly graph: Graph,
    /** The If or Loop this block belongs to; null for the graph's top-level block. */
    readonly owningNode: Node | null,
  ) {}

  addParam(type: IRType, debugName?: string): Value {
    const value = this.graph.newValue(type, debugName, this);
    this.params.push(value);
    return value;
  }

  /** Removes parameter `index`, which must be unused. */
  eraseParam(index: number): void {
    if (this.params[index]!.uses.length > 0) fail("INVALID_ARGUMENT", `IR: cannot remove block parameter ${index}: it is still used`);
    this.params.splice(index, 1);
  }

  appendNode(node: Node): Node {
    if (node.owningBlock) fail("INVALID_ARGUMENT", `IR: ${node.kind} is already in a block`);
    node.owningBlock = this;
    this.nodes.push(node);
    return node;
  }

  insertBefore(node: Node, before: Node): Node {
    const at = this.nodes.indexOf(before);
    if (at < 0) fail("INVALID_ARGUMENT", `IR: ${before.kind} is not in this block`);
    node.owningBlock = this;
    this.nodes.splice(at, 0, node);
    return node;
  }

  removeNode(node: Node): void {
    const at = this.nodes.indexOf(node);
    if (at >= 0) this.nodes.splice(at, 1);
    node.owningBlock = null;
  }

  addReturn(value: Value): void {
    value.uses.push({ user: this, index: this.returns.length });
    this.returns.push(value);
  }

  replaceReturn(index: number, value: Value): void {
    removeUse(this.returns[index]!, this, index);
    this.returns[index] = value;
    value.uses.push({ user: this, index });
  }

  /** Removes return `index`; the returns after it move down one place. */
  eraseReturn(index: number): void {
    removeUse(this.returns[index]!, this, index);
    this.returns.splice(index, 1);
    renumberUses(this.returns, this, index);
  }

  destroyContents(): void {
    this.returns.forEach((value, index) => removeUse(value, this, index));
    this.returns.length = 0;
    for (const node of [...this.nodes].reverse()) {
      node.outputs.forEach((output) => (output.uses.length = 0));
      node.destroy();
    }
  }
}

export class Graph {
  readonly block: Block;
  /** Tensor constants that `prim::Constant[value=tensor:NAME]` nodes refer to. */
  readonly constants = new Map<string, Tensor>();
  private nextId = 0;

  constructor() {
    this.block = new Block(this, null);
  }

  get inputs(): readonly Value[] {
    return this.block.params;
  }

  get outputs(): readonly Value[] {
    return this.block.returns;
  }

  addInput(type: IRType, debugName?: string): Value {
    return this.block.addParam(type, debugName);
  }

  registerOutput(value: Value): void {
    this.block.addReturn(value);
  }

  /** A new node, not yet in any block: add it with `block.appendNode` or `insertBefore`. */
  createNode(kind: string, inputs: readonly Value[] = [], source?: SourceRange): Node {
    const node = new Node(this, kind, source);
    for (const input of inputs) node.addInput(input);
    return node;
  }

  /** Creates a node, appends it to `block` (default: the top-level block), returns it. */
  appendNode(kind: string, inputs: readonly Value[] = [], source?: SourceRange, block: Block = this.block): Node {
    return block.appendNode(this.createNode(kind, inputs, source));
  }

  newValue(type: IRType, debugName: string | undefined, definer: Node | Block): Value {
    return new Value(this.nextId++, type, debugName, definer);
  }

  /** Adds a tensor constant under a fresh name (`c0`, `c1`, ...) and returns the reference. */
  addTensorConstant(tensor: Tensor, name = `c${this.constants.size}`): TensorConstantRef {
    if (this.constants.has(name)) fail("INVALID_ARGUMENT", `IR: tensor constant '${name}' already exists`);
    this.constants.set(name, tensor);
    return { tensor: name };
  }

  /** The text form (printer.ts). */
  toString(): string {
    return printGraph(this);
  }

  /** Every node, nested blocks included, in program order. */
  *allNodes(block: Block = this.block): Generator<Node> {
    for (const node of block.nodes) {
      yield node;
      for (const inner of node.blocks) yield* this.allNodes(inner);
    }
  }
}

/** After `values[from]` was removed from `user`'s list, the uses of the values now at `from` and later point at their new places. */
function renumberUses(values: readonly Value[], user: Node | Block, from: number): void {
  for (let index = from; index < values.length; index++) {
    const uses = values[index]!.uses;
    const at = uses.findIndex((u) => u.user === user && u.index === index + 1);
    uses[at] = { user, index };
  }
}

function removeUse(value: Value, user: Node | Block, index: number): void {
  const at = value.uses.findIndex((u) => u.user === user && u.index === index);
  if (at >= 0) value.uses.splice(at, 1);
}
