/**
 * Ops that build a new tensor from pieces or picks of their inputs: cat, stack,
 * index_select, gather, embedding, repeat, flip, roll, tril, triu. Where the result
 * is a rearrangement of whole blocks, `run` writes each block with the copy kernel
 * into a view of the output; picks by index values use the indexing kernels.
 */
import { check, fail, formatShape } from "../errors.js";
import type { Backend } from "../kernels/Backend.js";
import { promoteTypes, type DType } from "../tensor/dtype.js";
import { normalizeDim, numelOf, type Shape } from "../tensor/shape.js";
import { forEachOffset, viewOf, type StridedView, type Tensor } from "../tensor/Tensor.js";
import { callTensorOp } from "./dispatch.js";
import { defineOp } from "./registry.js";
import { narrowView } from "./viewLayout.js";

/** PyTorch still skips 1-D empty tensors in cat, whatever the other inputs' shapes. */
function isLegacyEmpty(t: Tensor): boolean {
  return t.ndim === 1 && t.shape[0] === 0;
}

function catLayout(tensors: readonly Tensor[], dim: number): { shape: number[]; dim: number } {
  check(tensors.length > 0, "cat", () => "expected a non-empty list of tensors");
  tensors.forEach((t, i) => check(t.ndim > 0, "cat", () => `zero-dimensional tensor (at position ${i}) cannot be concatenated`, "SHAPE_MISMATCH"));
  const refIndex = tensors.findIndex((t) => !isLegacyEmpty(t));
  if (refIndex === -1) return { shape: [0], dim: 0 };
  const ref = tensors[refIndex]!;
  const d = normalizeDim("cat", dim, ref.ndim);
  const shape = [...ref.shape];
  shape[d] = 0;
  tensors.forEach((t, i) => {
    if (isLegacyEmpty(t)) return;
    check(
      t.ndim === ref.ndim,
      "cat",
      () => `tensors must have the same number of dimensions: tensor ${refIndex} has shape ${formatShape(ref.shape)} but tensor ${i} has shape ${formatShape(t.shape)}`,
      "SHAPE_MISMATCH",
    );
    t.shape.forEach((size, k) => {
      check(
        k === d || size === ref.shape[k],
        "cat",
        () => `sizes of tensors must match except in dimension ${d}: expected size ${ref.shape[k]} but got size ${size} in dimension ${k} for tensor ${i} in the list (shapes ${formatShape(ref.shape)} and ${formatShape(t.shape)})`,
        "SHAPE_MISMATCH",
      );
    });
    shape[d]! += t.shape[d]!;
  });
  return { shape, dim: d };
}

defineOp<[tensors: Tensor[], dim: number]>({
  schema: "cat(Tensor[] tensors, int dim=0) -> Tensor",
  kind: "kernel",
  infer: ([tensors, dim]) => [{ shape: catLayout(tensors, dim).shape, dtype: tensors.map((t) => t.dtype).reduce(promoteTypes) }],
  run: ([tensors, dim], [out], backend) => {
    const d = catLayout(tensors, dim).dim;
    let start = 0;
    for (const t of tensors) {
      if (isLegacyEmpty(t)) continue;
      backend.copy(t, narrowView(out!, d, start, t.shape[d]!));
      start += t.shape[d]!;
    }
  },
});

defineOp<[tensors: Tensor[], dim: number]>({
  schema: "stack(Tensor[] tensors, int dim=0) -> Tensor",
  kind: "composite",
  compose: ([tensors, dim]) => {
    check(tensors.length > 0, "stack", () => "expected a non-empty list of tensors");
    const first = tensors[0]!;
    tensors.forEach((t, i) =>
      check(
        t.ndim === first.ndim && t.shape.every((size, k) => size === first.shape[k]),
        "stack",
        () => `expects each tensor to be equal size, but got ${formatShape(first.shape)} at entry 0 and ${formatShape(t.shape)} at entry ${i}`,
        "SHAPE_MISMATCH",
      ),
    );
    const d = normalizeDim("stack", dim, first.ndim + 1);
    return callTensorOp("cat", [tensors.map((t) => callTensorOp("unsqueeze", [t, d])), d]);
  },
});

