/** Sequential and ModuleList: children named "0", "1", ... in order. */
import { fail } from "../../errors.js";
import type { Tensor } from "../../tensor/Tensor.js";
import { Module } from "../Module.js";

/** An ordered list of registered submodules (children "0", "1", ...). */
export class ModuleList<M extends Module = Module> extends Module implements Iterable<M> {
  readonly #items: M[] = [];

  constructor(modules: Iterable<M> = []) {
    super();
    for (const module of modules) this.append(module);
  }

  protected override ownMembers(): Iterable<[string, unknown]> {
    return [...super.ownMembers(), ...this.#items.map((m, i): [string, M] => [String(i), m])];
  }

  get length(): number {
    return this.#items.length;
  }

  /** The module at `index` (negative counts from the end). */
  get(index: number): M {
    const i = index < 0 ? index + this.#items.length : index;
    const module = this.#items[i];
    if (!Number.isInteger(index) || module === undefined) {
      fail("INDEX_OUT_OF_RANGE", `${this.constructor.name}.get(): index ${index} is out of range for ${this.#items.length} modules`);
    }
    return module;
  }

  append(module: M): this {
    if (!(module instanceof Module)) fail("ARGUMENT_TYPE", `${this.constructor.name}.append(): expected a Module, got ${typeof module}`);
    this.#items.push(module);
    return this;
  }

  [Symbol.iterator](): Iterator<M> {
    return this.#items[Symbol.iterator]();
  }
}

/** Chains its modules: each one's output is the next one's input. */
export class Sequential extends ModuleList {
  constructor(...modules: Module[]) {
    super(modules);
  }

  override forward(input: Tensor): Tensor {
    let value: unknown = input;
    for (const module of this) value = module.forward(value);
    return value as Tensor;
  }
}
