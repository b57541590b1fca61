/**
 * Memory planning for the executor (Note [Executor arena]).
 *
 * Compiling a plan computes where each register dies (`releasesOf`, liveness over
 * the jumps that If and Loop compile to). At run time the outputs of kernel ops
 * take their storage from a `StoragePool` kept by the plan, and a storage goes back
 * to the pool once no live register holds a tensor on it. Liveness is by storage
 * identity, so views (which share their base's storage object), in-place ops and ops
 * returning an input are all covered: the storage stays out of the pool while any of
 * them is live.
 *
 * A storage escapes (never goes back) when it is a graph output (the caller owns
 * it), sits inside a list or tuple (but a list only an op reads, Note [Transient
 * lists] in executor.ts), or is passed to a called method or function.
 * Recycled storage is zero-filled, so kernels see what a fresh allocation gives, except
 * for the ops known to write every element (Note [Overwriting ops]).
 */
import { unzeroedTypedArrayFor } from "../../ops/unzeroedStorage.js";
import { typedArrayFor, type DType, type TypedArray } from "../../tensor/dtype.js";
import { contiguousStrides, numelOf, sameShape, type Shape } from "../../tensor/shape.js";
import { Tensor } from "../../tensor/Tensor.js";

interface Layout {
  readonly shape: Shape;
  readonly strides: readonly number[];
}

/**
 * Free storages by dtype and length, kept between runs of one plan; and the frozen
 * contiguous layouts its outputs had, so a tensor on pooled storage reuses them
 * instead of copying and freezing a new shape and strides (a plan sees few shapes).
 */
export class StoragePool {
  readonly #free = new Map<DType, Map<number, TypedArray[]>>();
  readonly #layouts = new Map<number, Layout[]>();
  /** Told of every storage handed out, while a run is recorded (Note [Replayed plans] in replay.ts). */
  onTake: ((storage: TypedArray, dtype: DType, zeroed: boolean) => void) | undefined;

  layout(shape: Shape, numel: number): Layout {
    let known = this.#layouts.get(numel);
    if (!known) this.#layouts.set(numel, (known = []));
    for (const layout of known) if (sameShape(layout.shape, shape)) return layout;
    const layout = { shape: Object.freeze([...shape]), strides: Object.freeze(contiguousStrides(shape)) };
    known.push(layout);
    return layout;
  }

  /** Storage of `length` elements, zero-filled unless `zeroed` is false (Note [Overwriting ops]). */
  take(dtype: DType, length: number, zeroed = true): TypedArray {
    const storage = this.#takeStorage(dtype, length, zeroed);
    this.onTake?.(storage, dtype, zeroed);
    return storage;
  }

  #takeStorage(dtype: DType, length: number, zeroed: boolean): TypedArray {
    const recycled = this.#free.get(dtype)?.get(length)?.pop();
    if (!recycled) return zeroed ? typedArrayFor(dtype, length) : unzeroedTypedArrayFor(dtype, length);
    if (zeroed) recycled.fill(0);
    return recycled;
  }

  give(storage: TypedArray, dtype: DType): void {
    let byLength = this.#free.get(dtype);
    if (!byLength) this.#free.set(dtype, (byLength = new Map()));
    const list = byLength.get(storage.length);
    if (list) list.push(storage);
    else byLength.set(storage.length, [storage]);
  }
}

/** What planning needs of an instruction: the registers it reads and writes, and where control goes next. */
export interface RegisterUse {
  readonly reads: readonly number[];
  readonly writes: readonly number[];
  /** The instructions that may run next; `code.length` is the end of the plan. */
  readonly successors: readonly number[];
}

/** Where registers die: after an instruction whichever way it goes, and on each of its outgoing edges. */
export interface Releases {
  /** Per instruction, the registers that die when it has run. */
  readonly after: (readonly number[])[];
  /** Per instruction, per successor (in `RegisterUse.successors` order), the registers that die on that edge. */
  readonly onEdge: (readonly (readonly number[])[])[];
}

/**
 * Liveness over the plan's control-flow graph (If and Loop are jumps): a register is
 * live where some path still reads it before writing it again; graph outputs are
 * live at the end. A register dies after an instruction that reads or writes it when
 * no successor needs it, and on a branch's edge when it was live for the other way
 * only. A loop-carried register is read on the back edge's path, so it lives across
 * iterations; a value returned from a block is read by the copy that follows it.
 */
export function releasesOf(code: readonly RegisterUse[], outputs: readonly number[]): Releases {
  const end = new Set(outputs);
  const liveIn: Set<number>[] = code.map(() => new Set());
  const liveAt = (pc: number): ReadonlySet<number> => (pc >= code.length ? end : liveIn[pc]!);
  const liveOut = (pc: number): Set<number> => {
    const out = new Set<number>();
    for (const next of code[pc]!.successors) for (const slot of liveAt(next)) out.add(slot);
    return out;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (let pc = code.length - 1; pc >= 0; pc--) {
      const ins = code[pc]!;
      const live = liveOut(pc);
      for (const slot of ins.writes) live.delete(slot);
      for (const slot of ins.reads) live.add(slot);
      if (live.size !== liveIn[pc]!.size) {
        liveIn[pc] = live;
        changed = true;
      }
    }
  }
  const after = code.map((ins, pc) => {
    const out = liveOut(pc);
    return [...new Set([...ins.reads, ...ins.writes])].filter((slot) => !out.has(slot));
  });
  const onEdge = code.map((ins, pc) => {
    if (ins.successors.length < 2) return [];
    const out = liveOut(pc);
    return ins.successors.map((next) => [...out].filter((slot) => !liveAt(next).has(slot)));
  });
  return { after, onEdge };
}

/** A run's view of the pool: which pooled storages are live, and in how many registers. A plan reuses its arena from run to run. */
export class RunArena {
  readonly #liveCounts = new Map<TypedArray, number>();
  /** Lists whose tensors are held (not escaped) for as long as the list is (Note [Transient lists] in executor.ts). */
  readonly #transientLists = new Set<unknown[]>();

  constructor(readonly pool: StoragePool) {}

  /** Forgets the run's bookkeeping (what is still live now is an output, or escaped). */
  endRun(): void {
    forget(this.#liveCounts);
    forget(this.#transientLists);
  }

  /** A fresh-looking contiguous tensor on pooled storage (runOp's allocator). */
  readonly allocate = (shape: Shape, dtype: DType): Tensor => this.#tensor(shape, dtype, true);

  /** The same, its storage as the pool had it, for ops that write every element (Note [Overwriting ops]). */
  readonly allocateUnzeroed = (shape: Shape, dtype: DType): Tensor => this.#tensor(shape, dtype, false);

  #tensor(shape: Shape, dtype: DType, zeroed: boolean): Tensor {
    const numel = numelOf(shape);
    const storage = this.pool.take(dtype, numel, zeroed);
    this.#liveCounts.set(storage, 0);
    const layout = this.pool.layout(shape, numel);
    return new Tensor(storage, layout.shape, layout.strides, 0, dtype);
  }

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

/** Empties `entries`: a few are deleted one by one, since clear() allocates a new table (most runs end holding one output). */
function forget<K>(entries: Map<K, unknown> | Set<K>): void {
  if (entries.size > 8) {
    entries.clear();
    return;
  }
  for (const key of entries.keys()) entries.delete(key);
}
