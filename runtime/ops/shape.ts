/**
 * Shape and view ops: each returns a tensor sharing its input's storage (PyTorch
 * returns a view for every one of them), except reshape and flatten, which copy
 * when the input's strides cannot express the new shape.
 */
import { check, fail, formatShape } from "../errors.js";
import { contiguousStrides, normalizeDim, type Shape } from "../tensor/shape.js";
import { viewOf, type Tensor } from "../tensor/Tensor.js";
import { toCopy } from "./conversion.js";
import { callOp, callTensorOp, runNestedOp } from "./dispatch.js";
import { defineOp } from "./registry.js";
import { inferSize, narrowView, viewStrides } from "./viewLayout.js";

defineOp<[self: Tensor, size: number[]]>({
  schema: "view(Tensor self, int[] size) -> Tensor",
  method: true,
  kind: "view",
  view: ([self, size]) => {
    const shape = inferSize("view", size, self.numel(), () => describeInput(self));
    const strides = viewStrides(self.shape, self.strides, shape);
    if (!strides) {
      fail(
        "INVALID_ARGUMENT",
        `view(): shape ${formatShape(shape)} is not compatible with the input's shape ${formatShape(self.shape)} and strides ${formatShape(self.strides)} (at least one dimension spans across two contiguous subspaces); use reshape() instead`,
      );
    }
    return viewOf(self, shape, strides, self.offset);
  },
});

function describeInput(self: Tensor): string {
  return `an input of shape ${formatShape(self.shape)} with ${self.numel()} elements`;
}

defineOp<[self: Tensor, shape: number[]]>({
  schema: "reshape(Tensor self, int[] shape) -> Tensor",
  method: true,
  kind: "composite",
  compose: ([self, shape]) => reshaped(self, inferSize("reshape", shape, self.numel(), () => describeInput(self))),
});

/** `self` as `size` (which holds its elements): a view when its strides allow one, else a view of a copy. */
function reshaped(self: Tensor, size: number[]): Tensor {
  const strides = viewStrides(self.shape, self.strides, size);
  if (strides) return viewOf(self, size, strides, self.offset);
  const copy = runNestedOp(toCopy, [self, null]) as Tensor;
  return viewOf(copy, size, contiguousStrides(size), copy.offset);
}

defineOp<[self: Tensor, startDim: number, endDim: number]>({
  schema: "flatten.using_ints(Tensor self, int start_dim=0, int end_dim=-1) -> Tensor",
  method: true,
  kind: "composite",
  compose: ([self, startDim, endDim]) => {
    const start = normalizeDim("flatten", startDim, self.ndim, "start_dim");
    const end = normalizeDim("flatten", endDim, self.ndim, "end_dim");
    check(start <= end, "flatten", () => `start_dim (${startDim}) cannot come after end_dim (${endDim}) for a tensor of shape ${formatShape(self.shape)}`);
    if (self.ndim === 0) return reshaped(self, [1]);
    if (start === end) return self;
    const merged = self.shape.slice(start, end + 1).reduce((a, b) => a * b, 1);
    return reshaped(self, [...self.shape.slice(0, start), merged, ...self.shape.slice(end + 1)]);
  },
});

defineOp<[self: Tensor, dim: number, sizes: number[]]>({
  schema: "unflatten.int(Tensor self, int dim, int[] sizes) -> Tensor",
  method: true,
  kind: "composite",
  compose: ([self, dim, sizes]) => {
    const d = normalizeDim("unflatten", dim, self.ndim);
    check(sizes.length > 0, "unflatten", () => "sizes must be non-empty");
    const size = self.shape[d] ?? 1;
    const inner = inferSize("unflatten", sizes, size, () => `dim ${d} of size ${size} of an input of shape ${formatShape(self.shape)}`);
    return callTensorOp("view", [self, [...self.shape.slice(0, d), ...inner, ...self.shape.slice(d + 1)]]);
  },
});

defineOp<[self: Tensor, dim0: number, dim1: number]>({
  schema: "transpose.int(Tensor self, int dim0, int dim1) -> Tensor",
  method: true,
  kind: "view",
  view: ([self, dim0, dim1]) => {
    const a = normalizeDim("transpose", dim0, self.ndim, "dim0");
    const b = normalizeDim("transpose", dim1, self.ndim, "dim1");
    if (self.ndim === 0) return viewOf(self, [], [], self.offset);
    return viewOf(self, swap(self.shape, a, b), swap(self.strides, a, b), self.offset);
  },
});

function swap(values: readonly number[], a: number, b: number): number[] {
  const out = [...values];
  out[a] = values[b]!;
  out[b] = values[a]!;
  return out;
}

