// Row-wise float32 kernels over a vector-traits type V (instantiated in each SIMD
// ISA's file): softmax / log_softmax and layer_norm over contiguous rows. Tails shorter than a
// vector use the JS reference's formulas in double.
#pragma once
#include <cmath>
#include <cstddef>
#include "../kernels.h"
#include "../f32-velementwise/f32-velementwise.h"

namespace tsjit {
namespace {

// One row of n floats: y = softmax(x) (or log_softmax), stabilized by the row's max.
// A NaN anywhere makes the row NaN (through the sum), as the JS reference.
template <class V>
inline void softmax_row(size_t n, const float* x, float* y, bool log) {
  using R = typename V::reg;
  constexpr size_t W = V::W;
  size_t i = 0;
  float mx = -INFINITY;
  if (n >= W) {
    R m = V::load(x);
    for (i = W; i + W <= n; i += W) m = V::max(m, V::load(x + i));
    alignas(64) float lanes[W];
    V::store(lanes, m);
    for (size_t k = 0; k < W; k++) {
      if (lanes[k] > mx || lanes[k] != lanes[k]) mx = lanes[k];
    }
  }
  for (; i < n; i++) {
    if (x[i] > mx || x[i] != x[i]) mx = x[i];
  }
  const R vm = V::set1(mx);
  // x - max is <= 0, or NaN (a NaN in the row, or inf - inf), which stays NaN.
  const auto exp_shifted = [&](R v) {
    const R d = V::sub(v, vm);
    return V::keep_nan(d, vexp_nonpositive<V>(d));
  };
  R s0 = V::zero(), s1 = V::zero();
  i = 0;
  if (log) {
    for (; i + 2 * W <= n; i += 2 * W) {
      s0 = V::add(s0, exp_shifted(V::load(x + i)));
      s1 = V::add(s1, exp_shifted(V::load(x + i + W)));
    }
    for (; i + W <= n; i += W) s0 = V::add(s0, exp_shifted(V::load(x + i)));
  } else {
    // Park the exponentials in y, then scale.
    for (; i + 2 * W <= n; i += 2 * W) {
      const R e0 = exp_shifted(V::load(x + i));
      const R e1 = exp_shifted(V::load(x + i + W));
      V::store(y + i, e0);
      V::store(y + i + W, e1);
      s0 = V::add(s0, e0);
      s1 = V::add(s1, e1);
    }
    for (; i + W <= n; i += W) {
      const R e = exp_shifted(V::load(x + i));
      V::store(y + i, e);
      s0 = V::add(s0, e);
    }
  }
  double total = double(V::hsum(V::add(s0, s1)));
  const size_t tail = i;
  for (; i < n; i++) {
    const double e = std::exp(double(x[i]) - double(mx));
    if (!log) y[i] = float(e);
    total += e;
  }
  i = 0;
  if (log) {
    const double lt = std::log(total);
    const R vlt = V::set1(float(lt));
    for (; i + W <= tail; i += W) V::store(y + i, V::sub(V::sub(V::load(x + i), vm), vlt));
    for (; i < n; i++) y[i] = float(double(x[i]) - double(mx) - lt);
  } else {
    const double scale = 1.0 / total;
    const R vs = V::set1(float(scale));
    for (; i + W <= tail; i += W) V::store(y + i, V::mul(V::load(y + i), vs));
    for (; i < n; i++) y[i] = float(double(y[i]) * scale);
  }
}

template <class V>
inline void softmax_rows(size_t rows, size_t cols, const float* x, float* y, bool log) {
  for (size_t r = 0; r < rows; r++) softmax_row<V>(cols, x + r * cols, y + r * cols, log);
}

// Kahan-compensated lane sums: s + c carries about twice float's precision.
template <class V>
struct KahanSum {
  typename V::reg s = V::zero(), c = V::zero();
  void add(typename V::reg v) {
    const typename V::reg y = V::sub(v, c);
    const typename V::reg t = V::add(s, y);
    c = V::sub(V::sub(t, s), y);
    s = t;
  }
  double total() const {
    alignas(64) float ls[V::W], lc[V::W];
    V::store(ls, s);
    V::store(lc, c);
    double out = 0.0;
    for (int k = 0; k < V::W; k++) out += double(ls[k]) - double(lc[k]);
    return out;
  }
};

// The JS reference's layer_norm of one row, in double: the portable kernel, and the
// vector kernels' fallback when float sums overflow (|x| beyond about 1e19).
inline void layernorm_row_double(size_t n, const float* x, const float* w, const float* b, float eps, float* y) {
  double sum = 0.0;
  for (size_t i = 0; i < n; i++) sum += double(x[i]);
  const double mean = sum / double(n);
  double m2 = 0.0;
  for (size_t i = 0; i < n; i++) {
    const double d = double(x[i]) - mean;
    m2 += d * d;
  }
  const double rstd = 1.0 / std::sqrt(m2 / double(n) + double(eps));
  for (size_t i = 0; i < n; i++) {
    y[i] = float((double(x[i]) - mean) * rstd * (w != nullptr ? double(w[i]) : 1.0) + (b != nullptr ? double(b[i]) : 0.0));
  }
}

// ROWS rows of n floats (row r at x + r*n, y + r*n): y = (x - mean) * rstd * w + b (w, b
// may be null: 1, 0), with the biased variance. The mean is kept as a float pair (hi +
// lo), so x - mean stays accurate when the mean is large next to the spread; sums are
// compensated. Each compensated add waits on the one before (four dependent adds), so
// the rows' sums advance together, one chain per row in flight: each row's floats are
// the ones it would get alone (64 rows of 256 on one core: 13.9 -> 6.8 us).
template <class V, int ROWS>
inline void layernorm_row_block(size_t n, const float* x, const float* w, const float* b, float eps, float* y) {
  using R = typename V::reg;
  constexpr size_t W = V::W;
  const size_t body = n / W * W;
  KahanSum<V> sx[ROWS];
  for (size_t i = 0; i < body; i += W) {
#pragma GCC unroll 4
    for (int r = 0; r < ROWS; r++) sx[r].add(V::load(x + r * n + i));
  }
  double mean[ROWS];
  R vhi[ROWS], vlo[ROWS];
  for (int r = 0; r < ROWS; r++) {
    double sum = sx[r].total();
    for (size_t j = body; j < n; j++) sum += double(x[r * n + j]);
    mean[r] = sum / double(n);
    const float mhi = float(mean[r]);
    vhi[r] = V::set1(mhi);
    vlo[r] = V::set1(float(mean[r] - double(mhi)));
  }
  KahanSum<V> sd[ROWS], sd2[ROWS];
  for (size_t i = 0; i < body; i += W) {
#pragma GCC unroll 4
    for (int r = 0; r < ROWS; r++) {
      const R d = V::sub(V::sub(V::load(x + r * n + i), vhi[r]), vlo[r]);
      sd[r].add(d);
      sd2[r].add(V::mul(d, d));
    }
  }
  for (int r = 0; r < ROWS; r++) {
    const float* xr = x + r * n;
    float* yr = y + r * n;
    double dsum = sd[r].total(), d2sum = sd2[r].total();
    for (size_t j = body; j < n; j++) {
      const double d = double(xr[j]) - mean[r];
      dsum += d;
      d2sum += d * d;
    }
    if (!std::isfinite(d2sum)) {
      layernorm_row_double(n, xr, w, b, eps, yr);  // an inf or NaN in the row, or a float overflow
      continue;
    }
    double var = (d2sum - dsum * dsum / double(n)) / double(n);
    if (var < 0.0) var = 0.0;
    const double rstd = 1.0 / std::sqrt(var + double(eps));
    const R vr = V::set1(float(rstd));
    size_t i = 0;
    for (; i < body; i += W) {
      R t = V::mul(V::sub(V::sub(V::load(xr + i), vhi[r]), vlo[r]), vr);
      if (w != nullptr) t = V::mul(t, V::load(w + i));
      if (b != nullptr) t = V::add(t, V::load(b + i));
      V::store(yr + i, t);
    }
    for (; i < n; i++) {
      yr[i] = float((double(xr[i]) - mean[r]) * rstd * (w != nullptr ? double(w[i]) : 1.0) + (b != nullptr ? double(b[i]) : 0.0));
    }
  }
}

template <class V>
inline void layernorm_rows(size_t rows, size_t cols, const float* x, const float* w, const float* b, float eps, float* y) {
  constexpr size_t kBlock = 4;
  size_t r = 0;
  for (; r + kBlock <= rows; r += kBlock) layernorm_row_block<V, kBlock>(cols, x + r * cols, w, b, eps, y + r * cols);
  for (; r < rows; r++) layernorm_row_block<V, 1>(cols, x + r * cols, w, b, eps, y + r * cols);
}

}  // namespace
}  // namespace tsjit
