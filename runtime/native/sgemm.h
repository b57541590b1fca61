#pragma once
#include <cstddef>
#include "kernels.h"

namespace tsjit {
// C[M, N] = alpha * A[M, K] . B[K, N] + beta * C, every matrix addressed by a base
// pointer and (row, column) strides; beta 0 only writes C (NaN in C does not leak).
// The contract of runtime/kernels/js/gemm.ts's sgemm. Inputs must be validated.
void sgemm(const IsaKernels& isa, size_t M, size_t N, size_t K, float alpha, const float* a, ptrdiff_t rs_a,
           ptrdiff_t cs_a, const float* b, ptrdiff_t rs_b, ptrdiff_t cs_b, float beta, float* c, ptrdiff_t rs_c,
           ptrdiff_t cs_c);
}  // namespace tsjit
