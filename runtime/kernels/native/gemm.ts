/**
 * SGEMM under matmul/mm/bmm/linear/addmm, for float32 storage (conv2d has its own
 * native kernel: conv.ts), reading constant weights packed once (PackedWeights), or
 * for a one-row product, row-major once (StreamedWeights); and linear pairs
 * (tsjit::linear_act_linear), one row of them in one native pass.
 */
import type { Backend } from "../Backend.js";
import { sgemm as jsSgemm, type MatrixRef } from "../js/gemm.js";
import { linalgKernels as jsLinalg, matmulWith, transposedWeight, type BatchedGemm } from "../js/linalg.js";
import type { LinearLayer } from "../linalg.js";
import type { StridedView } from "../../tensor/Tensor.js";
import { isConstantWeight, storageWrites } from "../constantWeights.js";
import { UNARY_CODES } from "./elementwise.js";
import type { CoreBinding } from "./loader.js";
import { StreamedWeights } from "./streamedWeights.js";

export interface GemmBinding {
  sgemm(
    M: number, N: number, K: number, alpha: number,
    A: Float32Array, aOffset: number, aRowStride: number, aColStride: number,
    B: Float32Array, bOffset: number, bRowStride: number, bColStride: number,
    beta: number,
    C: Float32Array, cOffset: number, cRowStride: number, cColStride: number,
  ): void;
  /**
   * C = activation(A . B + beta * C + bias[j]); bias: N contiguous floats from biasOffset,
   * or null; activation: a UNARY_CODES code without parameters, or -1 for none (an
   * activation needs C's columns contiguous); packed: B packed by packB, or null.
   * `numbers` holds [M, N, K, aOffset, aRowStride, aColStride, bOffset, bRowStride,
   * bColStride, beta, cOffset, cRowStride, cColStride, biasOffset, activation] (one
   * array, not 15 arguments: Note [One call per array] in runtime/native/args.h).
   */
  sgemmFused(A: Float32Array, B: Float32Array, C: Float32Array, bias: Float32Array | null, packed: Float32Array | null, numbers: Float64Array): void;
  /**
   * B (K x N) packed whole for the active ISA's GEMM, for a product of M rows whose A
   * has column stride aColStride: null when that product would not read a packed B
   * (the GEMV paths: few rows, a narrow transposed weight); `previous` when it already
   * is that packing (header checked, contents not compared); else a new packing.
   */
  packB(
    M: number, K: number, N: number, aColStride: number,
    B: Float32Array, bOffset: number, bRowStride: number, bColStride: number,
    previous: Float32Array | null,
  ): Float32Array | null;
  /**
   * One row through two linear layers (runtime/native/linear-pair.h): h = act1(w1 . x +
   * b1), y = act2(w2t^T . h + b2); `numbers` holds [k, hidden, n, xOffset, w1Offset,
   * w1RowStride, w2tOffset, w2tRowStride, b1Offset, b2Offset, hOffset, yOffset,
   * activation1, activation2], activations a UNARY_CODES code without parameters or -1.
   * False, with nothing written, when the pair is too large for one pass (its partial
   * sums, n floats per 64 hidden units, past 256 Ki floats).
   */
  linearPairRow(
    x: Float32Array, w1: Float32Array, w2t: Float32Array, b1: Float32Array | null, b2: Float32Array | null,
    h: Float32Array, y: Float32Array, numbers: Float64Array,
  ): boolean;
  sgemmBatched(
    batch: number, M: number, N: number, K: number, alpha: number,
    A: Float32Array, aOffset: number, aBatchStride: number, aRowStride: number, aColStride: number,
    B: Float32Array, bOffset: number, bBatchStride: number, bRowStride: number, bColStride: number,
    beta: number,
    C: Float32Array, cOffset: number, cBatchStride: number, cRowStride: number, cColStride: number,
  ): void;
}

export interface FusedProduct {
  readonly M: number;
  readonly N: number;
  readonly K: number;
  readonly a: MatrixRef;
  readonly b: MatrixRef;
  readonly beta: number;
  readonly c: MatrixRef;
  readonly bias: Float32Array | null;
  readonly biasOffset: number;
  /** A UNARY_CODES code without parameters, or -1. */
  readonly activation: number;
  readonly packed: Float32Array | null;
}

