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
 */
import { isConstantWeight, storageWrites } from "../constantWeights.js";
import type { MatrixRef } from "../js/gemm.js";

/** Narrower layers keep the column-major dots (see the note). */
const MIN_COLUMNS = 256;
/** Larger weights keep them too: a quarter of a 2 MiB L2. */
const MAX_FLOATS = 128 * 1024;

interface RowMajorCopy {
  readonly offset: number;
  readonly rowStride: number;
  readonly colStride: number;
  readonly K: number;
  readonly N: number;
  readonly writes: number;
  readonly rows: MatrixRef;
}

export class StreamedWeights {
  readonly #copies = new WeakMap<Float32Array, RowMajorCopy>();

  /** B to read for a product of M rows: its row-major copy when the note says so, else B itself. */
  forProduct(M: number, K: number, N: number, b: MatrixRef): MatrixRef {
    if (M !== 1 || N < MIN_COLUMNS || K * N > MAX_FLOATS || b.rowStride !== 1 || b.colStride < K || !(b.data instanceof Float32Array) || !isConstantWeight(b.data)) return b;
    const writes = storageWrites(b.data);
    const known = this.#copies.get(b.data);
    if (known && known.offset === b.offset && known.rowStride === b.rowStride && known.colStride === b.colStride && known.K === K && known.N === N && known.writes === writes) {
      return known.rows;
    }
    const rows: MatrixRef = { data: rowMajor(b, K, N), offset: 0, rowStride: N, colStride: 1 };
    this.#copies.set(b.data, { offset: b.offset, rowStride: b.rowStride, colStride: b.colStride, K, N, writes, rows });
    return rows;
  }
}

function rowMajor(b: MatrixRef, K: number, N: number): Float32Array {
  const from = b.data;
  const to = new Float32Array(K * N);
  for (let n = 0; n < N; n++) {
    const column = b.offset + n * b.colStride;
    for (let k = 0; k < K; k++) to[k * N + n] = from[column + k]!;
  }
  return to;
}
