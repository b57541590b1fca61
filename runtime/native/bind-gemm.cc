// sgemm(M, N, K, alpha, A, aOffset, aRowStride, aColStride, B, bOffset, bRowStride,
//       bColStride, beta, C, cOffset, cRowStride, cColStride)
// sgemmFused(A, B, C, bias, packed, numbers) with numbers a Float64Array of
//   [M, N, K, aOffset, aRowStride, aColStride, bOffset, bRowStride, bColStride, beta,
//    cOffset, cRowStride, cColStride, biasOffset, activation] (Note [One call per array]):
//   C = act(A . B + beta * C + bias[j]); bias: N contiguous floats or null; activation:
//   -1 (none) or a parameterless UnaryOp code (then C's columns must be contiguous);
//   packed: B packed ahead by packB (checked: a packed B, this ISA, K x N) or null
// packB(M, K, N, aColStride, B, bOffset, bRowStride, bColStride, previous) -> Float32Array | null
// linearPairRow(x, w1, w2t, b1, b2, h, y, numbers) with numbers a Float64Array of
//   [k, hidden, n, xOffset, w1Offset, w1RowStride, w2tOffset, w2tRowStride, b1Offset,
//    b2Offset, hOffset, yOffset, activation1, activation2]: one row through two linear
//   layers (linear-pair.h); x, the rows of w1 and w2t, b1, b2, h and y contiguous; b1, b2
//   null for none; h and y must not overlap each other or an input. Returns false,
//   writing nothing, when the pair is too large for one pass (linear-pair.h)
// sgemmBatched(batch, M, N, K, alpha, A, aOffset, aBatchStride, aRowStride, aColStride,
//              B, bOffset, bBatchStride, bRowStride, bColStride, beta,
//              C, cOffset, cBatchStride, cRowStride, cColStride)
#include "args.h"
#include "linear-pair.h"
#include "bindings.h"
#include "packed-b.h"
#include "sgemm.h"
#include <string>