/** Reused for every call: the binding reads it before returning. */
const fusedNumbers = new Float64Array(15);

/** One sgemmFused call: the product's numbers go in one Float64Array. */
export function callSgemmFused(binding: GemmBinding, p: FusedProduct): void {
  const n = fusedNumbers;
  n[0] = p.M;
  n[1] = p.N;
  n[2] = p.K;
  n[3] = p.a.offset;
  n[4] = p.a.rowStride;
  n[5] = p.a.colStride;
  n[6] = p.b.offset;
  n[7] = p.b.rowStride;
  n[8] = p.b.colStride;
  n[9] = p.beta;
  n[10] = p.c.offset;
  n[11] = p.c.rowStride;
  n[12] = p.c.colStride;
  n[13] = p.biasOffset;
  n[14] = p.activation;
  binding.sgemmFused(p.a.data as Float32Array, p.b.data as Float32Array, p.c.data as Float32Array, p.bias, p.packed, n);
}

/**
 * Constant weights (kernels/constantWeights.ts) packed for the native GEMM, made for the
 * first product that reads B packed (the native side decides: not the GEMV paths) and
 * kept while the weight's storage lives: per storage, one packing per view of it (offset,
 * strides and shape), e.g. a weight used both as linear's W^T and as is.
 */
class PackedWeights {
  readonly #packs = new WeakMap<Float32Array, Map<string, PackedView>>();
  /** Per weight, the last product found to stream it (GEMV): asked again, as a layer is on every call, it is answered without building the key. */
  readonly #lastStreamed = new WeakMap<Float32Array, StreamedQuery>();
  /** Per weight, the last product that read it packed, answered again without a key or a call into the addon while the weight and the ISA are unchanged. */
  readonly #lastPacked = new WeakMap<Float32Array, PackedQuery>();

  constructor(private readonly binding: GemmBinding & Pick<CoreBinding, "isaGeneration">) {}

  /** B packed, when B is a constant weight and a product of M rows reads B packed; else null. */
  get(M: number, K: number, N: number, aColStride: number, b: Float32Array, offset: number, rowStride: number, colStride: number): Float32Array | null {
    if (!isConstantWeight(b)) return null;
    // A product shape the native side streams B for (GEMV) needs no packing; asking again costs a call.
    const product = M * 4 + (aColStride === 1 ? 0 : 1);
    const last = this.#lastStreamed.get(b);
    if (last && sameQuery(last, product, offset, rowStride, colStride, K, N)) return null;
    const recent = this.#lastPacked.get(b);
    if (recent && sameQuery(recent, product, offset, rowStride, colStride, K, N) && recent.writes === storageWrites(b) && recent.isaGeneration === this.binding.isaGeneration()) {
      return recent.packed;
    }
    let views = this.#packs.get(b);
    if (!views) this.#packs.set(b, (views = new Map()));
    const key = `${offset},${rowStride},${colStride},${K},${N}`;
    let view = views.get(key);
    if (!view) views.set(key, (view = { packed: null, writes: 0, unpackedProducts: new Set() }));
    if (view.unpackedProducts.has(product)) return null;
    const writes = storageWrites(b);
    // packB returns the previous packing unless the ISA changed (setIsa) since.
    const packed = this.binding.packB(M, K, N, aColStride, b, offset, rowStride, colStride, view.writes === writes ? view.packed : null);
    if (!packed) {
      view.unpackedProducts.add(product);
      this.#lastStreamed.set(b, { product, offset, rowStride, colStride, K, N });
      return null;
    }
    view.packed = packed;
    view.writes = writes;
    this.#lastPacked.set(b, { product, offset, rowStride, colStride, K, N, writes, isaGeneration: this.binding.isaGeneration(), packed });
    return packed;
  }
}

