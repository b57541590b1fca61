/** Creation ops: zeros, ones, full, arange, rand, randn and their *Like forms. */
import { check } from "../errors.js";
import { castScalar, scalarDType, type DType, type Scalar } from "../tensor/dtype.js";
import { defaultGenerator } from "../tensor/random.js";
import { checkShape } from "../tensor/shape.js";
import type { Tensor } from "../tensor/Tensor.js";
import { callTensorOp } from "./dispatch.js";
import { defineOp } from "./registry.js";

type SizeArgs = [size: number[], dtype: DType | null];
type LikeArgs = [self: Tensor, dtype: DType | null];

function defineFilled(name: string, value: number): void {
  defineOp<SizeArgs>({
    schema: `${name}(int[] size, *, ScalarType? dtype=None) -> Tensor`,
    kind: "kernel",
    infer: ([size, dtype]) => [{ shape: checkShape(name, size), dtype: dtype ?? "float32" }],
    run: (_args, [out], backend) => backend.fill(out!, value),
  });
  defineOp<LikeArgs>({
    schema: `${name}_like(Tensor self, *, ScalarType? dtype=None) -> Tensor`,
    kind: "kernel",
    infer: ([self, dtype]) => [{ shape: self.shape, dtype: dtype ?? self.dtype }],
    run: (_args, [out], backend) => backend.fill(out!, value),
  });
}

defineFilled("zeros", 0);
defineFilled("ones", 1);

defineOp<[size: number[], fillValue: Scalar, dtype: DType | null]>({
  schema: "full(int[] size, Scalar fill_value, *, ScalarType? dtype=None) -> Tensor",
  kind: "kernel",
  infer: ([size, fillValue, dtype]) => [{ shape: checkShape("full", size), dtype: dtype ?? fullDType(fillValue) }],
  run: ([, fillValue], [out], backend) => backend.fill(out!, castScalar(Number(fillValue), out!.dtype)),
});

defineOp<[self: Tensor, fillValue: Scalar, dtype: DType | null]>({
  schema: "full_like(Tensor self, Scalar fill_value, *, ScalarType? dtype=None) -> Tensor",
  kind: "kernel",
  infer: ([self, , dtype]) => [{ shape: self.shape, dtype: dtype ?? self.dtype }],
  run: ([, fillValue], [out], backend) => backend.fill(out!, castScalar(Number(fillValue), out!.dtype)),
});

/** torch.full infers bool from a bool fill value and otherwise uses the default float dtype. */
function fullDType(fillValue: Scalar): DType {
  return typeof fillValue === "boolean" ? "bool" : "float32";
}

defineOp<[size: number[], dtype: DType | null]>({
  schema: "empty(int[] size, *, ScalarType? dtype=None) -> Tensor",
  kind: "kernel",
  infer: ([size, dtype]) => [{ shape: checkShape("empty", size), dtype: dtype ?? "float32" }],
  run: () => {},
});

type ArangeArgs = [start: number, end: number, step: number, dtype: DType | null];

function arangeLength([start, end, step]: ArangeArgs): number {
  check(step !== 0, "arange", () => "step must be nonzero");
  check(Number.isFinite(start) && Number.isFinite(end), "arange", () => `start (${start}) and end (${end}) must be finite`);
  check((end - start) / step >= 0, "arange", () => `upper bound and larger bound inconsistent with step sign (start ${start}, end ${end}, step ${step})`);
  return Math.ceil((end - start) / step);
}

const arangeSpec = {
  kind: "kernel",
  infer: (args: ArangeArgs) => {
    const [start, end, step, dtype] = args;
    const inferred = [start, end, step].every((v) => scalarDType(v) === "int64") ? "int64" : "float32";
    return [{ shape: [arangeLength(args)], dtype: dtype ?? inferred }];
  },
  run: ([start, , step]: ArangeArgs, [out]: Tensor[]) => {
    const data = out!.storage;
    for (let i = 0; i < data.length; i++) data[i] = castScalar(start + i * step, out!.dtype);
  },
} as const;

defineOp<ArangeArgs>({ schema: "arange.start_step(Scalar start, Scalar end, Scalar step=1, *, ScalarType? dtype=None) -> Tensor", ...arangeSpec });

defineOp<[end: number, dtype: DType | null]>({
  schema: "arange(Scalar end, *, ScalarType? dtype=None) -> Tensor",
  kind: "composite",
  compose: ([end, dtype]) => callTensorOp("arange", [0, end, 1, { dtype }]),
});

function defineRandom(name: string, sample: () => number): void {
  defineOp<SizeArgs>({
    schema: `${name}(int[] size, *, ScalarType? dtype=None) -> Tensor`,
    kind: "kernel",
    infer: ([size, dtype]) => {
      check(dtype === null || dtype === "float32", name, () => `dtype must be float32, got ${dtype}`, "DTYPE_MISMATCH");
      return [{ shape: checkShape(name, size), dtype: "float32" }];
    },
    run: (_args, [out]) => {
      const data = out!.storage;
      for (let i = 0; i < data.length; i++) data[i] = sample();
    },
  });
  defineOp<LikeArgs>({
    schema: `${name}_like(Tensor self, *, ScalarType? dtype=None) -> Tensor`,
    kind: "composite",
    compose: ([self, dtype]) => callTensorOp(name, [self.shape, { dtype: dtype ?? self.dtype }]),
  });
}

defineRandom("rand", () => defaultGenerator.uniform());
defineRandom("randn", () => defaultGenerator.normal());

export interface CreationOptions {
  readonly dtype?: DType;
}

/** `zeros([2, 3])`, `zeros(2, 3)` or `zeros([2, 3], { dtype: "int64" })`, as torch.zeros. */
export type SizeArguments = [size: readonly number[] | number, options?: CreationOptions] | number[];

export function zeros(...args: SizeArguments): Tensor {
  return callTensorOp("zeros", args);
}

export function ones(...args: SizeArguments): Tensor {
  return callTensorOp("ones", args);
}

export function empty(...args: SizeArguments): Tensor {
  return callTensorOp("empty", args);
}

/** Uniform samples in [0, 1) from the default generator (see manualSeed). */
export function rand(...args: SizeArguments): Tensor {
  return callTensorOp("rand", args);
}

/** Standard normal samples from the default generator (see manualSeed). */
export function randn(...args: SizeArguments): Tensor {
  return callTensorOp("randn", args);
}

export function full(size: readonly number[] | number, fillValue: Scalar, options?: CreationOptions): Tensor {
  return callTensorOp("full", [size, fillValue, options]);
}

export function zerosLike(input: Tensor, options?: CreationOptions): Tensor {
  return callTensorOp("zeros_like", [input, options]);
}

export function onesLike(input: Tensor, options?: CreationOptions): Tensor {
  return callTensorOp("ones_like", [input, options]);
}

export function fullLike(input: Tensor, fillValue: Scalar, options?: CreationOptions): Tensor {
  return callTensorOp("full_like", [input, fillValue, options]);
}

export function randLike(input: Tensor, options?: CreationOptions): Tensor {
  return callTensorOp("rand_like", [input, options]);
}

export function randnLike(input: Tensor, options?: CreationOptions): Tensor {
  return callTensorOp("randn_like", [input, options]);
}

/**
 * `arange(end)`, `arange(start, end, step?)`, as torch.arange: int64 when every
 * bound is an integer, float32 otherwise, unless a dtype is given.
 */
export function arange(end: number, options?: CreationOptions): Tensor;
export function arange(start: number, end: number, step?: number, options?: CreationOptions): Tensor;
export function arange(...args: unknown[]): Tensor {
  return callTensorOp("arange", args);
}
