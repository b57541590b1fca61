// AVX-512F row-wise kernels: softmax / log_softmax, layer_norm.
#pragma GCC target("avx512f,avx2,fma")
#include "../vec-avx512f.h"
#include "f32-rowwise.h"
#include "f32-rowwise-kernels.h"

namespace tsjit {
void tsjit_f32_softmax_ukernel__avx512f(size_t rows, size_t cols, const float* x, float* y, bool log) {
  softmax_rows<VecAvx512>(rows, cols, x, y, log);
}
void tsjit_f32_layernorm_ukernel__avx512f(size_t rows, size_t cols, const float* x, const float* w, const float* b, float eps,
                                   float* y) {
  layernorm_rows<VecAvx512>(rows, cols, x, w, b, eps, y);
}
}  // namespace tsjit
