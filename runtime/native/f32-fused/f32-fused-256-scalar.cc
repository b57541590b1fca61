// Portable fused pointwise tile interpreter (f32-fused.h).
#include "../vec-scalar.h"
#include "f32-fused.h"
#include "f32-fused-kernels.h"

namespace tsjit {
void tsjit_f32_fused_ukernel_256__scalar(const FusedProgram& program, size_t n, const float* const* inputs,
                                     const size_t* steps, float* scratch, float* out) {
  fused_tile<VecScalar>(program, n, inputs, steps, scratch, out);
}
}  // namespace tsjit
