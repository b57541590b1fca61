// Portable contiguous elementwise kernels: the JS reference's formulas (libm, in double).
#include <cmath>
#include "../vec-scalar.h"
#include "f32-velementwise.h"
#include "f32-velementwise-kernels.h"

namespace tsjit {
void tsjit_f32_vbinary_ukernel__scalar(int op, size_t n, const float* a, const float* b, float* out, float alpha) {
  vbinary<VecScalar>(op, n, a, b, out, alpha);
}
void tsjit_f32_vunary_ukernel__scalar(int op, size_t n, const float* x, float* out) {
  switch (op) {
    case kRelu:
      for (size_t i = 0; i < n; i++) out[i] = x[i] > 0.0f || std::isnan(x[i]) ? x[i] : 0.0f;
      return;
    case kTanh:
      for (size_t i = 0; i < n; i++) out[i] = float(std::tanh(double(x[i])));
      return;
    case kExp:
      for (size_t i = 0; i < n; i++) out[i] = float(std::exp(double(x[i])));
      return;
    case kSigmoid:
      for (size_t i = 0; i < n; i++) out[i] = float(1.0 / (1.0 + std::exp(-double(x[i]))));
      return;
    case kGelu:
      for (size_t i = 0; i < n; i++) out[i] = gelu_ref(x[i]);
      return;
    case kGeluTanh:
      for (size_t i = 0; i < n; i++) out[i] = gelu_tanh_ref(x[i]);
      return;
  }
}
}  // namespace tsjit
