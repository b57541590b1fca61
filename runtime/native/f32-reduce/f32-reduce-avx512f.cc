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
  static dacc dset1(double v) { return {_mm512_set1_pd(v), _mm512_set1_pd(v)}; }
  static dacc dload(const double* p) { return {_mm512_loadu_pd(p), _mm512_loadu_pd(p + 8)}; }
  static void dstore(double* p, const dacc& a) {
    _mm512_storeu_pd(p, a.lo);
    _mm512_storeu_pd(p + 8, a.hi);
  }
  static void dsqdev(dacc& a, reg v, const dacc& m) {
    const __m512d d0 = _mm512_sub_pd(lo(v), m.lo), d1 = _mm512_sub_pd(hi(v), m.hi);
    a.lo = _mm512_fmadd_pd(d0, d0, a.lo);
    a.hi = _mm512_fmadd_pd(d1, d1, a.hi);
  }
  static double dtotal(const dacc& a) { return _mm512_reduce_add_pd(_mm512_add_pd(a.lo, a.hi)); }
  static reg exp(reg v) { return vexp<VecAvx512>(v); }
};
}  // namespace

const ReduceUkernels tsjit_f32_reduce_ukernels__avx512f = reduce_ukernels<RedAvx512>();
}  // namespace tsjit