defineOp<[self: Tensor]>({
  schema: "t(Tensor self) -> Tensor",
  method: true,
  kind: "composite",
  compose: ([self]) => {
    check(self.ndim <= 2, "t", () => `expects a tensor with <= 2 dimensions, but got shape ${formatShape(self.shape)} (${self.ndim}-D)`);
    return callTensorOp("transpose", [self, 0, self.ndim < 2 ? 0 : 1]);
  },
});

defineOp<[self: Tensor, dims: number[]]>({
  schema: "permute(Tensor self, int[] dims) -> Tensor",
  method: true,
  kind: "view",
  view: ([self, dims]) => {
    const order = normalizePermutation("permute", dims, self.shape);
    return viewOf(
      self,
      order.map((d) => self.shape[d]!),
      order.map((d) => self.strides[d]!),
      self.offset,
    );
  },
});

function normalizePermutation(op: string, dims: readonly number[], shape: Shape): number[] {
  check(
    dims.length === shape.length,
    op,
    () => `dims ${formatShape(dims)} has ${dims.length} entries but the input of shape ${formatShape(shape)} has ${shape.length} dimensions`,
    "SHAPE_MISMATCH",
  );
  const order = dims.map((d) => normalizeDim(op, d, shape.length));
  check(new Set(order).size === order.length, op, () => `duplicate dims are not allowed, got ${formatShape(dims)}`);
  return order;
}

defineOp<[self: Tensor, source: number[], destination: number[]]>({
  schema: "movedim.intlist(Tensor self, int[] source, int[] destination) -> Tensor",
  method: true,
  kind: "composite",
  compose: ([self, source, destination]) => callTensorOp("permute", [self, movedimOrder(self.shape, source, destination)]),
});

/** The permutation that puts each `source` dim at its `destination`, keeping the others in order. */
function movedimOrder(shape: Shape, source: readonly number[], destination: readonly number[]): number[] {
  check(
    source.length === destination.length,
    "movedim",
    () => `source ${formatShape(source)} and destination ${formatShape(destination)} must have the same number of dims`,
  );
  const rank = shape.length;
  const from = source.map((d) => normalizeDim("movedim", d, rank, "source"));
  const to = destination.map((d) => normalizeDim("movedim", d, rank, "destination"));
  check(new Set(from).size === from.length, "movedim", () => `repeated dim in source ${formatShape(source)}`);
  check(new Set(to).size === to.length, "movedim", () => `repeated dim in destination ${formatShape(destination)}`);
  const order = new Array<number>(rank).fill(-1);
  to.forEach((d, i) => (order[d] = from[i]!));
  const rest = [...Array(rank).keys()].filter((d) => !from.includes(d));
  for (let i = 0, k = 0; i < rank; i++) if (order[i] === -1) order[i] = rest[k++]!;
  return order;
}

defineOp<[self: Tensor, dim: number]>({
  schema: "squeeze.dim(Tensor self, int dim) -> Tensor",
  method: true,
  kind: "composite",
  compose: ([self, dim]) => callTensorOp("squeeze", [self, [dim]]),
});

defineOp<[self: Tensor, dims: number[]]>({
  schema: "squeeze.dims(Tensor self, int[] dim) -> Tensor",
  method: true,
  kind: "view",
  view: ([self, dims]) => {
    const drop = new Set(dims.map((d) => normalizeDim("squeeze", d, self.ndim)));
    return squeezeWhere(self, (d) => drop.has(d));
  },
});

defineOp<[self: Tensor]>({
  schema: "squeeze(Tensor self) -> Tensor",
  method: true,
  kind: "view",
  view: ([self]) => squeezeWhere(self, () => true),
});

function squeezeWhere(self: Tensor, selected: (dim: number) => boolean): Tensor {
  const keep = self.shape.map((size, d) => size !== 1 || !selected(d));
  return viewOf(
    self,
    self.shape.filter((_, d) => keep[d]),
    self.strides.filter((_, d) => keep[d]),
    self.offset,
  );
}

defineOp<[self: Tensor, dim: number]>({
  schema: "unsqueeze(Tensor self, int dim) -> Tensor",
  method: true,
  kind: "view",
  view: ([self, dim]) => {
    const d = normalizeDim("unsqueeze", dim, self.ndim + 1);
    const stride = d >= self.ndim ? 1 : self.shape[d]! * self.strides[d]!;
    const shape = [...self.shape];
    const strides = [...self.strides];
    shape.splice(d, 0, 1);
    strides.splice(d, 0, stride);
    return viewOf(self, shape, strides, self.offset);
  },
});

