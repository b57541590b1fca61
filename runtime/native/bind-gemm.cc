// sgemm(M, N, K, alpha, A, aOffset, aRowStride, aColStride, B, bOffset, bRowStride,
//       bColStride, beta, C, cOffset, cRowStride, cColStride)
#include "args.h"
#include "bindings.h"
#include "sgemm.h"

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

}  // namespace

void register_gemm(Napi::Env env, Napi::Object exports) { exports.Set("sgemm", Napi::Function::New(env, Sgemm)); }

}  // namespace tsjit
