// Declarations of every ISA's pooling kernels (definitions in f32-maxpool-2x2-*.cc).
#pragma once
#include <cstddef>

namespace tsjit {
#define TSJIT_DECLARE_POOL(ISA) \
  void tsjit_f32_maxpool_2x2_ukernel__##ISA(size_t rows, size_t n, const float* in, ptrdiff_t rs_in, float* out, \
                                            ptrdiff_t rs_out);
TSJIT_DECLARE_POOL(avx512f)
TSJIT_DECLARE_POOL(avx2_fma)
TSJIT_DECLARE_POOL(scalar)
#undef TSJIT_DECLARE_POOL
}  // namespace tsjit
