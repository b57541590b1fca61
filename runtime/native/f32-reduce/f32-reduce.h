// The reduction building blocks (f32-reduce-ukernels.h) over reduction traits R,
// instantiated in each ISA's file. R extends the ISA's vector traits with:
//   dacc / dzero / dset1 / dload / dstore / dadd(acc, v) / dsqdev(acc, v, mean) /
//     dtotal(acc): a double accumulator of one float vector's lanes (W doubles), and
//     its sum;
//   keep_nan(a, b): a where a is NaN, else b; exp(v).
// Tails shorter than a vector use the JS reference's formulas in double.
#pragma once
#include <cmath>
#include <cstddef>
#include "f32-reduce-ukernels.h"

namespace tsjit {
namespace {

// NaN-sticky max/min of one float into another: the JS reference's `v > a || v !== v`.
inline float fold_max(float a, float v) { return v > a || v != v ? v : a; }
inline float fold_min(float a, float v) { return v < a || v != v ? v : a; }

template <class R>
double sum_row(size_t n, const float* x) {
  constexpr size_t W = R::W;
  typename R::dacc a0 = R::dzero(), a1 = R::dzero();
  size_t i = 0;
  for (; i + 2 * W <= n; i += 2 * W) {
    R::dadd(a0, R::load(x + i));
    R::dadd(a1, R::load(x + i + W));
  }
  for (; i + W <= n; i += W) R::dadd(a0, R::load(x + i));
  double total = R::dtotal(a0) + R::dtotal(a1);
  for (; i < n; i++) total += double(x[i]);
  return total;
}

template <class R>
double sqdev_row(size_t n, const float* x, double mean) {
  constexpr size_t W = R::W;
  typename R::dacc a0 = R::dzero(), a1 = R::dzero();
  const typename R::dacc m = R::dset1(mean);
  size_t i = 0;
  for (; i + 2 * W <= n; i += 2 * W) {
    R::dsqdev(a0, R::load(x + i), m);
    R::dsqdev(a1, R::load(x + i + W), m);
  }
  for (; i + W <= n; i += W) R::dsqdev(a0, R::load(x + i), m);
  double total = R::dtotal(a0) + R::dtotal(a1);
  for (; i < n; i++) {
    const double d = double(x[i]) - mean;
    total += d * d;
  }
  return total;
}

// vmaxps returns its second operand when either is NaN: keep_nan(m, max(m, v)) keeps
// a NaN already in m and takes a NaN in v.
template <class R, bool kMax>
inline typename R::reg fold_vec(typename R::reg m, typename R::reg v) {
  return R::keep_nan(m, kMax ? R::max(m, v) : R::min(m, v));
}

template <class R, bool kMax>
float extreme_row(size_t n, const float* x) {
  constexpr size_t W = R::W;
  float best = kMax ? -INFINITY : INFINITY;
  size_t i = 0;
  if (n >= W) {
    // Two independent chains: the max/blend latency, not the loads, bounds one chain.
    typename R::reg m0 = R::load(x), m1 = m0;
    for (i = W; i + 2 * W <= n; i += 2 * W) {
      m0 = fold_vec<R, kMax>(m0, R::load(x + i));
      m1 = fold_vec<R, kMax>(m1, R::load(x + i + W));
    }
    for (; i + W <= n; i += W) m0 = fold_vec<R, kMax>(m0, R::load(x + i));
    alignas(64) float lanes[2 * W];
    R::store(lanes, m0);
    R::store(lanes + W, m1);
    for (size_t k = 0; k < 2 * W; k++) best = kMax ? fold_max(best, lanes[k]) : fold_min(best, lanes[k]);
  }
  for (; i < n; i++) best = kMax ? fold_max(best, x[i]) : fold_min(best, x[i]);
  return best;
}

template <class R>
double sumexp_row(size_t n, const float* x, float shift) {
  constexpr size_t W = R::W;
  const typename R::reg s = R::set1(shift);
  typename R::dacc a0 = R::dzero(), a1 = R::dzero();
  size_t i = 0;
  for (; i + 2 * W <= n; i += 2 * W) {
    R::dadd(a0, R::exp(R::sub(R::load(x + i), s)));
    R::dadd(a1, R::exp(R::sub(R::load(x + i + W), s)));
  }
  for (; i + W <= n; i += W) R::dadd(a0, R::exp(R::sub(R::load(x + i), s)));
  double total = R::dtotal(a0) + R::dtotal(a1);
  for (; i < n; i++) total += std::exp(double(x[i]) - double(shift));
  return total;
}

// Column kernels: per vector of columns, the accumulator stays in registers over all rows.
template <class R>
void sum_cols(size_t n, size_t rows, const float* x, ptrdiff_t stride, double* acc) {
  size_t j = 0;
  for (; j + R::W <= n; j += R::W) {
    typename R::dacc a = R::dload(acc + j);
    for (size_t r = 0; r < rows; r++) R::dadd(a, R::load(x + r * stride + j));
    R::dstore(acc + j, a);
  }
  for (; j < n; j++) {
    for (size_t r = 0; r < rows; r++) acc[j] += double(x[r * stride + j]);
  }
}

template <class R>
void sqdev_cols(size_t n, size_t rows, const float* x, ptrdiff_t stride, const double* mean, double* acc) {
  size_t j = 0;
  for (; j + R::W <= n; j += R::W) {
    typename R::dacc a = R::dload(acc + j);
    const typename R::dacc m = R::dload(mean + j);
    for (size_t r = 0; r < rows; r++) R::dsqdev(a, R::load(x + r * stride + j), m);
    R::dstore(acc + j, a);
  }
  for (; j < n; j++) {
    for (size_t r = 0; r < rows; r++) {
      const double d = double(x[r * stride + j]) - mean[j];
      acc[j] += d * d;
    }
  }
}

template <class R, bool kMax>
void extreme_cols(size_t n, size_t rows, const float* x, ptrdiff_t stride, float* acc) {
  size_t j = 0;
  for (; j + R::W <= n; j += R::W) {
    typename R::reg m = R::load(acc + j);
    for (size_t r = 0; r < rows; r++) {
      m = fold_vec<R, kMax>(m, R::load(x + r * stride + j));
    }
    R::store(acc + j, m);
  }
  for (; j < n; j++) {
    for (size_t r = 0; r < rows; r++) acc[j] = kMax ? fold_max(acc[j], x[r * stride + j]) : fold_min(acc[j], x[r * stride + j]);
  }
}

template <class R>
void sumexp_cols(size_t n, size_t rows, const float* x, ptrdiff_t stride, const float* shift, double* acc) {
  size_t j = 0;
  for (; j + R::W <= n; j += R::W) {
    typename R::dacc a = R::dload(acc + j);
    const typename R::reg s = R::load(shift + j);
    for (size_t r = 0; r < rows; r++) R::dadd(a, R::exp(R::sub(R::load(x + r * stride + j), s)));
    R::dstore(acc + j, a);
  }
  for (; j < n; j++) {
    for (size_t r = 0; r < rows; r++) acc[j] += std::exp(double(x[r * stride + j]) - double(shift[j]));
  }
}

template <class R>
void exp_cols(size_t n, size_t rows, const float* x, ptrdiff_t stride, const float* shift, float* y, double* acc) {
  size_t j = 0;
  for (; j + R::W <= n; j += R::W) {
    typename R::dacc a = R::dload(acc + j);
    const typename R::reg s = R::load(shift + j);
    for (size_t r = 0; r < rows; r++) {
      const typename R::reg e = R::exp(R::sub(R::load(x + r * stride + j), s));
      R::store(y + r * stride + j, e);
      R::dadd(a, e);
    }
    R::dstore(acc + j, a);
  }
  for (; j < n; j++) {
    for (size_t r = 0; r < rows; r++) {
      const double e = std::exp(double(x[r * stride + j]) - double(shift[j]));
      y[r * stride + j] = float(e);
      acc[j] += e;
    }
  }
}

template <class R>
void scale_cols(size_t n, size_t rows, const float* scale, float* y, ptrdiff_t stride) {
  for (size_t r = 0; r < rows; r++, y += stride) {
    size_t j = 0;
    for (; j + R::W <= n; j += R::W) R::store(y + j, R::mul(R::load(y + j), R::load(scale + j)));
    for (; j < n; j++) y[j] *= scale[j];
  }
}

template <class R>
void logsoftmax_cols(size_t n, size_t rows, const float* x, ptrdiff_t stride, const float* shift, const float* lse, float* y) {
  for (size_t r = 0; r < rows; r++, x += stride, y += stride) {
    size_t j = 0;
    for (; j + R::W <= n; j += R::W) {
      R::store(y + j, R::sub(R::sub(R::load(x + j), R::load(shift + j)), R::load(lse + j)));
    }
    for (; j < n; j++) y[j] = x[j] - shift[j] - lse[j];
  }
}

template <class R>
void affine_row(size_t n, const float* x, float mean_hi, float mean_lo, float scale, float shift, float* y) {
  const typename R::reg hi = R::set1(mean_hi), lo = R::set1(mean_lo), s = R::set1(scale), b = R::set1(shift);
  size_t i = 0;
  for (; i + R::W <= n; i += R::W) R::store(y + i, R::fmadd(R::sub(R::sub(R::load(x + i), hi), lo), s, b));
  for (; i < n; i++) y[i] = (x[i] - mean_hi - mean_lo) * scale + shift;
}

template <class R>
constexpr ReduceUkernels reduce_ukernels() {
  return {sum_row<R>,          sqdev_row<R>,          extreme_row<R, true>, extreme_row<R, false>, sumexp_row<R>,
          sum_cols<R>,         sqdev_cols<R>,         extreme_cols<R, true>, extreme_cols<R, false>, sumexp_cols<R>,
          exp_cols<R>,         scale_cols<R>,         logsoftmax_cols<R>,    affine_row<R>};
}

}  // namespace
}  // namespace tsjit
