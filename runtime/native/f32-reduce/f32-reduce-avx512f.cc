// AVX-512F reduction building blocks: 16 float lanes, widened to two 8-double halves.
#pragma GCC target("avx512f,avx2,fma")
#include "../vec-avx512f.h"
#include "../f32-velementwise/f32-velementwise.h"
#include "f32-reduce.h"

namespace tsjit {
namespace {
struct RedAvx512 : VecAvx512 {
  struct dacc {
    __m512d lo, hi;
  };
  static __m512d lo(reg v) { return _mm512_cvtps_pd(_mm512_castps512_ps256(v)); }
  static __m512d hi(reg v) {
    return _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
  }
  static dacc dzero() { return {_mm512_setzero_pd(), _mm512_setzero_pd()}; }
  static void dadd(dacc& a, reg v) {
    a.lo = _mm512_add_pd(a.lo, lo(v));
    a.hi = _mm512_add_pd(a.hi, hi(v));
  }
  static void dsqdev(dacc& a, reg v, double mean) {
    const __m512d m = _mm512_set1_pd(mean);
    const __m512d d0 = _mm512_sub_pd(lo(v), m), d1 = _mm512_sub_pd(hi(v), m);
    a.lo = _mm512_fmadd_pd(d0, d0, a.lo);
    a.hi = _mm512_fmadd_pd(d1, d1, a.hi);
  }
  static double dtotal(const dacc& a) { return _mm512_reduce_add_pd(_mm512_add_pd(a.lo, a.hi)); }
  static void add_to(double* acc, reg v) {
    _mm512_storeu_pd(acc, _mm512_add_pd(_mm512_loadu_pd(acc), lo(v)));
    _mm512_storeu_pd(acc + 8, _mm512_add_pd(_mm512_loadu_pd(acc + 8), hi(v)));
  }
  static void sqdev_to(double* acc, reg v, const double* mean) {
    const __m512d d0 = _mm512_sub_pd(lo(v), _mm512_loadu_pd(mean));
    const __m512d d1 = _mm512_sub_pd(hi(v), _mm512_loadu_pd(mean + 8));
    _mm512_storeu_pd(acc, _mm512_fmadd_pd(d0, d0, _mm512_loadu_pd(acc)));
    _mm512_storeu_pd(acc + 8, _mm512_fmadd_pd(d1, d1, _mm512_loadu_pd(acc + 8)));
  }
  static reg exp(reg v) { return vexp<VecAvx512>(v); }
};
}  // namespace

const ReduceUkernels tsjit_f32_reduce_ukernels__avx512f = reduce_ukernels<RedAvx512>();
}  // namespace tsjit
