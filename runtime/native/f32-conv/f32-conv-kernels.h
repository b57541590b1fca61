// Declarations of every ISA's convolution kernels (definitions in f32-dwconv-row-*.cc
// and f32-conv-<tile>-*.cc).
#pragma once
#include <cstddef>
#include "../kernels.h"

namespace tsjit {
#define TSJIT_DECLARE_CONV(ISA) \
  void tsjit_f32_dwconv_row_ukernel__##ISA(size_t n, size_t taps, const float* const* rows, const float* weights, float* acc);
TSJIT_DECLARE_CONV(avx512f)
TSJIT_DECLARE_CONV(avx2_fma)
TSJIT_DECLARE_CONV(scalar)
#undef TSJIT_DECLARE_CONV
void tsjit_f32_conv_ukernel_8x48__avx512f(size_t mr, size_t K, const float* w, ptrdiff_t rs_w, const float* in,
    const ptrdiff_t* offsets, const float* bias, const ConvTileOutput& to);
void tsjit_f32_conv_ukernel_4x24__avx2_fma(size_t mr, size_t K, const float* w, ptrdiff_t rs_w, const float* in,
    const ptrdiff_t* offsets, const float* bias, const ConvTileOutput& to);
void tsjit_f32_conv_taps_ukernel__avx512f(size_t M, size_t n, size_t K, const float* w, ptrdiff_t rs_w, const float* in,
    const ptrdiff_t* offsets, const float* bias, float* out, ptrdiff_t rs_out, VUnaryFn vunary, int activation);
void tsjit_f32_conv_taps_ukernel__avx2_fma(size_t M, size_t n, size_t K, const float* w, ptrdiff_t rs_w, const float* in,
    const ptrdiff_t* offsets, const float* bias, float* out, ptrdiff_t rs_out, VUnaryFn vunary, int activation);
void tsjit_f32_conv_nhwc_ukernel_32__avx512f(size_t positions, size_t row_taps, size_t K, const float* w,
                                             const float* in, const ptrdiff_t* offsets, const float* bias, float* out,
                                             VUnaryFn vunary, int activation);
void tsjit_f32_pack_nhwc32__avx512f(size_t K, const float* w, ptrdiff_t rs_w, float* dst);
void tsjit_f32_maxpool_2x2_nhwc32__avx512f(size_t PH, size_t PW, size_t W, const float* in, float* out, ptrdiff_t rs_out,
                                           ptrdiff_t oH, ptrdiff_t oW);
extern const WinogradKernels tsjit_f32_winograd_kernels__avx512f;
extern const WinogradKernels tsjit_f32_winograd_kernels__avx2_fma;
void tsjit_f32_conv_ukernel_4x8__scalar(size_t mr, size_t K, const float* w, ptrdiff_t rs_w, const float* in,
    const ptrdiff_t* offsets, const float* bias, const ConvTileOutput& to);
}  // namespace tsjit
