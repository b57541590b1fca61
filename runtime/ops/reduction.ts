/**
 * Reductions: sum, mean, prod, amax/amin, max/min, argmax/argmin, var/std,
 * logsumexp, cumsum, all/any. Output dtypes follow PyTorch: integer and bool sums
 * and products are int64, mean/var/std need a floating input, all/any give bool.
 */
import { check, formatShape } from "../errors.js";
import type { Backend } from "../kernels/Backend.js";
import type { ReduceOp } from "../kernels/reduction.js";
import { isFloatingPoint, type DType } from "../tensor/dtype.js";
import { normalizeDim, type Shape } from "../tensor/shape.js";
import { stridedView, type StridedView, type Tensor } from "../tensor/Tensor.js";
import { callOp, callTensorOp } from "./dispatch.js";
import { defineOp, type TensorMeta } from "./registry.js";

/** The dims a reduction runs over, sorted: `dim` wrapped and checked, or every dim when it is None or empty. */
export function reductionDims(op: string, dim: readonly number[] | number | null, rank: number): number[] {
  const given = dim === null ? [] : typeof dim === "number" ? [dim] : dim;
  if (given.length === 0) {
    const all = new Array<number>(rank);
    for (let d = 0; d < rank; d++) all[d] = d;
    return all;
  }
  const dims = given.map((d) => normalizeDim(op, d, rank));
  for (let k = 0; k < dims.length; k++) {
    check(dims.indexOf(dims[k]!) === k, op, () => `dim ${dims[k]} appears multiple times in the list of dims [${given.join(", ")}]`);
  }
  // A rank-0 tensor accepts dim 0 or -1 and has nothing to reduce.
  return dims.filter((d) => d < rank).sort((a, b) => a - b);
}

export function reducedShape(shape: Shape, dims: readonly number[], keepdim: boolean): number[] {
  const result: number[] = [];
  for (let d = 0; d < shape.length; d++) {
    if (!dims.includes(d)) result.push(shape[d]!);
    else if (keepdim) result.push(1);
  }
  return result;
}

/** `out` seen in the keepdim layout kernels write (see Note [keepdim layout]). */
export function keepdimView(out: Tensor, shape: Shape, dims: readonly number[]): StridedView {
  if (out.ndim === shape.length) return out;
  let k = 0;
  const strides = shape.map((_, d) => (dims.includes(d) ? 0 : out.strides[k++]!));
  return stridedView(
    out,
    shape.map((size, d) => (dims.includes(d) ? 1 : size)),
    strides,
    out.offset,
  );
}

/** max, amax, argmax and friends have no value for an empty set. */
function checkNonEmpty(op: string, self: Tensor, dims: readonly number[]): void {
  if (self.ndim === 0) return;
  for (const d of dims) {
    check(
      self.shape[d] !== 0,
      op,
      () => `cannot reduce over dim ${d} of size 0 (input shape ${formatShape(self.shape)}): the reduction has no identity; specify a non-empty dim`,
    );
  }
}

function integerPromoted(dtype: DType): DType {
  return isFloatingPoint(dtype) ? dtype : "int64";
}

function checkFloating(op: string, dtype: DType): void {
  check(isFloatingPoint(dtype), op, () => `input dtype must be a floating point dtype, got ${dtype}`, "DTYPE_MISMATCH");
}

interface ReductionRule {
  readonly op: ReduceOp;
  readonly outDType: (self: Tensor, dtype: DType | null | undefined) => DType;
  readonly needsNonEmpty?: boolean;
}

/** Bound arguments of every plain reduction; `dim` is a list or a single int by schema, and `dtype` is absent where the schema has none. */
type ReductionArgs = [self: Tensor, dim: number[] | number | null, keepdim: boolean, dtype?: DType | null];

function reductionMeta(name: string, rule: ReductionRule, [self, dim, keepdim, dtype]: ReductionArgs): TensorMeta[] {
  const dims = reductionDims(name, dim, self.ndim);
  if (rule.needsNonEmpty) checkNonEmpty(name, self, dims);
  return [{ shape: reducedShape(self.shape, dims, keepdim), dtype: rule.outDType(self, dtype) }];
}

