// The depthwise convolution's inner loop over a vector-traits type V (instantiated in
// each ISA's file): one output row accumulates every tap of the filter while it sits
// in registers, so each output element is loaded and stored once.
#pragma once
#include <cstddef>

namespace tsjit {
namespace {

// acc[i] += sum over t < taps of weights[t] * rows[t][i], for i < n.
template <class V>
inline void dwconv_row(size_t n, size_t taps, const float* const* rows, const float* weights, float* acc) {
  constexpr size_t W = V::W;
  size_t i = 0;
  for (; i + 2 * W <= n; i += 2 * W) {
    typename V::reg a0 = V::load(acc + i), a1 = V::load(acc + i + W);
    for (size_t t = 0; t < taps; t++) {
      const typename V::reg w = V::set1(weights[t]);
      a0 = V::fmadd(w, V::load(rows[t] + i), a0);
      a1 = V::fmadd(w, V::load(rows[t] + i + W), a1);
    }
    V::store(acc + i, a0);
    V::store(acc + i + W, a1);
  }
  for (; i + W <= n; i += W) {
    typename V::reg a = V::load(acc + i);
    for (size_t t = 0; t < taps; t++) a = V::fmadd(V::set1(weights[t]), V::load(rows[t] + i), a);
    V::store(acc + i, a);
  }
  for (; i < n; i++) {
    float a = acc[i];
    for (size_t t = 0; t < taps; t++) a += weights[t] * rows[t][i];
    acc[i] = a;
  }
}

}  // namespace
}  // namespace tsjit
