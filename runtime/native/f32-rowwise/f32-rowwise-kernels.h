// Declarations of every ISA's row-wise kernels (definitions in f32-rowwise-*.cc).
#pragma once
#include <cstddef>

namespace tsjit {
#define TSJIT_DECLARE_ROWWISE(ISA)                                                                         \
  void tsjit_f32_softmax_ukernel__##ISA(size_t rows, size_t cols, const float* x, float* y, bool log);        \
  void tsjit_f32_layernorm_ukernel__##ISA(size_t rows, size_t cols, const float* x, const float* w, const float* b, \
                                          float eps, float* y);
TSJIT_DECLARE_ROWWISE(avx512f)
TSJIT_DECLARE_ROWWISE(avx2_fma)
TSJIT_DECLARE_ROWWISE(scalar)
#undef TSJIT_DECLARE_ROWWISE
}  // namespace tsjit
