/**
 * Note [Row-major weights for GEMV]: a product of one row streams its weight through
 * the GEMV kernels, which read a row-major B ([K, N], rows contiguous) a row at a time
 * into one set of sums, and a column-major B (a linear layer's weight [N, K] read
 * transposed) as one dot product per column ending in a horizontal sum. From L2 the
 * first is faster when the layer is wide: on AVX-512, one thread, 256 -> 256 2.9
 * against 3.8 us, 512 -> 512 9.5 against 13.0 (called repeatedly, alone); for a narrow
 * layer over a long K the dots win (9216 -> 128: 165 against 122). From L3 the dots'
 * sixteen streams win: the mlp model at batch 1 (2.6 MB of weights, past L2) ran
 * 68.5 us a forward as it is and 81 us with row-major copies. So a constant weight
 * (kernels/constantWeights.ts) read column-major by a one-row product at least
 * MIN_COLUMNS wide and at most MAX_FLOATS large (an RNN's recurrent weight, read 50
 * times a forward from L2) is read from a row-major copy, made the first time and kept
 * while the weight's storage lives (redone when tsjit writes the storage). Products of
 * more rows read the weight as it is: the GEMV kernels share each column's loads among
 * up to four rows, and the blocked GEMM packs B either way.
 *
 * Note [Aligned weights for GEMV]: a JS Float32Array's data starts 16, 32 or 48 bytes
 * past a 64-byte boundary as often as on one, and a weight streamed through the GEMV
 * kernels whose columns start off a boundary splits every vector load across two cache
 * lines: one row of [1, 784] x [784, 512] took 17.2 us on one thread against 12.2 us
 * with the weight on a boundary (10.0 against 7.4 on two). So the weights a one-row
 * product streams as they are (too large or too narrow for a row-major copy) are read
 * from a copy on a 64-byte boundary when they are not on one already, and row-major
 * copies are made on one. The copy is the same floats in the same layout: results do
 * not change. It costs a second copy of those weights in memory, as the row-major ones do.
 *
 * A linear pair (Note [Linear pairs by hidden blocks] in runtime/native/linear-pair.cc)
 * reads its first weight's rows from a 64-byte boundary and its second weight
 * transposed, row-major: `forLinearPair` keeps those copies the same way, apart from the
 * ones for single products, for a second weight of at most MAX_PAIR_FLOATS. A larger
 * one is not copied (the pair runs as two products): the copy would cost its size again
 * in memory, and weights that large stream from beyond L2 in whichever order they go.
 */
import { isConstantWeight, storageWrites } from "../constantWeights.js";
import type { MatrixRef } from "../js/gemm.js";
import type { CoreBinding } from "./loader.js";

/** Narrower layers keep the column-major dots (see the note). */
const MIN_COLUMNS = 256;
/** Larger weights keep them too: a quarter of a 2 MiB L2. */
const MAX_FLOATS = 128 * 1024;
/** Larger second weights of a linear pair are not copied (see the note): 8 MiB. */
const MAX_PAIR_FLOATS = 2 * 1024 * 1024;
/** Smaller weights are read where they are: a one-row product of them costs its call, not its loads. */
const MIN_ALIGNED_FLOATS = 16 * 1024;

/** A constant weight read transposed: each column of B is a run of K floats. */
function isStreamableWeight(b: MatrixRef, K: number): boolean {
  return b.rowStride === 1 && b.colStride >= K && b.data instanceof Float32Array && isConstantWeight(b.data);
}

interface RowMajorCopy {
  readonly offset: number;
  readonly rowStride: number;
  readonly colStride: number;
  readonly K: number;
  readonly N: number;
  readonly writes: number;
  readonly rows: MatrixRef;
}

/** B's layouts for a linear pair: the first weight's rows (B's columns), the second weight transposed (B's rows). */
export interface LinearPairWeights {
  readonly first: MatrixRef;
  readonly second: MatrixRef;
}

export class StreamedWeights {
  readonly #copies = new WeakMap<Float32Array, RowMajorCopy>();
  readonly #pairFirst = new WeakMap<Float32Array, RowMajorCopy>();
  readonly #pairSecond = new WeakMap<Float32Array, RowMajorCopy>();

