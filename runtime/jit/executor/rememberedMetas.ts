/**
 * One instruction's memory of its last `infer` (Note [Remembered metas] in
 * ops/metaOnlyInfer.ts): the arguments it inferred for, kept as what infer reads of
 * them, and the metas it returned. A tensor is kept as its dtype and shape, a list of
 * tensors as theirs, a list of numbers as a copy, anything else as itself (compared
 * with Object.is). An argument of another kind (an object) is not remembered.
 */
import type { OpDef, TensorMeta } from "../../ops/registry.js";
import { sameShape, type Shape } from "../../tensor/shape.js";
import { Tensor } from "../../tensor/Tensor.js";
import type { DType } from "../../tensor/dtype.js";

export type Remembered =
  | { readonly kind: "tensor"; readonly dtype: DType; readonly shape: Shape }
  | { readonly kind: "tensors"; readonly dtypes: readonly DType[]; readonly shapes: readonly Shape[] }
  | { readonly kind: "numbers"; readonly values: readonly number[] }
  | { readonly kind: "value"; readonly value: unknown };

export class RememberedMetas {
  #args: Remembered[] | undefined;
  #metas: readonly TensorMeta[] = [];

  constructor(private readonly op: Extract<OpDef, { kind: "kernel" }>) {}

  /** What the op's `infer(args)` returns: remembered when `args` match the last ones, else inferred (and remembered). */
  metasFor(args: readonly unknown[]): readonly TensorMeta[] {
    const last = this.#args;
    if (last && argumentsMatch(last, args)) return this.#metas;
    this.#args = undefined;
    const metas = this.op.infer(args);
    const remembered = rememberArguments(args);
    if (remembered) {
      this.#metas = metas.map((meta) => ({ shape: Object.freeze(meta.shape.slice()), dtype: meta.dtype }));
      this.#args = remembered;
    }
    return metas;
  }
}

/** What infer reads of each argument, or undefined when one is of a kind not kept (an object). */
export function rememberArguments(args: readonly unknown[]): Remembered[] | undefined {
  const remembered: Remembered[] = [];
  for (const arg of args) {
    const one = remember(arg);
    if (!one) return undefined;
    remembered.push(one);
  }
  return remembered;
}

function remember(arg: unknown): Remembered | undefined {
  // A tensor's shape is frozen (Tensor.ts), so it is kept as it is.
  if (arg instanceof Tensor) return { kind: "tensor", dtype: arg.dtype, shape: arg.shape };
  if (Array.isArray(arg)) {
    if (arg.every((item) => item instanceof Tensor)) {
      return { kind: "tensors", dtypes: arg.map((t: Tensor) => t.dtype), shapes: arg.map((t: Tensor) => t.shape) };
    }
    if (arg.every((item) => typeof item === "number")) return { kind: "numbers", values: arg.slice() };
    return undefined;
  }
  if (arg !== null && typeof arg === "object") return undefined;
  return { kind: "value", value: arg };
}

/** Whether `args` from index `from` on match `last`. */
export function argumentsMatch(last: readonly Remembered[], args: readonly unknown[], from = 0): boolean {
  if (last.length !== args.length - from) return false;
  for (let i = 0; i < last.length; i++) if (!matchesOne(last[i]!, args[from + i])) return false;
  return true;
}

function matchesOne(last: Remembered, arg: unknown): boolean {
  switch (last.kind) {
    case "tensor":
      return arg instanceof Tensor && arg.dtype === last.dtype && (arg.shape === last.shape || sameShape(arg.shape, last.shape));
    case "tensors": {
      if (!Array.isArray(arg) || arg.length !== last.shapes.length) return false;
      for (let i = 0; i < arg.length; i++) {
        const t: unknown = arg[i];
        if (!(t instanceof Tensor) || t.dtype !== last.dtypes[i] || !sameShape(t.shape, last.shapes[i]!)) return false;
      }
      return true;
    }
    case "numbers": {
      if (!Array.isArray(arg) || arg.length !== last.values.length) return false;
      for (let i = 0; i < arg.length; i++) if (!Object.is(arg[i], last.values[i])) return false;
      return true;
    }
    case "value":
      return Object.is(arg, last.value);
  }
}
