/**
 * The signature a replayed plan's inputs must match (Note [Replayed plans] in
 * replay.ts): the module, each tensor's dtype, shape, strides and offset, which tensors
 * share a storage, and every other input's value.
 */
import type { TypedArray } from "../../tensor/dtype.js";
import { sameShape } from "../../tensor/shape.js";
import { Tensor } from "../../tensor/Tensor.js";

const PRIMITIVE_TYPES: ReadonlySet<string> = new Set(["number", "string", "boolean", "undefined"]);

/** Inputs other than tensors are numbers, strings, booleans or null: any other input and there is no signature. */
export class InputSignature {
  private constructor(
    private readonly self: unknown,
    private readonly entries: readonly (TensorEntry | { readonly value: unknown })[],
  ) {}

  static of(self: unknown, inputs: readonly unknown[]): InputSignature | undefined {
    const entries: (TensorEntry | { readonly value: unknown })[] = [];
    for (let i = 0; i < inputs.length; i++) {
      const input = inputs[i];
      if (input instanceof Tensor) {
        entries.push({ dtype: input.dtype, shape: input.shape, strides: input.strides, offset: input.offset, sharing: firstWithStorage(inputs, input.storage, i) });
      } else if (input === null || PRIMITIVE_TYPES.has(typeof input)) {
        entries.push({ value: input });
      } else {
        return undefined;
      }
    }
    return new InputSignature(self, entries);
  }

  matches(self: unknown, inputs: readonly unknown[]): boolean {
    if (self !== this.self || inputs.length !== this.entries.length) return false;
    for (let i = 0; i < inputs.length; i++) {
      const entry = this.entries[i]!;
      const input = inputs[i];
      if ("value" in entry) {
        if (!Object.is(input, entry.value)) return false;
        continue;
      }
      if (!(input instanceof Tensor) || input.dtype !== entry.dtype || input.offset !== entry.offset) return false;
      if (!sameShape(input.shape, entry.shape) || !sameShape(input.strides, entry.strides)) return false;
      if (entry.sharing !== i && input.storage !== (inputs[entry.sharing] as Tensor).storage) return false;
      if (entry.sharing === i && firstWithStorage(inputs, input.storage, i) !== i) return false;
    }
    return true;
  }

  equals(other: InputSignature): boolean {
    return other.self === this.self && other.entries.length === this.entries.length && this.entries.every((entry, i) => sameEntry(entry, other.entries[i]!));
  }
}

interface TensorEntry {
  readonly dtype: Tensor["dtype"];
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  /** The first input on the same storage (itself when none before it is). */
  readonly sharing: number;
}

function sameEntry(a: TensorEntry | { readonly value: unknown }, b: TensorEntry | { readonly value: unknown }): boolean {
  if ("value" in a || "value" in b) return "value" in a && "value" in b && Object.is(a.value, b.value);
  return a.dtype === b.dtype && a.offset === b.offset && a.sharing === b.sharing && sameShape(a.shape, b.shape) && sameShape(a.strides, b.strides);
}

/** The first input before `upTo` on `storage`, else `upTo`. */
function firstWithStorage(inputs: readonly unknown[], storage: TypedArray, upTo: number): number {
  for (let j = 0; j < upTo; j++) {
    const other = inputs[j];
    if (other instanceof Tensor && other.storage === storage) return j;
  }
  return upTo;
}

