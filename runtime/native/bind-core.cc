// info(), isaGeneration(), setIsa(name), setNumThreads(n), misalignment(array),
// peakGflops(threads, ms), forkJoinNs(threads, jobs): the addon's state (kernel table,
// threads, malloc settings), where an array's data sits against a cache line, and for
// the bench the machine's peak FMA throughput and what one parallel job costs the pool.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include "args.h"
#include "bindings.h"
#include "isa.h"
#include "malloc-tuning.h"
#include "threadpool.h"

namespace tsjit {
namespace {

const IsaKernels* g_isa = nullptr;
std::string g_isa_reason;
// Counts switches of the kernel table, so JS can keep what it made for one (packed weights) without asking.
uint32_t g_isa_generation = 0;
std::string g_malloc;

Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  out.Set("isa", g_isa->name);
  out.Set("isaReason", g_isa_reason);
  out.Set("threads", usable_threads());
  out.Set("poolThreads", thread_pool().size());
  out.Set("malloc", g_malloc);
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
  if (k != g_isa) g_isa_generation++;
  g_isa = k;
  g_isa_reason = "set by setIsa('" + name + "')";
  return info.Env().Undefined();
}

// isaGeneration(): how many times setIsa has switched the kernel table (one cheap call).
Napi::Value IsaGeneration(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), g_isa_generation); }

// misalignment(array): how many bytes past a 64-byte boundary a Float32Array's first
// element sits (JS can make aligned copies of what kernels stream: Note [Aligned weights
// for GEMV] in kernels/native/streamedWeights.ts).
Napi::Value Misalignment(const Napi::CallbackInfo& info) {
  const F32Span array = f32_span(info, 0, "misalignment", "array", false);
  return Napi::Number::New(info.Env(), double(reinterpret_cast<uintptr_t>(array.data) % 64));
}

// setNumThreads(n): use at most n of the pool's threads (benches compare 1 and all).
Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  cap_threads(int(int_arg(info, 0, "setNumThreads", "n", true)));
  return info.Env().Undefined();
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

// forkJoinNs(threads, jobs): the median over 15 rounds of the mean time of `jobs` empty
// jobs of `threads` shares each (run_by_thread, as the GEMV and conv splits use it), in
// ns: what a parallel kernel pays before and after its work.
Napi::Value ForkJoinNs(const Napi::CallbackInfo& info) {
  const char* fn = "forkJoinNs";
  const int threads = int(std::max<int64_t>(1, std::min<int64_t>(int_arg(info, 0, fn, "threads", true), thread_pool().size())));
  const int64_t jobs = std::max<int64_t>(1, int_arg(info, 1, fn, "jobs", true));
  std::atomic<int> sink{0};
  double rounds[15];
  for (double& round : rounds) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int64_t j = 0; j < jobs; j++) thread_pool().run_by_thread(threads, [&](int t) { sink.fetch_add(t, std::memory_order_relaxed); });
    round = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count() / double(jobs);
  }
  std::sort(std::begin(rounds), std::end(rounds));
  return Napi::Number::New(info.Env(), rounds[7]);
}

}  // namespace

const IsaKernels& active_isa() { return *g_isa; }

void register_core(Napi::Env env, Napi::Object exports) {
  if (g_isa == nullptr) {
    IsaChoice choice = choose_isa();
    if (choice.kernels == nullptr) throw Napi::Error::New(env, "tsjit native: " + choice.reason);
    g_isa = choice.kernels;
    g_isa_reason = choice.reason;
  }
  if (g_malloc.empty()) g_malloc = tune_malloc();
  exports.Set("info", Napi::Function::New(env, Info));
  exports.Set("isaGeneration", Napi::Function::New(env, IsaGeneration));
  exports.Set("setIsa", Napi::Function::New(env, SetIsa));
  exports.Set("setNumThreads", Napi::Function::New(env, SetNumThreads));
  exports.Set("misalignment", Napi::Function::New(env, Misalignment));
  exports.Set("peakGflops", Napi::Function::New(env, PeakGflops));
  exports.Set("forkJoinNs", Napi::Function::New(env, ForkJoinNs));
}

}  // namespace tsjit
