// AVX-512F kernels of Winograd F(2x2, 3x3) (f32-conv-winograd-kernels.h): 16 tiles to
// a vector, the product's tile 8 output channels x 3 vectors, and the weights'
// transform 16 output channels at a time, gathered.
#pragma GCC target("avx512f,avx2,fma")
#include <immintrin.h>
#include "../vec-avx512f.h"
#include "f32-conv-kernels.h"
#include "f32-conv-winograd-kernels.h"

namespace tsjit {
namespace {

struct LanesAvx512 : MaskedAvx512 {
  static void split(__m512 a, __m512 b, __m512& even, __m512& odd) {
    const __m512i evens = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i odds = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    even = _mm512_permutex2var_ps(a, evens, b);
    odd = _mm512_permutex2var_ps(a, odds, b);
  }
  static void interleave(__m512 a, __m512 b, __m512& lo, __m512& hi) {
    const __m512i low = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const __m512i high = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    lo = _mm512_permutex2var_ps(a, low, b);
    hi = _mm512_permutex2var_ps(a, high, b);
  }
  static int nan_lanes(__mmask16 m, __m512 v) { return _mm512_mask_cmp_ps_mask(m, v, v, _CMP_UNORD_Q); }
};

using WinogradAvx512 = Winograd<VecAvx512, LanesAvx512, 8>;

// u[xi * u_xi + c * ldu + o] = (G g G^T)[xi] for the 3 x 3 filter g of output channel
// o < O and input channel c < C (g[kh][kw] at w + o * s0 + c * s1 + kh * s2 + kw * s3):
// 16 output channels at a time, gathered.
void weights_3x3(size_t C, size_t O, const float* w, const ptrdiff_t* s, float* u, ptrdiff_t ldu, ptrdiff_t u_xi) {
  alignas(64) int64_t offsets[16];
  for (int64_t l = 0; l < 16; l++) offsets[l] = l * s[0];
  const __m512i low = _mm512_load_si512(offsets), high = _mm512_load_si512(offsets + 8);
  const __m512 half = _mm512_set1_ps(0.5f);
  for (size_t o0 = 0; o0 < O; o0 += 16) {
    const __mmask16 lanes = LanesAvx512::first(int64_t(O - o0));
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

const WinogradKernels tsjit_f32_winograd_kernels__avx512f = {
    weights_3x3, WinogradAvx512::input, WinogradAvx512::gemm,
    WinogradAvx512::output_pooled, WinogradAvx512::output_tiles};

}  // namespace tsjit
