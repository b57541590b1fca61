// AVX2+FMA reduction building blocks: 8 float lanes, widened to two 4-double halves.
#pragma GCC target("avx2,fma")
#include "../vec-avx2.h"
#include "../f32-velementwise/f32-velementwise.h"
#include "f32-reduce.h"

namespace tsjit {
namespace {
struct RedAvx2 : VecAvx2 {
  struct dacc {
    __m256d lo, hi;
  };
  static __m256d lo(reg v) { return _mm256_cvtps_pd(_mm256_castps256_ps128(v)); }
  static __m256d hi(reg v) { return _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)); }
  static dacc dzero() { return {_mm256_setzero_pd(), _mm256_setzero_pd()}; }
  static void dadd(dacc& a, reg v) {
    a.lo = _mm256_add_pd(a.lo, lo(v));
    a.hi = _mm256_add_pd(a.hi, hi(v));
  }
  static void dsqdev(dacc& a, reg v, double mean) {
    const __m256d m = _mm256_set1_pd(mean);
    const __m256d d0 = _mm256_sub_pd(lo(v), m), d1 = _mm256_sub_pd(hi(v), m);
    a.lo = _mm256_fmadd_pd(d0, d0, a.lo);
    a.hi = _mm256_fmadd_pd(d1, d1, a.hi);
  }
  static double dtotal(const dacc& a) {
    alignas(32) double l[4];
    _mm256_store_pd(l, _mm256_add_pd(a.lo, a.hi));
    return (l[0] + l[1]) + (l[2] + l[3]);
  }
  static void add_to(double* acc, reg v) {
    _mm256_storeu_pd(acc, _mm256_add_pd(_mm256_loadu_pd(acc), lo(v)));
    _mm256_storeu_pd(acc + 4, _mm256_add_pd(_mm256_loadu_pd(acc + 4), hi(v)));
  }
  static void sqdev_to(double* acc, reg v, const double* mean) {
    const __m256d d0 = _mm256_sub_pd(lo(v), _mm256_loadu_pd(mean));
    const __m256d d1 = _mm256_sub_pd(hi(v), _mm256_loadu_pd(mean + 4));
    _mm256_storeu_pd(acc, _mm256_fmadd_pd(d0, d0, _mm256_loadu_pd(acc)));
    _mm256_storeu_pd(acc + 4, _mm256_fmadd_pd(d1, d1, _mm256_loadu_pd(acc + 4)));
  }
  static reg exp(reg v) { return vexp<VecAvx2>(v); }
};
}  // namespace

const ReduceUkernels tsjit_f32_reduce_ukernels__avx2_fma = reduce_ukernels<RedAvx2>();
}  // namespace tsjit
