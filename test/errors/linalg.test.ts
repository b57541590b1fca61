import { describe, expect, it } from "vitest";
import {
  adaptiveAvgPool2d,
  addmm,
  avgPool2d,
  bmm,
  conv1d,
  conv2d,
  dot,
  linear,
  matmul,
  maxPool2d,
  mm,
  TsjitError,
  zeros,
  type DType,
  type ErrorCode,
} from "../../runtime/index.js";

const z = (shape: number[], dtype: DType = "float32") => zeros(shape, { dtype });

function expectError(call: () => unknown, code: ErrorCode, message: RegExp): void {
  expect(call).toThrow(message);
  try {
    call();
  } catch (e) {
    expect(e).toBeInstanceOf(TsjitError);
    expect((e as TsjitError).code).toBe(code);
  }
}

describe("matrix product errors", () => {
  it("matmul of [2, 3] @ [4, 5] names both shapes and the mismatched dims", () => {
    expectError(() => matmul(z([2, 3]), z([4, 5])), "SHAPE_MISMATCH", /^matmul\(\): size mismatch, got \[2, 3\] @ \[4, 5\] \(dim 1 of the first is 3, dim 0 of the second is 4\)/);
    expectError(() => z([2, 3]).matmul(z([2])), "SHAPE_MISMATCH", /matmul\(\): size mismatch, got \[2, 3\] @ \[2\]/);
  });

  it("matmul rejects 0-dim operands and batch dims that do not broadcast", () => {
    expectError(() => matmul(z([]), z([3])), "SHAPE_MISMATCH", /matmul\(\): both arguments need to be at least 1-D, got shapes \[\] and \[3\]/);
    expectError(() => matmul(z([2, 2, 3]), z([3, 3, 4])), "SHAPE_MISMATCH", /matmul\(\): batch dimensions \[2\] and \[3\] of \[2, 2, 3\] @ \[3, 3, 4\]/);
  });

  it("mixed dtypes and int inputs are DTYPE_MISMATCH errors naming the dtypes", () => {
    expectError(() => matmul(z([2, 3]), z([3, 5], "int64")), "DTYPE_MISMATCH", /matmul\(\): .*same dtype, got float32 \[2, 3\] and int64 \[3, 5\]/);
    expectError(() => mm(z([2, 3], "int32"), z([3, 5], "int32")), "DTYPE_MISMATCH", /mm\(\): .*float32, got int32 \(shape \[2, 3\]\)/);
    expectError(() => dot(z([3], "bool"), z([3], "bool")), "DTYPE_MISMATCH", /dot\(\): .*got bool/);
  });

  it("bmm with mismatched batch sizes names both shapes", () => {
    expectError(() => bmm(z([3, 4, 6]), z([2, 6, 5])), "SHAPE_MISMATCH", /bmm\(\): .*same batch size, got \[3, 4, 6\] and \[2, 6, 5\] \(3 vs 2\)/);
    expectError(() => bmm(z([4, 6]), z([2, 6, 5])), "SHAPE_MISMATCH", /bmm\(\): expected self to be 3-D, got a 2-D tensor of shape \[4, 6\]/);
  });

  it("linear with mismatched in_features names input and weight shapes", () => {
    expectError(() => linear(z([4, 10]), z([5, 7])), "SHAPE_MISMATCH", /linear\(\): input of shape \[4, 10\] has 10 features .* weight of shape \[5, 7\] expects in_features = 7/);
    expectError(() => linear(z([4, 10]), z([5, 10]), z([4])), "SHAPE_MISMATCH", /linear\(\): bias of shape \[4\] cannot be broadcast to the result shape \[4, 5\]/);
  });

  it("addmm rejects an input that does not broadcast to the product", () => {
    expectError(() => addmm(z([3]), z([2, 2]), z([2, 5])), "SHAPE_MISMATCH", /addmm\(\): self of shape \[3\] cannot be broadcast to the result shape \[2, 5\]/);
  });
});

