/**
 * eliminateCommonSubexpressions: a copy of a graph in which a pure node that repeats an
 * earlier one (same kind, same attributes, same inputs) is dropped and its results'
 * uses become uses of the earlier node's. The earlier node must dominate the later:
 * it is in the same block or an enclosing one, never in a sibling branch.
 *
 *   %a : Tensor = aten::mul.Tensor(%x, %w)        %a : Tensor = aten::mul.Tensor(%x, %w)
 *   %b : Tensor = aten::mul.Tensor(%x, %w)   =>   %s : Tensor = aten::add.Tensor(%a, %a, %one)
 *   %s : Tensor = aten::add.Tensor(%a, %b, %one)
 *
 * Left alone (effects.ts): nodes with side effects or nested blocks, random ops
 * (`rand`, `dropout` in training), and every node reading or making a value of a type
 * the graph writes to (with an `append`, no list node is merged: two `[]` are two lists).
 */
import type { Block, Graph, Node, Value } from "../../ir/Graph.js";
import { formatAttributeValue } from "../../ir/printer.js";
import { verifyMethodGraph } from "../executor/verify.js";
import { copyGraph } from "./copyGraph.js";
import { hasSideEffects, isDeterministic, mutatedTypes, touchesTypes } from "./effects.js";

export function eliminateCommonSubexpressions(graph: Graph): Graph {
  const result = copyGraph(graph);
  const mutated = mutatedTypes(result);
  const valueIds = new Map<Value, number>();
  const idOf = (value: Value): number => {
    let id = valueIds.get(value);
    if (id === undefined) valueIds.set(value, (id = valueIds.size));
    return id;
  };
  const mergeable = (node: Node): boolean => node.blocks.length === 0 && !hasSideEffects(node) && isDeterministic(node) && !touchesTypes(node, mutated);

  const visit = (block: Block, seen: ReadonlyMap<string, Node>): void => {
    const available = new Map(seen);
    for (const node of [...block.nodes]) {
      for (const inner of node.blocks) visit(inner, available);
      if (!mergeable(node)) continue;
      const key = nodeKey(node, idOf);
      const earlier = available.get(key);
      if (!earlier) {
        available.set(key, node);
        continue;
      }
      node.outputs.forEach((output, i) => output.replaceAllUsesWith(earlier.outputs[i]!));
      node.destroy();
    }
  };
  visit(result.block, new Map());
  verifyMethodGraph(result, "eliminateCommonSubexpressions");
  return result;
}

/** Kind, attributes (sorted by name) and input identities: equal keys mean the same computation. */
function nodeKey(node: Node, idOf: (value: Value) => number): string {
  const attributes = [...node.attributes.keys()].sort().map((name) => `${name}=${formatAttributeValue(node.attributes.get(name)!)}`);
  const outputTypes = node.outputs.map((o) => JSON.stringify(o.type));
  return `${node.kind}[${attributes.join(",")}](${node.inputs.map(idOf).join(",")}) -> ${outputTypes.join(",")}`;
}
