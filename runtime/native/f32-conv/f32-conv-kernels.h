// Declarations of every ISA's convolution kernels (definitions in f32-dwconv-*.cc).
#pragma once
#include <cstddef>

namespace tsjit {
#define TSJIT_DECLARE_CONV(ISA) \
  void tsjit_f32_dwconv_row_ukernel__##ISA(size_t n, size_t taps, const float* const* rows, const float* weights, float* acc);
TSJIT_DECLARE_CONV(avx512f)
TSJIT_DECLARE_CONV(avx2_fma)
TSJIT_DECLARE_CONV(scalar)
#undef TSJIT_DECLARE_CONV
}  // namespace tsjit
