// AVX-512F few-taps kernel of the direct convolution (f32-conv-taps.h): 16 positions
// per step, the rest of a row under a k-mask.
#pragma GCC target("avx512f,avx2,fma")
#include "../vec-avx512f.h"
#include "f32-conv-kernels.h"
#include "f32-conv-taps.h"

namespace tsjit {

void tsjit_f32_conv_taps_ukernel__avx512f(size_t M, size_t n, size_t K, const float* w, ptrdiff_t rs_w, const float* in,
                                          const ptrdiff_t* offsets, const float* bias, float* out, ptrdiff_t rs_out,
                                          VUnaryFn vunary, int activation) {
  conv_taps<VecAvx512, MaskedAvx512>(M, n, K, w, rs_w, in, offsets, bias, out, rs_out, vunary, activation);
}

}  // namespace tsjit