describe("convolution errors", () => {
  it("the wrong number of input channels names channels, groups and shapes", () => {
    expectError(
      () => conv2d(z([2, 5, 9, 9]), z([4, 3, 3, 3])),
      "SHAPE_MISMATCH",
      /conv2d\(\): given groups=1 and weight of shape \[4, 3, 3, 3\], expected input of shape \[2, 5, 9, 9\] to have 3 channels .*but got 5 channels/,
    );
    expectError(() => conv2d(z([1, 5, 9, 9]), z([4, 2, 3, 3]), null, 1, 0, 1, 2), "SHAPE_MISMATCH", /given groups=2 .* to have 4 channels .*but got 5 channels/);
  });

  it("a weight of the wrong rank names the expected layout and the shape", () => {
    expectError(() => conv2d(z([2, 3, 9, 9]), z([4, 3, 3])), "SHAPE_MISMATCH", /conv2d\(\): expected weight to be 4-D \[out_channels, in_channels \/ groups, kH, kW\], got shape \[4, 3, 3\]/);
    expectError(() => conv1d(z([2, 3, 9]), z([4, 3, 3, 3])), "SHAPE_MISMATCH", /conv1d\(\): expected weight to be 3-D .* got shape \[4, 3, 3, 3\]/);
    expectError(() => conv2d(z([9, 9]), z([4, 3, 3, 3])), "SHAPE_MISMATCH", /conv2d\(\): expected a 3-D \(unbatched\) or 4-D \(batched\) input, got shape \[9, 9\]/);
  });

  it("a kernel larger than the padded input names both sizes", () => {
    expectError(
      () => conv2d(z([1, 3, 3, 3]), z([4, 3, 5, 5])),
      "SHAPE_MISMATCH",
      /conv2d\(\): padded input size per channel \(3 x 3\) is smaller than the kernel size with dilation \(5 x 5\); input \[1, 3, 3, 3\], weight \[4, 3, 5, 5\]/,
    );
    expectError(() => conv2d(z([1, 3, 5, 5]), z([4, 3, 3, 3]), null, 1, 0, 3), "SHAPE_MISMATCH", /kernel size with dilation \(7 x 7\)/);
  });

  it("groups that do not divide out_channels, a wrong bias and bad hyperparameters are rejected", () => {
    expectError(() => conv2d(z([1, 4, 3, 3]), z([3, 2, 1, 1]), null, 1, 0, 1, 2), "SHAPE_MISMATCH", /3 out_channels .* not divisible by groups=2/);
    expectError(() => conv2d(z([1, 3, 3, 3]), z([4, 3, 1, 1]), z([3])), "SHAPE_MISMATCH", /expected bias of shape \[4\] .* got \[3\]/);
    expectError(() => conv2d(z([1, 3, 3, 3]), z([4, 3, 1, 1]), null, 0), "INVALID_ARGUMENT", /conv2d\(\): stride must be positive, got \[0, 0\]/);
    expectError(() => conv2d(z([1, 3, 3, 3]), z([4, 3, 1, 1]), null, 1, -1), "INVALID_ARGUMENT", /conv2d\(\): padding must be non-negative/);
    expectError(() => conv2d(z([1, 3, 3, 3]), z([4, 3, 1, 1]), null, 2, "same"), "INVALID_ARGUMENT", /padding="same" is not supported for strided convolutions/);
  });

  it("int inputs are DTYPE_MISMATCH errors naming the dtype", () => {
    expectError(() => conv2d(z([1, 3, 3, 3], "int64"), z([4, 3, 1, 1])), "DTYPE_MISMATCH", /conv2d\(\): expected input to be float32, got int64/);
    expectError(() => conv2d(z([1, 3, 3, 3]), z([4, 3, 1, 1], "int32")), "DTYPE_MISMATCH", /conv2d\(\): expected weight to be float32, got int32/);
  });
});

describe("pooling errors", () => {
  it("padding more than half the kernel names padding and kernel_size", () => {
    expectError(() => maxPool2d(z([1, 1, 8, 8]), 3, 1, 2), "INVALID_ARGUMENT", /max_pool2d\(\): padding should be at most half of kernel_size, got padding \[2, 2\] and kernel_size \[3, 3\]/);
    expectError(() => avgPool2d(z([1, 1, 8, 8]), [2, 4], { padding: [2, 1] }), "INVALID_ARGUMENT", /avg_pool2d\(\): padding should be at most half .* \[2, 1\] and kernel_size \[2, 4\]/);
  });

  it("an output that would be empty names the input and window", () => {
    expectError(() => maxPool2d(z([1, 1, 2, 2]), 3), "SHAPE_MISMATCH", /max_pool2d\(\): output size is too small: input \[1, 1, 2, 2\] with kernel_size \[3, 3\]/);
  });

  it("int inputs, a zero divisor and empty channels are rejected", () => {
    expectError(() => avgPool2d(z([1, 1, 8, 8], "int32"), 3), "DTYPE_MISMATCH", /avg_pool2d\(\): expected input to be float32, got int32/);
    expectError(() => maxPool2d(z([1, 1, 8, 8], "int64"), 2), "DTYPE_MISMATCH", /max_pool2d\(\): expected input to be float32, got int64/);
    expectError(() => avgPool2d(z([1, 1, 8, 8]), 3, { divisorOverride: 0 }), "INVALID_ARGUMENT", /avg_pool2d\(\): divisor_override must be nonzero/);
    expectError(() => adaptiveAvgPool2d(z([1, 0, 8, 8]), 3), "SHAPE_MISMATCH", /adaptive_avg_pool2d\(\): expected an input with non-zero channel and spatial sizes, got shape \[1, 0, 8, 8\]/);
    expectError(() => maxPool2d(z([8, 8]), 2), "SHAPE_MISMATCH", /max_pool2d\(\): expected a 3-D \(unbatched\) or 4-D \(batched\) input, got shape \[8, 8\]/);
  });
});
