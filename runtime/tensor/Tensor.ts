/**
 * The eager Tensor: a strided view over a TypedArray storage.
 *
 * Ops are free functions in `runtime/ops`; each op family also installs PyTorch's
 * method spelling on this class (declaration merging, see `ops/methods.ts`), so
 * `relu(x)` and `x.relu()` are the same call through the same registry entry.
 */
import { fail, formatShape } from "../errors.js";
import { castScalar, typedArrayFor, type DType, type TypedArray } from "./dtype.js";
import { contiguousStrides, isContiguousLayout, normalizeDim, numelOf, type Shape } from "./shape.js";
import { formatTensor } from "./format.js";

/** What kernels read and write: storage plus the layout that addresses it. */
export interface StridedView {
  readonly storage: TypedArray;
  readonly shape: Shape;
  readonly strides: readonly number[];
  readonly offset: number;
  readonly dtype: DType;
}

export type NestedList = number | boolean | NestedList[];

/**
 * Watches user code turn tensors into JS values. The tracer installs one: a value
 * read becomes a constant in the trace (and a TracerWarning), and a shape entry
 * that is read can be recorded as a shape op instead of a constant.
 */
export interface TensorObserver {
  onValueRead(tensor: Tensor, via: string): void;
  /** Returns what the reader gets in place of `shape`, so that entry reads can be seen. */
  onShapeRead(tensor: Tensor, shape: readonly number[]): readonly number[];
}

let observer: TensorObserver | undefined;

/** Installs `next` (or none) and returns the previous observer, for restoring. */
export function setTensorObserver(next: TensorObserver | undefined): TensorObserver | undefined {
  const previous = observer;
  observer = next;
  return previous;
}

export class Tensor implements StridedView {
  readonly strides: readonly number[];
  private readonly dims: Shape;

  /** Prefer the creation functions (`tensor`, `zeros`, ...); this wraps existing storage as-is. */
  constructor(
    readonly storage: TypedArray,
    shape: Shape,
    strides: readonly number[] = contiguousStrides(shape),
    readonly offset = 0,
    readonly dtype: DType = "float32",
  ) {
    this.dims = frozenCopy(shape);
    this.strides = frozenCopy(strides);
  }

  get shape(): Shape {
    return observer ? observer.onShapeRead(this, this.dims) : this.dims;
  }

  get ndim(): number {
    return this.dims.length;
  }

  dim(): number {
    return this.dims.length;
  }

  numel(): number {
    return numelOf(this.dims);
  }

  size(): number[];
  size(dim: number): number;
  size(dim?: number): number[] | number {
    const shape = this.shape;
    if (dim === undefined) return [...shape];
    return shape[normalizeDim("size", dim, shape.length)]!;
  }

  stride(): number[];
  stride(dim: number): number;
  stride(dim?: number): number[] | number {
    if (dim === undefined) return [...this.strides];
    return this.strides[normalizeDim("stride", dim, this.ndim)]!;
  }

  storageOffset(): number {
    return this.offset;
  }

  isContiguous(): boolean {
    return isContiguousLayout(this.dims, this.strides);
  }

  /** The value of a one-element tensor as a JS number (bool gives 1 or 0). */
  item(): number {
    if (this.numel() !== 1) {
      fail("INVALID_ARGUMENT", `item(): a Tensor with ${this.numel()} elements (shape ${formatShape(this.dims)}) cannot be converted to a number; only one-element tensors can`);
    }
    observer?.onValueRead(this, "item()");
    return this.storage[this.offset]!;
  }

  /** The elements as nested arrays, like PyTorch's tolist(); bool tensors give booleans. */
  tolist(): NestedList {
    observer?.onValueRead(this, "tolist()");
    const asValue = this.dtype === "bool" ? (v: number) => v !== 0 : (v: number) => v;
    const build = (dim: number, offset: number): NestedList => {
      if (dim === this.ndim) return asValue(this.storage[offset]!);
      const out: NestedList[] = [];
      for (let i = 0; i < this.dims[dim]!; i++) out.push(build(dim + 1, offset + i * this.strides[dim]!));
      return out;
    };
    return build(0, this.offset);
  }

  /** A fresh, contiguous, row-major copy of the elements. */
  toTypedArray(): TypedArray {
    observer?.onValueRead(this, "toTypedArray()");
    const out = typedArrayFor(this.dtype, this.numel());
    forEachOffset(this.layout(), (offset, i) => {
      out[i] = this.storage[offset]!;
    });
    return out;
  }

  toString(): string {
    return formatTensor(this.layout());
  }

  /** This tensor's layout without going through the `shape` getter (for internal reads). */
  private layout(): StridedView {
    return { storage: this.storage, shape: this.dims, strides: this.strides, offset: this.offset, dtype: this.dtype };
  }

  /** JS comparisons and arithmetic (`x.mean() > 0.5`) read the value of a one-element tensor. */
  [Symbol.toPrimitive](hint: string): number | string {
    if (hint === "string") return this.toString();
    if (this.numel() !== 1) {
      fail("INVALID_ARGUMENT", `a Tensor of shape ${formatShape(this.dims)} was used as a number; only one-element tensors can be (call .item(), or reduce it first, e.g. .mean())`);
    }
    observer?.onValueRead(this, "a JavaScript comparison or arithmetic (Symbol.toPrimitive)");
    return this.storage[this.offset]!;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/** A frozen array is shared as is (views of a tensor reuse its shape); others are copied, so later changes by the caller do not show. */
function frozenCopy(values: readonly number[]): readonly number[] {
  if (values.length === 0) return NO_DIMS;
  return Object.isFrozen(values) ? values : Object.freeze(values.slice());
}

/** The shape and strides of every 0-d tensor: one frozen array, not one per scalar result. */
const NO_DIMS: readonly number[] = Object.freeze([]);

export function emptyTensor(shape: Shape, dtype: DType): Tensor {
  // The strides are new: frozen as they are rather than copied (the shape is the caller's, so it is copied).
  return new Tensor(typedArrayFor(dtype, numelOf(shape)), shape, Object.freeze(contiguousStrides(shape)), 0, dtype);
}

/** A new Tensor sharing `base`'s storage with another layout. */
export function viewOf(base: StridedView, shape: Shape, strides: readonly number[], offset: number): Tensor {
  return new Tensor(base.storage, shape, strides, offset, base.dtype);
}

/**
 * `base`'s storage read with another layout, for a kernel that only reads its argument
 * during the call: a plain StridedView, not a Tensor, so the arrays are not copied and frozen.
 */
export function stridedView(base: StridedView, shape: Shape, strides: readonly number[], offset: number): StridedView {
  return { storage: base.storage, shape, strides, offset, dtype: base.dtype };
}

export function scalarTensor(value: number, dtype: DType): Tensor {
  const t = emptyTensor([], dtype);
  t.storage[0] = castScalar(value, dtype);
  return t;
}

/** Visits every element's storage offset in row-major order. For cold paths; kernels iterate rows. */
export function forEachOffset(view: StridedView, visit: (offset: number, index: number) => void): void {
  const { shape, strides } = view;
  const rank = shape.length;
  const n = numelOf(shape);
  if (n === 0) return;
  const counter = new Array<number>(rank).fill(0);
  let offset = view.offset;
  for (let i = 0; i < n; i++) {
    visit(offset, i);
    for (let d = rank - 1; d >= 0; d--) {
      if (++counter[d]! < shape[d]!) {
        offset += strides[d]!;
        break;
      }
      offset -= strides[d]! * (shape[d]! - 1);
      counter[d] = 0;
    }
  }
}
