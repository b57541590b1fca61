/**
 * The op registry: one entry per op overload, the single source of truth for
 * eager dispatch, Tensor methods, and (later) the tracer, the @script frontend,
 * the executor and the exporters.
 *
 * An entry is one of three kinds:
 * - `kernel`: `infer` validates the arguments and returns the output metas; the
 *   caller allocates the outputs and `run` writes them (destination passing).
 * - `view`: returns a tensor sharing its input's storage (reshape, transpose, ...).
 * - `composite`: implemented by calling other ops.
 */
import { fail } from "../errors.js";
import type { Backend } from "../kernels/Backend.js";
import type { DType } from "../tensor/dtype.js";
import type { Shape } from "../tensor/shape.js";
import { Tensor } from "../tensor/Tensor.js";
import { callOp } from "./dispatch.js";
import { META_ONLY_INFER_OPS } from "./metaOnlyInfer.js";
import { OVERWRITING_OPS } from "./overwritingOps.js";
import { camelCase, nodeKindOfSchema, parseSchema, type Schema } from "./schema.js";

export interface TensorMeta {
  readonly shape: Shape;
  readonly dtype: DType;
}

interface OpCommon {
  /** aten-style schema; see schema.ts. */
  readonly schema: string;
  /** Also installed as a Tensor method of the op's camelCase name (first argument is `this`). */
  readonly method?: boolean;
}

export interface KernelOpSpec<A extends readonly unknown[]> extends OpCommon {
  readonly kind: "kernel";
  readonly infer: (args: A) => TensorMeta[];
  readonly run: (args: A, outputs: Tensor[], backend: Backend) => void;
}

export interface ViewOpSpec<A extends readonly unknown[]> extends OpCommon {
  readonly kind: "view";
  readonly view: (args: A) => Tensor | Tensor[];
}

export interface CompositeOpSpec<A extends readonly unknown[]> extends OpCommon {
  readonly kind: "composite";
  readonly compose: (args: A) => unknown;
}

export type OpSpec<A extends readonly unknown[]> = KernelOpSpec<A> | ViewOpSpec<A> | CompositeOpSpec<A>;

export type OpDef = OpSpec<readonly unknown[]> & {
  readonly parsed: Schema;
  /** The op returns one tensor (not a list or several): known once, read on every run. */
  readonly returnsOne: boolean;
  /** The op writes every element of its outputs, so they need not be zeroed first (Note [Overwriting ops]). */
  readonly overwritesOutputs: boolean;
  /** `infer` reads only its tensors' dtypes and shapes and its other arguments (Note [Remembered metas]). */
  readonly infersFromMetas: boolean;
};

const overloadsByName = new Map<string, OpDef[]>();

/**
 * Registers one overload. `A` is the argument tuple in schema order, after binding
 * (defaults filled in, scalars expanded to lists where the schema says `int[2]`).
 */
export function defineOp<A extends readonly unknown[]>(spec: OpSpec<A>): OpDef {
  const parsed = parseSchema(spec.schema);
  const returnsOne = parsed.returns.length === 1 && parsed.returns[0]!.type.kind !== "List";
  const kind = nodeKindOfSchema(parsed);
  const def = { ...spec, parsed, returnsOne, overwritesOutputs: OVERWRITING_OPS.has(kind), infersFromMetas: META_ONLY_INFER_OPS.has(kind) } as unknown as OpDef;
  const overloads = overloadsByName.get(parsed.name) ?? [];
  if (overloads.some((o) => o.parsed.overload === parsed.overload)) {
    fail("INVALID_ARGUMENT", `defineOp(): ${parsed.name}.${parsed.overload || "default"} is registered twice`);
  }
  overloads.push(def);
  overloadsByName.set(parsed.name, overloads);
  if (spec.method) installMethod(parsed.name);
  return def;
}

/**
 * `x.logSoftmax(1)` calls `log_softmax` with `x` first. Each op family declares the
 * method's TypeScript signature by augmenting the Tensor interface next to its ops.
 */
function installMethod(name: string): void {
  const methodName = camelCase(name);
  const proto = Tensor.prototype as unknown as Record<string, unknown>;
  const existing = Object.getOwnPropertyDescriptor(proto, methodName);
  if (existing && !(existing.value as { opName?: string } | undefined)?.opName) {
    fail("INVALID_ARGUMENT", `defineOp(): Tensor already has a member '${methodName}' that is not an op method`);
  }
  const method = function (this: Tensor, ...args: unknown[]): unknown {
    return callOp(name, [this, ...args]);
  };
  Object.defineProperty(method, "opName", { value: name });
  Object.defineProperty(proto, methodName, { value: method, writable: true, configurable: true });
}

/** The overloads of `name` (aten spelling, e.g. `log_softmax`), in registration order. */
export function getOverloads(name: string): readonly OpDef[] {
  const overloads = overloadsByName.get(name);
  if (!overloads) fail("UNKNOWN_OP", `unknown op '${name}'`);
  return overloads;
}

export function hasOp(name: string): boolean {
  return overloadsByName.has(name);
}

export function allOps(): OpDef[] {
  return [...overloadsByName.values()].flat();
}
