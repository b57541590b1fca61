// The per-ISA building blocks of the reductions and normalizations (f32-reduce.h
// writes them once over vector traits; reduce-plan.cc walks layouts with them).
// "Row" kernels reduce n contiguous floats to one value; "column" kernels fold one
// row of n contiguous floats into n per-column accumulators. Sums are in double.
#pragma once
#include <cstddef>

namespace tsjit {

struct ReduceUkernels {
  double (*sum_row)(size_t n, const float* x);
  // Σ (x - mean)², in double.
  double (*sqdev_row)(size_t n, const float* x, double mean);
  // The largest (smallest) value; a NaN anywhere wins.
  float (*max_row)(size_t n, const float* x);
  float (*min_row)(size_t n, const float* x);
  // Σ exp(x - shift).
  double (*sumexp_row)(size_t n, const float* x, float shift);

  // acc[j] += x[j]
  void (*sum_cols)(size_t n, const float* x, double* acc);
  // acc[j] += (x[j] - mean[j])²
  void (*sqdev_cols)(size_t n, const float* x, const double* mean, double* acc);
  // acc[j] = max(acc[j], x[j]) (min), NaN sticky.
  void (*max_cols)(size_t n, const float* x, float* acc);
  void (*min_cols)(size_t n, const float* x, float* acc);
  // acc[j] += exp(x[j] - shift[j])
  void (*sumexp_cols)(size_t n, const float* x, const float* shift, double* acc);
  // y[j] = exp(x[j] - shift[j]); acc[j] += y[j]
  void (*exp_cols)(size_t n, const float* x, const float* shift, float* y, double* acc);
  // y[j] *= scale[j]
  void (*scale_cols)(size_t n, const float* scale, float* y);
  // y[j] = x[j] - shift[j] - lse[j]
  void (*logsoftmax_cols)(size_t n, const float* x, const float* shift, const float* lse, float* y);

  // y = ((x - mean_hi) - mean_lo) * scale + shift over n contiguous floats.
  void (*affine_row)(size_t n, const float* x, float mean_hi, float mean_lo, float scale, float shift, float* y);
};

extern const ReduceUkernels tsjit_f32_reduce_ukernels__scalar;
extern const ReduceUkernels tsjit_f32_reduce_ukernels__avx2_fma;
extern const ReduceUkernels tsjit_f32_reduce_ukernels__avx512f;

}  // namespace tsjit
