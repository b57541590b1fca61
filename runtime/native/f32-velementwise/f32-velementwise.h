// Float32 elementwise kernels along one contiguous row over a vector-traits type V,
// instantiated in each ISA's file (the strided walk around them: ../strided.h). Tails
// shorter than a vector, ops without a vector form and the generic ISA use the JS
// reference's formulas, in double with libm.
#pragma once
#include <algorithm>
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

// e^r for xc = n ln2 + r, |r| <= ln2/2 (Cephes' expf reduction and degree-6
// polynomial): what vexp and vexp_nonpositive scale by 2^n.
template <class V>
inline typename V::reg vexp_reduced(typename V::reg xc, typename V::reg n) {
  using R = typename V::reg;
  R r = V::fmadd(n, V::set1(-0.693359375f), xc);
  r = V::fmadd(n, V::set1(2.12194440e-4f), r);
  R p = V::set1(1.9875691500e-4f);
  p = V::fmadd(p, r, V::set1(1.3981999507e-3f));
  p = V::fmadd(p, r, V::set1(8.3334519073e-3f));
  p = V::fmadd(p, r, V::set1(4.1665795894e-2f));
  p = V::fmadd(p, r, V::set1(1.6666665459e-1f));
  p = V::fmadd(p, r, V::set1(5.0000001201e-1f));
  return V::fmadd(p, V::mul(r, r), V::add(r, V::set1(1.0f)));
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
  const R p = vexp_reduced<V>(xc, n);
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

// e^x for x <= 0 or NaN-free arguments below it (gelu's -z^2): vexp without the
// overflow side, so 2^n is built directly (n >= -125 stays a normal float).
template <class V>
inline typename V::reg vexp_nonpositive(typename V::reg x) {
  using R = typename V::reg;
  const R lo = V::set1(-86.6f);
  const R xc = V::max(x, lo);
  const R n = V::round(V::mul(xc, V::set1(1.44269504088896341f)));
  return V::select_lt(x, lo, V::zero(), V::mul(vexp_reduced<V>(xc, n), V::exp2i(n)));
}

// gelu, erf form: 0.5 x (1 + erf(x / sqrt 2)), with 1 + erf(z) = erfc(-z) and erfc(|z|) =
// t p(t) e^(-z^2), t = 1 / (1 + 0.3275911 |z|): Abramowitz & Stegun 7.1.26, absolute error
// under 1.5e-7 (the formula of PyTorch's vectorized erf). Taken as erfc, the negative
// side does not cancel in 1 + erf. A third fewer operations than Numerical Recipes'
// erfcc (fractional error 1.2e-7; 64 x 1024 floats on one core: 47 -> 27 us).
template <class V>
inline typename V::reg vgelu(typename V::reg x) {
  using R = typename V::reg;
  const R z = V::mul(x, V::set1(0.70710678118654752f));
  const R az = V::abs(z);
  const R t = V::div(V::set1(1.0f), V::fmadd(V::set1(0.3275911f), az, V::set1(1.0f)));
  R p = V::set1(1.061405429f);
  p = V::fmadd(p, t, V::set1(-1.453152027f));
  p = V::fmadd(p, t, V::set1(1.421413741f));
  p = V::fmadd(p, t, V::set1(-0.284496736f));
  p = V::fmadd(p, t, V::set1(0.254829592f));
  const R erfc = V::mul(V::mul(p, t), vexp_nonpositive<V>(V::mul(V::sub(V::zero(), az), az)));
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
inline typename V::reg vsilu(typename V::reg x) {
  return V::div(x, V::add(V::set1(1.0f), vexp<V>(V::sub(V::zero(), x))));
}

// The JS reference's formulas one element at a time, in double with libm: the tails
// past the last full vector, the ops without a vector form, and the generic ISA.
inline void binary_ref(int op, size_t i, size_t n, const float* a, size_t as, const float* b, size_t bs, float* out,
                       double alpha) {
  switch (op) {
    case kAdd:
      for (; i < n; i++) out[i] = float(double(a[i * as]) + alpha * double(b[i * bs]));
      return;
    case kSub:
      for (; i < n; i++) out[i] = float(double(a[i * as]) - alpha * double(b[i * bs]));
      return;
    case kMul:
      for (; i < n; i++) out[i] = a[i * as] * b[i * bs];
      return;
    case kDiv:
      for (; i < n; i++) out[i] = a[i * as] / b[i * bs];
      return;
    case kMaximum:
      for (; i < n; i++) {
        const float x = a[i * as], y = b[i * bs];
        out[i] = std::isnan(x) || std::isnan(y) ? x + y : (x > y || (x == y && y == 0.0f && !std::signbit(x)) ? x : y);
      }
      return;
    case kMinimum:
      for (; i < n; i++) {
        const float x = a[i * as], y = b[i * bs];
        out[i] = std::isnan(x) || std::isnan(y) ? x + y : (x < y || (x == y && std::signbit(x)) ? x : y);
      }
      return;
    case kPow:  // C's pow, as PyTorch (and the JS reference's powC)
      for (; i < n; i++) out[i] = float(std::pow(double(a[i * as]), double(b[i * bs])));
      return;
  }
}

inline void unary_ref(int op, size_t i, size_t n, const float* x, float* out, const double* params) {
  const double p0 = params[0], p1 = params[1];
#define TSJIT_UNARY_REF(CODE, EXPR)       \
  case CODE:                              \
    for (; i < n; i++) {                  \
      const double v = x[i];              \
      out[i] = float(EXPR);               \
    }                                     \
    return;
  switch (op) {
    TSJIT_UNARY_REF(kRelu, v > 0.0 || std::isnan(v) ? v : 0.0)
    TSJIT_UNARY_REF(kTanh, std::tanh(v))
    TSJIT_UNARY_REF(kExp, std::exp(v))
    TSJIT_UNARY_REF(kSigmoid, 1.0 / (1.0 + std::exp(-v)))
    TSJIT_UNARY_REF(kGelu, gelu_ref(float(v)))
    TSJIT_UNARY_REF(kGeluTanh, gelu_tanh_ref(float(v)))
    TSJIT_UNARY_REF(kAbs, std::fabs(v))
    TSJIT_UNARY_REF(kNeg, -v)
    TSJIT_UNARY_REF(kLog, std::log(v))
    TSJIT_UNARY_REF(kSqrt, std::sqrt(v))
    TSJIT_UNARY_REF(kRsqrt, 1.0 / std::sqrt(v))
    TSJIT_UNARY_REF(kSin, std::sin(v))
    TSJIT_UNARY_REF(kCos, std::cos(v))
    TSJIT_UNARY_REF(kErf, std::erf(v))
    TSJIT_UNARY_REF(kFloor, std::floor(v))
    TSJIT_UNARY_REF(kCeil, std::ceil(v))
    TSJIT_UNARY_REF(kRound, std::nearbyint(v))  // the default rounding mode: half to even
    TSJIT_UNARY_REF(kSign, double(v > 0.0) - double(v < 0.0))
    TSJIT_UNARY_REF(kReciprocal, 1.0 / v)
    TSJIT_UNARY_REF(kLog1p, std::log1p(v))
    TSJIT_UNARY_REF(kExpm1, std::expm1(v))
    TSJIT_UNARY_REF(kSquare, v * v)
    TSJIT_UNARY_REF(kSilu, v / (1.0 + std::exp(-v)))
    TSJIT_UNARY_REF(kSoftplus, v * p0 > p1 ? v : std::log1p(std::exp(v * p0)) / p0)
    TSJIT_UNARY_REF(kElu, v > 0.0 ? v : p0 * std::expm1(v))
    TSJIT_UNARY_REF(kLeakyRelu, v > 0.0 ? v : v * p0)
    TSJIT_UNARY_REF(kClamp, std::isnan(v) ? v : std::min(std::max(v, p0), p1))
  }
#undef TSJIT_UNARY_REF
}

// The vector part of a binary op: returns how many leading elements it wrote (a
// multiple of W; 0 for pow, which has no vector form). AV/BV: a/b step 1, else a scalar.
template <class V, bool AV, bool BV>
inline size_t vbinary_vectors(int op, size_t n, const float* a, const float* b, float* out, double alpha) {
  using R = typename V::reg;
  constexpr size_t W = V::W;
  const R a0 = V::set1(a[0]), b0 = V::set1(b[0]);
  const auto la = [&](size_t i) { if constexpr (AV) return V::load(a + i); else return a0; };
  const auto lb = [&](size_t i) { if constexpr (BV) return V::load(b + i); else return b0; };
  size_t i = 0;
  switch (op) {
    case kAdd:
    case kSub: {
      const double s = op == kAdd ? alpha : -alpha;
      if (s == 1.0) {
        for (; i + W <= n; i += W) V::store(out + i, V::add(la(i), lb(i)));
      } else if (s == -1.0) {
        for (; i + W <= n; i += W) V::store(out + i, V::sub(la(i), lb(i)));
      } else {
        // One rounding, as the JS reference's double a + alpha * b rounded once.
        const R vs = V::set1(float(s));
        for (; i + W <= n; i += W) V::store(out + i, V::fmadd(vs, lb(i), la(i)));
      }
      return i;
    }
    case kMul:
      for (; i + W <= n; i += W) V::store(out + i, V::mul(la(i), lb(i)));
      return i;
    case kDiv:
      for (; i + W <= n; i += W) V::store(out + i, V::div(la(i), lb(i)));
      return i;
    // vmaxps/vminps return their second operand when either is NaN or both are zeros.
    // Both operand orders, combined bitwise, give max(-0, +0) = +0 and min(-0, +0) = -0
    // either way round (and any other pair unchanged); keep_nan then lets either NaN through.
    case kMaximum:
      for (; i + W <= n; i += W) {
        const R x = la(i), y = lb(i);
        V::store(out + i, V::keep_nan(x, V::keep_nan(y, V::bit_and(V::max(x, y), V::max(y, x)))));
      }
      return i;
    case kMinimum:
      for (; i + W <= n; i += W) {
        const R x = la(i), y = lb(i);
        V::store(out + i, V::keep_nan(x, V::keep_nan(y, V::bit_or(V::min(x, y), V::min(y, x)))));
      }
      return i;
  }
  return 0;
}

template <class V>
inline void vbinary(int op, size_t n, const float* a, size_t as, const float* b, size_t bs, float* out, double alpha) {
  size_t i = 0;
  if constexpr (V::W > 1) {
    if (as == 1 && bs == 1) i = vbinary_vectors<V, true, true>(op, n, a, b, out, alpha);
    else if (as == 1) i = vbinary_vectors<V, true, false>(op, n, a, b, out, alpha);
    else i = vbinary_vectors<V, false, true>(op, n, a, b, out, alpha);
  }
  binary_ref(op, i, n, a, as, b, bs, out, alpha);
}

// The vector part of a unary op: how many leading elements it wrote (0 when the op
// has no vector form accurate to the reference: log, sin, cos, erf, log1p, expm1,
// softplus, elu run libm per element).
template <class V>
inline size_t vunary_vectors(int op, size_t n, const float* x, float* out, const double* params) {
  using R = typename V::reg;
  constexpr size_t W = V::W;
  size_t i = 0;
  const auto each = [&](auto f) {
    for (; i + W <= n; i += W) V::store(out + i, f(V::load(x + i)));
    return i;
  };
  const R zero = V::zero(), one = V::set1(1.0f);
  switch (op) {
    case kRelu: return each([](R v) { return V::relu(v); });
    case kTanh: return each([](R v) { return vtanh<V>(v); });
    case kExp: return each([](R v) { return vexp<V>(v); });
    case kSigmoid: return each([](R v) { return vsigmoid<V>(v); });
    case kGelu: return each([](R v) { return vgelu<V>(v); });
    case kGeluTanh: return each([](R v) { return vgelu_tanh<V>(v); });
    case kSilu: return each([](R v) { return vsilu<V>(v); });
    case kAbs: return each([](R v) { return V::abs(v); });
    case kNeg: return each([&](R v) { return V::mul(v, V::set1(-1.0f)); });
    case kSqrt: return each([](R v) { return V::sqrt(v); });
    case kRsqrt: return each([&](R v) { return V::div(one, V::sqrt(v)); });
    case kReciprocal: return each([&](R v) { return V::div(one, v); });
    case kSquare: return each([](R v) { return V::mul(v, v); });
    case kFloor: return each([](R v) { return V::floor(v); });
    case kCeil: return each([](R v) { return V::ceil(v); });
    case kRound: return each([](R v) { return V::round(v); });
    case kSign: return each([&](R v) { return V::select_gt(v, zero, one, V::select_lt(v, zero, V::set1(-1.0f), zero)); });
    case kLeakyRelu: {
      const R slope = V::set1(float(params[0]));
      return each([&](R v) { return V::select_gt(v, zero, v, V::mul(v, slope)); });
    }
    case kClamp: {
      // max(lo, NaN) and min(hi, NaN) return the NaN (the second operand).
      const R lo = V::set1(float(params[0])), hi = V::set1(float(params[1]));
      return each([&](R v) { return V::min(hi, V::max(lo, v)); });
    }
  }
  return 0;
}

template <class V>
inline void vunary(int op, size_t n, const float* x, float* out, const double* params) {
  size_t i = 0;
  if constexpr (V::W > 1) i = vunary_vectors<V>(op, n, x, out, params);
  unary_ref(op, i, n, x, out, params);
}

}  // namespace
}  // namespace tsjit
