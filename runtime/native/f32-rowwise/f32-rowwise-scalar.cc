// Portable row-wise kernels: the JS reference's formulas, in double.
#include <cmath>
#include "f32-rowwise.h"
#include "f32-rowwise-kernels.h"

namespace tsjit {
void tsjit_f32_softmax_ukernel__scalar(size_t rows, size_t cols, const float* x, float* y, bool log) {
  for (size_t r = 0; r < rows; r++, x += cols, y += cols) {
    float mx = -INFINITY;
    for (size_t i = 0; i < cols; i++) {
      if (x[i] > mx || x[i] != x[i]) mx = x[i];
    }
    double total = 0.0;
    if (log) {
      for (size_t i = 0; i < cols; i++) total += std::exp(double(x[i]) - double(mx));
      const double lt = std::log(total);
      for (size_t i = 0; i < cols; i++) y[i] = float(double(x[i]) - double(mx) - lt);
    } else {
      for (size_t i = 0; i < cols; i++) {
        const double e = std::exp(double(x[i]) - double(mx));
        y[i] = float(e);
        total += e;
      }
      const double scale = 1.0 / total;
      for (size_t i = 0; i < cols; i++) y[i] = float(double(y[i]) * scale);
    }
  }
}

void tsjit_f32_layernorm_ukernel__scalar(size_t rows, size_t cols, const float* x, const float* w, const float* b, float eps,
                                         float* y) {
  for (size_t r = 0; r < rows; r++) layernorm_row_double(cols, x + r * cols, w, b, eps, y + r * cols);
}
}  // namespace tsjit
