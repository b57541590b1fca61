import { describe, expect, it } from "vitest";
import {
  cat,
  chunk,
  embedding,
  expand,
  flatten,
  gather,
  indexSelect,
  narrow,
  permute,
  repeat,
  reshape,
  select,
  slice,
  split,
  stack,
  t,
  tensor,
  transpose,
  tril,
  TsjitError,
  unsqueeze,
  zeros,
  type ErrorCode,
} from "../../runtime/index.js";

function expectError(fn: () => unknown, code: ErrorCode, message: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(TsjitError);
  expect((caught as TsjitError).code).toBe(code);
  expect(() => fn()).toThrow(message);
}

const x23 = zeros(2, 3);
const longs = (values: number[][] | number[]) => tensor(values, { dtype: "int64" });

describe("shape op errors", () => {
  it("reshape to an incompatible size names both shapes and element counts", () => {
    expectError(() => reshape(x23, [4, 2]), "SHAPE_MISMATCH", /reshape\(\): shape \[4, 2\] is invalid for an input of shape \[2, 3\] with 6 elements \(the new shape holds 8 elements\)/);
    expectError(() => x23.view(4, -1), "SHAPE_MISMATCH", /view\(\): shape \[4, -1\] is invalid for an input of shape \[2, 3\] with 6 elements/);
    expectError(() => reshape(x23, [-1, 4]), "SHAPE_MISMATCH", /reshape\(\): shape \[-1, 4\] is invalid for an input of shape \[2, 3\] with 6 elements \(the new shape holds a multiple of 4 elements\)/);
    expectError(() => zeros(2, 3, 4).unflatten(1, [2, 2]), "SHAPE_MISMATCH", /unflatten\(\): shape \[2, 2\] is invalid for dim 1 of size 3 of an input of shape \[2, 3, 4\]/);
    expectError(() => reshape(zeros(0, 3), [-1, 0]), "SHAPE_MISMATCH", /reshape\(\).*0 elements into shape \[-1, 0\].*ambiguous/);
  });

  it("reshape with two -1s or a negative size", () => {
    expectError(() => reshape(x23, [-1, -1]), "INVALID_ARGUMENT", /reshape\(\): only one dimension can be inferred, got shape \[-1, -1\]/);
    expectError(() => reshape(x23, [-2, -3]), "INVALID_ARGUMENT", /reshape\(\): invalid shape dimension -2 in \[-2, -3\]/);
  });

  it("dims out of range name the op, the dim and the rank", () => {
    expectError(() => transpose(x23, 0, 2), "INDEX_OUT_OF_RANGE", /transpose\(\): dim1 2 is out of range for a tensor of rank 2 \(expected an integer in \[-2, 1\]\)/);
    expectError(() => unsqueeze(x23, 3), "INDEX_OUT_OF_RANGE", /unsqueeze\(\): dim 3 is out of range for a tensor of rank 3/);
    expectError(() => flatten(x23, 1, 0), "INVALID_ARGUMENT", /flatten\(\): start_dim \(1\) cannot come after end_dim \(0\) for a tensor of shape \[2, 3\]/);
    expectError(() => permute(x23, [0, 0]), "INVALID_ARGUMENT", /permute\(\): duplicate dims are not allowed, got \[0, 0\]/);
    expectError(() => permute(x23, [0]), "SHAPE_MISMATCH", /permute\(\): dims \[0\] has 1 entries but the input of shape \[2, 3\] has 2 dimensions/);
    expectError(() => t(zeros(2, 3, 4)), "INVALID_ARGUMENT", /t\(\): expects a tensor with <= 2 dimensions, but got shape \[2, 3, 4\]/);
  });

  it("select, narrow and slice bounds", () => {
    expectError(() => select(x23, 1, 3), "INDEX_OUT_OF_RANGE", /select\(\): index 3 is out of range for dim 1 of size 3 \(shape \[2, 3\]\)/);
    expectError(() => select(x23, 0, -3), "INDEX_OUT_OF_RANGE", /select\(\): index -3 is out of range for dim 0 of size 2/);
    expectError(() => narrow(x23, 1, 2, 2), "INDEX_OUT_OF_RANGE", /narrow\(\): start \(2\) \+ length \(2\) exceeds dimension size \(3\) of dim 1 \(shape \[2, 3\]\)/);
    expectError(() => slice(x23, 1, 0, 3, 0), "INVALID_ARGUMENT", /slice\(\): step must be positive, got 0/);
  });

  it("view of a non-contiguous layout it cannot express", () => {
    expectError(
      () => x23.t().view(6),
      "INVALID_ARGUMENT",
      /view\(\): shape \[6\] is not compatible with the input's shape \[3, 2\] and strides \[1, 3\].*use reshape\(\) instead/,
    );
  });

  it("expand of a non-1 dim and with too few sizes", () => {
    expectError(
      () => x23.expand(2, 4),
      "SHAPE_MISMATCH",
      /expand\(\): the expanded size \(4\) must match the existing size \(3\) at non-singleton dimension 1; target sizes \[2, 4\], tensor shape \[2, 3\]/,
    );
    expectError(() => expand(x23, [3]), "SHAPE_MISMATCH", /expand\(\): the number of sizes provided \(1\) must be greater or equal to the number of dimensions in the tensor \(2\)/);
  });

  it("split, chunk and repeat arguments", () => {
    expectError(() => split(x23, [1, 1], 1), "SHAPE_MISMATCH", /split\(\): split sizes \[1, 1\] sum to 2 but dim 1 of the input of shape \[2, 3\] has size 3/);
    expectError(() => chunk(x23, 0), "INVALID_ARGUMENT", /chunk\(\): chunks must be greater than 0, got 0/);
    expectError(() => repeat(x23, [2]), "INVALID_ARGUMENT", /repeat\(\): the number of repeats \(1, \[2\]\) can not be smaller than the number of dimensions of the tensor \(shape \[2, 3\]\)/);
    expectError(() => tril(zeros(3)), "SHAPE_MISMATCH", /tril\(\): input tensor must have at least 2 dimensions, got shape \[3\]/);
  });
});

