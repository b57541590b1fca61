// The kernel tables, one per ISA, and the choice among them, made ONCE at load:
// the best the CPU supports (__builtin_cpu_supports), unless TSJIT_ISA forces one.
#include "isa.h"
#include <cstdlib>
#include <cstring>
#include "f32-gemm/f32-gemm-kernels.h"
#include "f32-gemm/f32-gemm-pack.h"
#include "f32-velementwise/f32-velementwise-kernels.h"
#include "f32-rowwise/f32-rowwise-kernels.h"
#include "f32-reduce/f32-reduce-ukernels.h"
#include "f32-conv/f32-conv-kernels.h"
#include "f32-pool/f32-pool-kernels.h"
#include "f32-fused/f32-fused-kernels.h"

namespace tsjit {

// Blocking (sgemm.cc): the packed kc x nc block of B stays in L2 (1 MiB for AVX-512)
// across the ic loop, as does A's mc x kc block; per microkernel call the MR x kc
// sliver of A sits in L1 and one kc x NR panel of B streams past it. AVX-512 takes a
// deep kc (512) so the C tile's load and store amortize over more FMAs: measured, its
// 128 KiB B panel streams from L2 at full FMA rate.
const IsaKernels kAvx512Kernels = {
    "avx512",
    {tsjit_f32_gemm_ukernel_6x64__avx512f, 6, 64, 512, 96, 512, tsjit_x32_packb_ukernel_64__avx512f},
    tsjit_f32_gemv_rows_ukernel__avx512f,
    tsjit_f32_gemv_dots_ukernel_16__avx512f,
    tsjit_f32_vbinary_ukernel__avx512f,
    tsjit_f32_vunary_ukernel__avx512f,
    tsjit_f32_peak_fma__avx512f,
    tsjit_f32_softmax_ukernel__avx512f,
    tsjit_f32_layernorm_ukernel__avx512f,
    // reduce family
    &tsjit_f32_reduce_ukernels__avx512f,
    // conv
    tsjit_f32_dwconv_row_ukernel__avx512f,
    {tsjit_f32_conv_ukernel_8x48__avx512f, 8, 48, tsjit_f32_conv_taps_ukernel__avx512f,
     tsjit_f32_conv_nhwc_ukernel_32__avx512f, tsjit_f32_maxpool_2x2_nhwc32__avx512f, tsjit_f32_pack_nhwc32__avx512f,
     &tsjit_f32_winograd_kernels__avx512f},
    // pool
    tsjit_f32_maxpool_2x2_ukernel__avx512f,
    // fused pointwise
    tsjit_f32_fused_ukernel_256__avx512f,
};

const IsaKernels kAvx2Kernels = {
    "avx2",
    {tsjit_f32_gemm_ukernel_6x16__avx2_fma, 6, 16, 256, 96, 1024, tsjit_x32_packb_ukernel_16__scalar},
    tsjit_f32_gemv_rows_ukernel__avx2_fma,
    tsjit_f32_gemv_dots_ukernel_8__avx2_fma,
    tsjit_f32_vbinary_ukernel__avx2_fma,
    tsjit_f32_vunary_ukernel__avx2_fma,
    tsjit_f32_peak_fma__avx2_fma,
    tsjit_f32_softmax_ukernel__avx2_fma,
    tsjit_f32_layernorm_ukernel__avx2_fma,
    // reduce family
    &tsjit_f32_reduce_ukernels__avx2_fma,
    // conv
    tsjit_f32_dwconv_row_ukernel__avx2_fma,
    {tsjit_f32_conv_ukernel_4x24__avx2_fma, 4, 24, tsjit_f32_conv_taps_ukernel__avx2_fma, nullptr, nullptr, nullptr,
     &tsjit_f32_winograd_kernels__avx2_fma},
    // pool
    tsjit_f32_maxpool_2x2_ukernel__avx2_fma,
    // fused pointwise
    tsjit_f32_fused_ukernel_256__avx2_fma,
};

const IsaKernels kScalarKernels = {
    "generic",
    {tsjit_f32_gemm_ukernel_4x8__scalar, 4, 8, 256, 64, 512, tsjit_x32_packb_ukernel_8__scalar},
    tsjit_f32_gemv_rows_ukernel__scalar,
    tsjit_f32_gemv_dots_ukernel_4__scalar,
    tsjit_f32_vbinary_ukernel__scalar,
    tsjit_f32_vunary_ukernel__scalar,
    tsjit_f32_peak_fma__scalar,
    tsjit_f32_softmax_ukernel__scalar,
    tsjit_f32_layernorm_ukernel__scalar,
    // reduce family
    &tsjit_f32_reduce_ukernels__scalar,
    // conv
    tsjit_f32_dwconv_row_ukernel__scalar,
    {tsjit_f32_conv_ukernel_4x8__scalar, 4, 8, nullptr, nullptr, nullptr, nullptr, nullptr},
    // pool
    tsjit_f32_maxpool_2x2_ukernel__scalar,
    // fused pointwise
    tsjit_f32_fused_ukernel_256__scalar,
};

bool cpu_has_avx512() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f");
#else
  return false;
#endif
}

bool cpu_has_avx2() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return false;
#endif
}

const IsaKernels* isa_by_name(const std::string& name) {
  if (name == "avx512") return cpu_has_avx512() ? &kAvx512Kernels : nullptr;
  if (name == "avx2") return cpu_has_avx2() ? &kAvx2Kernels : nullptr;
  if (name == "generic") return &kScalarKernels;
  return nullptr;
}

IsaChoice choose_isa() {
  const char* forced = std::getenv("TSJIT_ISA");
  if (forced != nullptr && forced[0] != '\0') {
    const IsaKernels* k = isa_by_name(forced);
    if (k == nullptr) {
      return {nullptr, std::string("TSJIT_ISA=") + forced +
                           " is not available on this CPU (expected avx512, avx2 or generic, and a CPU that supports it)"};
    }
    return {k, std::string("forced by TSJIT_ISA=") + forced};
  }
  if (cpu_has_avx512()) return {&kAvx512Kernels, "best supported by this CPU (avx512f)"};
  if (cpu_has_avx2()) return {&kAvx2Kernels, "best supported by this CPU (avx2+fma)"};
  return {&kScalarKernels, "this CPU has neither AVX-512F nor AVX2+FMA"};
}

}  // namespace tsjit
