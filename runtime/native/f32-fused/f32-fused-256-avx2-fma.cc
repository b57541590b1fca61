// AVX2+FMA fused pointwise tile interpreter (f32-fused.h).
#pragma GCC target("avx2,fma")
#include "../vec-avx2.h"
#include "f32-fused.h"
#include "f32-fused-kernels.h"

namespace tsjit {
void tsjit_f32_fused_ukernel_256__avx2_fma(const FusedProgram& program, size_t n, const float* const* inputs,
                                     const size_t* steps, float* scratch, float* out) {
  fused_tile<VecAvx2>(program, n, inputs, steps, scratch, out);
}
}  // namespace tsjit
