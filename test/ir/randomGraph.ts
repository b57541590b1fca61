/**
 * Random well-formed graphs for property tests, built through the Graph API:
 * sequences of ops on tensor values and constants of every attribute kind, with
 * If and Loop nested at random (up to depth 3), multi-output nodes, lists and
 * tuples, colliding and odd debug names, and source ranges.
 */
import fc from "fast-check";
import { type Block, Graph, type Value } from "../../runtime/ir/Graph.js";
import { BoolType, FloatType, IntType, listOf, NoneType, optionalOf, StrType, TensorType, tupleOf, type IRType } from "../../runtime/ir/types.js";
import { tensor } from "../../runtime/tensor/factory.js";

type Gen = fc.GeneratorValue;

const NAMES = ["x", "h", "out", "3", "x.1", "self_", "a.b", "0", "weird name!", "fc1"];

interface Scope {
  tensors: Value[];
  ints: Value[];
  bools: Value[];
}

export function randomGraph(g: Gen): Graph {
  const graph = new Graph();
  const builder = new Builder(g, graph);
  const scope: Scope = { tensors: [], ints: [], bools: [] };
  const inputs = g(fc.integer, { min: 1, max: 3 });
  for (let i = 0; i < inputs; i++) scope.tensors.push(graph.addInput(TensorType, builder.name()));
  if (g(fc.boolean)) scope.ints.push(graph.addInput(IntType, builder.name()));
  builder.block(graph.block, scope, 0);
  const outputs = g(fc.integer, { min: 1, max: 3 });
  for (let i = 0; i < outputs; i++) graph.registerOutput(builder.pick(scope.tensors));
  return graph;
}

class Builder {
  constructor(
    private readonly g: Gen,
    private readonly graph: Graph,
  ) {}

  name(): string | undefined {
    return this.g(fc.boolean) ? this.g(fc.constantFrom, ...NAMES) : undefined;
  }

  source() {
    if (!this.g(fc.boolean)) return undefined;
    return { file: this.g(fc.constantFrom, "model.ts", "C:\\src\\m.ts", "dir with space/a.ts", ""), line: this.g(fc.nat, 500), col: this.g(fc.nat, 80) };
  }

  pick<T>(values: readonly T[]): T {
    return values[this.g(fc.nat, values.length - 1)]!;
  }

  constant(block: Block, type: IRType, value: unknown): Value {
    const node = this.graph.appendNode("prim::Constant", [], this.source(), block);
    node.setAttribute("value", value as never);
    return node.addOutput(type, this.name());
  }

  int(block: Block, scope: Scope): Value {
    if (scope.ints.length > 0 && this.g(fc.boolean)) return this.pick(scope.ints);
    const v = this.constant(block, IntType, this.g(fc.integer, { min: -5, max: 5 }));
    scope.ints.push(v);
    return v;
  }

  bool(block: Block, scope: Scope): Value {
    if (scope.bools.length > 0 && this.g(fc.boolean)) return this.pick(scope.bools);
    const v = this.constant(block, BoolType, this.g(fc.boolean));
    scope.bools.push(v);
    return v;
  }

  block(block: Block, scope: Scope, depth: number): void {
    const count = this.g(fc.integer, { min: 0, max: depth === 0 ? 8 : 4 });
    for (let i = 0; i < count; i++) this.statement(block, scope, depth);
  }

