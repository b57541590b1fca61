// Vector traits for AVX2 + FMA. Include ONLY from a file whose functions are compiled
// for AVX2 (after `#pragma GCC target("avx2,fma")`).
#pragma once
#include <immintrin.h>

namespace tsjit {
namespace {
struct VecAvx2 {
  using reg = __m256;
  static constexpr int W = 8;
  static reg zero() { return _mm256_setzero_ps(); }
  static reg set1(float v) { return _mm256_set1_ps(v); }
  static reg load(const float* p) { return _mm256_loadu_ps(p); }
  static void store(float* p, reg v) { _mm256_storeu_ps(p, v); }
  static reg add(reg a, reg b) { return _mm256_add_ps(a, b); }
  static reg sub(reg a, reg b) { return _mm256_sub_ps(a, b); }
  static reg mul(reg a, reg b) { return _mm256_mul_ps(a, b); }
  static reg div(reg a, reg b) { return _mm256_div_ps(a, b); }
  static reg fmadd(reg a, reg b, reg c) { return _mm256_fmadd_ps(a, b, c); }
  static reg min(reg a, reg b) { return _mm256_min_ps(a, b); }
  static reg max(reg a, reg b) { return _mm256_max_ps(a, b); }
  static reg bit_and(reg a, reg b) { return _mm256_and_ps(a, b); }
  static reg bit_or(reg a, reg b) { return _mm256_or_ps(a, b); }
  // max(x, 0) that lets NaN through (vmaxps returns its second operand on NaN).
  static reg relu(reg x) { return _mm256_max_ps(_mm256_setzero_ps(), x); }
  static reg abs(reg x) { return _mm256_and_ps(x, _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff))); }
  static reg copysign(reg mag, reg sign) {
    return _mm256_or_ps(mag, _mm256_and_ps(sign, _mm256_castsi256_ps(_mm256_set1_epi32(int(0x80000000u)))));
  }
  static reg round(reg x) { return _mm256_round_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
  // 2^n for integral n in [-126, 127].
  static reg exp2i(reg n) {
    const __m256i e = _mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127));
    return _mm256_castsi256_ps(_mm256_slli_epi32(e, 23));
  }
  static reg select_lt(reg x, reg bound, reg if_true, reg if_false) {
    return _mm256_blendv_ps(if_false, if_true, _mm256_cmp_ps(x, bound, _CMP_LT_OQ));
  }
  static reg select_gt(reg x, reg bound, reg if_true, reg if_false) {
    return _mm256_blendv_ps(if_false, if_true, _mm256_cmp_ps(x, bound, _CMP_GT_OQ));
  }
  static reg keep_nan(reg x, reg y) { return _mm256_blendv_ps(y, x, _mm256_cmp_ps(x, x, _CMP_UNORD_Q)); }
  static float hsum(reg v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
  }
  // out[r] = hsum(acc[r]) for the W registers acc[0..8), by a tree of hadds.
  static void transpose_sum(const reg* acc, float* out) {
    const reg h0 = _mm256_hadd_ps(_mm256_hadd_ps(acc[0], acc[1]), _mm256_hadd_ps(acc[2], acc[3]));
    const reg h1 = _mm256_hadd_ps(_mm256_hadd_ps(acc[4], acc[5]), _mm256_hadd_ps(acc[6], acc[7]));
    // h0: rows 0-3 in each 128-bit half (low and high halves of the k range)
    store(out, add(_mm256_permute2f128_ps(h0, h1, 0x20), _mm256_permute2f128_ps(h0, h1, 0x31)));
  }
  // elementwise
  static reg sqrt(reg x) { return _mm256_sqrt_ps(x); }
  static reg floor(reg x) { return _mm256_round_ps(x, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC); }
  static reg ceil(reg x) { return _mm256_round_ps(x, _MM_FROUND_TO_POS_INF | _MM_FROUND_NO_EXC); }
};
// Masked lanes through vmaskmovps: the first n of 8 (n clamped to [0, 8]); loads read
// nothing outside the mask (zeros there), stores write nothing.
struct MaskedAvx2 {
  static __m256i first(int64_t n) {
    const int lanes = int(n < 0 ? 0 : n > 8 ? 8 : n);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(lanes), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
  static __m256 load(__m256i m, const float* p) { return _mm256_maskload_ps(p, m); }
  static void store(__m256i m, float* p, __m256 v) { _mm256_maskstore_ps(p, m, v); }
};
}  // namespace
}  // namespace tsjit
