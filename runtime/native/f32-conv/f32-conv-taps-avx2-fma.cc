// AVX2 few-taps kernel of the direct convolution (f32-conv-taps.h): 8 positions per
// step, the rest of a row through vmaskmovps (which reads and writes nothing outside
// its mask).
#pragma GCC target("avx2,fma")
#include "../vec-avx2.h"
#include "f32-conv-kernels.h"
#include "f32-conv-taps.h"

namespace tsjit {
namespace {

struct MaskedAvx2 {
  static __m256i first(size_t n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(int(n)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
  static __m256 load(__m256i m, const float* p) { return _mm256_maskload_ps(p, m); }
  static void store(__m256i m, float* p, __m256 v) { _mm256_maskstore_ps(p, m, v); }
};

}  // namespace

void tsjit_f32_conv_taps_ukernel__avx2_fma(size_t M, size_t n, size_t K, const float* w, ptrdiff_t rs_w, const float* in,
                                           const ptrdiff_t* offsets, const float* bias, float* out, ptrdiff_t rs_out,
                                           VUnaryFn vunary, int activation) {
  conv_taps<VecAvx2, MaskedAvx2>(M, n, K, w, rs_w, in, offsets, bias, out, rs_out, vunary, activation);
}

}  // namespace tsjit