function checkIndexDType(op: string, index: Tensor, allowed: readonly DType[]): void {
  check(
    allowed.includes(index.dtype),
    op,
    () => `expected index of dtype ${allowed.join(" or ")}, got ${index.dtype} (index shape ${formatShape(index.shape)})`,
    "DTYPE_MISMATCH",
  );
}

/** Fails unless every value of `index` addresses one of the `size` entries of `dim` (negative values included). */
function checkIndexValues(op: string, index: StridedView, size: number, what: string): void {
  const values = index.storage;
  forEachOffset(index, (offset) => {
    const v = values[offset]!;
    if (v < 0 || v >= size) fail("INDEX_OUT_OF_RANGE", `${op}(): index ${v} is out of range for ${what} (valid indices are 0..${size - 1})`);
  });
}

defineOp<[self: Tensor, dim: number, index: Tensor]>({
  schema: "index_select(Tensor self, int dim, Tensor index) -> Tensor",
  method: true,
  kind: "kernel",
  infer: ([self, dim, index]) => {
    check(self.ndim > 0, "index_select", () => "cannot index a 0-dim tensor");
    const d = normalizeDim("index_select", dim, self.ndim);
    checkIndexDType("index_select", index, ["int64", "int32"]);
    check(index.ndim <= 1, "index_select", () => `index must be 0-D or 1-D, got shape ${formatShape(index.shape)}`, "SHAPE_MISMATCH");
    checkIndexValues("index_select", index, self.shape[d]!, `dim ${d} of size ${self.shape[d]} (input shape ${formatShape(self.shape)})`);
    const shape = [...self.shape];
    shape[d] = index.numel();
    return [{ shape, dtype: self.dtype }];
  },
  run: ([self, dim, index], [out], backend) => backend.indexSelect(self, normalizeDim("index_select", dim, self.ndim), index, out!),
});

defineOp<[self: Tensor, dim: number, index: Tensor, sparseGrad: boolean]>({
  schema: "gather(Tensor self, int dim, Tensor index, *, bool sparse_grad=False) -> Tensor",
  method: true,
  kind: "kernel",
  infer: ([self, dim, index]) => {
    const d = normalizeDim("gather", dim, self.ndim);
    checkIndexDType("gather", index, ["int64"]);
    check(
      index.ndim === self.ndim,
      "gather",
      () => `index shape ${formatShape(index.shape)} must have the same number of dimensions as input shape ${formatShape(self.shape)}`,
      "SHAPE_MISMATCH",
    );
    index.shape.forEach((size, k) =>
      check(
        k === d || size <= self.shape[k]!,
        "gather",
        () => `index shape ${formatShape(index.shape)} must not be larger than input shape ${formatShape(self.shape)} apart from dimension ${d} (dimension ${k} is ${size} > ${self.shape[k]})`,
        "SHAPE_MISMATCH",
      ),
    );
    const size = self.shape[d] ?? 1;
    checkIndexValues("gather", index, size, `dim ${d} of size ${size} (input shape ${formatShape(self.shape)})`);
    return [{ shape: index.shape, dtype: self.dtype }];
  },
  run: ([self, dim, index], [out], backend) => backend.gather(self, normalizeDim("gather", dim, self.ndim), index, out!),
});

/** torch.nn.functional.embedding's argument order (indices first), not aten::embedding's (weight first). */
defineOp<[input: Tensor, weight: Tensor, paddingIdx: number | null]>({
  schema: "embedding(Tensor input, Tensor weight, int? padding_idx=None) -> Tensor",
  kind: "kernel",
  infer: ([input, weight, paddingIdx]) => {
    check(weight.ndim === 2, "embedding", () => `weight must be 2-D [num_embeddings, embedding_dim], got shape ${formatShape(weight.shape)}`, "SHAPE_MISMATCH");
    const [rows, width] = weight.shape as [number, number];
    checkIndexDType("embedding", input, ["int64", "int32"]);
    if (paddingIdx !== null) {
      check(
        paddingIdx >= -rows && paddingIdx < rows,
        "embedding",
        () => `padding_idx ${paddingIdx} must be within the table of ${rows} embeddings`,
        "INDEX_OUT_OF_RANGE",
      );
    }
    checkIndexValues("embedding", input, rows, `a table of ${rows} embeddings (weight shape ${formatShape(weight.shape)})`);
    return [{ shape: [...input.shape, width], dtype: weight.dtype }];
  },
  run: ([input, weight], [out], backend) => {
    const n = input.numel();
    const flatIndex = callTensorOp("reshape", [input, [n]]);
    backend.indexSelect(weight, 0, flatIndex, viewOf(out!, [n, weight.shape[1]!], [weight.shape[1]!, 1], out!.offset));
  },
});

