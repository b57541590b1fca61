// The per-ISA kernel table. Each ISA's kernels live in their own source files,
// compiled for that ISA only (#pragma GCC target at the top of the file, never a
// global -march); isa.cc picks ONE table at load with __builtin_cpu_supports.
//
// Kernel-name grammar (after XNNPACK's): tsjit_f32_<op>_ukernel_<tile>__<isa>,
// files <family>/<family>-<tile>-<isa>.cc; e.g. f32-gemm/f32-gemm-6x64-avx512f.cc
// defines tsjit_f32_gemm_ukernel_6x64__avx512f.
#pragma once
#include <cstddef>
#include <cstdint>
#include "f32-reduce/f32-reduce-ukernels.h"

namespace tsjit {

// C[mr, nr] = alpha * A[mr, kc] . B_packed[kc, nr] + beta * C + bias_n[j] + bias_m[i]
// (beta 0: C only written; a null bias adds nothing).
// a: mr rows of kc contiguous floats, row r at a + r*rs_a (read in place, or packed);
// b: one kc x NR panel (b[k*NR + j]), zero-padded past nr; mr <= MR, nr <= NR;
// bias_n: the tile's nr column biases, bias_m: its mr row biases; next_b: prefetch_floats
// (0: none) of B a later call will read, to be fetched into L2 on the way.
using GemmUkernelFn = void (*)(size_t mr, size_t nr, size_t kc, const float* a, ptrdiff_t rs_a, const float* b,
                               float* c, ptrdiff_t rs_c, ptrdiff_t cs_c, float alpha, float beta, const float* bias_n,
                               const float* bias_m, const float* next_b, size_t prefetch_floats);

// How a GEMV kernel writes its sums: c[j] = alpha * sum_j + beta * c[j] + bias[j] + shift
// (C is not read when beta is 0; no bias term when bias is null). bias: one float per
// column of C (linear's bias); shift: one for the whole row (a conv bias, per output
// channel = row of C).
struct GemvOutput {
  float alpha, beta;
  const float* bias;
  float shift;
};
// The same output from column n on.
inline GemvOutput columns_from(const GemvOutput& out, size_t n) {
  return {out.alpha, out.beta, out.bias != nullptr ? out.bias + n : nullptr, out.shift};
}

// The GEMV kernels walk B in blocks of columns, in ascending order of the columns or,
// when `descending`, from the last block to the first (sgemm.cc's Note [Alternating
// passes]); the results are the same floats either way.
// c[n * cs_c] = sum_k a[k * a_step] * b[k * rs_b + n], written as GemvOutput says (B rows contiguous)
using GemvRowsFn = void (*)(size_t N, size_t K, const float* a, ptrdiff_t a_step, const float* b, ptrdiff_t rs_b,
                            const GemvOutput& out, float* c, ptrdiff_t cs_c, bool descending);
// C[i, n * cs_c] = sum_k a[i * rs_a + k] * b[n * cs_b + k] for i < M, row i written as
// outs[i] says (A's rows and B's columns contiguous)
using GemvDotsFn = void (*)(size_t M, size_t N, size_t K, const float* a, ptrdiff_t rs_a, const float* b,
                            ptrdiff_t cs_b, const GemvOutput* outs, float* c, ptrdiff_t rs_c, ptrdiff_t cs_c,
                            bool descending);

// Float32 elementwise ops; the codes are runtime/kernels/native/elementwise.ts's.
enum BinaryOp : int { kAdd, kSub, kMul, kDiv, kMaximum, kMinimum, kPow, kBinaryOpCount };
enum UnaryOp : int {
  kRelu, kTanh, kExp, kSigmoid, kGelu, kGeluTanh, kAbs, kNeg, kLog, kSqrt, kRsqrt, kSin, kCos, kErf,
  kFloor, kCeil, kRound, kSign, kReciprocal, kLog1p, kExpm1, kSquare, kSilu,
  kSoftplus,   // params: beta, threshold
  kElu,        // params: alpha
  kLeakyRelu,  // params: negative slope
  kClamp,      // params: min, max (neither NaN)
  kUnaryOpCount
};

// out[i] = op(a[i * a_step], b[i * b_step]) over n floats, out contiguous; each step is
// 1 (a vector) or 0 (a scalar broadcast along the row), not both 0. add/sub scale b by alpha.
using VBinaryFn = void (*)(int op, size_t n, const float* a, size_t a_step, const float* b, size_t b_step, float* out,
                           double alpha);
// out[i] = op(x[i]) over n contiguous floats; params: the op's two scalar parameters.
using VUnaryFn = void (*)(int op, size_t n, const float* x, float* out, const double* params);
// A fused pointwise program (tsjit::fused_pointwise; f32-fused/), checked by bind-fused.cc.
// Registers: the inputs 0 .. inputs-1, then statement k's result at inputs + k. A binary
// statement computes op(a, b) with the BinaryOp codes, b < 0 meaning the number
// params[0] (rounded to float); a unary one op(a) with the UnaryOp codes and params.
constexpr int kMaxFusedInputs = 8;
constexpr int kMaxFusedStatements = 64;
constexpr size_t kFusedTile = 256;
enum FusedKind : int { kFusedBinary, kFusedUnary };
struct FusedStatement {
  int kind, op, a, b;
  double params[2];
};
struct FusedProgram {
  int inputs, statements;
  const FusedStatement* code;
};
// out[0, n) = program over one tile of n <= kFusedTile elements: input r at inputs[r],
// stepping steps[r] (1, or 0 for an operand constant along the tile); scratch holds
// statements x kFusedTile floats.
using FusedTileFn = void (*)(const FusedProgram& program, size_t n, const float* const* inputs, const size_t* steps,
                             float* scratch, float* out);
// y = softmax(x) (log_softmax when log) over each of `rows` contiguous rows of `cols` floats.
using SoftmaxRowsFn = void (*)(size_t rows, size_t cols, const float* x, float* y, bool log);
// y = layer_norm(x) over each of `rows` contiguous rows of `cols` floats; w, b: cols
// floats or null.
using LayerNormRowsFn = void (*)(size_t rows, size_t cols, const float* x, const float* w, const float* b, float eps,
                                 float* y);
// conv (f32-conv): acc[i] += sum over t < taps of weights[t] * rows[t][i], for i < n.
using DwconvRowFn = void (*)(size_t n, size_t taps, const float* const* rows, const float* weights, float* acc);
// conv (f32-conv): where the direct convolution's tile goes. Its columns [column,
// column + length) of each segment land at out + position * cs_out, cs_out apart (row
// i of the tile at out + i * rs_out), after `activation` (a UnaryOp without parameters,
// through vunary; -1: none).
struct ConvSegment {
  int64_t column, position, length;
};
struct ConvTileOutput {
  float* out;
  ptrdiff_t rs_out, cs_out;
  const ConvSegment* segments;
  size_t count;
  VUnaryFn vunary;
  int activation;
};
// conv (f32-conv): the direct convolution's MR x NR tile (f32-conv-tile.h):
// tile[i][j] = bias[i] + sum over k < K of w[i * rs_w + k] * in[offsets[k] + j], rows
// i < mr stored as `to` says; bias: MR floats.
using ConvUkernelFn = void (*)(size_t mr, size_t K, const float* w, ptrdiff_t rs_w, const float* in,
                               const ptrdiff_t* offsets, const float* bias, const ConvTileOutput& to);
// conv (f32-conv): a direct convolution of K <= kConvMaxTaps taps, one output row:
// out[i * rs_out + j] = activation(bias[i] + sum over k < K of w[i * rs_w + k] *
// in[offsets[k] + j]) for i < M, j < n (out rows unit-stride; activation a UnaryOp
// without parameters, or -1), reading nothing past in[offsets[k] + n - 1].
constexpr size_t kConvMaxTaps = 16;
using ConvTapsFn = void (*)(size_t M, size_t n, size_t K, const float* w, ptrdiff_t rs_w, const float* in,
                            const ptrdiff_t* offsets, const float* bias, float* out, ptrdiff_t rs_out, VUnaryFn vunary,
                            int activation);
// conv (f32-conv): the channels-last tile of the fused conv2d + 2x2 max pooling
// (f32-conv-maxpool.cc): out[p * 32 + j] = activation(bias[j] + sum over k < K of
// w[k * 32 + j] * in[offsets[k] + p]) for p < positions (kNhwcMinPositions to
// kNhwcMaxPositions) and 32 channels j; the taps in runs of row_taps (K a multiple)
// reading consecutive columns, offsets[k + t] = offsets[k] + t within a run.
constexpr int kNhwcMinPositions = 8, kNhwcMaxPositions = 14;
using ConvNhwcFn = void (*)(size_t positions, size_t row_taps, size_t K, const float* w, const float* in,
                            const ptrdiff_t* offsets, const float* bias, float* out, VUnaryFn vunary, int activation);
// ... and its pooling: out[j * rs_out + r * oH + c * oW] = the max of the 2x2 window at
// rows 2r, 2r + 1 and columns 2c, 2c + 1 of in [H][W][32], for r < PH, c < PW, j < 32.
using MaxPoolNhwcFn = void (*)(size_t PH, size_t PW, size_t W, const float* in, float* out, ptrdiff_t rs_out,
                               ptrdiff_t oH, ptrdiff_t oW);
// ... and its weights' packing: dst[k * 32 + j] = w[j * rs_w + k] for j < 32, k < K.
using PackNhwcFn = void (*)(size_t K, const float* w, ptrdiff_t rs_w, float* dst);
// conv (f32-conv): Winograd F(2x2, 3x3) for 3x3 stride-1 convolutions
// (f32-conv-winograd.cc): each 2x2 output tile from a 4x4 input tile; tiles t = i * TW +
// j of a block are the lanes, contiguous in every array.
struct WinogradKernels {
  // u[xi * u_xi + c * ldu + o] = (G g G^T)[xi] for the 3 x 3 filter g of output channel
  // o < O and input channel c < C, g[kh][kw] at w + o * s[0] + c * s[1] + kh * s[2] +
  // kw * s[3].
  void (*weights)(size_t C, size_t O, const float* w, const ptrdiff_t* s, float* u, ptrdiff_t ldu, ptrdiff_t u_xi);
  // v[xi * v_xi + c * v_c + i * TW + j] = (B^T d B)[xi] for the 4 x 4 input tile d at
  // rows 2i to 2i + 3 (in_row apart) and columns 2j to 2j + 3 (unit stride, the row
  // `width` long) of channel c (in_c apart), for c < C, i < rows, j < TW.
  void (*input)(size_t C, size_t rows, size_t TW, const float* in, ptrdiff_t in_c, ptrdiff_t in_row, size_t width,
                float* v, ptrdiff_t v_c, ptrdiff_t v_xi);
  // m[r * ldm + t] = sum over c < C of u[c * ldu + r] * v[c * ldv + t], for 8 rows r
  // and 16 * vectors tiles t.
  void (*gemm)(size_t C, size_t vectors, const float* u, ptrdiff_t ldu, const float* v, ptrdiff_t ldv, float* m,
               ptrdiff_t ldm);
  // Pooled (conv2d + relu + 2x2 max pooling, each tile a window):
  // out[r * o_row + (t / TW) * oH + (t % TW) * oW] = max over the window of relu(bias[r]
  // + (A^T M A)), M[xi] = m[xi * m_xi + r * m_row + t], for r < rows, t < T: the 2x2
  // window in max_pool2d's order (a NaN wins). Returns whether any of them is NaN or
  // infinite.
  bool (*output_pooled)(size_t rows, size_t T, size_t TW, const float* m, ptrdiff_t m_row, ptrdiff_t m_xi,
                        const float* bias, float* out, ptrdiff_t o_row, ptrdiff_t oH, ptrdiff_t oW);
  // Unpooled: out[r * o_row + y * oH + x] = (relu when asked)(bias[r] + (A^T M A)[y -
  // 2i][x - 2j]) for tile (i, j) (t = i * TW + j), i < tile_rows, j < TW, each output
  // with y < out_rows and x < OW (unit column stride). Returns whether any is NaN or
  // infinite.
  bool (*output_tiles)(size_t rows, size_t tile_rows, size_t TW, size_t out_rows, size_t OW, const float* m,
                       ptrdiff_t m_row, ptrdiff_t m_xi, const float* bias, bool relu, float* out, ptrdiff_t o_row,
                       ptrdiff_t oH);
};
struct ConvConfig {
  ConvUkernelFn ukernel;
  int mr, nr;
  // The few-taps kernel, or null where the tile kernel serves (the portable ISA: no masked loads).
  ConvTapsFn taps;
  // The channels-last tile and its pooling, or null (then the fused op takes the direct path).
  ConvNhwcFn nhwc;
  MaxPoolNhwcFn maxpool_nhwc;
  PackNhwcFn pack_nhwc;
  // Winograd's kernels, or null (then the other paths take its convolutions).
  const WinogradKernels* winograd;
};
// pool (f32-pool): output row r at out + r * rs_out, for r < rows: out[j] = the max of the
// 2x2 window in[2j, 2j + 1] of input rows 2r and 2r + 1 (rs_in apart), for j < n, as
// max_pool2d's JS kernel takes it (a NaN wins, the first of equal values stays).
using MaxPool2x2Fn = void (*)(size_t rows, size_t n, const float* in, ptrdiff_t rs_in, float* out, ptrdiff_t rs_out);
// Runs `iterations` rounds of independent FMA chains; returns the flops performed.
using PeakFmaFn = double (*)(size_t iterations, float* sink);

// B[0 : kc, 0 : nc] (row stride rs, column stride cs) as ceil(nc/NR) panels of kc x NR,
// each k-major and zero-padded past nc: dst[q*NR*kc + k*NR + j] (f32-gemm-pack.h).
using PackBFn = void (*)(size_t kc, size_t nc, const float* b, ptrdiff_t rs, ptrdiff_t cs, float* dst);

struct GemmConfig {
  GemmUkernelFn ukernel;
  int mr, nr;   // register tile
  int kc, mc, nc;  // cache blocking: packed A block mc x kc (L2), B block kc x nc
  PackBFn pack_b;  // B into the ukernel's NR panels
};

struct IsaKernels {
  const char* name;
  GemmConfig gemm;
  GemvRowsFn gemv_rows;
  GemvDotsFn gemv_dots;
  VBinaryFn vbinary;
  VUnaryFn vunary;
  PeakFmaFn peak_fma;
  SoftmaxRowsFn softmax_rows;
  LayerNormRowsFn layernorm_rows;
  // reduce family: reductions and normalizations (f32-reduce/)
  const ReduceUkernels* reduce;
  // conv (f32-conv)
  DwconvRowFn dwconv_row;
  ConvConfig conv;
  // pool (f32-pool)
  MaxPool2x2Fn maxpool_2x2;
  // fused pointwise chains (f32-fused)
  FusedTileFn fused_tile;
};

extern const IsaKernels kScalarKernels;
extern const IsaKernels kAvx2Kernels;
extern const IsaKernels kAvx512Kernels;

}  // namespace tsjit
