// conv2d's weights as the GEMM-side matrix both conv paths multiply (f32-conv.cc).
#pragma once
#include <cstddef>
#include <vector>
#include "f32-conv.h"

namespace tsjit {

// A matrix by base pointer and (row, column) strides.
struct Matrix {
  const float* data;
  ptrdiff_t rs, cs;
};

// The weights as an [O, C/groups * KH * KW] matrix, copied into `copy` only when the
// layout does not merge into one, or (unit_columns) when its columns would not be
// contiguous.
Matrix weight_matrix(const View4<const float>& w, std::vector<float>& copy, bool unit_columns);

}  // namespace tsjit
