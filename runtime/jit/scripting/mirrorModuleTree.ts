/**
 * The ScriptModule tree mirroring an nn.Module tree, shared by `trace` and
 * `script(moduleInstance)`: the same class names, the same Parameter objects, the
 * buffers (persistent as in the state dict), submodules, and plain number/boolean/string
 * attributes; a field holding null (an absent optional parameter such as `bias`) becomes
 * a null attribute, which a graph reads as None. ScriptModules already in the tree (traced or scripted submodules) are
 * reused as they are: that is how a hybrid model keeps its traced parts.
 * Methods are not defined here; the caller adds them.
 */
import type { Module } from "../../nn/Module.js";
import { ScriptModule } from "../ScriptModule.js";
import { classNameOf } from "../tracing/Tracer.js";

/** The mirror of every module of `root`'s tree, keyed by the original module. */
export function mirrorModuleTree(root: Module): Map<Module, ScriptModule> {
  const stateKeys = new Set(root.stateDict().keys());
  const out = new Map<Module, ScriptModule>();
  const build = (module: Module, path: string): ScriptModule => {
    const existing = out.get(module);
    if (existing) return existing;
    if (module instanceof ScriptModule) {
      out.set(module, module);
      return module;
    }
    const sm = new ScriptModule(classNameOf(module));
    out.set(module, sm);
    sm.training = module.training;
    const prefix = path ? `${path}.` : "";
    for (const [name, p] of module.namedParameters("", false)) sm.addParameter(name, p);
    for (const [name, b] of module.namedBuffers("", false)) sm.registerBuffer(name, b, { persistent: stateKeys.has(prefix + name) });
    for (const [name, child] of module.namedChildren()) sm.addModule(name, build(child, prefix + name));
    for (const [name, value] of Object.entries(module)) {
      const plain = value === null || typeof value === "number" || typeof value === "boolean" || typeof value === "string";
      if (plain && name !== "training" && !(name in sm) && /^[A-Za-z_$][\w$]*$/.test(name)) sm.addAttribute(name, value);
    }
    return sm;
  };
  build(root, "");
  return out;
}
