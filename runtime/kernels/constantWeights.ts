/**
 * The storages of constant weights: tensors a frozen graph multiplies by
 * (runtime/jit/passes/markConstantWeights.ts marks them). A backend may keep such a
 * weight in the layout its GEMM reads, made once (the native backend packs it on first
 * use: kernels/native/gemm.ts), instead of repacking it for every product; it remakes
 * it when the storage's write count (noteStorageWritten: loadStateDict) has moved.
 * Writes that bypass tsjit (a caller filling `.storage` itself) are not seen: freeze's
 * contract is that the weights no longer change. Keyed by storage, so nothing is held
 * once the tensor is gone.
 */
import type { TypedArray } from "../tensor/dtype.js";

const constantWeights = new WeakSet<TypedArray>();
const writes = new WeakMap<TypedArray, number>();

export function markConstantWeight(storage: TypedArray): void {
  constantWeights.add(storage);
}

export function isConstantWeight(storage: TypedArray): boolean {
  return constantWeights.has(storage);
}

/** Records that tsjit wrote into `storage` in place (a state dict loaded into a module). */
export function noteStorageWritten(storage: TypedArray): void {
  writes.set(storage, (writes.get(storage) ?? 0) + 1);
}

/** How many in-place writes noteStorageWritten has recorded for `storage`. */
export function storageWrites(storage: TypedArray): number {
  return writes.get(storage) ?? 0;
}
