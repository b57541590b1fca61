// Declarations of every ISA's elementwise kernels (definitions in f32-velementwise-*.cc).
#pragma once
#include <cstddef>

namespace tsjit {
#define TSJIT_DECLARE_VELEMENTWISE(ISA)                                                                             \
  void tsjit_f32_vbinary_ukernel__##ISA(int op, size_t n, const float* a, size_t a_step, const float* b,            \
                                        size_t b_step, float* out, double alpha);                                  \
  void tsjit_f32_vunary_ukernel__##ISA(int op, size_t n, const float* x, float* out, const double* params);
TSJIT_DECLARE_VELEMENTWISE(avx512f)
TSJIT_DECLARE_VELEMENTWISE(avx2_fma)
TSJIT_DECLARE_VELEMENTWISE(scalar)
#undef TSJIT_DECLARE_VELEMENTWISE
}  // namespace tsjit
