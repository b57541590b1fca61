// Portable reduction building blocks: width-1 traits, sums and exp in double.
#include <cmath>
#include "../vec-scalar.h"
#include "f32-reduce.h"

namespace tsjit {
namespace {
struct RedScalar : VecScalar {
  using dacc = double;
  static dacc dzero() { return 0.0; }
  static void dadd(dacc& a, reg v) { a += double(v); }
  static dacc dset1(double v) { return v; }
  static dacc dload(const double* p) { return *p; }
  static void dstore(double* p, dacc a) { *p = a; }
  static void dsqdev(dacc& a, reg v, dacc mean) {
    const double d = double(v) - mean;
    a += d * d;
  }
  static double dtotal(dacc a) { return a; }
  static reg max(reg a, reg b) { return a > b ? a : b; }
  static reg min(reg a, reg b) { return a < b ? a : b; }
  static reg keep_nan(reg a, reg b) { return a != a ? a : b; }
  static reg exp(reg v) { return float(std::exp(double(v))); }
};
}  // namespace

const ReduceUkernels tsjit_f32_reduce_ukernels__scalar = reduce_ukernels<RedScalar>();
}  // namespace tsjit
