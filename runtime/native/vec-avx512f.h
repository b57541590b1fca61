// Vector traits for AVX-512F. Include ONLY from a file whose functions are compiled
// for AVX-512F (after `#pragma GCC target("avx512f,avx2,fma")`).
#pragma once
#include <immintrin.h>

namespace tsjit {
namespace {
struct VecAvx512 {
  using reg = __m512;
  static constexpr int W = 16;
  static reg zero() { return _mm512_setzero_ps(); }
  static reg set1(float v) { return _mm512_set1_ps(v); }
  static reg load(const float* p) { return _mm512_loadu_ps(p); }
  static void store(float* p, reg v) { _mm512_storeu_ps(p, v); }
  static reg add(reg a, reg b) { return _mm512_add_ps(a, b); }
  static reg sub(reg a, reg b) { return _mm512_sub_ps(a, b); }
  static reg mul(reg a, reg b) { return _mm512_mul_ps(a, b); }
  static reg div(reg a, reg b) { return _mm512_div_ps(a, b); }
  static reg fmadd(reg a, reg b, reg c) { return _mm512_fmadd_ps(a, b, c); }
  static reg min(reg a, reg b) { return _mm512_min_ps(a, b); }
  // max(x, 0) that lets NaN through (vmaxps returns its second operand on NaN).
  static reg relu(reg x) { return _mm512_max_ps(_mm512_setzero_ps(), x); }
  static reg max(reg a, reg b) { return _mm512_max_ps(a, b); }
  static reg bit_and(reg a, reg b) { return _mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(a), _mm512_castps_si512(b))); }
  static reg bit_or(reg a, reg b) { return _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(a), _mm512_castps_si512(b))); }
  static reg abs(reg x) { return _mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(x), _mm512_set1_epi32(0x7fffffff))); }
  static reg copysign(reg mag, reg sign) {
    const __m512i s = _mm512_and_si512(_mm512_castps_si512(sign), _mm512_set1_epi32(int(0x80000000u)));
    return _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(mag), s));
  }
  static reg round(reg x) { return _mm512_roundscale_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
  // 2^n for integral n in [-126, 127].
  static reg exp2i(reg n) {
    const __m512i e = _mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127));
    return _mm512_castsi512_ps(_mm512_slli_epi32(e, 23));
  }
  static reg select_lt(reg x, reg bound, reg if_true, reg if_false) {
    return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, bound, _CMP_LT_OQ), if_false, if_true);
  }
  static reg select_gt(reg x, reg bound, reg if_true, reg if_false) {
    return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, bound, _CMP_GT_OQ), if_false, if_true);
  }
  static reg keep_nan(reg x, reg y) { return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q), y, x); }
  static float hsum(reg v) { return _mm512_reduce_add_ps(v); }
  // out[r] = hsum(acc[r]) for the W registers acc[0..16): a tree of 15 lane-folding
  // adds (each halves the lanes every row is spread over) instead of 16 full hsums.
  static void transpose_sum(const reg* acc, float* out) {
    reg z[8], w[4], q[2];
    for (int i = 0; i < 8; i++) {  // [r r r' r'] in 128-bit blocks
      z[i] = add(_mm512_shuffle_f32x4(acc[2 * i], acc[2 * i + 1], _MM_SHUFFLE(1, 0, 1, 0)),
                 _mm512_shuffle_f32x4(acc[2 * i], acc[2 * i + 1], _MM_SHUFFLE(3, 2, 3, 2)));
    }
    for (int i = 0; i < 4; i++) {  // block k: row 4i + k
      w[i] = add(_mm512_shuffle_f32x4(z[2 * i], z[2 * i + 1], _MM_SHUFFLE(2, 0, 2, 0)),
                 _mm512_shuffle_f32x4(z[2 * i], z[2 * i + 1], _MM_SHUFFLE(3, 1, 3, 1)));
    }
    for (int i = 0; i < 2; i++) {  // block k: lanes 0-1 row 8i + k, lanes 2-3 row 8i + 4 + k
      q[i] = add(_mm512_shuffle_ps(w[2 * i], w[2 * i + 1], _MM_SHUFFLE(1, 0, 1, 0)),
                 _mm512_shuffle_ps(w[2 * i], w[2 * i + 1], _MM_SHUFFLE(3, 2, 3, 2)));
    }
    // lane 4k + j: row 4j + k
    const reg r = add(_mm512_shuffle_ps(q[0], q[1], _MM_SHUFFLE(2, 0, 2, 0)),
                      _mm512_shuffle_ps(q[0], q[1], _MM_SHUFFLE(3, 1, 3, 1)));
    const __m512i rows = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
    store(out, _mm512_permutexvar_ps(rows, r));
  }
  // elementwise
  static reg sqrt(reg x) { return _mm512_sqrt_ps(x); }
  static reg floor(reg x) { return _mm512_roundscale_ps(x, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC); }
  static reg ceil(reg x) { return _mm512_roundscale_ps(x, _MM_FROUND_TO_POS_INF | _MM_FROUND_NO_EXC); }
};
// Masked lanes: the first n of 16 (n clamped to [0, 16]); loads read nothing outside
// the mask (zeros there), stores write nothing.
struct MaskedAvx512 {
  static __mmask16 first(int64_t n) {
    return n >= 16 ? __mmask16(0xffff) : n <= 0 ? __mmask16(0) : __mmask16((1u << n) - 1u);
  }
  static __m512 load(__mmask16 m, const float* p) { return _mm512_maskz_loadu_ps(m, p); }
  static void store(__mmask16 m, float* p, __m512 v) { _mm512_mask_storeu_ps(p, m, v); }
};
}  // namespace
}  // namespace tsjit
