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

  // Column kernels: n columns of `rows` rows, row r at x + r * stride; one
  // accumulator per column, kept in registers across the rows.
  // acc[j] += Σ_r x[r][j]
  void (*sum_cols)(size_t n, size_t rows, const float* x, ptrdiff_t stride, double* acc);
  // acc[j] += Σ_r (x[r][j] - mean[j])²
  void (*sqdev_cols)(size_t n, size_t rows, const float* x, ptrdiff_t stride, const double* mean, double* acc);
  // acc[j] = max(acc[j], x[r][j]) (min) over the rows, NaN sticky.
  void (*max_cols)(size_t n, size_t rows, const float* x, ptrdiff_t stride, float* acc);
  void (*min_cols)(size_t n, size_t rows, const float* x, ptrdiff_t stride, float* acc);
  // acc[j] += Σ_r exp(x[r][j] - shift[j])
  void (*sumexp_cols)(size_t n, size_t rows, const float* x, ptrdiff_t stride, const float* shift, double* acc);
  // y[r][j] = exp(x[r][j] - shift[j]); acc[j] += Σ_r y[r][j]   (y rows `stride` apart too)
  void (*exp_cols)(size_t n, size_t rows, const float* x, ptrdiff_t stride, const float* shift, float* y, double* acc);
  // y[r][j] *= scale[j]
  void (*scale_cols)(size_t n, size_t rows, const float* scale, float* y, ptrdiff_t stride);
  // y[r][j] = x[r][j] - shift[j] - lse[j]
  void (*logsoftmax_cols)(size_t n, size_t rows, const float* x, ptrdiff_t stride, const float* shift, const float* lse,
                          float* y);

  // y = ((x - mean_hi) - mean_lo) * scale + shift over n contiguous floats.
  void (*affine_row)(size_t n, const float* x, float mean_hi, float mean_lo, float scale, float shift, float* y);
};

extern const ReduceUkernels tsjit_f32_reduce_ukernels__scalar;
extern const ReduceUkernels tsjit_f32_reduce_ukernels__avx2_fma;
extern const ReduceUkernels tsjit_f32_reduce_ukernels__avx512f;

}  // namespace tsjit
