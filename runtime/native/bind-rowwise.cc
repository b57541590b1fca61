// softmax(...) and layerNorm(...) over contiguous rows.
#include "args.h"
#include "bindings.h"
#include "parallel.h"

namespace tsjit {
namespace {

// softmax(x, xOffset, out, outOffset, rows, cols, log): rows x cols contiguous floats,
// softmax (log 1: log_softmax) along each row. out may be x at the same offset.
Napi::Value Softmax(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "softmax";
  expect_arg_count(info, fn, 7);
  Napi::Float32Array x = f32_arg(info, 0, fn, "x");
  const int64_t xo = int_arg(info, 1, fn, "xOffset", true);
  Napi::Float32Array out = f32_arg(info, 2, fn, "out");
  const int64_t oo = int_arg(info, 3, fn, "outOffset", true);
  const int64_t rows = int_arg(info, 4, fn, "rows", true), cols = int_arg(info, 5, fn, "cols", true);
  const int64_t log = int_arg(info, 6, fn, "log", true);
  if (log > 1) throw_range(env, fn, "log must be 0 or 1, got " + std::to_string(log));
  check_span(env, fn, "x", xo, rows * cols, x.ElementLength());
  check_span(env, fn, "out", oo, rows * cols, out.ElementLength());
  if (rows == 0 || cols == 0) return env.Undefined();
  const float* px = x.Data() + xo;
  float* po = out.Data() + oo;
  const IsaKernels& isa = active_isa();
  split_rows(rows, cols, [&](int64_t r, int64_t nr) { isa.softmax_rows(size_t(nr), size_t(cols), px + r * cols, po + r * cols, log == 1); });
  return env.Undefined();
}

// layerNorm(x, xOffset, weight, weightOffset, bias, biasOffset, eps, out, outOffset, rows, cols):
// rows x cols contiguous floats normalized along each row (biased variance), then
// times weight and plus bias (cols floats each, or null). out may be x at the same offset.
Napi::Value LayerNorm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "layerNorm";
  expect_arg_count(info, fn, 11);
  Napi::Float32Array x = f32_arg(info, 0, fn, "x");
  const int64_t xo = int_arg(info, 1, fn, "xOffset", true);
  const int64_t wo = int_arg(info, 3, fn, "weightOffset", true);
  const int64_t bo = int_arg(info, 5, fn, "biasOffset", true);
  const float eps = float_arg(info, 6, fn, "eps");
  Napi::Float32Array out = f32_arg(info, 7, fn, "out");
  const int64_t oo = int_arg(info, 8, fn, "outOffset", true);
  const int64_t rows = int_arg(info, 9, fn, "rows", true), cols = int_arg(info, 10, fn, "cols", true);
  const float* pw = optional_f32(info, 2, fn, "weight", wo, cols);
  const float* pb = optional_f32(info, 4, fn, "bias", bo, cols);
  check_span(env, fn, "x", xo, rows * cols, x.ElementLength());
  check_span(env, fn, "out", oo, rows * cols, out.ElementLength());
  if (rows == 0 || cols == 0) return env.Undefined();
  const float* px = x.Data() + xo;
  float* po = out.Data() + oo;
  const IsaKernels& isa = active_isa();
  split_rows(rows, cols, [&](int64_t r, int64_t nr) { isa.layernorm_rows(size_t(nr), size_t(cols), px + r * cols, pw, pb, eps, po + r * cols); });
  return env.Undefined();
}

}  // namespace

void register_rowwise(Napi::Env env, Napi::Object exports) {
  exports.Set("softmax", Napi::Function::New(env, Softmax));
  exports.Set("layerNorm", Napi::Function::New(env, LayerNorm));
}

}  // namespace tsjit
