/**
 * foldModuleAttributes: a copy of a method graph in which every `prim::GetAttr` chain
 * from `%self` that reaches a parameter, a buffer or a plain attribute (int, float,
 * bool, string, None, `training`) is replaced by a `prim::Constant` of its current
 * value. Tensors become tensor constants named by their state-dict key and shared with
 * the module (not copied). Reads of submodules stay; eliminateDeadCode removes those
 * nothing uses any more.
 *
 *   %fc : Linear = prim::GetAttr[name="fc"](%self)
 *   %weight : Tensor = prim::GetAttr[name="weight"](%fc)
 *   %y : Tensor = aten::linear(%x, %weight, %bias)
 * =>
 *   %fc : Linear = prim::GetAttr[name="fc"](%self)
 *   %weight : Tensor = prim::Constant[value=tensor:fc.weight]()
 *   %y : Tensor = aten::linear(%x, %weight, %bias)
 *
 * Only correct for a module whose state does not change afterwards: freeze's contract.
 */
import type { Graph, Value } from "../../ir/Graph.js";
import { verifyMethodGraph } from "../executor/verify.js";
import type { InlinableModule } from "./inlineCalls.js";
import { constantAttribute, TensorConstants } from "./constantValues.js";
import { copyGraph } from "./copyGraph.js";

/** What reading attributes needs of a module: ScriptModule's `getAttr`. */
export type ModuleWithAttributes = Pick<InlinableModule, "getAttr">;

export function foldModuleAttributes(graph: Graph, self: ModuleWithAttributes): Graph {
  const result = copyGraph(graph);
  const tensors = new TensorConstants(result);
  const modules = new Map<Value, { module: ModuleWithAttributes; path: string }>([[result.inputs[0]!, { module: self, path: "" }]]);
  for (const node of [...result.allNodes()]) {
    const owner = node.kind === "prim::GetAttr" ? modules.get(node.inputs[0]!) : undefined;
    const name = node.attributes.get("name");
    if (!owner || typeof name !== "string") continue;
    const path = owner.path === "" ? name : `${owner.path}.${name}`;
    const output = node.outputs[0]!;
    let member: unknown;
    try {
      member = owner.module.getAttr(name);
    } catch {
      continue;
    }
    if (output.type.kind === "Module") {
      if (isModule(member)) modules.set(output, { module: member, path });
      continue;
    }
    const value = constantAttribute(member, output.type);
    if (value === undefined) continue;
    const constant = result.createNode("prim::Constant", [], node.source).setAttribute("value", tensors.attribute(value, path));
    node.owningBlock!.insertBefore(constant, node);
    output.replaceAllUsesWith(constant.addOutput(output.type, output.debugName));
    node.destroy();
  }
  verifyMethodGraph(result, "foldModuleAttributes");
  return result;
}

function isModule(value: unknown): value is ModuleWithAttributes {
  return typeof value === "object" && value !== null && typeof (value as Partial<ModuleWithAttributes>).getAttr === "function";
}
