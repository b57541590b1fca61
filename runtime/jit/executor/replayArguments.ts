/**
 * A replayed plan's backend arguments (Note [Replayed plans] in replay.ts): copied when
 * recorded, then templates in which the storages a replay puts in place (inputs' and
 * outputs') are slots, bound to each replay's storages.
 */
import type { TypedArray } from "../../tensor/dtype.js";
import { Tensor } from "../../tensor/Tensor.js";

/** A view or tensor as a backend method takes it. */
interface ViewLike {
  readonly storage: TypedArray;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly dtype: Tensor["dtype"];
}

function isViewLike(value: unknown): value is ViewLike {
  return typeof value === "object" && value !== null && "storage" in value && "shape" in value && "strides" in value && "offset" in value;
}

function isTypedArray(value: unknown): value is TypedArray {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

/** A copy of a backend argument that later code cannot change: views as plain objects, lists copied. */
export function snapshot(value: unknown): unknown {
  if (isTypedArray(value)) return value;
  if (isViewLike(value)) return { storage: value.storage, shape: [...value.shape], strides: [...value.strides], offset: value.offset, dtype: value.dtype };
  if (Array.isArray(value)) return value.map(snapshot);
  return value;
}

export function storagesOf(value: unknown, into: TypedArray[] = []): TypedArray[] {
  if (isTypedArray(value)) into.push(value);
  else if (isViewLike(value)) into.push(value.storage);
  else if (Array.isArray(value)) for (const item of value) storagesOf(item, into);
  return into;
}

/** Where a replay's slot storage comes from: an input's storage, or a new one. */
export type SlotSource = { readonly input: number } | { readonly dtype: Tensor["dtype"]; readonly length: number };

export interface Fixed {
  readonly fixed: unknown;
}
export interface StorageTemplate {
  readonly slot: number;
}
interface ViewTemplate extends Omit<ViewLike, "storage"> {
  readonly slot: number;
  /** A tensor (a run's output) rather than a plain view. */
  readonly tensor: boolean;
}
export type Template = Fixed | StorageTemplate | ViewTemplate | { readonly items: readonly Template[] } | { readonly input: number };

export function isFixed(template: Template): template is Fixed {
  return "fixed" in template;
}

/** `value` with each storage in `slots` replaced by its slot; fixed when it holds none. */
export function templateOf(value: unknown, slots: ReadonlyMap<TypedArray, number>): Template {
  if (isTypedArray(value)) {
    const slot = slots.get(value);
    return slot === undefined ? { fixed: value } : { slot };
  }
  if (isViewLike(value)) {
    const slot = slots.get(value.storage);
    if (slot === undefined) return { fixed: value };
    return { slot, shape: value.shape, strides: value.strides, offset: value.offset, dtype: value.dtype, tensor: value instanceof Tensor };
  }
  if (Array.isArray(value)) {
    const items = value.map((item) => templateOf(item, slots));
    return items.every(isFixed) ? { fixed: value } : { items };
  }
  return { fixed: value };
}

export function bind(template: Template, storages: readonly TypedArray[], inputs: readonly unknown[] = []): unknown {
  if ("fixed" in template) return template.fixed;
  if ("input" in template) return inputs[template.input];
  if ("items" in template) return template.items.map((item) => bind(item, storages, inputs));
  const storage = storages[template.slot]!;
  if (!("shape" in template)) return storage;
  if (template.tensor) return new Tensor(storage, template.shape, template.strides, template.offset, template.dtype);
  return { storage, shape: template.shape, strides: template.strides, offset: template.offset, dtype: template.dtype };
}
