// Contiguous float32 elementwise kernels over a vector-traits type V, instantiated in
// each ISA's file. Tails shorter than a vector use the same formulas one lane wide
// (a scalar copy of the traits would do; here: libm in double, as the JS reference).
#pragma once
#include <cmath>
#include <cstddef>
#include "../kernels.h"

namespace tsjit {
namespace {

// The JS reference's gelu formulas, in double (tails and the portable kernel).
inline float gelu_ref(float x) { return float(0.5 * double(x) * (1.0 + std::erf(double(x) * 0.7071067811865476))); }
inline float gelu_tanh_ref(float x) {
  const double v = x;
  return float(0.5 * v * (1.0 + std::tanh(0.7978845608028654 * (v + 0.044715 * v * v * v))));
}

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

// gelu, erf form: 0.5 x (1 + erf(x / sqrt 2)), with 1 + erf(z) = erfc(-z) taken from
// Numerical Recipes' erfcc (Chebyshev fit, fractional error under 1.2e-7), so the
// negative side keeps its relative accuracy instead of cancelling in 1 + erf.
template <class V>
inline typename V::reg vgelu(typename V::reg x) {
  using R = typename V::reg;
  const R z = V::mul(x, V::set1(0.70710678118654752f));
  const R az = V::abs(z);
  const R t = V::div(V::set1(1.0f), V::fmadd(V::set1(0.5f), az, V::set1(1.0f)));
  R p = V::set1(0.17087277f);
  p = V::fmadd(p, t, V::set1(-0.82215223f));
  p = V::fmadd(p, t, V::set1(1.48851587f));
  p = V::fmadd(p, t, V::set1(-1.13520398f));
  p = V::fmadd(p, t, V::set1(0.27886807f));
  p = V::fmadd(p, t, V::set1(-0.18628806f));
  p = V::fmadd(p, t, V::set1(0.09678418f));
  p = V::fmadd(p, t, V::set1(0.37409196f));
  p = V::fmadd(p, t, V::set1(1.00002368f));
  p = V::fmadd(p, t, V::set1(-1.26551223f));
  // erfc(|z|) = t exp(-z^2 + p(t))
  const R erfc = V::mul(t, vexp<V>(V::sub(p, V::mul(az, az))));
  const R one_plus_erf = V::select_lt(z, V::zero(), erfc, V::sub(V::set1(2.0f), erfc));
  return V::keep_nan(x, V::mul(V::mul(V::set1(0.5f), x), one_plus_erf));
}

// gelu, tanh form: 0.5 x (1 + tanh u) = x / (1 + e^(-2u)), u = sqrt(2/pi) (x + 0.044715 x^3);
// the sigmoid form has no cancellation for negative x.
template <class V>
inline typename V::reg vgelu_tanh(typename V::reg x) {
  using R = typename V::reg;
  const R x3 = V::mul(V::mul(x, x), x);
  const R u2 = V::mul(V::fmadd(V::set1(0.044715f), x3, x), V::set1(-1.5957691216057308f));  // -2u
  return V::keep_nan(x, V::div(x, V::add(V::set1(1.0f), vexp<V>(u2))));
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
    case kGelu:
      for (; i + W <= n; i += W) V::store(out + i, vgelu<V>(V::load(x + i)));
      for (; i < n; i++) out[i] = gelu_ref(x[i]);
      return;
    case kGeluTanh:
      for (; i + W <= n; i += W) V::store(out + i, vgelu_tanh<V>(V::load(x + i)));
      for (; i < n; i++) out[i] = gelu_tanh_ref(x[i]);
      return;
  }
}

}  // namespace
}  // namespace tsjit
