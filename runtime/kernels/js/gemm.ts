/**
 * SGEMM in TypeScript, GotoBLAS-shaped:
 *
 *   C[M, N] = alpha * A[M, K] · B[K, N] + beta * C
 *
 * Every matrix is addressed by (storage, offset, rowStride, colStride), so a
 * transposed or sliced operand is read in place. The product is computed in
 * KC x NC blocks of B and MC x KC blocks of A, each packed into a reused scratch
 * buffer as 4-wide panels (zero-padded at the edges); a 4x4 micro-kernel then
 * walks two contiguous panels and keeps its 16 sums in locals (JS doubles, so the
 * float32 result is more accurate than a float32 accumulation would be).
 */
import type { TypedArray } from "../../tensor/dtype.js";

const MR = 4;
const NR = 4;
/** Depth of a packed block: one MR x KC panel of A plus one KC x NR panel of B stay in L1. */
const KC = 256;
/** Rows of A per packed block (MC x KC floats = 64 KiB). */
const MC = 64;
/** Columns of B per packed block (KC x NC floats = 256 KiB). */
const NC = 256;

// MC and NC are multiples of MR and NR, so zero-padded edge panels still fit.
const packedA = new Float32Array(MC * KC);
const packedB = new Float32Array(KC * NC);
/** The micro-kernel's 4x4 result, for edge tiles that are partly outside C. */
const edgeTile = new Float64Array(MR * NR);

export interface MatrixRef {
  readonly data: TypedArray;
  readonly offset: number;
  readonly rowStride: number;
  readonly colStride: number;
}

export function sgemm(M: number, N: number, K: number, alpha: number, a: MatrixRef, b: MatrixRef, beta: number, c: MatrixRef): void {
  if (M === 0 || N === 0) return;
  scale(M, N, beta, c);
  if (K === 0 || alpha === 0) return;
  if (M < MR) {
    // Fewer rows than a panel (a batch-1 linear layer): packing B would cost as much as
    // the product itself, so stream B once instead.
    for (let i = 0; i < M; i++) gemvRow(i, N, K, alpha, a, b, c);
    return;
  }
  for (let jc = 0; jc < N; jc += NC) {
    const nc = Math.min(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = Math.min(KC, K - pc);
      packPanelsOfB(b, pc, jc, kc, nc);
      for (let ic = 0; ic < M; ic += MC) {
        const mc = Math.min(MC, M - ic);
        packPanelsOfA(a, ic, pc, mc, kc);
        for (let jr = 0; jr < nc; jr += NR) {
          const bPanel = jr * kc;
          for (let ir = 0; ir < mc; ir += MR) {
            const cOffset = c.offset + (ic + ir) * c.rowStride + (jc + jr) * c.colStride;
            microKernel(kc, ir * kc, bPanel, alpha, c, cOffset, Math.min(MR, mc - ir), Math.min(NR, nc - jr));
          }
        }
      }
    }
  }
}

/**
 * C[i, :] += alpha * A[i, :] · B. With B's rows contiguous (`colStride` 1) it adds
 * scaled rows of B; otherwise (B a transposed weight, columns contiguous) it takes
 * dot products, four columns at a time so each A element is loaded once per four.
 */
function gemvRow(i: number, N: number, K: number, alpha: number, a: MatrixRef, b: MatrixRef, c: MatrixRef): void {
  const A = a.data;
  const B = b.data;
  const C = c.data;
  const aRow = a.offset + i * a.rowStride;
  const aStep = a.colStride;
  const cRow = c.offset + i * c.rowStride;
  const cStep = c.colStride;
  const bk = b.rowStride;
  const bn = b.colStride;
  if (bn === 1 && bk !== 1) {
    for (let k = 0; k < K; k++) {
      const av = alpha * A[aRow + k * aStep]!;
      const bRow = b.offset + k * bk;
      for (let n = 0, o = cRow; n < N; n++, o += cStep) C[o] = C[o]! + av * B[bRow + n]!;
    }
    return;
  }
  let n = 0;
  for (; n + 4 <= N; n += 4) {
    const b0 = b.offset + n * bn;
    const b1 = b0 + bn;
    const b2 = b1 + bn;
    const b3 = b2 + bn;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let k = 0, ai = aRow, kk = 0; k < K; k++, ai += aStep, kk += bk) {
      const av = A[ai]!;
      s0 += av * B[b0 + kk]!;
      s1 += av * B[b1 + kk]!;
      s2 += av * B[b2 + kk]!;
      s3 += av * B[b3 + kk]!;
    }
    const o = cRow + n * cStep;
    C[o] = C[o]! + alpha * s0;
    C[o + cStep] = C[o + cStep]! + alpha * s1;
    C[o + 2 * cStep] = C[o + 2 * cStep]! + alpha * s2;
    C[o + 3 * cStep] = C[o + 3 * cStep]! + alpha * s3;
  }
  for (; n < N; n++) {
    const bCol = b.offset + n * bn;
    let sum = 0;
    for (let k = 0, ai = aRow, kk = bCol; k < K; k++, ai += aStep, kk += bk) sum += A[ai]! * B[kk]!;
    const o = cRow + n * cStep;
    C[o] = C[o]! + alpha * sum;
  }
}

