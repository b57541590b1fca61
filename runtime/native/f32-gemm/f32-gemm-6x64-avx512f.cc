// AVX-512F SGEMM: 6x64 microkernel (24 zmm accumulators + 4 for the B row + 1
// broadcast), GEMV kernels and the peak-FMA loop. Compiled for AVX-512F only here;
// called only when isa.cc found AVX-512F at load.
#pragma GCC target("avx512f,avx2,fma")
#include "../vec-avx512f.h"
#include "f32-gemm.h"
#include "f32-gemm-kernels.h"
#include "f32-gemm-pack.h"
#include <algorithm>

namespace tsjit {

void tsjit_f32_gemm_ukernel_6x64__avx512f(size_t mr, size_t nr, size_t kc, const float* a, ptrdiff_t rs_a, const float* b,
    float* c, ptrdiff_t rs_c, ptrdiff_t cs_c, float alpha, float beta, const float* bias_n, const float* bias_m,
    const float* next_b, size_t prefetch_floats) {
  gemm_ukernel_rows<VecAvx512, 6, 4>(mr, nr, kc, a, rs_a, b, c, rs_c, cs_c, alpha, beta, bias_n, bias_m, next_b, prefetch_floats);
}

void tsjit_f32_gemv_rows_ukernel__avx512f(size_t N, size_t K, const float* a, ptrdiff_t a_step, const float* b,
    ptrdiff_t rs_b, const GemvOutput& out, float* c, ptrdiff_t cs_c, bool descending) {
  gemv_rows<VecAvx512>(N, K, a, a_step, b, rs_b, out, c, cs_c, descending);
}

void tsjit_f32_gemv_dots_ukernel_16__avx512f(size_t M, size_t N, size_t K, const float* a, ptrdiff_t rs_a,
    const float* b, ptrdiff_t cs_b, const GemvOutput* outs, float* c, ptrdiff_t rs_c, ptrdiff_t cs_c, bool descending) {
  gemv_dots<VecAvx512, 16>(M, N, K, a, rs_a, b, cs_b, outs, c, rs_c, cs_c, descending);
}

namespace {

// r[i] <- the i-th column of the 16 x 16 matrix whose rows are r[0..16).
void transpose_16x16(__m512* r) {
  __m512 t[16], u[16];
  for (int i = 0; i < 16; i += 2) {  // lane L of t[i]: r[i][4L], r[i+1][4L], r[i][4L+1], r[i+1][4L+1]
    t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
  }
  for (int g = 0; g < 16; g += 4) {  // lane L of u[g + e]: rows g..g+3 at column 4L + e
    u[g] = _mm512_shuffle_ps(t[g], t[g + 2], 0x44);
    u[g + 1] = _mm512_shuffle_ps(t[g], t[g + 2], 0xEE);
    u[g + 2] = _mm512_shuffle_ps(t[g + 1], t[g + 3], 0x44);
    u[g + 3] = _mm512_shuffle_ps(t[g + 1], t[g + 3], 0xEE);
  }
  for (int e = 0; e < 4; e++) {  // column 4L + e: lane L of u[e], u[4 + e], u[8 + e], u[12 + e]
    const __m512 v = _mm512_shuffle_f32x4(u[e], u[4 + e], 0x88), w = _mm512_shuffle_f32x4(u[e], u[4 + e], 0xDD);
    const __m512 v2 = _mm512_shuffle_f32x4(u[8 + e], u[12 + e], 0x88), w2 = _mm512_shuffle_f32x4(u[8 + e], u[12 + e], 0xDD);
    r[e] = _mm512_shuffle_f32x4(v, v2, 0x88);
    r[4 + e] = _mm512_shuffle_f32x4(w, w2, 0x88);
    r[8 + e] = _mm512_shuffle_f32x4(v, v2, 0xDD);
    r[12 + e] = _mm512_shuffle_f32x4(w, w2, 0xDD);
  }
}

// A B with contiguous rows (cs 1) into 64-column panels: each row of a panel is four
// vector moves, the columns past nc masked to zero in the last panel, instead of the
// scalar packer's memcpy call per row (mm 64x784x512 and 128x784x512 2-6% faster).
void pack_b_rows(size_t kc, size_t nc, const float* b, ptrdiff_t rs, float* dst) {
  constexpr size_t NR = 64, W = 16;
  for (size_t j = 0; j < nc; j += NR) {
    const size_t cols = std::min(NR, nc - j);
    float* d = dst + j * kc;
    const float* s = b + ptrdiff_t(j);
    if (cols == NR) {
      for (size_t k = 0; k < kc; k++, d += NR) {
        const float* row = s + ptrdiff_t(k) * rs;
        for (size_t v = 0; v < NR; v += W) _mm512_storeu_ps(d + v, _mm512_loadu_ps(row + v));
      }
      continue;
    }
    __mmask16 masks[NR / W];
    for (size_t v = 0; v < NR; v += W) {
      const size_t n = v < cols ? std::min(W, cols - v) : 0;
      masks[v / W] = __mmask16((1u << n) - 1u);
    }
    for (size_t k = 0; k < kc; k++, d += NR) {
      const float* row = s + ptrdiff_t(k) * rs;
      for (size_t v = 0; v < NR; v += W) _mm512_storeu_ps(d + v, _mm512_maskz_loadu_ps(masks[v / W], row + v));
    }
  }
}

}  // namespace

// B into 64-column panels as tsjit_x32_packb_ukernel_64__scalar does. Contiguous rows
// (cs 1) go by pack_b_rows. A transposed weight (rs 1: each column of B is a contiguous
// row of the weight) goes 16 columns x 16 k at a time: 16 vector loads along the
// columns, a register transpose, 16 vector stores along the panel's rows, instead of
// one scalar move per float; the k tail, a last partial group of columns and the zero
// padding to the panel's end are scalar. Other layouts take the scalar packer.
void tsjit_x32_packb_ukernel_64__avx512f(size_t kc, size_t nc, const float* b, ptrdiff_t rs, ptrdiff_t cs, float* dst) {
  constexpr size_t NR = 64, BLOCK = 16;
  if (cs == 1) {
    pack_b_rows(kc, nc, b, rs, dst);
    return;
  }
  if (rs != 1) {
    tsjit_x32_packb_ukernel_64__scalar(kc, nc, b, rs, cs, dst);
    return;
  }
  const size_t full_k = kc / BLOCK * BLOCK;
  const size_t padded = (nc + NR - 1) / NR * NR;
  for (size_t x0 = 0; x0 < padded; x0 += BLOCK) {
    const size_t cols = x0 < nc ? std::min(BLOCK, nc - x0) : 0;
    float* d = dst + x0 / NR * NR * kc + x0 % NR;  // column x0 of its panel
    const float* s = b + ptrdiff_t(x0) * cs;
    size_t k = 0;
    if (cols == BLOCK) {
      for (; k < full_k; k += BLOCK) {
        __m512 r[BLOCK];
        for (size_t c = 0; c < BLOCK; c++) r[c] = _mm512_loadu_ps(s + ptrdiff_t(c) * cs + ptrdiff_t(k));
        transpose_16x16(r);
        for (size_t kk = 0; kk < BLOCK; kk++) _mm512_storeu_ps(d + (k + kk) * NR, r[kk]);
      }
    }
    for (; k < kc; k++) {
      for (size_t c = 0; c < BLOCK; c++) d[k * NR + c] = c < cols ? s[ptrdiff_t(c) * cs + ptrdiff_t(k)] : 0.0f;
    }
  }
}

double tsjit_f32_peak_fma__avx512f(size_t iterations, float* sink) { return peak_fma<VecAvx512, 16>(iterations, sink); }

}  // namespace tsjit