defineOp<[self: Tensor, repeats: number[]]>({
  schema: "repeat(Tensor self, int[] repeats) -> Tensor",
  method: true,
  kind: "kernel",
  infer: ([self, repeats]) => {
    check(
      repeats.length >= self.ndim,
      "repeat",
      () => `the number of repeats (${repeats.length}, ${formatShape(repeats)}) can not be smaller than the number of dimensions of the tensor (shape ${formatShape(self.shape)})`,
    );
    check(repeats.every((r) => r >= 0), "repeat", () => `repeats must be non-negative, got ${formatShape(repeats)}`);
    return [{ shape: paddedShape(self.shape, repeats.length).map((size, i) => size * repeats[i]!), dtype: self.dtype }];
  },
  run: ([self, repeats], [out], backend) => {
    // Each output dim i of size r*s is read as a pair (r, s): the repeat index, then the
    // position in the input, which the input supplies through a 0-stride dim for r.
    const shape = paddedShape(self.shape, repeats.length);
    const lead = repeats.length - self.ndim;
    const pairShape = shape.flatMap((size, i) => [repeats[i]!, size]);
    const outStrides = out!.strides.flatMap((stride, i) => [stride * shape[i]!, stride]);
    const srcStrides = shape.flatMap((_, i) => [0, i < lead ? 0 : self.strides[i - lead]!]);
    backend.copy(viewOf(self, pairShape, srcStrides, self.offset), viewOf(out!, pairShape, outStrides, out!.offset));
  },
});

function paddedShape(shape: Shape, rank: number): number[] {
  return [...new Array<number>(rank - shape.length).fill(1), ...shape];
}

function normalizeDimList(op: string, dims: readonly number[], rank: number): number[] {
  const out = dims.map((d) => normalizeDim(op, d, rank));
  check(new Set(out).size === out.length, op, () => `dims has duplicates, got ${formatShape(dims)}`);
  return out;
}

defineOp<[self: Tensor, dims: number[]]>({
  schema: "flip(Tensor self, int[] dims) -> Tensor",
  method: true,
  kind: "kernel",
  infer: ([self, dims]) => {
    normalizeDimList("flip", dims, self.ndim);
    return [{ shape: self.shape, dtype: self.dtype }];
  },
  run: ([self, dims], [out], backend) => {
    const strides = [...self.strides];
    let offset = self.offset;
    for (const d of normalizeDimList("flip", dims, self.ndim)) {
      if (self.ndim === 0 || self.shape[d] === 0) continue;
      offset += (self.shape[d]! - 1) * strides[d]!;
      strides[d] = -strides[d]!;
    }
    backend.copy(viewOf(self, self.shape, strides, offset), out!);
  },
});

defineOp<[self: Tensor, shifts: number[], dims: number[]]>({
  schema: "roll(Tensor self, int[] shifts, int[] dims=[]) -> Tensor",
  method: true,
  kind: "kernel",
  infer: ([self, shifts, dims]) => {
    if (dims.length === 0) {
      check(shifts.length === 1, "roll", () => `without dims, shifts must hold one value, got ${formatShape(shifts)}`);
    } else {
      check(shifts.length === dims.length, "roll", () => `shifts ${formatShape(shifts)} and dims ${formatShape(dims)} must have the same length`);
      normalizeDimList("roll", dims, self.ndim);
    }
    return [{ shape: self.shape, dtype: self.dtype }];
  },
  run: ([self, shifts, dims], [out], backend) => {
    if (dims.length === 0) {
      const n = self.numel();
      rollBlocks(callTensorOp("reshape", [self, [n]]), viewOf(out!, [n], [1], out!.offset), shifts, [0], backend);
    } else {
      rollBlocks(self, out!, shifts, normalizeDimList("roll", dims, self.ndim), backend);
    }
  },
});

/**
 * Along each rolled dim the output is two blocks: the input's tail then its head.
 * Every combination of one block per dim is one copy.
 */
