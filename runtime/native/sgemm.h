#pragma once
#include <cstddef>
#include <cstdint>
#include "kernels.h"

namespace tsjit {
// C[M, N] = alpha * A[M, K] . B[K, N] + beta * C, every matrix addressed by a base
// pointer and (row, column) strides; beta 0 only writes C (NaN in C does not leak).
// The contract of runtime/kernels/js/gemm.ts's sgemm. Inputs must be validated.
void sgemm(const IsaKernels& isa, size_t M, size_t N, size_t K, float alpha, const float* a, ptrdiff_t rs_a,
           ptrdiff_t cs_a, const float* b, ptrdiff_t rs_b, ptrdiff_t cs_b, float beta, float* c, ptrdiff_t rs_c,
           ptrdiff_t cs_c);

// sgemm with an epilogue: C = act(A . B + beta * C + bias_n[j] + bias_m[i]). The biases
// (null: none) are added by the microkernel as it stores the first k block, with beta's
// term, so C is written once when K fits one block; bias_n holds N floats (linear's
// bias, per column), bias_m M floats (conv's, per output channel = row). `activation`
// is -1 (none) or a UnaryOp without parameters (relu, tanh, sigmoid, gelu, gelu_tanh,
// silu; the binding checks), which needs C's columns contiguous: each tile of C gets it
// right after its last k block is stored, while the tile is still in L1.
// packed_b: B's panels packed ahead (packed-b.h, checked) or null; the blocked loops
// read them instead of packing B (the GEMV path, M < MR, reads B itself).
// The UnaryOps sgemm_fused (and conv2d) may apply: those without parameters.
inline bool is_epilogue_activation(int64_t op) {
  return op == kRelu || op == kTanh || op == kSigmoid || op == kGelu || op == kGeluTanh || op == kSilu;
}
void sgemm_fused(const IsaKernels& isa, size_t M, size_t N, size_t K, const float* a, ptrdiff_t rs_a, ptrdiff_t cs_a,
                 const float* b, ptrdiff_t rs_b, ptrdiff_t cs_b, float beta, float* c, ptrdiff_t rs_c, ptrdiff_t cs_c,
                 const float* bias_n, const float* bias_m, int activation, const float* packed_b = nullptr);

// Whether sgemm_fused of this shape and layout (with alpha 1) would read a packed B: the
// blocked loops do; the GEMV paths (few rows, or a narrow transposed weight) read B.
bool product_reads_packed_b(const IsaKernels& isa, size_t M, size_t N, size_t K, ptrdiff_t cs_a, ptrdiff_t rs_b,
                            ptrdiff_t cs_b);

// `batch` products of the shape above, entry i at a + i*bs_a, b + i*bs_b, c + i*bs_c
// (a batch stride of 0 repeats that operand). Entries run in order when their C
// matrices overlap; otherwise small entries are shared out over the pool whole.
void sgemm_batched(const IsaKernels& isa, size_t batch, size_t M, size_t N, size_t K, float alpha, const float* a,
                   ptrdiff_t bs_a, ptrdiff_t rs_a, ptrdiff_t cs_a, const float* b, ptrdiff_t bs_b, ptrdiff_t rs_b,
                   ptrdiff_t cs_b, float beta, float* c, ptrdiff_t bs_c, ptrdiff_t rs_c, ptrdiff_t cs_c);
}  // namespace tsjit
