// The N-API boundary (node-addon-api). Every entry point checks each argument it is
// given (types, integral sizes, and that every index a kernel can touch lies inside
// the typed array it receives) and throws a JS RangeError/TypeError otherwise: bad
// input never reaches a kernel. Past this file, kernels trust their arguments.
//
// Exports: info(), setIsa(name), setNumThreads(n), sgemm(...), binary(...), unary(...), softmax(...),
// layerNorm(...), peakGflops(threads, ms)
#include <napi.h>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <string>
#include "isa.h"
#include "sgemm.h"
#include "threadpool.h"

namespace tsjit {
namespace {

const IsaKernels* g_isa = nullptr;
std::string g_isa_reason;

// Sizes and strides are bounded so that every index computation below fits int64.
constexpr double kMaxDim = double(1ull << 31);

[[noreturn]] void throw_range(Napi::Env env, const std::string& fn, const std::string& msg) {
  throw Napi::RangeError::New(env, "tsjit native " + fn + "(): " + msg);
}

int64_t int_arg(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name, bool non_negative) {
  if (i >= info.Length() || !info[i].IsNumber()) {
    throw Napi::TypeError::New(info.Env(), std::string("tsjit native ") + fn + "(): " + name + " must be a number");
  }
  const double v = info[i].As<Napi::Number>().DoubleValue();
  if (!std::isfinite(v) || std::floor(v) != v || std::fabs(v) >= kMaxDim) {
    throw_range(info.Env(), fn, std::string(name) + " must be an integer of magnitude < 2^31, got " + std::to_string(v));
  }
  if (non_negative && v < 0) throw_range(info.Env(), fn, std::string(name) + " must be >= 0, got " + std::to_string(v));
  return int64_t(v);
}

float float_arg(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name) {
  if (i >= info.Length() || !info[i].IsNumber()) {
    throw Napi::TypeError::New(info.Env(), std::string("tsjit native ") + fn + "(): " + name + " must be a number");
  }
  return float(info[i].As<Napi::Number>().DoubleValue());
}

Napi::Float32Array f32_arg(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name) {
  if (i >= info.Length() || !info[i].IsTypedArray() ||
      info[i].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    throw Napi::TypeError::New(info.Env(), std::string("tsjit native ") + fn + "(): " + name + " must be a Float32Array");
  }
  return info[i].As<Napi::Float32Array>();
}

// A rows x cols matrix at `offset` with the given strides must lie inside `length`.
void check_matrix(Napi::Env env, const char* fn, const char* name, int64_t rows, int64_t cols, int64_t offset,
                  int64_t rs, int64_t cs, size_t length) {
  if (rows == 0 || cols == 0) return;
  int64_t lo = offset, hi = offset;
  (rs < 0 ? lo : hi) += (rows - 1) * rs;
  (cs < 0 ? lo : hi) += (cols - 1) * cs;
  if (lo < 0 || hi >= int64_t(length)) {
    throw_range(env, fn,
                std::string(name) + ": a " + std::to_string(rows) + "x" + std::to_string(cols) + " matrix at offset " +
                    std::to_string(offset) + " with strides (" + std::to_string(rs) + ", " + std::to_string(cs) +
                    ") reaches indices [" + std::to_string(lo) + ", " + std::to_string(hi) +
                    "], outside its Float32Array of length " + std::to_string(length));
  }
}

void check_span(Napi::Env env, const char* fn, const char* name, int64_t offset, int64_t n, size_t length) {
  if (n == 0) return;
  if (offset + n > int64_t(length)) {
    throw_range(env, fn,
                std::string(name) + ": " + std::to_string(n) + " elements at offset " + std::to_string(offset) +
                    " overrun its Float32Array of length " + std::to_string(length));
  }
}

Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  out.Set("isa", g_isa->name);
  out.Set("isaReason", g_isa_reason);
  out.Set("threads", usable_threads());
  out.Set("poolThreads", thread_pool().size());
  Napi::Array supported = Napi::Array::New(env);
  uint32_t n = 0;
  if (cpu_has_avx512()) supported.Set(n++, "avx512");
  if (cpu_has_avx2()) supported.Set(n++, "avx2");
  supported.Set(n++, "generic");
  out.Set("supportedIsas", supported);
  return out;
}

// setIsa(name): switch kernel tables (tests run each ISA in one process).
Napi::Value SetIsa(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsString()) throw Napi::TypeError::New(info.Env(), "tsjit native setIsa(): name must be a string");
  const std::string name = info[0].As<Napi::String>().Utf8Value();
  const IsaKernels* k = isa_by_name(name);
  if (k == nullptr) throw_range(info.Env(), "setIsa", "ISA '" + name + "' is unknown or not supported by this CPU");
  g_isa = k;
  g_isa_reason = "set by setIsa('" + name + "')";
  return info.Env().Undefined();
}

