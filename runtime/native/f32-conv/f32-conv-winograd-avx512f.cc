// AVX-512F kernels of Winograd F(2x2, 3x3) for the fused conv2d + relu + 2x2 max
// pooling (f32-conv-winograd.cc). Tiles are the vector lanes: a tile t of a block is
// output window (t / PW, t % PW), and every array is [.., tile] with tiles contiguous,
// so the pooled tiles of a channel leave as one run of its output plane.
#pragma GCC target("avx512f,avx2,fma")
#include <immintrin.h>
#include <algorithm>
#include "f32-conv-kernels.h"

namespace tsjit {

namespace {

inline __mmask16 first_lanes(int64_t n) {
  return n >= 16 ? __mmask16(0xffff) : n <= 0 ? __mmask16(0) : __mmask16((1u << n) - 1);
}

// d[q][l] = row[2 (j0 + l) + q] for q < 4 and the n lanes l of tiles j0..: columns
// past `avail` (the row's end, or what the last tile reads) are read as zero.
inline void load_tile_columns(const float* row, int64_t avail, __m512 (&d)[4]) {
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
  const __m512 a = _mm512_maskz_loadu_ps(first_lanes(avail), row);
  const __m512 b = _mm512_maskz_loadu_ps(first_lanes(avail - 16), row + 16);
  const __m512 a2 = _mm512_maskz_loadu_ps(first_lanes(avail - 2), row + 2);
  const __m512 b2 = _mm512_maskz_loadu_ps(first_lanes(avail - 18), row + 18);
  d[0] = _mm512_permutex2var_ps(a, even, b);
  d[1] = _mm512_permutex2var_ps(a, odd, b);
  d[2] = _mm512_permutex2var_ps(a2, even, b2);
  d[3] = _mm512_permutex2var_ps(a2, odd, b2);
}

// x[0..4) = B^T x: (x0 - x2, x1 + x2, x2 - x1, x1 - x3).
inline void input_transform_4(__m512 (&x)[4]) {
  const __m512 x0 = x[0], x1 = x[1], x2 = x[2], x3 = x[3];
  x[0] = _mm512_sub_ps(x0, x2);
  x[1] = _mm512_add_ps(x1, x2);
  x[2] = _mm512_sub_ps(x2, x1);
  x[3] = _mm512_sub_ps(x1, x3);
}

// m[r * ldm + t] = sum over c < C of u[c * ldu + r] * v[c * ldv + t], for 8 rows r and
// NV vectors of tiles t, the sum in c order.
template <int NV>
void gemm_tile(size_t C, const float* u, ptrdiff_t ldu, const float* v, ptrdiff_t ldv, float* m, ptrdiff_t ldm) {
  __m512 acc[8][NV];
#pragma GCC unroll 8
  for (int r = 0; r < 8; r++)
#pragma GCC unroll 3
    for (int q = 0; q < NV; q++) acc[r][q] = _mm512_setzero_ps();
  for (size_t c = 0; c < C; c++, u += ldu, v += ldv) {
    __m512 x[NV];
#pragma GCC unroll 3
    for (int q = 0; q < NV; q++) x[q] = _mm512_loadu_ps(v + 16 * q);
#pragma GCC unroll 8
    for (int r = 0; r < 8; r++) {
      const __m512 w = _mm512_set1_ps(u[r]);
#pragma GCC unroll 3
      for (int q = 0; q < NV; q++) acc[r][q] = _mm512_fmadd_ps(w, x[q], acc[r][q]);
    }
  }
#pragma GCC unroll 8
  for (int r = 0; r < 8; r++)
#pragma GCC unroll 3
    for (int q = 0; q < NV; q++) _mm512_storeu_ps(m + r * ldm + 16 * q, acc[r][q]);
}

// Tile row i reads input rows 2i to 2i + 3, and tile row i + 1 the last two of them
// again: each row is loaded and transformed along its columns once.
void tsjit_f32_winograd_input_2x2_3x3__avx512f(size_t C, size_t rows, size_t PW, const float* in, ptrdiff_t in_c,
                                               ptrdiff_t in_row, size_t W, float* v, ptrdiff_t v_c, ptrdiff_t v_xi) {
  for (size_t c = 0; c < C; c++) {
    for (size_t j0 = 0; j0 < PW; j0 += 16) {
      const int64_t n = int64_t(std::min<size_t>(16, PW - j0));
      const int64_t avail = std::min<int64_t>(int64_t(W) - int64_t(2 * j0), 2 * n + 2);
      const __mmask16 lanes = first_lanes(n);
      const float* column0 = in + ptrdiff_t(c) * in_c + ptrdiff_t(2 * j0);
      __m512 d[4][4];
#pragma GCC unroll 2
      for (int r = 0; r < 2; r++) {
        load_tile_columns(column0 + ptrdiff_t(r) * in_row, avail, d[r]);
        input_transform_4(d[r]);
      }
      for (size_t i = 0; i < rows; i++) {
#pragma GCC unroll 2
        for (int r = 2; r < 4; r++) {
          load_tile_columns(column0 + ptrdiff_t(2 * i + r) * in_row, avail, d[r]);
          input_transform_4(d[r]);
        }
        float* dst = v + ptrdiff_t(c) * v_c + ptrdiff_t(i * PW + j0);
#pragma GCC unroll 4
        for (int q = 0; q < 4; q++) {
          __m512 column[4] = {d[0][q], d[1][q], d[2][q], d[3][q]};
          input_transform_4(column);
#pragma GCC unroll 4
          for (int a = 0; a < 4; a++) _mm512_mask_storeu_ps(dst + ptrdiff_t(4 * a + q) * v_xi, lanes, column[a]);
        }
#pragma GCC unroll 4
        for (int q = 0; q < 4; q++) {
          d[0][q] = d[2][q];
          d[1][q] = d[3][q];
        }
      }
    }
  }
}

void tsjit_f32_winograd_gemm_8__avx512f(size_t C, size_t vectors, const float* u, ptrdiff_t ldu, const float* v,
                                        ptrdiff_t ldv, float* m, ptrdiff_t ldm) {
  size_t t = 0;
  for (; t + 3 <= vectors; t += 3) gemm_tile<3>(C, u, ldu, v + 16 * t, ldv, m + 16 * t, ldm);
  if (vectors - t == 2) gemm_tile<2>(C, u, ldu, v + 16 * t, ldv, m + 16 * t, ldm);
  if (vectors - t == 1) gemm_tile<1>(C, u, ldu, v + 16 * t, ldv, m + 16 * t, ldm);
}

bool tsjit_f32_winograd_output_relu_maxpool__avx512f(size_t rows, size_t T, size_t PW, const float* m, ptrdiff_t m_row,
                                                     ptrdiff_t m_xi, const float* bias, float* out, ptrdiff_t o_row,
                                                     ptrdiff_t oH, ptrdiff_t oW) {
  const bool runs = oW == 1 && oH == ptrdiff_t(PW);
  alignas(64) float pooled_lanes[16];
  __mmask16 nonfinite = 0;
  for (size_t r = 0; r < rows; r++) {
    const __m512 b = _mm512_set1_ps(bias[r]);
    for (size_t t0 = 0; t0 < T; t0 += 16) {
      const float* at = m + ptrdiff_t(r) * m_row + ptrdiff_t(t0);
      // s[a][q]: A^T applied down the columns q of the 4 x 4 product.
      __m512 s[2][4];
#pragma GCC unroll 4
      for (int q = 0; q < 4; q++) {
        const __m512 m0 = _mm512_loadu_ps(at + q * m_xi), m1 = _mm512_loadu_ps(at + (4 + q) * m_xi);
        const __m512 m2 = _mm512_loadu_ps(at + (8 + q) * m_xi), m3 = _mm512_loadu_ps(at + (12 + q) * m_xi);
        s[0][q] = _mm512_add_ps(_mm512_add_ps(m0, m1), m2);
        s[1][q] = _mm512_sub_ps(_mm512_sub_ps(m1, m2), m3);
      }
      __m512 y[4];
#pragma GCC unroll 2
      for (int a = 0; a < 2; a++) {
        y[2 * a] = _mm512_add_ps(_mm512_add_ps(s[a][0], s[a][1]), s[a][2]);
        y[2 * a + 1] = _mm512_sub_ps(_mm512_sub_ps(s[a][1], s[a][2]), s[a][3]);
      }
      // The window's four outputs through bias and relu (vmaxps returns its second
      // operand, x, where x is NaN), then their max, NaN where any is: relu's results
      // are NaN or at least 0, so their sum is NaN exactly where one of them is.
#pragma GCC unroll 4
      for (int k = 0; k < 4; k++) y[k] = _mm512_max_ps(_mm512_setzero_ps(), _mm512_add_ps(y[k], b));
      const __m512 sum = _mm512_add_ps(_mm512_add_ps(y[0], y[1]), _mm512_add_ps(y[2], y[3]));
      const __m512 most = _mm512_max_ps(_mm512_max_ps(y[0], y[1]), _mm512_max_ps(y[2], y[3]));
      const __m512 best = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(sum, sum, _CMP_UNORD_Q), most, sum);
      const int64_t n = std::min<int64_t>(16, int64_t(T - t0));
      // best - best is NaN where best is NaN or infinite.
      const __m512 difference = _mm512_sub_ps(best, best);
      nonfinite |= _mm512_mask_cmp_ps_mask(first_lanes(n), difference, difference, _CMP_UNORD_Q);
      float* dst = out + ptrdiff_t(r) * o_row;
      if (runs) {
        _mm512_mask_storeu_ps(dst + t0, first_lanes(n), best);
        continue;
      }
      _mm512_store_ps(pooled_lanes, best);
      for (int64_t l = 0; l < n; l++) {
        const size_t t = t0 + size_t(l);
        dst[ptrdiff_t(t / PW) * oH + ptrdiff_t(t % PW) * oW] = pooled_lanes[l];
      }
    }
  }
  return nonfinite != 0;
}

// u[xi * u_xi + c * ldu + o] = (G g G^T)[xi] for the 3 x 3 filter g of output channel
// o < O and input channel c < C (g[kh][kw] at w + o * s0 + c * s1 + kh * s2 + kw * s3):
// 16 output channels at a time, gathered.
void tsjit_f32_winograd_weights_3x3__avx512f(size_t C, size_t O, const float* w, const ptrdiff_t* s, float* u,
                                             ptrdiff_t ldu, ptrdiff_t u_xi) {
  alignas(64) int64_t offsets[16];
  for (int64_t l = 0; l < 16; l++) offsets[l] = l * s[0];
  const __m512i low = _mm512_load_si512(offsets), high = _mm512_load_si512(offsets + 8);
  const __m512 half = _mm512_set1_ps(0.5f);
  for (size_t o0 = 0; o0 < O; o0 += 16) {
    const __mmask16 lanes = first_lanes(int64_t(O - o0));
    for (size_t c = 0; c < C; c++) {
      const float* first = w + ptrdiff_t(o0) * s[0] + ptrdiff_t(c) * s[1];
      // rows[a][kw]: G applied down each column of the filters.
      __m512 rows[4][3];
#pragma GCC unroll 3
      for (int kw = 0; kw < 3; kw++) {
        __m512 g[3];
#pragma GCC unroll 3
        for (int kh = 0; kh < 3; kh++) {
          const float* tap = first + kh * s[2] + kw * s[3];
          const __m256 lo = _mm512_mask_i64gather_ps(_mm256_setzero_ps(), __mmask8(lanes), low, tap, 4);
          const __m256 hi = _mm512_mask_i64gather_ps(_mm256_setzero_ps(), __mmask8(lanes >> 8), high, tap, 4);
          g[kh] = _mm512_castpd_ps(
              _mm512_insertf64x4(_mm512_castpd256_pd512(_mm256_castps_pd(lo)), _mm256_castps_pd(hi), 1));
        }
        rows[0][kw] = g[0];
        rows[1][kw] = _mm512_mul_ps(half, _mm512_add_ps(_mm512_add_ps(g[0], g[1]), g[2]));
        rows[2][kw] = _mm512_mul_ps(half, _mm512_add_ps(_mm512_sub_ps(g[0], g[1]), g[2]));
        rows[3][kw] = g[2];
      }
      float* dst = u + ptrdiff_t(c) * ldu + ptrdiff_t(o0);
#pragma GCC unroll 4
      for (int a = 0; a < 4; a++) {
        const __m512* r = rows[a];
        const __m512 values[4] = {r[0], _mm512_mul_ps(half, _mm512_add_ps(_mm512_add_ps(r[0], r[1]), r[2])),
                                  _mm512_mul_ps(half, _mm512_add_ps(_mm512_sub_ps(r[0], r[1]), r[2])), r[2]};
#pragma GCC unroll 4
        for (int q = 0; q < 4; q++) _mm512_mask_storeu_ps(dst + ptrdiff_t(4 * a + q) * u_xi, lanes, values[q]);
      }
    }
  }
}

}  // namespace

const WinogradPoolKernels tsjit_f32_winograd_pool_kernels__avx512f = {
    tsjit_f32_winograd_weights_3x3__avx512f, tsjit_f32_winograd_input_2x2_3x3__avx512f, tsjit_f32_winograd_gemm_8__avx512f,
    tsjit_f32_winograd_output_relu_maxpool__avx512f};

}  // namespace tsjit