function rollBlocks(src: StridedView, out: StridedView, shifts: readonly number[], dims: readonly number[], backend: Backend): void {
  for (let combo = 0; combo < 1 << dims.length; combo++) {
    let from: StridedView = src;
    let to: StridedView = out;
    dims.forEach((d, k) => {
      const size = src.shape[d]!;
      if (size === 0) return;
      const shift = ((shifts[k]! % size) + size) % size;
      const head = (combo >> k) & 1;
      // head: input [0, size - shift) goes to output [shift, size); tail: input [size - shift, size) to [0, shift).
      from = head ? narrowView(from, d, 0, size - shift) : narrowView(from, d, size - shift, shift);
      to = head ? narrowView(to, d, shift, size - shift) : narrowView(to, d, 0, shift);
    });
    if (numelOf(to.shape) > 0) backend.copy(from, to);
  }
}

function defineTriangle(name: "tril" | "triu"): void {
  defineOp<[self: Tensor, diagonal: number]>({
    schema: `${name}(Tensor self, int diagonal=0) -> Tensor`,
    method: true,
    kind: "kernel",
    infer: ([self]) => {
      check(self.ndim >= 2, name, () => `input tensor must have at least 2 dimensions, got shape ${formatShape(self.shape)}`, "SHAPE_MISMATCH");
      return [{ shape: self.shape, dtype: self.dtype }];
    },
    run: ([self, diagonal], [out], backend) => backend.triangle(self, out!, diagonal, name === "triu"),
  });
}

defineTriangle("tril");
defineTriangle("triu");

export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  return callTensorOp("cat", [tensors, dim]);
}

export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  return callTensorOp("stack", [tensors, dim]);
}

export function indexSelect(input: Tensor, dim: number, index: Tensor): Tensor {
  return callTensorOp("index_select", [input, dim, index]);
}

export function gather(input: Tensor, dim: number, index: Tensor): Tensor {
  return callTensorOp("gather", [input, dim, index]);
}

export interface EmbeddingOptions {
  /** Only affects training in PyTorch; the forward result is the same. Checked against the table size. */
  readonly paddingIdx?: number | null;
}

/** Rows of `weight` picked by the int indices `input`: shape `[...input.shape, weight.shape[1]]`. */
export function embedding(input: Tensor, weight: Tensor, options?: EmbeddingOptions): Tensor {
  return callTensorOp("embedding", [input, weight, options]);
}

export function repeat(input: Tensor, repeats: readonly number[]): Tensor {
  return callTensorOp("repeat", [input, repeats]);
}

export function flip(input: Tensor, dims: readonly number[] | number): Tensor {
  return callTensorOp("flip", [input, dims]);
}

/** Shifts elements along `dims` cyclically; without dims, along the flattened tensor. */
export function roll(input: Tensor, shifts: readonly number[] | number, dims?: readonly number[] | number): Tensor {
  return callTensorOp("roll", [input, shifts, dims]);
}

export function tril(input: Tensor, diagonal = 0): Tensor {
  return callTensorOp("tril", [input, diagonal]);
}

export function triu(input: Tensor, diagonal = 0): Tensor {
  return callTensorOp("triu", [input, diagonal]);
}

declare module "../tensor/Tensor.js" {
  interface Tensor {
    /** The entries `index` (1-D int) along `dim`. */
    indexSelect(dim: number, index: Tensor): Tensor;
    /** `out[p]` = `this[p with p[dim] = index[p]]`; the result has index's shape. */
    gather(dim: number, index: Tensor): Tensor;
    /** The tensor tiled `repeats[i]` times along each dim (leading dims added as needed). */
    repeat(...repeats: number[]): Tensor;
    repeat(repeats: readonly number[]): Tensor;
    /** A copy with the order of elements reversed along `dims`. */
    flip(...dims: number[]): Tensor;
    flip(dims: readonly number[]): Tensor;
    /** A copy shifted cyclically by `shifts` along `dims` (the flattened tensor without dims). */
    roll(shifts: readonly number[] | number, dims?: readonly number[] | number): Tensor;
    /** The lower triangle (j - i <= diagonal) of each matrix in the last two dims, zeros elsewhere. */
    tril(diagonal?: number): Tensor;
    /** The upper triangle (j - i >= diagonal) of each matrix in the last two dims, zeros elsewhere. */
    triu(diagonal?: number): Tensor;
  }
}