function sameQuery(q: StreamedQuery, product: number, offset: number, rowStride: number, colStride: number, K: number, N: number): boolean {
  return q.product === product && q.offset === offset && q.rowStride === rowStride && q.colStride === colStride && q.K === K && q.N === N;
}

interface StreamedQuery {
  readonly product: number;
  readonly offset: number;
  readonly rowStride: number;
  readonly colStride: number;
  readonly K: number;
  readonly N: number;
}

interface PackedQuery extends StreamedQuery {
  readonly writes: number;
  readonly isaGeneration: number;
  readonly packed: Float32Array;
}

interface PackedView {
  packed: Float32Array | null;
  /** storageWrites of the weight when `packed` was made. */
  writes: number;
  /** Products (M and whether A's columns are contiguous) that read this view as it is. */
  readonly unpackedProducts: Set<number>;
}

/** Reused for every call: the binding reads it before returning. */
const pairNumbers = new Float64Array(14);

/** A bias the native kernels read: float32 with contiguous entries. */
function isNativeBias(bias: StridedView | null): boolean {
  return !bias || (bias.storage instanceof Float32Array && (bias.strides[0] === 1 || bias.shape[0] === 1));
}

/** The addon's one-row pair, or false when the operands are not what it reads or the pair is too large for one pass (then the caller runs two products). */
function callLinearPairRow(
  binding: GemmBinding, streamedWeights: StreamedWeights,
  a: StridedView, first: LinearLayer, second: LinearLayer, hidden: StridedView, out: StridedView,
): boolean {
  const [M, K] = a.shape as [number, number];
  const [H, N] = [first.weight.shape[0]!, second.weight.shape[0]!];
  const float32 = a.storage instanceof Float32Array && hidden.storage instanceof Float32Array && out.storage instanceof Float32Array;
  if (M !== 1 || !float32 || a.strides[1] !== 1 || !isNativeBias(first.bias) || !isNativeBias(second.bias)) return false;
  const transposed = (w: StridedView): MatrixRef => ({ data: w.storage, offset: w.offset, rowStride: w.strides[1]!, colStride: w.strides[0]! });
  const weights = streamedWeights.forLinearPair(K, H, N, transposed(first.weight), transposed(second.weight));
  if (!weights) return false;
  const n = pairNumbers;
  n[0] = K;
  n[1] = H;
  n[2] = N;
  n[3] = a.offset;
  n[4] = weights.first.offset;
  n[5] = weights.first.colStride;
  n[6] = weights.second.offset;
  n[7] = weights.second.rowStride;
  n[8] = first.bias ? first.bias.offset : 0;
  n[9] = second.bias ? second.bias.offset : 0;
  n[10] = hidden.offset;
  n[11] = out.offset;
  n[12] = first.activation ? UNARY_CODES[first.activation]! : -1;
  n[13] = second.activation ? UNARY_CODES[second.activation]! : -1;
  return binding.linearPairRow(
    a.storage as Float32Array, weights.first.data as Float32Array, weights.second.data as Float32Array,
    first.bias ? (first.bias.storage as Float32Array) : null, second.bias ? (second.bias.storage as Float32Array) : null,
    hidden.storage as Float32Array, out.storage as Float32Array, n,
  );
}

