#pragma once
#include <cstddef>
#include "kernels.h"

namespace tsjit {

// One row through two linear layers (tsjit::linear_act_linear at batch 1):
// h = act1(w1 . x + b1), y = act2(w2 . h + b2). x: k floats; w1: `hidden` rows of k
// floats (row stride rs_w1, a linear weight as it is); w2t: w2 transposed, `hidden` rows
// of n floats (row stride rs_w2t); b1 (hidden floats), b2 (n floats): null for none;
// act1, act2: -1 or a parameterless UnaryOp (is_epilogue_activation). Writes h and y,
// which must not overlap the inputs (the binding checks). Inputs must be validated.
// Returns false, writing nothing, when the pair's partial sums (one row of n per block of
// hidden units) would take more than kMaxPartialFloats: the caller runs the two
// products instead.
struct LinearPairRow {
  size_t k, hidden, n;
  const float* x;
  const float* w1;
  ptrdiff_t rs_w1;
  const float* b1;
  int act1;
  const float* w2t;
  ptrdiff_t rs_w2t;
  const float* b2;
  int act2;
  float* h;
  float* y;
};

constexpr size_t kMaxPartialFloats = size_t(256) * 1024;
bool linear_pair_row(const IsaKernels& isa, const LinearPairRow& p);

}  // namespace tsjit