// setNumThreads(n): use at most n of the pool's threads (benches compare 1 and all).
Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  cap_threads(int(int_arg(info, 0, "setNumThreads", "n", true)));
  return info.Env().Undefined();
}

// sgemm(M, N, K, alpha, A, aOffset, aRowStride, aColStride, B, bOffset, bRowStride,
//       bColStride, beta, C, cOffset, cRowStride, cColStride)
Napi::Value Sgemm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "sgemm";
  if (info.Length() != 17) throw Napi::TypeError::New(env, "tsjit native sgemm(): expected 17 arguments, got " + std::to_string(info.Length()));
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
  sgemm(*g_isa, size_t(M), size_t(N), size_t(K), alpha, A.Data() + ao, ars, acs, B.Data() + bo, brs, bcs, beta,
        C.Data() + co, crs, ccs);
  return env.Undefined();
}

// Elementwise work of this many elements or more is split over the pool.
constexpr int64_t kParallelElements = 1 << 16;

template <class F>
void split_elements(int64_t n, F&& body) {
  ThreadPool& pool = thread_pool();
  const int threads = usable_threads();
  if (n < kParallelElements || threads == 1) {
    body(0, n);
    return;
  }
  const int64_t chunk = ((n + threads - 1) / threads + 63) / 64 * 64;
  const int tasks = int((n + chunk - 1) / chunk);
  pool.run(tasks, [&](int t) {
    const int64_t start = int64_t(t) * chunk;
    body(start, std::min(chunk, n - start));
  });
}

// binary(op, a, aOffset, b, bOffset, out, outOffset, n, alpha); op 0 add, 1 sub, 2 mul, 3 div.
Napi::Value Binary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "binary";
  if (info.Length() != 9) throw Napi::TypeError::New(env, "tsjit native binary(): expected 9 arguments, got " + std::to_string(info.Length()));
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
  const IsaKernels* isa = g_isa;
  split_elements(n, [&](int64_t s, int64_t len) { isa->vbinary(int(op), size_t(len), pa + s, pb + s, po + s, alpha); });
  return env.Undefined();
}

// unary(op, x, xOffset, out, outOffset, n); op 0 relu, 1 tanh, 2 exp, 3 sigmoid, 4 gelu, 5 gelu (tanh form).
Napi::Value Unary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "unary";
  if (info.Length() != 6) throw Napi::TypeError::New(env, "tsjit native unary(): expected 6 arguments, got " + std::to_string(info.Length()));
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
  const IsaKernels* isa = g_isa;
  split_elements(n, [&](int64_t s, int64_t len) { isa->vunary(int(op), size_t(len), px + s, po + s); });
  return env.Undefined();
}

// Row-wise work of this many elements or more is split over the pool by rows.
template <class F>
void split_rows(int64_t rows, int64_t cols, F&& body) {
  const int threads = usable_threads();
  if (rows * cols < kParallelElements || threads == 1 || rows < 2) {
    body(0, rows);
    return;
  }
  const int64_t chunk = (rows + threads - 1) / threads;
  const int tasks = int((rows + chunk - 1) / chunk);
  thread_pool().run(tasks, [&](int t) {
    const int64_t start = int64_t(t) * chunk;
    body(start, std::min(chunk, rows - start));
  });
}

