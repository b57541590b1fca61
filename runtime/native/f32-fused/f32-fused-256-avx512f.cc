// AVX-512F fused pointwise tile interpreter (f32-fused.h).
#pragma GCC target("avx512f,avx2,fma")
#include "../vec-avx512f.h"
#include "f32-fused.h"
#include "f32-fused-kernels.h"

namespace tsjit {
void tsjit_f32_fused_ukernel_256__avx512f(const FusedProgram& program, size_t n, const float* const* inputs,
                                     const size_t* steps, float* scratch, float* out) {
  fused_tile<VecAvx512>(program, n, inputs, steps, scratch, out);
}
}  // namespace tsjit
