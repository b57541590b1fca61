/**
 * Memory planning for the executor (Note [Executor arena]).
 *
 * Compiling a straight-line plan (no If/Loop jumps) computes each register's last
 * reader; `releasesOf` lists, per instruction, the registers that die there. At run
 * time the outputs of kernel ops take their storage from a `StoragePool` kept by
 * the plan, and a storage goes back to the pool once no live register holds a
 * tensor on it. Liveness is by storage identity, so views (which share their base's
 * storage object), in-place ops and ops returning an input are all covered: the
 * storage stays out of the pool while any of them is live.
 *
 * A storage escapes (never goes back) when it is a graph output (the caller owns
 * it), sits inside a list or tuple (but a list only an op reads, Note [Transient
 * lists] in executor.ts), or is passed to a called method or function.
 * Recycled storage is zero-filled, so kernels see what a fresh allocation gives.
 * Plans with control flow are not planned: every op allocates as in eager mode.
 */
import { typedArrayFor, type DType, type TypedArray } from "../../tensor/dtype.js";
import { contiguousStrides, numelOf, type Shape } from "../../tensor/shape.js";
import { Tensor } from "../../tensor/Tensor.js";

/** Free storages by dtype and length, kept between runs of one plan. */
export class StoragePool {
  readonly #free = new Map<string, TypedArray[]>();

  take(dtype: DType, length: number): TypedArray {
    const recycled = this.#free.get(`${dtype}:${length}`)?.pop();
    if (!recycled) return typedArrayFor(dtype, length);
    recycled.fill(0);
    return recycled;
  }

  give(storage: TypedArray, dtype: DType): void {
    const key = `${dtype}:${storage.length}`;
    const list = this.#free.get(key);
    if (list) list.push(storage);
    else this.#free.set(key, [storage]);
  }
}

/** What planning needs of an instruction: the registers it reads and writes, and whether it jumps. */
export interface RegisterUse {
  readonly reads: readonly number[];
  readonly writes: readonly number[];
  readonly jumps: boolean;
}

/**
 * Per instruction, the registers whose value dies there: read for the last time, or
 * written and never read. Graph outputs never die. Null when the code jumps (not planned).
 */
export function releasesOf(code: readonly RegisterUse[], outputs: readonly number[]): (readonly number[])[] | null {
  if (code.some((ins) => ins.jumps)) return null;
  const lastUse = new Map<number, number>();
  code.forEach((ins, pc) => {
    for (const slot of ins.writes) lastUse.set(slot, pc);
    for (const slot of ins.reads) lastUse.set(slot, pc);
  });
  for (const slot of outputs) lastUse.delete(slot);
  const releases: number[][] = code.map(() => []);
  for (const [slot, pc] of lastUse) releases[pc]!.push(slot);
  return releases;
}

/** One run's view of the pool: which pooled storages are live, and in how many registers. */
export class RunArena {
  readonly #liveCounts = new Map<TypedArray, number>();
  /** Lists whose tensors are held (not escaped) for as long as the list is (Note [Transient lists] in executor.ts). */
  readonly #transientLists = new WeakSet<unknown[]>();

  constructor(readonly pool: StoragePool) {}

  /** A fresh-looking contiguous tensor on pooled storage (runOp's allocator). */
  readonly allocate = (shape: Shape, dtype: DType): Tensor => {
    const storage = this.pool.take(dtype, numelOf(shape));
    this.#liveCounts.set(storage, 0);
    return new Tensor(storage, shape, contiguousStrides(shape), 0, dtype);
  };

  /** `value` was stored in a register. */
  hold(value: unknown): void {
    if (value instanceof Tensor) {
      const count = this.#liveCounts.get(value.storage);
      if (count !== undefined) this.#liveCounts.set(value.storage, count + 1);
    } else if (Array.isArray(value)) {
      this.escape(value);
    }
  }

  /** A transient list was stored in a register: its tensors are live while it is. */
  holdElements(list: unknown[]): void {
    this.#transientLists.add(list);
    for (const value of list) this.hold(value);
  }

  /** A register holding `value` died. */
  drop(value: unknown): void {
    if (Array.isArray(value) && this.#transientLists.delete(value)) {
      for (const element of value) this.drop(element);
      return;
    }
    if (!(value instanceof Tensor)) return;
    const count = this.#liveCounts.get(value.storage);
    if (count === undefined) return;
    if (count > 1) {
      this.#liveCounts.set(value.storage, count - 1);
      return;
    }
    this.#liveCounts.delete(value.storage);
    this.pool.give(value.storage, value.dtype);
  }

  /** `values` (or tensors inside them) may be kept beyond this run: their storages never go back. */
  escape(values: readonly unknown[]): void {
    for (const value of values) {
      if (value instanceof Tensor) this.#liveCounts.delete(value.storage);
      else if (Array.isArray(value)) this.escape(value);
    }
  }
}
