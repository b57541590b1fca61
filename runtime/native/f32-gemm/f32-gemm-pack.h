// Packing for the SGEMM microkernels, apart from compute (XNNPACK's habit): the
// layouts are named by what they hold. Strided sources (transposed, sliced) are read
// in place; B's edge panels are zero-padded so the microkernel always loads full rows.
#pragma once
#include <cstddef>

namespace tsjit {
// A[i0 : i0+mc, k0 : k0+kc] (row stride rs, column stride cs) as mc rows of kc
// contiguous floats: dst[i*kc + k]. Only for an A whose columns are not contiguous:
// the microkernel reads a row-major A in place.
void pack_a_rows(size_t mc, size_t kc, const float* a, ptrdiff_t rs, ptrdiff_t cs, float* dst);
// B[k0 : k0+kc, j0 : j0+nc] as ceil(nc/NR) panels of kc x NR, each k-major:
// dst[q*NR*kc + k*NR + j] (PackBFn), for NR 8, 16 and 64, any ISA. The AVX-512 GEMM's
// own packer (f32-gemm-6x64-avx512f.cc) transposes a transposed weight in registers.
void tsjit_x32_packb_ukernel_8__scalar(size_t kc, size_t nc, const float* b, ptrdiff_t rs, ptrdiff_t cs, float* dst);
void tsjit_x32_packb_ukernel_16__scalar(size_t kc, size_t nc, const float* b, ptrdiff_t rs, ptrdiff_t cs, float* dst);
void tsjit_x32_packb_ukernel_64__scalar(size_t kc, size_t nc, const float* b, ptrdiff_t rs, ptrdiff_t cs, float* dst);
}  // namespace tsjit