defineOp<[self: Tensor, size: number[], implicit: boolean]>({
  schema: "expand(Tensor self, int[] size, *, bool implicit=False) -> Tensor",
  method: true,
  kind: "view",
  view: ([self, size]) => {
    const lead = size.length - self.ndim;
    check(
      lead >= 0,
      "expand",
      () => `the number of sizes provided (${size.length}) must be greater or equal to the number of dimensions in the tensor (${self.ndim}); sizes ${formatShape(size)}, tensor shape ${formatShape(self.shape)}`,
      "SHAPE_MISMATCH",
    );
    const shape = new Array<number>(size.length);
    const strides = new Array<number>(size.length);
    for (let i = 0; i < size.length; i++) {
      const target = size[i]!;
      if (i < lead) {
        check(target >= 0, "expand", () => `the expanded size ${target} isn't allowed in a leading, non-existing dimension ${i} (sizes ${formatShape(size)})`);
        shape[i] = target;
        strides[i] = 0;
        continue;
      }
      const own = self.shape[i - lead]!;
      const wanted = target === -1 ? own : target;
      check(
        wanted === own || own === 1,
        "expand",
        () => `the expanded size (${wanted}) must match the existing size (${own}) at non-singleton dimension ${i}; target sizes ${formatShape(size)}, tensor shape ${formatShape(self.shape)}`,
        "SHAPE_MISMATCH",
      );
      check(wanted >= 0, "expand", () => `invalid size ${wanted} at dimension ${i} of ${formatShape(size)}`);
      shape[i] = wanted;
      strides[i] = wanted === own ? self.strides[i - lead]! : 0;
    }
    return viewOf(self, shape, strides, self.offset);
  },
});

defineOp<[self: Tensor, other: Tensor]>({
  schema: "expand_as(Tensor self, Tensor other) -> Tensor",
  method: true,
  kind: "composite",
  compose: ([self, other]) => callTensorOp("expand", [self, [...other.shape]]),
});

defineOp<[self: Tensor, dim: number, start: number, length: number]>({
  schema: "narrow(Tensor self, int dim, int start, int length) -> Tensor",
  method: true,
  kind: "view",
  view: ([self, dim, start, length]) => {
    check(self.ndim > 0, "narrow", () => "cannot be applied to a 0-dim tensor");
    const d = normalizeDim("narrow", dim, self.ndim);
    const size = self.shape[d]!;
    check(
      start >= -size && start <= size,
      "narrow",
      () => `start ${start} is out of range for dim ${d} of size ${size} (shape ${formatShape(self.shape)})`,
      "INDEX_OUT_OF_RANGE",
    );
    const from = start < 0 ? start + size : start;
    check(length >= 0, "narrow", () => `length must be non-negative, got ${length}`);
    check(
      from + length <= size,
      "narrow",
      () => `start (${from}) + length (${length}) exceeds dimension size (${size}) of dim ${d} (shape ${formatShape(self.shape)})`,
      "INDEX_OUT_OF_RANGE",
    );
    return narrowView(self, d, from, length);
  },
});

defineOp<[self: Tensor, dim: number, index: number]>({
  schema: "select.int(Tensor self, int dim, int index) -> Tensor",
  method: true,
  kind: "view",
  view: ([self, dim, index]) => {
    check(self.ndim > 0, "select", () => "cannot be applied to a 0-dim tensor");
    const d = normalizeDim("select", dim, self.ndim);
    const size = self.shape[d]!;
    check(
      index >= -size && index < size,
      "select",
      () => `index ${index} is out of range for dim ${d} of size ${size} (shape ${formatShape(self.shape)})`,
      "INDEX_OUT_OF_RANGE",
    );
    return selectView(self, d, index < 0 ? index + size : index);
  },
});

function selectView(self: Tensor, dim: number, index: number): Tensor {
  const rank = self.ndim;
  const fullShape = self.shape;
  const shape = new Array<number>(rank - 1);
  const strides = new Array<number>(rank - 1);
  for (let i = 0, k = 0; i < rank; i++) {
    if (i === dim) continue;
    shape[k] = fullShape[i]!;
    strides[k++] = self.strides[i]!;
  }
  // Frozen here, so the Tensor keeps these arrays instead of copying them (a loop selects once per step).
  return viewOf(self, Object.freeze(shape), Object.freeze(strides), self.offset + index * self.strides[dim]!);
}