describe("cat and stack errors name the offending tensor", () => {
  it("cat with a mismatched non-cat dim", () => {
    expectError(
      () => cat([x23, zeros(2, 5), zeros(3, 1)], 1),
      "SHAPE_MISMATCH",
      /cat\(\): sizes of tensors must match except in dimension 1: expected size 2 but got size 3 in dimension 0 for tensor 2 in the list \(shapes \[2, 3\] and \[3, 1\]\)/,
    );
    expectError(() => cat([x23, zeros(2, 3, 1)]), "SHAPE_MISMATCH", /cat\(\): tensors must have the same number of dimensions: tensor 0 has shape \[2, 3\] but tensor 1 has shape \[2, 3, 1\]/);
    expectError(() => cat([x23, tensor(1)]), "SHAPE_MISMATCH", /cat\(\): zero-dimensional tensor \(at position 1\) cannot be concatenated/);
    expectError(() => cat([]), "INVALID_ARGUMENT", /cat\(\): expected a non-empty list of tensors/);
  });

  it("stack with unequal shapes", () => {
    expectError(() => stack([x23, x23, zeros(3, 2)]), "SHAPE_MISMATCH", /stack\(\): expects each tensor to be equal size, but got \[2, 3\] at entry 0 and \[3, 2\] at entry 2/);
  });
});

describe("index tensors are range- and dtype-checked", () => {
  it("gather with an out-of-range index names the value, the dim and its size", () => {
    expectError(
      () => gather(x23, 1, longs([[0, 3], [1, 1]])),
      "INDEX_OUT_OF_RANGE",
      /gather\(\): index 3 is out of range for dim 1 of size 3 \(input shape \[2, 3\]\)/,
    );
    expectError(() => gather(x23, 0, longs([[-1]])), "INDEX_OUT_OF_RANGE", /gather\(\): index -1 is out of range for dim 0 of size 2/);
    expectError(() => gather(x23, 1, tensor([[0]], { dtype: "int32" })), "DTYPE_MISMATCH", /gather\(\): expected index of dtype int64, got int32/);
    expectError(() => gather(x23, 1, longs([0])), "SHAPE_MISMATCH", /gather\(\): index shape \[1\] must have the same number of dimensions as input shape \[2, 3\]/);
    expectError(() => gather(x23, 1, longs([[0], [0], [0]])), "SHAPE_MISMATCH", /gather\(\): index shape \[3, 1\] must not be larger than input shape \[2, 3\] apart from dimension 1/);
  });

  it("index_select and embedding", () => {
    expectError(() => indexSelect(x23, 0, longs([0, 2])), "INDEX_OUT_OF_RANGE", /index_select\(\): index 2 is out of range for dim 0 of size 2 \(input shape \[2, 3\]\)/);
    expectError(() => indexSelect(x23, 0, x23), "DTYPE_MISMATCH", /index_select\(\): expected index of dtype int64 or int32, got float32/);
    expectError(
      () => embedding(longs([[1, 5]]), zeros(5, 4)),
      "INDEX_OUT_OF_RANGE",
      /embedding\(\): index 5 is out of range for a table of 5 embeddings \(weight shape \[5, 4\]\)/,
    );
    expectError(() => embedding(longs([1]), zeros(5)), "SHAPE_MISMATCH", /embedding\(\): weight must be 2-D \[num_embeddings, embedding_dim\], got shape \[5\]/);
  });
});