export function nativeGemmKernels(binding: GemmBinding & Pick<CoreBinding, "isaGeneration" | "misalignment">): Pick<Backend, "matmul" | "matmulFused" | "linearPair"> {
  const packedWeights = new PackedWeights(binding);
  const streamedWeights = new StreamedWeights(binding);
  /** The contract of js/gemm.ts's sgemm; float32 storage goes native, anything else stays in JS. */
  function sgemm(M: number, N: number, K: number, alpha: number, a: MatrixRef, b: MatrixRef, beta: number, c: MatrixRef): void {
    if (!(a.data instanceof Float32Array && b.data instanceof Float32Array && c.data instanceof Float32Array)) {
      jsSgemm(M, N, K, alpha, a, b, beta, c);
      return;
    }
    const packed = alpha === 1 ? packedWeights.get(M, K, N, a.colStride, b.data, b.offset, b.rowStride, b.colStride) : null;
    if (packed) {
      callSgemmFused(binding, { M, N, K, a, b, beta, c, bias: null, biasOffset: 0, activation: -1, packed });
      return;
    }
    binding.sgemm(M, N, K, alpha, a.data, a.offset, a.rowStride, a.colStride, b.data, b.offset, b.rowStride, b.colStride, beta, c.data, c.offset, c.rowStride, c.colStride);
  }
  /** One native call for a whole run of batch entries (the binding shares them out over threads). */
  const sgemmBatched: BatchedGemm = (batch, M, N, K, alpha, a, aBatch, b, bBatch, beta, c, cBatch) => {
    if (!(a.data instanceof Float32Array && b.data instanceof Float32Array && c.data instanceof Float32Array)) {
      for (let i = 0; i < batch; i++) {
        jsSgemm(M, N, K, alpha, { ...a, offset: a.offset + i * aBatch }, { ...b, offset: b.offset + i * bBatch }, beta, { ...c, offset: c.offset + i * cBatch });
      }
      return;
    }
    binding.sgemmBatched(
      batch, M, N, K, alpha,
      a.data, a.offset, aBatch, a.rowStride, a.colStride,
      b.data, b.offset, bBatch, b.rowStride, b.colStride,
      beta,
      c.data, c.offset, cBatch, c.rowStride, c.colStride,
    );
  };
  const kernels: Pick<Backend, "matmul" | "matmulFused" | "linearPair"> = {
    linearPair(a, first, second, hidden, out) {
      if (callLinearPairRow(binding, streamedWeights, a, first, second, hidden, out)) return;
      kernels.matmulFused(a, transposedWeight(first.weight), hidden, 0, first.bias, first.activation);
      kernels.matmulFused(hidden, transposedWeight(second.weight), out, 0, second.bias, second.activation);
    },
    matmul(a, b, out, alpha, beta) {
      if (out.shape.length === 2 && a.storage instanceof Float32Array && b.storage instanceof Float32Array && out.storage instanceof Float32Array) {
        // One product: the addon's sgemm as is, the product sgemmBatched ran as a batch of one (B unpacked).
        const [M, N] = out.shape as [number, number];
        const K = a.shape[1]!;
        const bRef = streamedWeights.forProduct(M, K, N, { data: b.storage, offset: b.offset, rowStride: b.strides[0]!, colStride: b.strides[1]! });
        binding.sgemm(
          M, N, K, alpha,
          a.storage, a.offset, a.strides[0]!, a.strides[1]!,
          bRef.data as Float32Array, bRef.offset, bRef.rowStride, bRef.colStride,
          beta,
          out.storage, out.offset, out.strides[0]!, out.strides[1]!,
        );
        return;
      }
      matmulWith(sgemm, a, b, out, alpha, beta, sgemmBatched);
    },
    matmulFused(a, b, out, beta, bias, activation) {
      const [M, K] = a.shape as [number, number];
      const N = b.shape[1]!;
      const float32 = a.storage instanceof Float32Array && b.storage instanceof Float32Array && out.storage instanceof Float32Array;
      if (!float32 || !isNativeBias(bias) || out.strides[1] !== 1) {
        jsLinalg.matmulFused(a, b, out, beta, bias, activation);
        return;
      }
      const B = streamedWeights.forProduct(M, K, N, { data: b.storage, offset: b.offset, rowStride: b.strides[0]!, colStride: b.strides[1]! });
      callSgemmFused(binding, {
        M, N, K,
        a: { data: a.storage, offset: a.offset, rowStride: a.strides[0]!, colStride: a.strides[1]! },
        b: B,
        beta,
        c: { data: out.storage, offset: out.offset, rowStride: out.strides[0]!, colStride: 1 },
        bias: bias ? (bias.storage as Float32Array) : null,
        biasOffset: bias ? bias.offset : 0,
        activation: activation ? UNARY_CODES[activation]! : -1,
        packed: packedWeights.get(M, K, N, a.strides[1]!, B.data as Float32Array, B.offset, B.rowStride, B.colStride),
      });
    },
  };
  return kernels;
}