defineOp<[self: Tensor, dim: number, start: number | null, end: number | null, step: number]>({
  schema: "slice.Tensor(Tensor self, int dim=0, int? start=None, int? end=None, int step=1) -> Tensor",
  method: true,
  kind: "view",
  view: ([self, dim, start, end, step]) => {
    check(self.ndim > 0, "slice", () => "cannot be applied to a 0-dim tensor");
    const d = normalizeDim("slice", dim, self.ndim);
    check(step > 0, "slice", () => `step must be positive, got ${step}`);
    const size = self.shape[d]!;
    const from = clampSliceBound(start ?? 0, size, 0);
    const to = clampSliceBound(end ?? size, size, from);
    const shape = [...self.shape];
    const strides = [...self.strides];
    shape[d] = Math.ceil((to - from) / step);
    strides[d] = self.strides[d]! * step;
    return viewOf(self, shape, strides, self.offset + from * self.strides[d]!);
  },
});

/** Python slicing: a negative bound counts from the end, then the bound is clamped to [lower, size]. */
function clampSliceBound(bound: number, size: number, lower: number): number {
  const wrapped = bound < 0 ? bound + size : bound;
  return Math.min(Math.max(wrapped, lower), size);
}

defineOp<[self: Tensor, dim: number]>({
  schema: "unbind.int(Tensor self, int dim=0) -> Tensor[]",
  method: true,
  kind: "view",
  view: ([self, dim]) => {
    check(self.ndim > 0, "unbind", () => "dimension specified as 0 but tensor has no dimensions");
    const d = normalizeDim("unbind", dim, self.ndim);
    return Array.from({ length: self.shape[d]! }, (_, i) => selectView(self, d, i));
  },
});

const splitTensor = defineOp<[self: Tensor, splitSize: number, dim: number]>({
  schema: "split.Tensor(Tensor self, int split_size, int dim=0) -> Tensor[]",
  method: true,
  kind: "view",
  view: ([self, splitSize, dim]) => {
    check(self.ndim > 0, "split", () => "cannot be applied to a 0-dim tensor");
    const d = normalizeDim("split", dim, self.ndim);
    const size = self.shape[d]!;
    check(splitSize >= 0, "split", () => `split_size must be non-negative, got ${splitSize}`);
    check(
      splitSize > 0 || size === 0,
      "split",
      () => `split_size can only be 0 if dimension ${d} has size 0, but it has size ${size} (shape ${formatShape(self.shape)})`,
    );
    const count = splitSize === 0 ? 1 : Math.max(Math.ceil(size / splitSize), 1);
    return Array.from({ length: count }, (_, i) => narrowView(self, d, i * splitSize, Math.min(splitSize, size - i * splitSize)));
  },
});

defineOp<[self: Tensor, splitSizes: number[], dim: number]>({
  schema: "split.sizes(Tensor self, int[] split_size, int dim=0) -> Tensor[]",
  method: true,
  kind: "view",
  view: ([self, splitSizes, dim]) => {
    check(self.ndim > 0, "split", () => "cannot be applied to a 0-dim tensor");
    const d = normalizeDim("split", dim, self.ndim);
    const size = self.shape[d]!;
    check(splitSizes.every((s) => s >= 0), "split", () => `split sizes must be non-negative, got ${formatShape(splitSizes)}`);
    const total = splitSizes.reduce((a, b) => a + b, 0);
    check(
      total === size,
      "split",
      () => `split sizes ${formatShape(splitSizes)} sum to ${total} but dim ${d} of the input of shape ${formatShape(self.shape)} has size ${size}`,
      "SHAPE_MISMATCH",
    );
    let start = 0;
    return splitSizes.map((length) => {
      const piece = narrowView(self, d, start, length);
      start += length;
      return piece;
    });
  },
});

defineOp<[self: Tensor, chunks: number, dim: number]>({
  schema: "chunk(Tensor self, int chunks, int dim=0) -> Tensor[]",
  method: true,
  kind: "composite",
  compose: ([self, chunks, dim]) => {
    check(self.ndim > 0, "chunk", () => "cannot be applied to a 0-dim tensor");
    check(chunks > 0, "chunk", () => `chunks must be greater than 0, got ${chunks}`);
    const size = self.shape[normalizeDim("chunk", dim, self.ndim)]!;
    return runNestedOp(splitTensor, [self, Math.ceil(size / chunks), dim]);
  },
});

export function reshape(input: Tensor, shape: readonly number[] | number): Tensor {
  return callTensorOp("reshape", [input, shape]);
}

export function flatten(input: Tensor, startDim?: number, endDim?: number): Tensor {
  return callTensorOp("flatten", [input, startDim, endDim]);
}

export function unflatten(input: Tensor, dim: number, sizes: readonly number[]): Tensor {
  return callTensorOp("unflatten", [input, dim, sizes]);
}

