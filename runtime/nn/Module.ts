/**
 * nn.Module: the base class of every layer and model, with PyTorch's registration,
 * naming, train/eval and state-dict semantics.
 *
 * Note [Lazy registration]: a Module's parameters and submodules are its own
 * enumerable properties holding a Parameter or a Module, read in definition order
 * each time they are asked for. TypeScript class fields (`fc1 = new Linear(10, 5);`)
 * are defined after the base constructor has run, so the base class cannot see
 * them at construction; walking the properties on demand sees fields and
 * constructor assignments alike. Buffers are not properties: a plain Tensor
 * property is just state (as in PyTorch), so buffers are declared explicitly with
 * `registerBuffer` and read back with `getBuffer`.
 *
 * Collections (`namedParameters()`, `modules()`, ...) are returned as arrays.
 */
import { fail, formatShape } from "../errors.js";
import { noteStorageWritten } from "../kernels/constantWeights.js";
import { currentBackend } from "../kernels/index.js";
import { sameShape } from "../tensor/shape.js";
import { Tensor, viewOf } from "../tensor/Tensor.js";
import { Parameter } from "./Parameter.js";

/** A state dict: dotted names (`layers.0.weight`) to tensors, in PyTorch's order. */
export type StateDict = Map<string, Tensor>;

/** What `loadStateDict` accepts: a Map (as `stateDict()` and `loadSafetensors` return) or a plain record. */
export type StateDictInput = ReadonlyMap<string, unknown> | Readonly<Record<string, unknown>>;

export interface LoadStateDictOptions {
  /** Require the keys to match exactly (default true). Shape mismatches are errors either way. */
  readonly strict?: boolean;
}

export interface LoadStateDictResult {
  readonly missingKeys: string[];
  readonly unexpectedKeys: string[];
}

export interface RegisterBufferOptions {
  /** Whether the buffer is part of the state dict (default true). */
  readonly persistent?: boolean;
}

export class Module {
  /** Train mode (true) or eval mode (false); set recursively by `train()` and `eval()`. */
  training = true;
  readonly #buffers = new Map<string, Tensor | null>();
  readonly #nonPersistent = new Set<string>();

  /** The computation; each subclass defines it with its own signature. */
  forward(..._args: unknown[]): unknown {
    fail("NOT_IMPLEMENTED", `${this.constructor.name}: Module is missing the required forward() method`);
  }

  /**
   * The values that may be parameters or submodules, as [name, value] in
   * registration order. Containers that keep their children elsewhere override it.
   */
  protected ownMembers(): Iterable<[string, unknown]> {
    return Object.entries(this);
  }

  /** Adds a buffer: state that is not a parameter (running statistics), saved in the state dict unless not persistent. */
  registerBuffer(name: string, tensor: Tensor | null, options: RegisterBufferOptions = {}): void {
    const owner = this.constructor.name;
    if (name === "" || name.includes(".")) {
      fail("INVALID_ARGUMENT", `${owner}.registerBuffer(): buffer name must be non-empty and contain no ".", got "${name}"`);
    }
    if (Object.prototype.hasOwnProperty.call(this, name)) {
      fail("INVALID_ARGUMENT", `${owner}.registerBuffer(): attribute "${name}" already exists`);
    }
    this.#buffers.set(name, tensor);
    if (options.persistent ?? true) this.#nonPersistent.delete(name);
    else this.#nonPersistent.add(name);
  }

  /** This module's own buffer `name` (null when registered as null). */
  getBuffer(name: string): Tensor | null {
    const buffer = this.#buffers.get(name);
    if (buffer === undefined) fail("INVALID_ARGUMENT", `${this.constructor.name}.getBuffer(): no buffer named "${name}"`);
    return buffer;
  }

