// AVX2 few-taps kernel of the direct convolution (f32-conv-taps.h): 8 positions per
// step, the rest of a row through vmaskmovps (which reads and writes nothing outside
// its mask).
#pragma GCC target("avx2,fma")
#include "../vec-avx2.h"
#include "f32-conv-kernels.h"
#include "f32-conv-taps.h"

namespace tsjit {

void tsjit_f32_conv_taps_ukernel__avx2_fma(size_t M, size_t n, size_t K, const float* w, ptrdiff_t rs_w, const float* in,
                                           const ptrdiff_t* offsets, const float* bias, float* out, ptrdiff_t rs_out,
                                           VUnaryFn vunary, int activation) {
  conv_taps<VecAvx2, MaskedAvx2>(M, n, K, w, rs_w, in, offsets, bias, out, rs_out, vunary, activation);
}

}  // namespace tsjit