export function transpose(input: Tensor, dim0: number, dim1: number): Tensor {
  return callTensorOp("transpose", [input, dim0, dim1]);
}

export function t(input: Tensor): Tensor {
  return callTensorOp("t", [input]);
}

export function permute(input: Tensor, dims: readonly number[]): Tensor {
  return callTensorOp("permute", [input, dims]);
}

export function movedim(input: Tensor, source: readonly number[] | number, destination: readonly number[] | number): Tensor {
  return callTensorOp("movedim", [input, source, destination]);
}

/** Drops size-1 dims: all of them, or only those among `dim`. */
export function squeeze(input: Tensor, dim?: number | readonly number[]): Tensor {
  return callTensorOp("squeeze", [input, dim]);
}

export function unsqueeze(input: Tensor, dim: number): Tensor {
  return callTensorOp("unsqueeze", [input, dim]);
}

export function expand(input: Tensor, size: readonly number[]): Tensor {
  return callTensorOp("expand", [input, size]);
}

export function expandAs(input: Tensor, other: Tensor): Tensor {
  return callTensorOp("expand_as", [input, other]);
}

export function narrow(input: Tensor, dim: number, start: number, length: number): Tensor {
  return callTensorOp("narrow", [input, dim, start, length]);
}

export function select(input: Tensor, dim: number, index: number): Tensor {
  return callTensorOp("select", [input, dim, index]);
}

/** `input[..., start:end:step, ...]` along `dim`, bounds as in Python slicing. */
export function slice(input: Tensor, dim = 0, start: number | null = null, end: number | null = null, step = 1): Tensor {
  return callTensorOp("slice", [input, dim, start, end, step]);
}

export function unbind(input: Tensor, dim = 0): Tensor[] {
  return callOp("unbind", [input, dim]) as Tensor[];
}

export function chunk(input: Tensor, chunks: number, dim = 0): Tensor[] {
  return callOp("chunk", [input, chunks, dim]) as Tensor[];
}

/** Pieces of `splitSizeOrSections` elements along `dim` (the last may be smaller), or of the listed sizes. */
export function split(input: Tensor, splitSizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  return callOp("split", [input, splitSizeOrSections, dim]) as Tensor[];
}

declare module "../tensor/Tensor.js" {
  interface Tensor {
    /** The same elements with another shape, sharing storage; fails when the strides cannot express it. */
    view(...size: number[]): Tensor;
    view(size: readonly number[]): Tensor;
    /** The same elements with another shape: a view when the strides allow, else a copy. */
    reshape(...shape: number[]): Tensor;
    reshape(shape: readonly number[]): Tensor;
    /** Dims `startDim..endDim` merged into one. */
    flatten(startDim?: number, endDim?: number): Tensor;
    /** Dim `dim` split into `sizes`. */
    unflatten(dim: number, sizes: readonly number[]): Tensor;
    /** A view with `dim0` and `dim1` swapped. */
    transpose(dim0: number, dim1: number): Tensor;
    /** The transpose of a matrix (a 0-D or 1-D tensor is returned as is). */
    t(): Tensor;
    /** A view with the dims in the order `dims`. */
    permute(...dims: number[]): Tensor;
    permute(dims: readonly number[]): Tensor;
    /** A view with dims `source` moved to positions `destination`. */
    movedim(source: readonly number[] | number, destination: readonly number[] | number): Tensor;
    /** A view without size-1 dims (all, or only those among `dim`). */
    squeeze(dim?: number | readonly number[]): Tensor;
    /** A view with a size-1 dim inserted at `dim`. */
    unsqueeze(dim: number): Tensor;
    /** A view broadcast to `size` (-1 keeps a dim); only size-1 dims can grow. */
    expand(...size: number[]): Tensor;
    expand(size: readonly number[]): Tensor;
    /** `expand(other.shape)` */
    expandAs(other: Tensor): Tensor;
    /** A view of `length` elements of `dim` from `start`. */
    narrow(dim: number, start: number, length: number): Tensor;
    /** A view of index `index` along `dim`, without that dim. */
    select(dim: number, index: number): Tensor;
    /** A view of `start:end:step` along `dim`. */
    slice(dim?: number, start?: number | null, end?: number | null, step?: number): Tensor;
    /** The views `select(dim, i)` for every i. */
    unbind(dim?: number): Tensor[];
    /** `chunks` views along `dim` of ceil(size / chunks) elements (the last may be smaller). */
    chunk(chunks: number, dim?: number): Tensor[];
    /** Views along `dim` of `splitSizeOrSections` elements each, or of the listed sizes. */
    split(splitSizeOrSections: number | readonly number[], dim?: number): Tensor[];
  }
}
