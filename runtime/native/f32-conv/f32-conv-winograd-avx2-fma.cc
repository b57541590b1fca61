// AVX2 + FMA kernels of Winograd F(2x2, 3x3) (f32-conv-winograd-kernels.h): 8 tiles to
// a vector; with 16 registers the product's tile is 4 output channels x 3 vectors.
#pragma GCC target("avx2,fma")
#include "../vec-avx2.h"
#include "f32-conv-kernels.h"
#include "f32-conv-winograd-kernels.h"

namespace tsjit {
namespace {

struct LanesAvx2 : MaskedAvx2 {
  // Each vector's pairs apart (evens low, odds high), then the halves exchanged.
  static void split(__m256 a, __m256 b, __m256& even, __m256& odd) {
    const __m256i pairs_apart = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
    const __m256 x = _mm256_permutevar8x32_ps(a, pairs_apart), y = _mm256_permutevar8x32_ps(b, pairs_apart);
    even = _mm256_permute2f128_ps(x, y, 0x20);
    odd = _mm256_permute2f128_ps(x, y, 0x31);
  }
  // Pairs within each 128-bit half, then the halves in order.
  static void interleave(__m256 a, __m256 b, __m256& lo, __m256& hi) {
    const __m256 x = _mm256_unpacklo_ps(a, b), y = _mm256_unpackhi_ps(a, b);
    lo = _mm256_permute2f128_ps(x, y, 0x20);
    hi = _mm256_permute2f128_ps(x, y, 0x31);
  }
  static int nan_lanes(__m256i m, __m256 v) {
    return _mm256_movemask_ps(_mm256_and_ps(_mm256_cmp_ps(v, v, _CMP_UNORD_Q), _mm256_castsi256_ps(m)));
  }
};

using WinogradAvx2 = Winograd<VecAvx2, LanesAvx2, 4>;

}  // namespace

const WinogradKernels tsjit_f32_winograd_kernels__avx2_fma = {
    winograd_weights_3x3, WinogradAvx2::input, WinogradAvx2::gemm, WinogradAvx2::output_pooled,
    WinogradAvx2::output_tiles};

}  // namespace tsjit
