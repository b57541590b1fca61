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
  static dacc dset1(double v) { return {_mm256_set1_pd(v), _mm256_set1_pd(v)}; }
  static dacc dload(const double* p) { return {_mm256_loadu_pd(p), _mm256_loadu_pd(p + 4)}; }
  static void dstore(double* p, const dacc& a) {
    _mm256_storeu_pd(p, a.lo);
    _mm256_storeu_pd(p + 4, a.hi);
  }
  static void dsqdev(dacc& a, reg v, const dacc& m) {
    const __m256d d0 = _mm256_sub_pd(lo(v), m.lo), d1 = _mm256_sub_pd(hi(v), m.hi);
    a.lo = _mm256_fmadd_pd(d0, d0, a.lo);
    a.hi = _mm256_fmadd_pd(d1, d1, a.hi);
  }
  static double dtotal(const dacc& a) {
    alignas(32) double l[4];
    _mm256_store_pd(l, _mm256_add_pd(a.lo, a.hi));
    return (l[0] + l[1]) + (l[2] + l[3]);
  }
  static reg exp(reg v) { return vexp<VecAvx2>(v); }
};
}  // namespace

const ReduceUkernels tsjit_f32_reduce_ukernels__avx2_fma = reduce_ukernels<RedAvx2>();
}  // namespace tsjit
