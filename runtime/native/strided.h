// N-d strided iteration for the elementwise and copy entry points. A plan holds K
// operands' offsets and strides (in elements) over one shape; the last operand is the
// dense output. coalesce() merges the dims every operand walks as one and drops size-1
// dims; walk_rows() hands each innermost row (or the part of it inside a linear range
// of out's elements) to a row function, which picks a vector loop by the row's strides.
#pragma once
#include <algorithm>
#include <cstdint>
#include "parallel.h"

namespace tsjit {

constexpr int kMaxRank = 8;

template <int K>
struct StridedPlan {
  int rank = 0;
  int64_t shape[kMaxRank];
  int64_t offset[K];
  int64_t stride[K][kMaxRank];

  int64_t numel() const {
    int64_t n = 1;
    for (int d = 0; d < rank; d++) n *= shape[d];
    return n;
  }
};

// Leaves rank >= 1: a plan with no dim of size > 1 becomes one row of one element.
template <int K>
void coalesce(StridedPlan<K>& p) {
  int r = 0;
  for (int d = 0; d < p.rank; d++) {
    const int64_t size = p.shape[d];
    if (size == 1) continue;
    bool mergeable = r > 0;
    for (int k = 0; k < K && mergeable; k++) mergeable = p.stride[k][r - 1] == p.stride[k][d] * size;
    if (mergeable) {
      p.shape[r - 1] *= size;
      for (int k = 0; k < K; k++) p.stride[k][r - 1] = p.stride[k][d];
    } else {
      p.shape[r] = size;
      for (int k = 0; k < K; k++) p.stride[k][r] = p.stride[k][d];
      r++;
    }
  }
  if (r == 0) {
    p.shape[0] = 1;
    for (int k = 0; k < K; k++) p.stride[k][0] = 1;
    r = 1;
  }
  p.rank = r;
}

// row(offsets, innerStrides, n) for the rows covering out's elements [begin, end) in
// row-major order; offsets[k] is operand k's element offset of the row's first element.
template <int K, class Row>
void walk_rows(const StridedPlan<K>& p, int64_t begin, int64_t end, Row&& row) {
  if (begin >= end) return;
  const int r = p.rank;
  const int64_t inner = p.shape[r - 1];
  int64_t idx[kMaxRank];
  int64_t off[K];
  int64_t inner_stride[K];
  for (int k = 0; k < K; k++) {
    off[k] = p.offset[k];
    inner_stride[k] = p.stride[k][r - 1];
  }
  int64_t rest = begin;
  for (int d = r - 1; d >= 0; d--) {
    idx[d] = rest % p.shape[d];
    rest /= p.shape[d];
    for (int k = 0; k < K; k++) off[k] += idx[d] * p.stride[k][d];
  }
  for (int64_t i = begin;;) {
    const int64_t n = std::min(inner - idx[r - 1], end - i);
    row(static_cast<const int64_t*>(off), static_cast<const int64_t*>(inner_stride), n);
    i += n;
    if (i >= end) return;
    // The row ended: back to its start, then one step along the outer dims.
    for (int k = 0; k < K; k++) off[k] -= idx[r - 1] * inner_stride[k];
    idx[r - 1] = 0;
    for (int d = r - 2; d >= 0; d--) {
      for (int k = 0; k < K; k++) off[k] += p.stride[k][d];
      if (++idx[d] < p.shape[d]) break;
      for (int k = 0; k < K; k++) off[k] -= p.shape[d] * p.stride[k][d];
      idx[d] = 0;
    }
  }
}

// walk_rows over all of out, split over the pool by ranges of out's elements.
template <int K, class Row>
void for_each_row(const StridedPlan<K>& p, Row&& row) {
  split_elements(p.numel(), [&](int64_t start, int64_t len) { walk_rows(p, start, start + len, row); });
}

}  // namespace tsjit
