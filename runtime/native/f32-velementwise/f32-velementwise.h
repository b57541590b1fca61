// Contiguous float32 elementwise kernels over a vector-traits type V, instantiated in
// each ISA's file. Tails shorter than a vector use the same formulas one lane wide
// (a scalar copy of the traits would do; here: libm in double, as the JS reference).
#pragma once
#include <cmath>
#include <cstddef>
#include "../kernels.h"

namespace tsjit {
namespace {

// exp after Cephes' expf: x = n ln2 + r with |r| <= ln2/2, a degree-6 polynomial for
// e^r, and 2^n built in the exponent bits. Relative error about 2 ulp.
template <class V>
inline typename V::reg vexp(typename V::reg x) {
  using R = typename V::reg;
  // Above hi (ln FLT_MAX) e^x overflows; below lo it is under 2^-125 and flushes to
  // 0 (the polynomial's 2^(n-1) must stay a normal float).
  const R hi = V::set1(88.72283935546875f);
  const R lo = V::set1(-86.6f);
  const R xc = V::min(V::max(x, lo), hi);
  const R n = V::round(V::mul(xc, V::set1(1.44269504088896341f)));
  R r = V::fmadd(n, V::set1(-0.693359375f), xc);
  r = V::fmadd(n, V::set1(2.12194440e-4f), r);
  R p = V::set1(1.9875691500e-4f);
  p = V::fmadd(p, r, V::set1(1.3981999507e-3f));
  p = V::fmadd(p, r, V::set1(8.3334519073e-3f));
  p = V::fmadd(p, r, V::set1(4.1665795894e-2f));
  p = V::fmadd(p, r, V::set1(1.6666665459e-1f));
  p = V::fmadd(p, r, V::set1(5.0000001201e-1f));
  p = V::fmadd(p, V::mul(r, r), V::add(r, V::set1(1.0f)));
  // n is in [-125, 128]; 2^n = 2 * 2^(n-1) keeps the exponent field in range.
  R y = V::mul(V::mul(p, V::exp2i(V::sub(n, V::set1(1.0f)))), V::set1(2.0f));
  y = V::select_gt(x, hi, V::set1(INFINITY), y);
  y = V::select_lt(x, lo, V::zero(), y);
  return V::keep_nan(x, y);
}

// tanh after Cephes' tanhf: an odd polynomial below 0.625, 1 - 2 / (e^2|x| + 1) above.
template <class V>
inline typename V::reg vtanh(typename V::reg x) {
  using R = typename V::reg;
  const R ax = V::abs(x);
  const R z = V::mul(x, x);
  R p = V::set1(-5.70498872745e-3f);
  p = V::fmadd(p, z, V::set1(2.06390887954e-2f));
  p = V::fmadd(p, z, V::set1(-5.37397155531e-2f));
  p = V::fmadd(p, z, V::set1(1.33314422036e-1f));
  p = V::fmadd(p, z, V::set1(-3.33332819422e-1f));
  const R small = V::fmadd(V::mul(p, z), x, x);
  // e^20 makes 2 / (e + 1) vanish in float32; the clamp keeps inf / inf out.
  const R e = vexp<V>(V::min(V::add(ax, ax), V::set1(20.0f)));
  const R large = V::copysign(V::sub(V::set1(1.0f), V::div(V::set1(2.0f), V::add(e, V::set1(1.0f)))), x);
  return V::keep_nan(x, V::select_lt(ax, V::set1(0.625f), small, large));
}

template <class V>
inline typename V::reg vsigmoid(typename V::reg x) {
  const typename V::reg one = V::set1(1.0f);
  return V::div(one, V::add(one, vexp<V>(V::sub(V::zero(), x))));
}

template <class V>
inline void vbinary(int op, size_t n, const float* a, const float* b, float* out, float alpha) {
  constexpr size_t W = V::W;
  size_t i = 0;
  switch (op) {
    case kAdd:
    case kSub: {
      const float s = op == kAdd ? alpha : -alpha;
      if (s == 1.0f) {
        for (; i + W <= n; i += W) V::store(out + i, V::add(V::load(a + i), V::load(b + i)));
      } else if (s == -1.0f) {
        for (; i + W <= n; i += W) V::store(out + i, V::sub(V::load(a + i), V::load(b + i)));
      } else if (W > 1) {
        // One rounding, as the JS reference's double a + alpha * b rounded once
        // (the one-lane build has no FMA and takes the double tail loop instead).
        const typename V::reg vs = V::set1(s);
        for (; i + W <= n; i += W) V::store(out + i, V::fmadd(vs, V::load(b + i), V::load(a + i)));
      }
      for (; i < n; i++) out[i] = float(double(a[i]) + double(s) * double(b[i]));
      return;
    }
    case kMul:
      for (; i + W <= n; i += W) V::store(out + i, V::mul(V::load(a + i), V::load(b + i)));
      for (; i < n; i++) out[i] = a[i] * b[i];
      return;
    case kDiv:
      for (; i + W <= n; i += W) V::store(out + i, V::div(V::load(a + i), V::load(b + i)));
      for (; i < n; i++) out[i] = a[i] / b[i];
      return;
  }
}

template <class V>
inline void vunary(int op, size_t n, const float* x, float* out) {
  constexpr size_t W = V::W;
  size_t i = 0;
  switch (op) {
    case kRelu:
      for (; i + W <= n; i += W) V::store(out + i, V::relu(V::load(x + i)));
      for (; i < n; i++) out[i] = x[i] > 0.0f || std::isnan(x[i]) ? x[i] : 0.0f;
      return;
    case kTanh:
      for (; i + W <= n; i += W) V::store(out + i, vtanh<V>(V::load(x + i)));
      for (; i < n; i++) out[i] = float(std::tanh(double(x[i])));
      return;
    case kExp:
      for (; i + W <= n; i += W) V::store(out + i, vexp<V>(V::load(x + i)));
      for (; i < n; i++) out[i] = float(std::exp(double(x[i])));
      return;
    case kSigmoid:
      for (; i + W <= n; i += W) V::store(out + i, vsigmoid<V>(V::load(x + i)));
      for (; i < n; i++) out[i] = float(1.0 / (1.0 + std::exp(-double(x[i]))));
      return;
  }
}

}  // namespace
}  // namespace tsjit
