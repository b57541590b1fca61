// Scalar "vector" traits (width 1) for the portable kernels: plain C++, no intrinsics.
#pragma once

namespace tsjit {
namespace {
struct VecScalar {
  using reg = float;
  static constexpr int W = 1;
  static reg zero() { return 0.0f; }
  static reg set1(float v) { return v; }
  static reg load(const float* p) { return *p; }
  static void store(float* p, reg v) { *p = v; }
  static reg add(reg a, reg b) { return a + b; }
  static reg sub(reg a, reg b) { return a - b; }
  static reg mul(reg a, reg b) { return a * b; }
  static reg div(reg a, reg b) { return a / b; }
  static reg fmadd(reg a, reg b, reg c) { return a * b + c; }
  static float hsum(reg v) { return v; }
  static void transpose_sum(const reg* acc, float* out) { out[0] = acc[0]; }
};
}  // namespace
}  // namespace tsjit
