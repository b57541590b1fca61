// AVX-512F 2x2 stride-2 max-pool kernel over a plane's rows: 16 outputs per step, the even and odd
// columns of each input row split by one permute of its two vectors; a short or last
// step (cnn's 12-wide rows) runs under a mask, so no output goes through a scalar tail.
#pragma GCC target("avx512f,avx2,fma")
#include <immintrin.h>
#include "f32-pool-kernels.h"

namespace tsjit {
namespace {

// The JS kernel's step (f32-maxpool-2x2.h): v when v > best or v is NaN, else best.
// vmaxps returns its first operand only when it is the greater.
inline __m512 step_max(__m512 best, __m512 v) {
  return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q), _mm512_max_ps(v, best), v);
}

// The max of each input row's column pairs: step_max(x[2j], x[2j + 1]) for the 16 pairs
// in lo (the first 16 floats) and hi (the next 16).
inline __m512 pair_max(__m512 lo, __m512 hi) {
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
  return step_max(_mm512_permutex2var_ps(lo, even, hi), _mm512_permutex2var_ps(lo, odd, hi));
}

// The first n bits (n <= 16).
inline __mmask16 first(size_t n) { return __mmask16((1u << n) - 1u); }

}  // namespace

// step_max(step_max(t0, t1), step_max(b0, b1)) is the JS kernel's
// step_max(step_max(step_max(t0, t1), b0), b1): both keep the first of the largest
// values in that order, and the last NaN.
void tsjit_f32_maxpool_2x2_ukernel__avx512f(size_t rows, size_t n, const float* in, ptrdiff_t rs_in, float* out,
                                            ptrdiff_t rs_out) {
  for (size_t r = 0; r < rows; r++, in += 2 * rs_in, out += rs_out) {
    for (size_t j = 0; j < n; j += 16) {
      const size_t count = n - j < 16 ? n - j : 16;
      const __mmask16 lo = first(2 * count < 16 ? 2 * count : 16), hi = first(2 * count > 16 ? 2 * count - 16 : 0);
      const float* t = in + 2 * j;
      const float* b = t + rs_in;
      const __m512 row_top = pair_max(_mm512_maskz_loadu_ps(lo, t), _mm512_maskz_loadu_ps(hi, t + 16));
      const __m512 row_bottom = pair_max(_mm512_maskz_loadu_ps(lo, b), _mm512_maskz_loadu_ps(hi, b + 16));
      _mm512_mask_storeu_ps(out + j, first(count), step_max(row_top, row_bottom));
    }
  }
}

}  // namespace tsjit
