/**
 * A `for (const layer of this.layers)` over an nn.ModuleList or nn.Sequential is
 * unrolled at build time, for as many layers as the list's initializer has. If the
 * instance's list was given more or fewer layers since, the compiled method would
 * silently skip the extra ones (or fail deep inside); this check refuses it up front,
 * naming the list, both lengths and the method.
 */
import { fail } from "../../errors.js";
import type { Graph, Value } from "../../ir/Graph.js";
import { ScriptModule } from "../ScriptModule.js";

const INDEX = /^(0|[1-9]\d*)$/;

export function checkUnrolledLists(self: ScriptModule, methodName: string, graph: Graph, describe: string): void {
  const moduleOf = new Map<Value, ScriptModule>();
  const self0 = graph.inputs[0];
  if (!self0) return;
  moduleOf.set(self0, self);
  const highestIndex = new Map<ScriptModule, number>();
  const listNames = new Map<ScriptModule, string>();
  for (const node of graph.allNodes()) {
    if (node.kind !== "prim::GetAttr") continue;
    const owner = moduleOf.get(node.inputs[0]!);
    const name = node.attribute("name");
    if (!owner || typeof name !== "string") continue;
    const member = (owner as unknown as Record<string, unknown>)[name];
    if (member instanceof ScriptModule) {
      moduleOf.set(node.outputs[0]!, member);
      if (!listNames.has(member)) listNames.set(member, name);
    }
    if (INDEX.test(name)) highestIndex.set(owner, Math.max(highestIndex.get(owner) ?? -1, Number(name)));
  }
  for (const [list, highest] of highestIndex) {
    const length = list.namedChildren().length;
    if (highest + 1 !== length) {
      fail(
        "INVALID_ARGUMENT",
        `script(${describe}): method ${methodName} was compiled for ${highest + 1} modules in "${listNames.get(list) ?? "<list>"}" (${list.className}), but this instance holds ${length}; a loop over a module list is unrolled at build time, so the list must keep the length its initializer gives it`,
      );
    }
  }
}