/** C = beta * C; beta 0 overwrites, so NaN already in C does not survive (BLAS semantics). */
function scale(M: number, N: number, beta: number, c: MatrixRef): void {
  if (beta === 1) return;
  const { data, rowStride, colStride } = c;
  for (let i = 0; i < M; i++) {
    let o = c.offset + i * rowStride;
    if (beta === 0) for (let j = 0; j < N; j++, o += colStride) data[o] = 0;
    else for (let j = 0; j < N; j++, o += colStride) data[o] = beta * data[o]!;
  }
}

/** A[ic : ic+mc, pc : pc+kc] as consecutive MR x kc panels, each stored k-major: panel[k * MR + r]. */
function packPanelsOfA(a: MatrixRef, ic: number, pc: number, mc: number, kc: number): void {
  const dst = packedA;
  const { data, rowStride, colStride } = a;
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = Math.min(MR, mc - ir);
    const base = ir * kc;
    for (let r = 0; r < MR; r++) {
      let d = base + r;
      if (r >= rows) {
        for (let k = 0; k < kc; k++, d += MR) dst[d] = 0;
        continue;
      }
      let s = a.offset + (ic + ir + r) * rowStride + pc * colStride;
      for (let k = 0; k < kc; k++, d += MR, s += colStride) dst[d] = data[s]!;
    }
  }
}

/** B[pc : pc+kc, jc : jc+nc] as consecutive kc x NR panels, each stored k-major: panel[k * NR + j]. */
function packPanelsOfB(b: MatrixRef, pc: number, jc: number, kc: number, nc: number): void {
  const dst = packedB;
  const { data, rowStride, colStride } = b;
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = Math.min(NR, nc - jr);
    const base = jr * kc;
    for (let k = 0; k < kc; k++) {
      const d = base + k * NR;
      const s = b.offset + (pc + k) * rowStride + (jc + jr) * colStride;
      for (let j = 0; j < NR; j++) dst[d + j] = j < cols ? data[s + j * colStride]! : 0;
    }
  }
}

function microKernel(kc: number, aPanel: number, bPanel: number, alpha: number, c: MatrixRef, cOffset: number, rows: number, cols: number): void {
  const pa = packedA;
  const pb = packedB;
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  let ai = aPanel;
  let bi = bPanel;
  for (let k = 0; k < kc; k++, ai += MR, bi += NR) {
    const a0 = pa[ai]!, a1 = pa[ai + 1]!, a2 = pa[ai + 2]!, a3 = pa[ai + 3]!;
    const b0 = pb[bi]!, b1 = pb[bi + 1]!, b2 = pb[bi + 2]!, b3 = pb[bi + 3]!;
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
  }
  const out = c.data;
  const rs = c.rowStride;
  const cs = c.colStride;
  if (rows === MR && cols === NR) {
    let o = cOffset;
    out[o] = out[o]! + alpha * c00; out[o + cs] = out[o + cs]! + alpha * c01; out[o + 2 * cs] = out[o + 2 * cs]! + alpha * c02; out[o + 3 * cs] = out[o + 3 * cs]! + alpha * c03;
    o += rs;
    out[o] = out[o]! + alpha * c10; out[o + cs] = out[o + cs]! + alpha * c11; out[o + 2 * cs] = out[o + 2 * cs]! + alpha * c12; out[o + 3 * cs] = out[o + 3 * cs]! + alpha * c13;
    o += rs;
    out[o] = out[o]! + alpha * c20; out[o + cs] = out[o + cs]! + alpha * c21; out[o + 2 * cs] = out[o + 2 * cs]! + alpha * c22; out[o + 3 * cs] = out[o + 3 * cs]! + alpha * c23;
    o += rs;
    out[o] = out[o]! + alpha * c30; out[o + cs] = out[o + cs]! + alpha * c31; out[o + 2 * cs] = out[o + 2 * cs]! + alpha * c32; out[o + 3 * cs] = out[o + 3 * cs]! + alpha * c33;
    return;
  }
  const t = edgeTile;
  t[0] = c00; t[1] = c01; t[2] = c02; t[3] = c03;
  t[4] = c10; t[5] = c11; t[6] = c12; t[7] = c13;
  t[8] = c20; t[9] = c21; t[10] = c22; t[11] = c23;
  t[12] = c30; t[13] = c31; t[14] = c32; t[15] = c33;
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < cols; j++) {
      const o = cOffset + r * rs + j * cs;
      out[o] = out[o]! + alpha * t[r * NR + j]!;
    }
  }
}