function defineReduction(schema: string, rule: ReductionRule): void {
  const name = schema.slice(0, schema.search(/[.(]/));
  defineOp<ReductionArgs>({
    schema,
    method: true,
    kind: "kernel",
    infer: (args) => reductionMeta(name, rule, args),
    run: ([self, dim], [out], backend) => {
      const dims = reductionDims(name, dim, self.ndim);
      backend.reduce(rule.op, self, dims, keepdimView(out!, self.shape, dims));
    },
  });
}

defineReduction("sum.dim_IntList(Tensor self, int[]? dim=None, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor", {
  op: "sum",
  outDType: (self, dtype) => dtype ?? integerPromoted(self.dtype),
});

defineReduction("mean.dim(Tensor self, int[]? dim=None, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor", {
  op: "mean",
  outDType: (self, dtype) => {
    const result = dtype ?? self.dtype;
    check(
      isFloatingPoint(result),
      "mean",
      () => `could not infer output dtype: the input dtype must be a floating point dtype, got ${self.dtype} (pass dtype: "float32", or convert with .float())`,
      "DTYPE_MISMATCH",
    );
    return result;
  },
});

defineReduction("prod.dim_int(Tensor self, int? dim=None, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor", {
  op: "prod",
  outDType: (self, dtype) => dtype ?? integerPromoted(self.dtype),
});

for (const op of ["amax", "amin"] as const) {
  defineReduction(`${op}(Tensor self, int[] dim=[], bool keepdim=False) -> Tensor`, {
    op,
    outDType: (self) => self.dtype,
    needsNonEmpty: true,
  });
}

for (const op of ["all", "any"] as const) {
  defineReduction(`${op}.dim(Tensor self, int? dim=None, bool keepdim=False) -> Tensor`, { op, outDType: () => "bool" });
}

for (const [name, extreme, elementwise] of [
  ["max", "amax", "maximum"],
  ["min", "amin", "minimum"],
] as const) {
  defineOp<[self: Tensor]>({
    schema: `${name}(Tensor self) -> Tensor`,
    method: true,
    kind: "kernel",
    infer: ([self]) => {
      check(self.numel() > 0, name, () => `the input is empty (shape ${formatShape(self.shape)}); specify a dim, or reduce a non-empty tensor`);
      return [{ shape: [], dtype: self.dtype }];
    },
    run: ([self], [out], backend) => {
      const dims = reductionDims(name, null, self.ndim);
      backend.reduce(extreme, self, dims, keepdimView(out!, self.shape, dims));
    },
  });

  defineOp<[self: Tensor, dim: number, keepdim: boolean]>({
    schema: `${name}.dim(Tensor self, int dim, bool keepdim=False) -> (Tensor values, Tensor indices)`,
    method: true,
    kind: "kernel",
    infer: ([self, dim, keepdim]) => {
      const dims = reductionDims(name, dim, self.ndim);
      checkNonEmpty(name, self, dims);
      const shape = reducedShape(self.shape, dims, keepdim);
      return [
        { shape, dtype: self.dtype },
        { shape, dtype: "int64" },
      ];
    },
    run: ([self, dim], [values, indices], backend) => {
      const dims = reductionDims(name, dim, self.ndim);
      backend.argReduce(name, self, dims, keepdimView(values!, self.shape, dims), keepdimView(indices!, self.shape, dims));
    },
  });

  defineOp<[self: Tensor, other: Tensor]>({
    schema: `${name}.other(Tensor self, Tensor other) -> Tensor`,
    method: true,
    kind: "composite",
    compose: ([self, other]) => callTensorOp(elementwise, [self, other]),
  });
}

for (const [name, op] of [
  ["argmax", "max"],
  ["argmin", "min"],
] as const) {
  defineOp<[self: Tensor, dim: number | null, keepdim: boolean]>({
    schema: `${name}(Tensor self, int? dim=None, bool keepdim=False) -> Tensor`,
    method: true,
    kind: "kernel",
    infer: ([self, dim, keepdim]) => {
      const dims = reductionDims(name, dim, self.ndim);
      if (dim === null) check(self.numel() > 0, name, () => `the input is empty (shape ${formatShape(self.shape)}); an empty tensor has no ${op}imum`);
      checkNonEmpty(name, self, dims);
      return [{ shape: reducedShape(self.shape, dims, keepdim), dtype: "int64" }];
    },
    run: ([self, dim], [out], backend) => {
      const dims = reductionDims(name, dim, self.ndim);
      backend.argReduce(op, self, dims, null, keepdimView(out!, self.shape, dims));
    },
  });
}

type VarianceArgs = [self: Tensor, dim: number[] | null, unbiased: boolean, keepdim: boolean, correction: number | null];

for (const [name, sqrt] of [
  ["var", false],
  ["std", true],
] as const) {
  const infer = ([self, dim, , keepdim]: VarianceArgs): TensorMeta[] => {
    checkFloating(name, self.dtype);
    return [{ shape: reducedShape(self.shape, reductionDims(name, dim, self.ndim), keepdim), dtype: self.dtype }];
  };
  const run = ([self, dim, unbiased, , correction]: VarianceArgs, [out]: Tensor[], backend: Backend) =>
    runVariance(backend, name, sqrt, self, dim, correction ?? (unbiased ? 1 : 0), out!);
  // `x.var(false)`: PyTorch's positional unbiased flag, reducing every dim.
  defineOp<[self: Tensor, unbiased: boolean]>({
    schema: `${name}(Tensor self, bool unbiased=True) -> Tensor`,
    method: true,
    kind: "kernel",
    infer: ([self, unbiased]) => infer([self, null, unbiased, false, null]),
    run: ([self, unbiased], outputs, backend) => run([self, null, unbiased, false, null], outputs, backend),
  });
  defineOp<VarianceArgs>({
    schema: `${name}.dim(Tensor self, int[]? dim=None, bool unbiased=True, bool keepdim=False, *, int? correction=None) -> Tensor`,
    method: true,
    kind: "kernel",
    infer,
    run,
  });
}

function runVariance(
  backend: Backend,
  name: string,
  sqrt: boolean,
  self: Tensor,
  dim: number[] | null,
  correction: number,
  out: Tensor,
): void {
  const dims = reductionDims(name, dim, self.ndim);
  backend.variance(self, dims, correction, sqrt, keepdimView(out, self.shape, dims));
}

defineOp<[self: Tensor, dim: number[], keepdim: boolean]>({
  schema: "logsumexp(Tensor self, int[] dim, bool keepdim=False) -> Tensor",
  method: true,
  kind: "kernel",
  infer: ([self, dim, keepdim]) => [
    { shape: reducedShape(self.shape, reductionDims("logsumexp", dim, self.ndim), keepdim), dtype: isFloatingPoint(self.dtype) ? self.dtype : "float32" },
  ],
  run: ([self, dim], [out], backend) => {
    const dims = reductionDims("logsumexp", dim, self.ndim);
    backend.logsumexp(self, dims, keepdimView(out!, self.shape, dims));
  },
});

defineOp<[self: Tensor, dim: number, dtype: DType | null]>({
  schema: "cumsum(Tensor self, int dim, *, ScalarType? dtype=None) -> Tensor",
  method: true,
  kind: "kernel",
  infer: ([self, dim, dtype]) => {
    normalizeDim("cumsum", dim, self.ndim);
    return [{ shape: self.shape, dtype: dtype ?? integerPromoted(self.dtype) }];
  },
  run: ([self, dim], [out], backend) => backend.cumsum(self, normalizeDim("cumsum", dim, self.ndim), out!),
});

export type DimArgument = number | readonly number[] | null;

export interface DTypeOption {
  readonly dtype?: DType;
}

export interface VarianceOptions {
  /** Divide by N - 1 (Bessel's correction) rather than N; default true. */
  readonly unbiased?: boolean;
  readonly keepdim?: boolean;
  /** Divide by N - correction; overrides `unbiased`. */
  readonly correction?: number;
}

/** Sum over `dim` (every dim when omitted); integer and bool inputs sum to int64. */
export function sum(input: Tensor, dim?: DimArgument, keepdim?: boolean, options?: DTypeOption): Tensor {
  return callTensorOp("sum", [input, { dim, keepdim, dtype: options?.dtype }]);
}

/** Mean over `dim` (every dim when omitted); the input must be floating point unless a dtype is given. */
export function mean(input: Tensor, dim?: DimArgument, keepdim?: boolean, options?: DTypeOption): Tensor {
  return callTensorOp("mean", [input, { dim, keepdim, dtype: options?.dtype }]);
}

/** Product over one `dim` (every element when omitted); integer and bool inputs give int64. */
export function prod(input: Tensor, dim?: number | null, keepdim?: boolean, options?: DTypeOption): Tensor {
  return callTensorOp("prod", [input, { dim, keepdim, dtype: options?.dtype }]);
}

/** Maximum over `dim` (every dim when omitted or empty); NaN propagates. */
export function amax(input: Tensor, dim?: number | readonly number[], keepdim?: boolean): Tensor {
  return callTensorOp("amax", [input, { dim, keepdim }]);
}

/** Minimum over `dim` (every dim when omitted or empty); NaN propagates. */
export function amin(input: Tensor, dim?: number | readonly number[], keepdim?: boolean): Tensor {
  return callTensorOp("amin", [input, { dim, keepdim }]);
}

/**
 * `max(input)`: the largest element. `max(input, dim, keepdim?)`: `[values, indices]`
 * along `dim` (indices int64, first on ties). `max(input, other)`: elementwise maximum.
 */
export function max(input: Tensor): Tensor;
export function max(input: Tensor, dim: number, keepdim?: boolean): [Tensor, Tensor];
export function max(input: Tensor, other: Tensor): Tensor;
export function max(input: Tensor, dimOrOther?: number | Tensor, keepdim?: boolean): Tensor | [Tensor, Tensor] {
  return callOp("max", keepdim === undefined ? [input, dimOrOther] : [input, dimOrOther, keepdim]) as Tensor | [Tensor, Tensor];
}

/** The counterpart of `max`: smallest element, `[values, indices]` along a dim, or elementwise minimum. */
export function min(input: Tensor): Tensor;
export function min(input: Tensor, dim: number, keepdim?: boolean): [Tensor, Tensor];
export function min(input: Tensor, other: Tensor): Tensor;
export function min(input: Tensor, dimOrOther?: number | Tensor, keepdim?: boolean): Tensor | [Tensor, Tensor] {
  return callOp("min", keepdim === undefined ? [input, dimOrOther] : [input, dimOrOther, keepdim]) as Tensor | [Tensor, Tensor];
}

/** Index (int64) of the maximum along `dim`, or into the flattened input when omitted; first on ties, a NaN wins. */
export function argmax(input: Tensor, dim?: number | null, keepdim?: boolean): Tensor {
  return callTensorOp("argmax", [input, { dim, keepdim }]);
}

/** Index (int64) of the minimum along `dim`, or into the flattened input when omitted; first on ties, a NaN wins. */
export function argmin(input: Tensor, dim?: number | null, keepdim?: boolean): Tensor {
  return callTensorOp("argmin", [input, { dim, keepdim }]);
}

/** Variance over `dim` (every dim when omitted), unbiased by default. Exported as `var`. */
function variance(input: Tensor, dim?: DimArgument, options?: VarianceOptions): Tensor {
  return callTensorOp("var", [input, { dim, ...options }]);
}
export { variance as var };

/** Standard deviation over `dim` (every dim when omitted), unbiased by default. */
export function std(input: Tensor, dim?: DimArgument, options?: VarianceOptions): Tensor {
  return callTensorOp("std", [input, { dim, ...options }]);
}

/** log(Σ exp(x)) over `dim`, computed without overflow. */
export function logsumexp(input: Tensor, dim: number | readonly number[], keepdim?: boolean): Tensor {
  return callTensorOp("logsumexp", [input, { dim, keepdim }]);
}

/** Running sum along `dim`; integer and bool inputs give int64. */
export function cumsum(input: Tensor, dim: number, options?: DTypeOption): Tensor {
  return callTensorOp("cumsum", [input, dim, options]);
}

/** Whether every element along `dim` (or of the whole tensor) is nonzero; bool. */
export function all(input: Tensor, dim?: number | null, keepdim?: boolean): Tensor {
  return callTensorOp("all", [input, { dim, keepdim }]);
}

/** Whether any element along `dim` (or of the whole tensor) is nonzero; bool. */
export function any(input: Tensor, dim?: number | null, keepdim?: boolean): Tensor {
  return callTensorOp("any", [input, { dim, keepdim }]);
}

interface ReduceMethodOptions {
  readonly dim?: DimArgument;
  readonly keepdim?: boolean;
  readonly dtype?: DType;
}

declare module "../tensor/Tensor.js" {
  interface Tensor {
    /** Sum over `dim` (every dim when omitted); integer and bool inputs sum to int64. */
    sum(dim?: DimArgument, keepdim?: boolean, options?: DTypeOption): Tensor;
    sum(options: ReduceMethodOptions): Tensor;
    /** Mean over `dim` (every dim when omitted); floating point inputs only unless a dtype is given. */
    mean(dim?: DimArgument, keepdim?: boolean, options?: DTypeOption): Tensor;
    mean(options: ReduceMethodOptions): Tensor;
    /** Product over one `dim` (every element when omitted). */
    prod(dim?: number | null, keepdim?: boolean, options?: DTypeOption): Tensor;
    prod(options: ReduceMethodOptions): Tensor;
    /** Maximum over `dim` (every dim when omitted or empty). */
    amax(dim?: number | readonly number[], keepdim?: boolean): Tensor;
    /** Minimum over `dim` (every dim when omitted or empty). */
    amin(dim?: number | readonly number[], keepdim?: boolean): Tensor;
    /** The largest element; `[values, indices]` along `dim`; or the elementwise maximum with `other`. */
    max(): Tensor;
    max(dim: number, keepdim?: boolean): [Tensor, Tensor];
    max(options: { dim: number; keepdim?: boolean }): [Tensor, Tensor];
    max(other: Tensor): Tensor;
    /** The smallest element; `[values, indices]` along `dim`; or the elementwise minimum with `other`. */
    min(): Tensor;
    min(dim: number, keepdim?: boolean): [Tensor, Tensor];
    min(options: { dim: number; keepdim?: boolean }): [Tensor, Tensor];
    min(other: Tensor): Tensor;
    /** Index (int64) of the maximum along `dim`, or into the flattened tensor. */
    argmax(dim?: number | null, keepdim?: boolean): Tensor;
    /** Index (int64) of the minimum along `dim`, or into the flattened tensor. */
    argmin(dim?: number | null, keepdim?: boolean): Tensor;
    /** Variance over `dim` (every dim when omitted), unbiased by default. */
    var(unbiased?: boolean): Tensor;
    var(dim: DimArgument, unbiased?: boolean, keepdim?: boolean, options?: { correction?: number }): Tensor;
    var(dim: DimArgument, options: VarianceOptions): Tensor;
    /** Standard deviation over `dim` (every dim when omitted), unbiased by default. */
    std(unbiased?: boolean): Tensor;
    std(dim: DimArgument, unbiased?: boolean, keepdim?: boolean, options?: { correction?: number }): Tensor;
    std(dim: DimArgument, options: VarianceOptions): Tensor;
    /** log(Σ exp(x)) over `dim`, computed without overflow. */
    logsumexp(dim: number | readonly number[], keepdim?: boolean): Tensor;
    /** Running sum along `dim`. */
    cumsum(dim: number, options?: DTypeOption): Tensor;
    /** Whether every element along `dim` (or of the whole tensor) is nonzero. */
    all(dim?: number | null, keepdim?: boolean): Tensor;
    /** Whether any element along `dim` (or of the whole tensor) is nonzero. */
    any(dim?: number | null, keepdim?: boolean): Tensor;
  }
}