  #ownParameters(): [string, Parameter][] {
    return [...this.ownMembers()].filter((entry): entry is [string, Parameter] => entry[1] instanceof Parameter);
  }

  #ownChildren(): [string, Module][] {
    return [...this.ownMembers()].filter((entry): entry is [string, Module] => entry[1] instanceof Module);
  }

  #ownBuffers(persistentOnly: boolean): [string, Tensor][] {
    return [...this.#buffers].filter(
      (entry): entry is [string, Tensor] => entry[1] !== null && !(persistentOnly && this.#nonPersistent.has(entry[0])),
    );
  }

  /** Direct submodules, each once, as [name, module]. */
  namedChildren(): [string, Module][] {
    const seen = new Set<Module>();
    const out: [string, Module][] = [];
    for (const [name, child] of this.#ownChildren()) {
      if (seen.has(child)) continue;
      seen.add(child);
      out.push([name, child]);
    }
    return out;
  }

  children(): Module[] {
    return this.namedChildren().map(([, child]) => child);
  }

  /** This module (named `prefix`, "" by default) and every submodule below it, pre-order, each once. */
  namedModules(prefix = ""): [string, Module][] {
    const out: [string, Module][] = [];
    const seen = new Set<Module>();
    const visit = (module: Module, name: string): void => {
      if (seen.has(module)) return;
      seen.add(module);
      out.push([name, module]);
      for (const [childName, child] of module.#ownChildren()) visit(child, name ? `${name}.${childName}` : childName);
    };
    visit(this, prefix);
    return out;
  }

  modules(): Module[] {
    return this.namedModules().map(([, module]) => module);
  }

  /** Parameters as [dotted name, parameter]: each module's own ones, modules in `namedModules` order; shared ones once. */
  namedParameters(prefix = "", recurse = true): [string, Parameter][] {
    return this.#collect(prefix, recurse, (module) => module.#ownParameters());
  }

  parameters(recurse = true): Parameter[] {
    return this.namedParameters("", recurse).map(([, p]) => p);
  }

  /** Buffers (persistent or not) as [dotted name, tensor], in the same order as `namedParameters`. */
  namedBuffers(prefix = "", recurse = true): [string, Tensor][] {
    return this.#collect(prefix, recurse, (module) => module.#ownBuffers(false));
  }

  buffers(recurse = true): Tensor[] {
    return this.namedBuffers("", recurse).map(([, b]) => b);
  }

  #collect<T extends Tensor>(prefix: string, recurse: boolean, own: (module: Module) => [string, T][]): [string, T][] {
    const modules: [string, Module][] = recurse ? this.namedModules(prefix) : [[prefix, this]];
    const seen = new Set<T>();
    const out: [string, T][] = [];
    for (const [moduleName, module] of modules) {
      for (const [name, value] of own(module)) {
        if (seen.has(value)) continue;
        seen.add(value);
        out.push([moduleName ? `${moduleName}.${name}` : name, value]);
      }
    }
    return out;
  }

  /** Sets train mode on this module and every submodule; returns `this`. */
  train(mode = true): this {
    this.training = mode;
    for (const child of this.children()) child.train(mode);
    return this;
  }

  /** `train(false)`: layers like Dropout and BatchNorm switch to inference behaviour. */
  eval(): this {
    return this.train(false);
  }

  /**
   * Parameters and persistent buffers by dotted name, in PyTorch's order (each
   * module's parameters, then its buffers, then its children's entries). The
   * values share storage with the module's tensors, like PyTorch's detached ones.
   */
  stateDict(): StateDict {
    const out: StateDict = new Map();
    for (const [key, target] of this.#stateEntries("")) out.set(key, viewOf(target, target.shape, target.strides, target.offset));
    return out;
  }

  /** The module's own tensors that a state dict names, unshared: what loading writes into. */
  #stateEntries(prefix: string): [string, Tensor][] {
    const own: [string, Tensor][] = [...this.#ownParameters(), ...this.#ownBuffers(true)].map(([name, t]) => [prefix + name, t]);
    return own.concat(...this.#ownChildren().map(([name, child]) => child.#stateEntries(`${prefix}${name}.`)));
  }

  /**
   * Copies `stateDict`'s tensors into this module's parameters and buffers, in
   * place, so references held elsewhere see the new values; dtypes convert as
   * PyTorch's `copy_` does. Checks everything before copying anything: on any
   * problem it throws one STATE_DICT_MISMATCH error listing every missing key,
   * unexpected key and shape mismatch, and the module is left unchanged.
   */
  loadStateDict(stateDict: StateDictInput, options: LoadStateDictOptions = {}): LoadStateDictResult {
    const strict = options.strict ?? true;
    const given: ReadonlyMap<string, unknown> = stateDict instanceof Map ? stateDict : new Map(Object.entries(stateDict));
    const targets = new Map(this.#stateEntries(""));
    const missingKeys = [...targets.keys()].filter((key) => !given.has(key));
    const unexpectedKeys = [...given.keys()].filter((key) => !targets.has(key));
    const errors: string[] = [];
    if (strict && missingKeys.length > 0) errors.push(`Missing key(s) in state_dict: ${quoteAll(missingKeys)}.`);
    if (strict && unexpectedKeys.length > 0) errors.push(`Unexpected key(s) in state_dict: ${quoteAll(unexpectedKeys)}.`);
    const copies: [Tensor, Tensor][] = [];
    for (const [key, target] of targets) {
      const source = given.get(key);
      if (source === undefined) continue;
      if (!(source instanceof Tensor)) {
        errors.push(`While copying the parameter named "${key}", expected a Tensor from the checkpoint but received ${typeof source}.`);
      } else if (!sameShape(source.shape, target.shape)) {
        errors.push(
          `size mismatch for ${key}: copying a param with shape ${formatShape(source.shape)} from checkpoint, the shape in current model is ${formatShape(target.shape)}.`,
        );
      } else {
        copies.push([source, target]);
      }
    }
    if (errors.length > 0) {
      fail("STATE_DICT_MISMATCH", `Error(s) in loading state_dict for ${this.constructor.name}:\n\t${errors.join("\n\t")}`);
    }
    for (const [source, target] of copies) copyInto(source, target);
    return { missingKeys, unexpectedKeys };
  }
}

function quoteAll(keys: readonly string[]): string {
  return keys.map((key) => `"${key}"`).join(", ");
}

function copyInto(source: Tensor, target: Tensor): void {
  currentBackend().copy(source, target);
  noteStorageWritten(target.storage);
}
