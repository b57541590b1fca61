// Declarations of every ISA's elementwise kernels (definitions in f32-velementwise-*.cc).
#pragma once
#include <cstddef>

namespace tsjit {
#define TSJIT_DECLARE_VELEMENTWISE(ISA)                                                                          \
  void tsjit_f32_vbinary_ukernel__##ISA(int op, size_t n, const float* a, const float* b, float* out, float alpha); \
  void tsjit_f32_vunary_ukernel__##ISA(int op, size_t n, const float* x, float* out);
TSJIT_DECLARE_VELEMENTWISE(avx512f)
TSJIT_DECLARE_VELEMENTWISE(avx2_fma)
TSJIT_DECLARE_VELEMENTWISE(scalar)
#undef TSJIT_DECLARE_VELEMENTWISE
}  // namespace tsjit
