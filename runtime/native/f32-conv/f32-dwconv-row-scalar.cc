// Portable depthwise convolution row kernel.
#include "../vec-scalar.h"
#include "f32-conv-kernels.h"
#include "f32-dwconv-row.h"

namespace tsjit {
void tsjit_f32_dwconv_row_ukernel__scalar(size_t n, size_t taps, const float* const* rows, const float* weights, float* acc) {
  dwconv_row<VecScalar>(n, taps, rows, weights, acc);
}
}  // namespace tsjit