// softmax(x, xOffset, out, outOffset, rows, cols, log): rows x cols contiguous floats,
// softmax (log 1: log_softmax) along each row. out may be x at the same offset.
Napi::Value Softmax(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "softmax";
  if (info.Length() != 7) throw Napi::TypeError::New(env, "tsjit native softmax(): expected 7 arguments, got " + std::to_string(info.Length()));
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
  const IsaKernels* isa = g_isa;
  split_rows(rows, cols, [&](int64_t r, int64_t nr) { isa->softmax_rows(size_t(nr), size_t(cols), px + r * cols, po + r * cols, log == 1); });
  return env.Undefined();
}

// A Float32Array or null (an absent affine parameter).
const float* optional_f32(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name, int64_t offset,
                          int64_t n) {
  if (i < info.Length() && info[i].IsNull()) return nullptr;
  if (i >= info.Length() || !info[i].IsTypedArray() ||
      info[i].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    throw Napi::TypeError::New(info.Env(), std::string("tsjit native ") + fn + "(): " + name + " must be a Float32Array or null");
  }
  Napi::Float32Array a = info[i].As<Napi::Float32Array>();
  check_span(info.Env(), fn, name, offset, n, a.ElementLength());
  return a.Data() + offset;
}

// layerNorm(x, xOffset, weight, weightOffset, bias, biasOffset, eps, out, outOffset, rows, cols):
// rows x cols contiguous floats normalized along each row (biased variance), then
// times weight and plus bias (cols floats each, or null). out may be x at the same offset.
Napi::Value LayerNorm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "layerNorm";
  if (info.Length() != 11) throw Napi::TypeError::New(env, "tsjit native layerNorm(): expected 11 arguments, got " + std::to_string(info.Length()));
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
  const IsaKernels* isa = g_isa;
  split_rows(rows, cols, [&](int64_t r, int64_t nr) { isa->layernorm_rows(size_t(nr), size_t(cols), px + r * cols, pw, pb, eps, po + r * cols); });
  return env.Undefined();
}

// peakGflops(threads, ms): this core's (or `threads` cores') FP32 FMA throughput,
// measured with the active ISA's loop of independent FMA chains.
Napi::Value PeakGflops(const Napi::CallbackInfo& info) {
  const char* fn = "peakGflops";
  const int64_t threads = std::max<int64_t>(1, std::min<int64_t>(int_arg(info, 0, fn, "threads", true), thread_pool().size()));
  const int64_t ms = std::max<int64_t>(1, int_arg(info, 1, fn, "ms", true));
  const IsaKernels* isa = g_isa;
  float sink[256] = {0};
  // Calibrate one chunk to ~1 ms, then run for `ms`.
  size_t iters = 1 << 16;
  double best = 0.0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < deadline) {
    const auto t0 = std::chrono::steady_clock::now();
    double flops = 0.0;
    if (threads == 1) {
      flops = isa->peak_fma(iters, &sink[0]);
    } else {
      double per[256] = {0};
      thread_pool().run(int(threads), [&](int t) { per[t] = isa->peak_fma(iters, &sink[t]); });
      for (int t = 0; t < threads; t++) flops += per[t];
    }
    const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    best = std::max(best, flops / sec / 1e9);
    if (sec < 1e-3) iters *= 2;
  }
  return Napi::Number::New(info.Env(), best);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  if (g_isa == nullptr) {
    IsaChoice choice = choose_isa();
    if (choice.kernels == nullptr) throw Napi::Error::New(env, "tsjit native: " + choice.reason);
    g_isa = choice.kernels;
    g_isa_reason = choice.reason;
  }
  exports.Set("info", Napi::Function::New(env, Info));
  exports.Set("setIsa", Napi::Function::New(env, SetIsa));
  exports.Set("setNumThreads", Napi::Function::New(env, SetNumThreads));
  exports.Set("sgemm", Napi::Function::New(env, Sgemm));
  exports.Set("binary", Napi::Function::New(env, Binary));
  exports.Set("unary", Napi::Function::New(env, Unary));
  exports.Set("softmax", Napi::Function::New(env, Softmax));
  exports.Set("layerNorm", Napi::Function::New(env, LayerNorm));
  exports.Set("peakGflops", Napi::Function::New(env, PeakGflops));
  return exports;
}

}  // namespace
}  // namespace tsjit

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return tsjit::Init(env, exports); }

NODE_API_MODULE(tsjit_native, InitModule)
