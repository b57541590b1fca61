// Declarations of every ISA's fused pointwise kernel (definitions in f32-fused-256-*.cc).
#pragma once
#include <cstddef>
#include "../kernels.h"

namespace tsjit {
#define TSJIT_DECLARE_FUSED(ISA)                                                                              \
  void tsjit_f32_fused_ukernel_256__##ISA(const FusedProgram& program, size_t n, const float* const* inputs, \
                                          const size_t* steps, float* scratch, float* out);
TSJIT_DECLARE_FUSED(avx512f)
TSJIT_DECLARE_FUSED(avx2_fma)
TSJIT_DECLARE_FUSED(scalar)
#undef TSJIT_DECLARE_FUSED
}  // namespace tsjit