namespace tsjit {
namespace {

Napi::Value Sgemm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "sgemm";
  expect_arg_count(info, fn, 17);
  const int64_t M = int_arg(info, 0, fn, "M", true), N = int_arg(info, 1, fn, "N", true), K = int_arg(info, 2, fn, "K", true);
  const float alpha = float_arg(info, 3, fn, "alpha");
  Napi::Float32Array A = f32_arg(info, 4, fn, "A");
  const int64_t ao = int_arg(info, 5, fn, "aOffset", true), ars = int_arg(info, 6, fn, "aRowStride", false),
                acs = int_arg(info, 7, fn, "aColStride", false);
  Napi::Float32Array B = f32_arg(info, 8, fn, "B");
  const int64_t bo = int_arg(info, 9, fn, "bOffset", true), brs = int_arg(info, 10, fn, "bRowStride", false),
                bcs = int_arg(info, 11, fn, "bColStride", false);
  const float beta = float_arg(info, 12, fn, "beta");
  Napi::Float32Array C = f32_arg(info, 13, fn, "C");
  const int64_t co = int_arg(info, 14, fn, "cOffset", true), crs = int_arg(info, 15, fn, "cRowStride", false),
                ccs = int_arg(info, 16, fn, "cColStride", false);
  if (M == 0 || N == 0) return env.Undefined();
  check_matrix(env, fn, "C", M, N, co, crs, ccs, C.ElementLength());
  if (K > 0) {
    check_matrix(env, fn, "A", M, K, ao, ars, acs, A.ElementLength());
    check_matrix(env, fn, "B", K, N, bo, brs, bcs, B.ElementLength());
  }
  sgemm(active_isa(), size_t(M), size_t(N), size_t(K), alpha, A.Data() + ao, ars, acs, B.Data() + bo, brs, bcs, beta,
        C.Data() + co, crs, ccs);
  return env.Undefined();
}

// An epilogue activation code: -1 (none) or a parameterless UnaryOp.
void check_activation(Napi::Env env, const char* fn, const char* name, int64_t activation) {
  if (activation != -1 && !is_epilogue_activation(activation)) {
    throw_range(env, fn, std::string(name) + " " + std::to_string(activation) +
                             " is not -1 (none), relu, tanh, sigmoid, gelu, gelu_tanh or silu");
  }
}

Napi::Value SgemmFused(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "sgemmFused";
  expect_arg_count(info, fn, 6);
  const F32Span A = f32_span(info, 0, fn, "A", false);
  const F32Span B = f32_span(info, 1, fn, "B", false);
  const F32Span C = f32_span(info, 2, fn, "C", false);
  const F32Span bias = f32_span(info, 3, fn, "bias", true);
  const F32Span handle = f32_span(info, 4, fn, "packed", true);
  const double* n = number_array(info, 5, fn, "numbers", 15);
  const int64_t M = int_entry(env, n, 0, fn, "M", true), N = int_entry(env, n, 1, fn, "N", true),
                K = int_entry(env, n, 2, fn, "K", true);
  const int64_t ao = int_entry(env, n, 3, fn, "aOffset", true), ars = int_entry(env, n, 4, fn, "aRowStride", false),
                acs = int_entry(env, n, 5, fn, "aColStride", false);
  const int64_t bo = int_entry(env, n, 6, fn, "bOffset", true), brs = int_entry(env, n, 7, fn, "bRowStride", false),
                bcs = int_entry(env, n, 8, fn, "bColStride", false);
  const float beta = float(n[9]);
  const int64_t co = int_entry(env, n, 10, fn, "cOffset", true), crs = int_entry(env, n, 11, fn, "cRowStride", false),
                ccs = int_entry(env, n, 12, fn, "cColStride", false);
  const int64_t bias_offset = int_entry(env, n, 13, fn, "biasOffset", true);
  const int64_t activation = int_entry(env, n, 14, fn, "activation", false);
  if (bias.present) check_span(env, fn, "bias", bias_offset, N, bias.length);
  check_activation(env, fn, "activation", activation);
  if (activation != -1 && ccs != 1) {
    throw_range(env, fn, "C's column stride must be 1 with an activation, got " + std::to_string(ccs));
  }
  const float* packed = nullptr;
  if (handle.present) {
    const std::string wrong = check_packed_b(active_isa(), handle.data, handle.length, size_t(K), size_t(N));
    if (!wrong.empty()) throw_range(env, fn, "packed " + wrong);
    packed = packed_b_panels(handle.data);
  }
  if (M == 0 || N == 0) return env.Undefined();
  check_matrix(env, fn, "C", M, N, co, crs, ccs, C.length);
  if (K > 0) {
    check_matrix(env, fn, "A", M, K, ao, ars, acs, A.length);
    check_matrix(env, fn, "B", K, N, bo, brs, bcs, B.length);
  }
  sgemm_fused(active_isa(), size_t(M), size_t(N), size_t(K), A.data + ao, ars, acs, B.data + bo, brs, bcs, beta,
              C.data + co, crs, ccs, bias.present ? bias.data + bias_offset : nullptr, nullptr, int(activation), packed);
  return env.Undefined();
}

// packB(M, K, N, aColStride, B, bOffset, bRowStride, bColStride, previous): B packed for
// a product of M rows with A's column stride aColStride under the active ISA: null when
// that product would not read a packed B (the GEMV paths); `previous` when it is B
// packed so already (a Float32Array that passes check_packed_b for K x N); else a new
// Float32Array holding B packed. The contents of B are not compared: the caller packs
// weights that no longer change.
Napi::Value PackB(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "packB";
  expect_arg_count(info, fn, 9);
  const int64_t M = int_arg(info, 0, fn, "M", true), K = int_arg(info, 1, fn, "K", true), N = int_arg(info, 2, fn, "N", true);
  const int64_t acs = int_arg(info, 3, fn, "aColStride", false);
  Napi::Float32Array B = f32_arg(info, 4, fn, "B");
  const int64_t bo = int_arg(info, 5, fn, "bOffset", true), brs = int_arg(info, 6, fn, "bRowStride", false),
                bcs = int_arg(info, 7, fn, "bColStride", false);
  const IsaKernels& isa = active_isa();
  if (!product_reads_packed_b(isa, size_t(M), size_t(N), size_t(K), acs, brs, bcs)) return env.Null();
  if (!info[8].IsNull()) {
    Napi::Float32Array previous = f32_arg(info, 8, fn, "previous");
    if (check_packed_b(isa, previous.Data(), previous.ElementLength(), size_t(K), size_t(N)).empty()) return previous;
  }
  check_matrix(env, fn, "B", K, N, bo, brs, bcs, B.ElementLength());
  Napi::Float32Array packed = Napi::Float32Array::New(env, packed_b_floats(isa, size_t(K), size_t(N)));
  pack_b_whole(isa, size_t(K), size_t(N), B.Data() + bo, brs, bcs, packed.Data());
  return packed;
}

// Every entry of a batch of matrices lies inside `length`: an affine map's extremes
// over the batch are at its first and last entries, so checking those two suffices.
void check_batch(Napi::Env env, const char* fn, const char* name, int64_t batch, int64_t rows, int64_t cols,
                 int64_t offset, int64_t bs, int64_t rs, int64_t cs, size_t length) {
  check_matrix(env, fn, name, rows, cols, offset, rs, cs, length);
  const int64_t last = offset + (batch - 1) * bs;
  if (last < 0 || last >= int64_t(length)) {
    throw_range(env, fn,
                std::string(name) + ": entry " + std::to_string(batch - 1) + " of the batch starts at index " +
                    std::to_string(last) + ", outside its Float32Array of length " + std::to_string(length));
  }
  check_matrix(env, fn, name, rows, cols, last, rs, cs, length);
}

Napi::Value SgemmBatched(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "sgemmBatched";
  expect_arg_count(info, fn, 21);
  const int64_t batch = int_arg(info, 0, fn, "batch", true);
  const int64_t M = int_arg(info, 1, fn, "M", true), N = int_arg(info, 2, fn, "N", true), K = int_arg(info, 3, fn, "K", true);
  const float alpha = float_arg(info, 4, fn, "alpha");
  Napi::Float32Array A = f32_arg(info, 5, fn, "A");
  const int64_t ao = int_arg(info, 6, fn, "aOffset", true), abs_ = int_arg(info, 7, fn, "aBatchStride", false),
                ars = int_arg(info, 8, fn, "aRowStride", false), acs = int_arg(info, 9, fn, "aColStride", false);
  Napi::Float32Array B = f32_arg(info, 10, fn, "B");
  const int64_t bo = int_arg(info, 11, fn, "bOffset", true), bbs = int_arg(info, 12, fn, "bBatchStride", false),
                brs = int_arg(info, 13, fn, "bRowStride", false), bcs = int_arg(info, 14, fn, "bColStride", false);
  const float beta = float_arg(info, 15, fn, "beta");
  Napi::Float32Array C = f32_arg(info, 16, fn, "C");
  const int64_t co = int_arg(info, 17, fn, "cOffset", true), cbs = int_arg(info, 18, fn, "cBatchStride", false),
                crs = int_arg(info, 19, fn, "cRowStride", false), ccs = int_arg(info, 20, fn, "cColStride", false);
  if (batch == 0 || M == 0 || N == 0) return env.Undefined();
  check_batch(env, fn, "C", batch, M, N, co, cbs, crs, ccs, C.ElementLength());
  if (K > 0) {
    check_batch(env, fn, "A", batch, M, K, ao, abs_, ars, acs, A.ElementLength());
    check_batch(env, fn, "B", batch, K, N, bo, bbs, brs, bcs, B.ElementLength());
  }
  sgemm_batched(active_isa(), size_t(batch), size_t(M), size_t(N), size_t(K), alpha, A.Data() + ao, abs_, ars, acs,
                B.Data() + bo, bbs, brs, bcs, beta, C.Data() + co, cbs, crs, ccs);
  return env.Undefined();
}

// An operand of linearPairRow: its name and the floats [offset, offset + n) it spans.
struct Extent {
  const char* name;
  ByteRange bytes;
};

Extent extent_of(const char* name, const F32Span& span, int64_t offset, int64_t n) {
  if (!span.present || n == 0) return {name, {}};
  return {name, {reinterpret_cast<const char*>(span.data + offset), reinterpret_cast<const char*>(span.data + offset + n)}};
}

Napi::Value LinearPairRowBinding(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "linearPairRow";
  expect_arg_count(info, fn, 8);
  const F32Span x = f32_span(info, 0, fn, "x", false), w1 = f32_span(info, 1, fn, "w1", false),
                w2t = f32_span(info, 2, fn, "w2t", false), b1 = f32_span(info, 3, fn, "b1", true),
                b2 = f32_span(info, 4, fn, "b2", true), h = f32_span(info, 5, fn, "h", false),
                y = f32_span(info, 6, fn, "y", false);
  const double* n = number_array(info, 7, fn, "numbers", 14);
  const int64_t k = int_entry(env, n, 0, fn, "k", true), hidden = int_entry(env, n, 1, fn, "hidden", true),
                width = int_entry(env, n, 2, fn, "n", true);
  const int64_t xo = int_entry(env, n, 3, fn, "xOffset", true), w1o = int_entry(env, n, 4, fn, "w1Offset", true),
                w1rs = int_entry(env, n, 5, fn, "w1RowStride", true), w2to = int_entry(env, n, 6, fn, "w2tOffset", true),
                w2trs = int_entry(env, n, 7, fn, "w2tRowStride", true), b1o = int_entry(env, n, 8, fn, "b1Offset", true),
                b2o = int_entry(env, n, 9, fn, "b2Offset", true), ho = int_entry(env, n, 10, fn, "hOffset", true),
                yo = int_entry(env, n, 11, fn, "yOffset", true);
  const int64_t act1 = int_entry(env, n, 12, fn, "activation1", false), act2 = int_entry(env, n, 13, fn, "activation2", false);
  check_activation(env, fn, "activation1", act1);
  check_activation(env, fn, "activation2", act2);
  check_span(env, fn, "x", xo, k, x.length);
  check_matrix(env, fn, "w1", hidden, k, w1o, w1rs, 1, w1.length);
  check_matrix(env, fn, "w2t", hidden, width, w2to, w2trs, 1, w2t.length);
  if (b1.present) check_span(env, fn, "b1", b1o, hidden, b1.length);
  if (b2.present) check_span(env, fn, "b2", b2o, width, b2.length);
  check_span(env, fn, "h", ho, hidden, h.length);
  check_span(env, fn, "y", yo, width, y.length);
  const int64_t w1_span = hidden == 0 || k == 0 ? 0 : (hidden - 1) * w1rs + k;
  const int64_t w2t_span = hidden == 0 || width == 0 ? 0 : (hidden - 1) * w2trs + width;
  const Extent inputs[] = {extent_of("x", x, xo, k), extent_of("w1", w1, w1o, w1_span), extent_of("w2t", w2t, w2to, w2t_span),
                           extent_of("b1", b1, b1o, hidden), extent_of("b2", b2, b2o, width)};
  const Extent outputs[] = {extent_of("h", h, ho, hidden), extent_of("y", y, yo, width)};
  if (outputs[0].bytes.overlaps(outputs[1].bytes)) throw_range(env, fn, "h overlaps y");
  for (const Extent& out : outputs) {
    for (const Extent& in : inputs) {
      if (out.bytes.overlaps(in.bytes)) throw_range(env, fn, std::string(out.name) + " overlaps " + in.name);
    }
  }
  const bool done = linear_pair_row(active_isa(), {size_t(k), size_t(hidden), size_t(width), x.data + xo, w1.data + w1o, w1rs,
                                                   b1.present ? b1.data + b1o : nullptr, int(act1), w2t.data + w2to, w2trs,
                                                   b2.present ? b2.data + b2o : nullptr, int(act2), h.data + ho, y.data + yo});
  return Napi::Boolean::New(env, done);
}

}  // namespace

void register_gemm(Napi::Env env, Napi::Object exports) {
  exports.Set("sgemm", Napi::Function::New(env, Sgemm));
  exports.Set("sgemmFused", Napi::Function::New(env, SgemmFused));
  exports.Set("packB", Napi::Function::New(env, PackB));
  exports.Set("sgemmBatched", Napi::Function::New(env, SgemmBatched));
  exports.Set("linearPairRow", Napi::Function::New(env, LinearPairRowBinding));
}

}  // namespace tsjit
