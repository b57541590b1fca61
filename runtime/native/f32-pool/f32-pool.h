// 2-D pooling over each [H, W] plane of a float32 [N, C, H, W] view, as
// runtime/kernels/js/pool.ts computes it (sums in double, so results equal the JS
// kernel's). Arguments must be validated (bind-conv.cc); the planes are split over
// the thread pool.
#pragma once
#include <cstdint>
#include "../f32-conv/f32-conv.h"

namespace tsjit {

struct PoolWindow {
  int64_t kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w;
};

// Padded cells never win; a NaN in a window wins and sticks.
void max_pool2d_f32(const IsaKernels& isa, const View4<const float>& in, const View4<float>& out, const PoolWindow& w, int64_t dilation_h,
                    int64_t dilation_w);
// divisor_override 0: divide by the window (clipped to the padded input when
// count_include_pad, else to the input).
void avg_pool2d_f32(const View4<const float>& in, const View4<float>& out, const PoolWindow& w, bool count_include_pad,
                    int64_t divisor_override);
// Windows [floor(i*H/OH), ceil((i+1)*H/OH)).
void adaptive_avg_pool2d_f32(const View4<const float>& in, const View4<float>& out);

}  // namespace tsjit
