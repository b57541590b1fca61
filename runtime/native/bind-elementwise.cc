// binary(...) and unary(...) over contiguous float32 spans.
#include "args.h"
#include "bindings.h"
#include "parallel.h"

namespace tsjit {
namespace {

// binary(op, a, aOffset, b, bOffset, out, outOffset, n, alpha); op 0 add, 1 sub, 2 mul, 3 div.
Napi::Value Binary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "binary";
  expect_arg_count(info, fn, 9);
  const int64_t op = int_arg(info, 0, fn, "op", true);
  if (op > kDiv) throw_range(env, fn, "unknown op code " + std::to_string(op));
  Napi::Float32Array a = f32_arg(info, 1, fn, "a");
  const int64_t ao = int_arg(info, 2, fn, "aOffset", true);
  Napi::Float32Array b = f32_arg(info, 3, fn, "b");
  const int64_t bo = int_arg(info, 4, fn, "bOffset", true);
  Napi::Float32Array out = f32_arg(info, 5, fn, "out");
  const int64_t oo = int_arg(info, 6, fn, "outOffset", true);
  const int64_t n = int_arg(info, 7, fn, "n", true);
  const float alpha = float_arg(info, 8, fn, "alpha");
  check_span(env, fn, "a", ao, n, a.ElementLength());
  check_span(env, fn, "b", bo, n, b.ElementLength());
  check_span(env, fn, "out", oo, n, out.ElementLength());
  const float* pa = a.Data() + ao;
  const float* pb = b.Data() + bo;
  float* po = out.Data() + oo;
  const IsaKernels& isa = active_isa();
  split_elements(n, [&](int64_t s, int64_t len) { isa.vbinary(int(op), size_t(len), pa + s, pb + s, po + s, alpha); });
  return env.Undefined();
}

// unary(op, x, xOffset, out, outOffset, n); op 0 relu, 1 tanh, 2 exp, 3 sigmoid, 4 gelu, 5 gelu (tanh form).
Napi::Value Unary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "unary";
  expect_arg_count(info, fn, 6);
  const int64_t op = int_arg(info, 0, fn, "op", true);
  if (op > kGeluTanh) throw_range(env, fn, "unknown op code " + std::to_string(op));
  Napi::Float32Array x = f32_arg(info, 1, fn, "x");
  const int64_t xo = int_arg(info, 2, fn, "xOffset", true);
  Napi::Float32Array out = f32_arg(info, 3, fn, "out");
  const int64_t oo = int_arg(info, 4, fn, "outOffset", true);
  const int64_t n = int_arg(info, 5, fn, "n", true);
  check_span(env, fn, "x", xo, n, x.ElementLength());
  check_span(env, fn, "out", oo, n, out.ElementLength());
  const float* px = x.Data() + xo;
  float* po = out.Data() + oo;
  const IsaKernels& isa = active_isa();
  split_elements(n, [&](int64_t s, int64_t len) { isa.vunary(int(op), size_t(len), px + s, po + s); });
  return env.Undefined();
}

}  // namespace

void register_elementwise(Napi::Env env, Napi::Object exports) {
  exports.Set("binary", Napi::Function::New(env, Binary));
  exports.Set("unary", Napi::Function::New(env, Unary));
}

}  // namespace tsjit