  constructor(private readonly binding: Pick<CoreBinding, "misalignment">) {}

  /** B to read for a product of M rows: a copy when the notes say so (row-major, or on a 64-byte boundary), else B itself. */
  forProduct(M: number, K: number, N: number, b: MatrixRef): MatrixRef {
    if (M !== 1 || !isStreamableWeight(b, K)) return b;
    return this.#cached(this.#copies, b, K, N, () => this.#readAs(b, K, N));
  }

  /**
   * For a one-row pair of products, the first's B [K, H] and the second's [H, N], both
   * constant weights read transposed (rowStride 1): the first's columns from a 64-byte
   * boundary and the second row-major. Null when either is not such a weight, or the
   * second is larger than MAX_PAIR_FLOATS.
   */
  forLinearPair(K: number, H: number, N: number, first: MatrixRef, second: MatrixRef): LinearPairWeights | null {
    if (!isStreamableWeight(first, K) || !isStreamableWeight(second, H) || H * N > MAX_PAIR_FLOATS) return null;
    return {
      first: this.#cached(this.#pairFirst, first, K, H, () => this.#alignedColumns(first, K, H)),
      second: this.#cached(this.#pairSecond, second, H, N, () => ({ data: this.#rowMajor(second, H, N), offset: 0, rowStride: N, colStride: 1 })),
    };
  }

  #cached(copies: WeakMap<Float32Array, RowMajorCopy>, b: MatrixRef, K: number, N: number, make: () => MatrixRef): MatrixRef {
    const data = b.data as Float32Array;
    const writes = storageWrites(data);
    const known = copies.get(data);
    if (known && known.offset === b.offset && known.rowStride === b.rowStride && known.colStride === b.colStride && known.K === K && known.N === N && known.writes === writes) {
      return known.rows;
    }
    const rows = make();
    copies.set(data, { offset: b.offset, rowStride: b.rowStride, colStride: b.colStride, K, N, writes, rows });
    return rows;
  }

  /** B's columns from a 64-byte boundary: an aligned copy, or B itself when they are on boundaries already or cannot all be (K not a multiple of 16). */
  #alignedColumns(b: MatrixRef, K: number, N: number): MatrixRef {
    const onBoundary = (this.binding.misalignment(b.data as Float32Array) + 4 * b.offset) % 64 === 0 && (4 * b.colStride) % 64 === 0;
    return onBoundary || K % 16 !== 0 ? b : { data: this.#aligned(b, K, N), offset: 0, rowStride: 1, colStride: K };
  }

  /** The row-major copy, the aligned columns, or B itself when they are few. */
  #readAs(b: MatrixRef, K: number, N: number): MatrixRef {
    if (N >= MIN_COLUMNS && K * N <= MAX_FLOATS) return { data: this.#rowMajor(b, K, N), offset: 0, rowStride: N, colStride: 1 };
    return K * N < MIN_ALIGNED_FLOATS ? b : this.#alignedColumns(b, K, N);
  }

  #rowMajor(b: MatrixRef, K: number, N: number): Float32Array {
    const from = b.data;
    const to = this.#alignedArray(K * N);
    for (let n = 0; n < N; n++) {
      const column = b.offset + n * b.colStride;
      for (let k = 0; k < K; k++) to[k * N + n] = from[column + k]!;
    }
    return to;
  }

  /** The N columns of K floats, one after another from a 64-byte boundary. */
  #aligned(b: MatrixRef, K: number, N: number): Float32Array {
    const from = b.data as Float32Array;
    const to = this.#alignedArray(K * N);
    for (let n = 0; n < N; n++) to.set(from.subarray(b.offset + n * b.colStride, b.offset + n * b.colStride + K), n * K);
    return to;
  }

  /** `length` floats whose first one sits on a 64-byte boundary (a view into a slightly larger array). */
  #alignedArray(length: number): Float32Array {
    const spare = new Float32Array(length + 15);
    const shift = ((64 - this.binding.misalignment(spare)) % 64) / 4;
    return spare.subarray(shift, shift + length);
  }
}
