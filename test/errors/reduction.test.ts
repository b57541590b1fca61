import { describe, expect, it } from "vitest";
import {
  amax,
  argmax,
  batchNorm,
  groupNorm,
  layerNorm,
  max,
  mean,
  softmax,
  std,
  sum,
  tensor,
  TsjitError,
  var as variance,
  zeros,
  type ErrorCode,
} from "../../runtime/index.js";

function expectError(run: () => unknown, code: ErrorCode, message: RegExp): void {
  expect(run).toThrow(message);
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TsjitError);
    expect((error as TsjitError).code).toBe(code);
  }
}

describe("reduction errors", () => {
  const x = zeros([2, 3]);

  it("a dim out of range names the op, the dim and the rank", () => {
    expectError(() => sum(x, 2), "INDEX_OUT_OF_RANGE", /^sum\(\): dim 2 is out of range for a tensor of rank 2/);
    expectError(() => max(x, -3), "INDEX_OUT_OF_RANGE", /^max\(\): dim -3 is out of range for a tensor of rank 2/);
    expectError(() => x.softmax(5), "INDEX_OUT_OF_RANGE", /^softmax\(\): dim 5 is out of range for a tensor of rank 2/);
  });

  it("a repeated dim is rejected", () => {
    expectError(() => sum(x, [1, -1]), "INVALID_ARGUMENT", /^sum\(\): dim 1 appears multiple times in the list of dims \[1, -1\]/);
  });

  it("max, amax and argmax over an empty dim name the dim and the shape", () => {
    const empty = zeros([2, 0]);
    expectError(() => max(empty, 1), "INVALID_ARGUMENT", /^max\(\): cannot reduce over dim 1 of size 0 \(input shape \[2, 0\]\)/);
    expectError(() => amax(empty, [1]), "INVALID_ARGUMENT", /^amax\(\): cannot reduce over dim 1 of size 0 \(input shape \[2, 0\]\)/);
    expectError(() => argmax(empty), "INVALID_ARGUMENT", /^argmax\(\): the input is empty \(shape \[2, 0\]\)/);
    expectError(() => max(empty), "INVALID_ARGUMENT", /^max\(\): the input is empty \(shape \[2, 0\]\)/);
  });

  it("mean, var and std of an integer tensor are dtype errors", () => {
    const ints = tensor([1, 2, 3], { dtype: "int64" });
    expectError(() => mean(ints), "DTYPE_MISMATCH", /^mean\(\): could not infer output dtype: the input dtype must be a floating point dtype, got int64/);
    expectError(() => variance(ints), "DTYPE_MISMATCH", /^var\(\): input dtype must be a floating point dtype, got int64/);
    expectError(() => std(ints, 0), "DTYPE_MISMATCH", /^std\(\): input dtype must be a floating point dtype, got int64/);
    expectError(() => softmax(ints, 0), "DTYPE_MISMATCH", /^softmax\(\): input must be floating point .*got int64/);
  });
});

describe("normalization errors", () => {
  it("layer_norm with a normalized_shape that does not match the trailing dims names both", () => {
    expectError(
      () => layerNorm(zeros([2, 3, 4]), [3]),
      "SHAPE_MISMATCH",
      /^layer_norm\(\): normalized_shape \[3\] must match the input's trailing dims: expected input of shape \[\*, 3\], got \[2, 3, 4\]/,
    );
    expectError(() => layerNorm(zeros([4]), [2, 4]), "SHAPE_MISMATCH", /normalized_shape \[2, 4\].*got \[4\]/);
  });

  it("layer_norm with a weight of the wrong shape names the expected and given shapes", () => {
    expectError(() => layerNorm(zeros([2, 4]), [4], zeros([3])), "SHAPE_MISMATCH", /^layer_norm\(\): weight must have shape \[4\], got \[3\]/);
  });

  it("group_norm with channels not divisible by num_groups names the shape and the group count", () => {
    expectError(
      () => groupNorm(zeros([2, 5, 3]), 2),
      "SHAPE_MISMATCH",
      /^group_norm\(\): the number of channels must be divisible by num_groups, got input of shape \[2, 5, 3\] \(5 channels\) and num_groups=2/,
    );
    expectError(() => groupNorm(zeros([2, 4, 3]), 2, zeros([2])), "SHAPE_MISMATCH", /^group_norm\(\): weight must have shape \[4\], got \[2\]/);
  });

  it("batch_norm with running stats of the wrong length names the expected and given shapes", () => {
    const input = zeros([2, 3, 4]);
    expectError(() => batchNorm(input, zeros([4]), zeros([3])), "SHAPE_MISMATCH", /^batch_norm\(\): running_mean must have shape \[3\], got \[4\]/);
    expectError(() => batchNorm(input, zeros([3]), zeros([1, 3])), "SHAPE_MISMATCH", /^batch_norm\(\): running_var must have shape \[3\], got \[1, 3\]/);
  });

  it("batch_norm in eval mode needs running stats; in training mode more than one value per channel", () => {
    expectError(() => batchNorm(zeros([2, 3]), null, null), "INVALID_ARGUMENT", /^batch_norm\(\): running_mean and running_var must be given in evaluation mode/);
    expectError(
      () => batchNorm(zeros([1, 3]), null, null, null, null, true),
      "INVALID_ARGUMENT",
      /^batch_norm\(\): expected more than 1 value per channel when training, got input of shape \[1, 3\]/,
    );
    expectError(() => batchNorm(zeros([3]), zeros([3]), zeros([3])), "SHAPE_MISMATCH", /^batch_norm\(\): input must have at least 2 dims \[N, C, \*\], got shape \[3\]/);
  });
});
