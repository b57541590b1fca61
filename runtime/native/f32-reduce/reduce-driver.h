// Reductions over any strided float32 layout, with the active ISA's building blocks
// (f32-reduce-ukernels.h). The caller (bind-reduce.cc) has checked that every index
// the layout reaches lies inside the input.
#pragma once
#include <cstdint>
#include <vector>
#include "f32-reduce-ukernels.h"

namespace tsjit {

constexpr int kMaxReduceRank = 16;

// The input seen as kept dims (one output each) and reduced dims, both in the input's
// dim order; size-1 dims may be left out. Every size is >= 1.
struct ReduceLayout {
  int64_t offset = 0;
  std::vector<int64_t> kept_shape, kept_strides;
  std::vector<int64_t> red_shape, red_strides;
  int64_t kept_count() const;
  int64_t red_count() const;
};

enum class ReduceKind { kSum, kProd, kMax, kMin, kLogSumExp, kMoments };

// out[k] (and out2[k] for kMoments), k row-major over the kept dims:
// kSum Σx, kProd Πx, kMax/kMin (NaN wins), kLogSumExp log Σ exp(x), kMoments the mean
// (out) and Σ(x - mean)² (out2). Sums in double; each output is computed by one
// thread, so results do not depend on the thread count.
void reduce_f32(const ReduceUkernels& uk, ReduceKind kind, const float* x, const ReduceLayout& layout, double* out,
                double* out2);

// Position (row-major over the reduced dims) of the first max (min) of each output;
// a NaN wins over every number. values[k] receives the extreme value.
void arg_reduce_f32(const ReduceUkernels& uk, bool is_min, const float* x, const ReduceLayout& layout, double* values,
                    double* indices);

// Softmax (log_softmax) along the middle dim of contiguous [outer, length, inner].
void softmax_columns_f32(const ReduceUkernels& uk, const float* x, float* y, int64_t outer, int64_t length,
                         int64_t inner, bool log);

// Running sums along the middle dim of contiguous [outer, length, inner], in double
// (the JS reference's order, so the same result).
void cumsum_f32(const float* x, float* y, int64_t outer, int64_t length, int64_t inner);

// y = (x - mean[p]) * scale[p] + shift[p] over `planes` contiguous planes of
// `plane_size` floats, p = plane % period.
void normalize_planes_f32(const ReduceUkernels& uk, const float* x, float* y, int64_t planes, int64_t plane_size,
                          int64_t period, const double* mean, const double* scale, const double* shift);

}  // namespace tsjit