  statement(block: Block, scope: Scope, depth: number): void {
    const g = this.g;
    const choice = g(fc.integer, { min: 0, max: depth < 3 ? 9 : 7 });
    const t = () => this.pick(scope.tensors);
    switch (choice) {
      case 0: {
        const kind = g(fc.constantFrom, "aten::relu", "aten::tanh", "aten::exp", "aten::neg");
        scope.tensors.push(this.graph.appendNode(kind, [t()], this.source(), block).addOutput(TensorType, this.name()));
        return;
      }
      case 1: {
        const a = t();
        const b = t();
        const alpha = g(fc.boolean) ? this.int(block, scope) : this.constant(block, FloatType, g(fc.double));
        scope.tensors.push(this.graph.appendNode("aten::add.Tensor", [a, b, alpha], this.source(), block).addOutput(TensorType, this.name()));
        return;
      }
      case 2: {
        // A constant of a random kind, not necessarily used.
        const kind = g(fc.integer, { min: 0, max: 7 });
        if (kind === 0) this.constant(block, FloatType, g(fc.double));
        else if (kind === 1) this.constant(block, StrType, g(fc.string));
        else if (kind === 2) this.constant(block, NoneType, null);
        else if (kind === 3) this.constant(block, listOf(IntType), g(fc.array, fc.integer({ min: -100, max: 100 }), { maxLength: 4 }));
        else if (kind === 4) this.constant(block, listOf(FloatType), g(fc.array, fc.double(), { maxLength: 3 }));
        else if (kind === 5) this.constant(block, optionalOf(IntType), g(fc.boolean) ? null : 7);
        else if (kind === 6) this.constant(block, { kind: "ScalarType" }, g(fc.constantFrom, "float32", "int64", "bool"));
        else {
          const name = g(fc.constantFrom, "c0", "layer.0.weight", "odd name");
          if (!this.graph.constants.has(name)) this.graph.addTensorConstant(tensor([1, 2]), name);
          scope.tensors.push(this.constant(block, TensorType, { tensor: name }));
        }
        return;
      }
      case 3: {
        const node = this.graph.appendNode("aten::max.dim", [t(), this.int(block, scope), this.bool(block, scope)], this.source(), block);
        scope.tensors.push(node.addOutput(TensorType, this.name()), node.addOutput(TensorType, this.name()));
        return;
      }
      case 4: {
        const items = [t(), t()];
        const list = this.graph.appendNode("prim::ListConstruct", items, this.source(), block).addOutput(listOf(TensorType), this.name());
        if (g(fc.boolean)) {
          scope.tensors.push(this.graph.appendNode("aten::cat", [list, this.int(block, scope)], this.source(), block).addOutput(TensorType, this.name()));
        } else {
          const unpack = this.graph.appendNode("prim::ListUnpack", [list], this.source(), block);
          scope.tensors.push(unpack.addOutput(TensorType, this.name()), unpack.addOutput(TensorType, this.name()));
        }
        return;
      }
      case 5: {
        const a = t();
        const i = this.int(block, scope);
        const tuple = this.graph.appendNode("prim::TupleConstruct", [a, i], this.source(), block).addOutput(tupleOf([TensorType, IntType]), this.name());
        const unpack = this.graph.appendNode("prim::TupleUnpack", [tuple], this.source(), block);
        scope.tensors.push(unpack.addOutput(TensorType, this.name()));
        scope.ints.push(unpack.addOutput(IntType, this.name()));
        return;
      }
      case 6: {
        const msg = this.constant(block, StrType, "message");
        this.graph.appendNode(g(fc.boolean) ? "prim::Print" : "prim::RaiseException", [msg], this.source(), block);
        return;
      }
      case 7: {
        const split = this.graph.appendNode("aten::split.Tensor", [t(), this.int(block, scope), this.int(block, scope)], this.source(), block);
        split.addOutput(listOf(TensorType), this.name());
        return;
      }
      case 8: {
        const cond = this.bool(block, scope);
        const node = this.graph.appendNode("prim::If", [cond], this.source(), block);
        const outputs = g(fc.integer, { min: 0, max: 2 });
        for (const _ of [0, 1]) {
          const inner = node.addBlock();
          const innerScope = copy(scope);
          this.block(inner, innerScope, depth + 1);
          for (let k = 0; k < outputs; k++) inner.addReturn(this.pick(innerScope.tensors));
        }
        for (let k = 0; k < outputs; k++) scope.tensors.push(node.addOutput(TensorType, this.name()));
        return;
      }
      case 9: {
        const carried = g(fc.integer, { min: 0, max: 2 });
        const initial = Array.from({ length: carried }, t);
        const node = this.graph.appendNode("prim::Loop", [this.int(block, scope), this.bool(block, scope), ...initial], this.source(), block);
        const body = node.addBlock();
        const innerScope = copy(scope);
        innerScope.ints.push(body.addParam(IntType, this.name()));
        const params = initial.map(() => body.addParam(TensorType, this.name()));
        innerScope.tensors.push(...params);
        this.block(body, innerScope, depth + 1);
        body.addReturn(this.bool(body, innerScope));
        for (let k = 0; k < carried; k++) body.addReturn(this.pick(innerScope.tensors));
        for (let k = 0; k < carried; k++) scope.tensors.push(node.addOutput(TensorType, this.name()));
        return;
      }
    }
  }
}

function copy(scope: Scope): Scope {
  return { tensors: [...scope.tensors], ints: [...scope.ints], bools: [...scope.bools] };
}
