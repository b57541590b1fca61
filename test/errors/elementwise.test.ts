import { describe, expect, it } from "vitest";
import { add, callOp, clamp, div, dropout, exp, gelu, mul, neg, pow, remainder, sub, tensor, TsjitError, where, type ErrorCode } from "../../runtime/index.js";

function expectError(run: () => unknown, code: ErrorCode, message: RegExp): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(TsjitError);
  expect((caught as TsjitError).code).toBe(code);
  expect(() => {
    throw caught;
  }).toThrow(message);
}

describe("elementwise bad inputs", () => {
  it("non-broadcastable shapes name the op and both shapes", () => {
    expectError(() => add(tensor([[1, 2, 3]]), tensor([[1, 2], [3, 4]])), "SHAPE_MISMATCH", /^add\(\): shapes \[1, 3\] and \[2, 2\] cannot be broadcast/);
    expectError(() => where(tensor([true, false]), tensor([1, 2, 3]), 0), "SHAPE_MISMATCH", /^where\(\): shapes \[2\] and \[3\] and \[\]/);
  });

  it("where needs a bool condition", () => {
    expectError(() => where(tensor([1, 0]), tensor([1, 2]), tensor([3, 4])), "DTYPE_MISMATCH", /^where\(\): condition must be a bool tensor, got float32 \(shape \[2\]\)/);
  });

  it("integers to negative integer powers", () => {
    expectError(() => pow(tensor([2, 3], { dtype: "int64" }), -2), "INVALID_ARGUMENT", /^pow\(\): integers to negative integer powers are not allowed \(base int64 tensor, exponent -2\)/);
  });

  it("gelu's approximate must be none or tanh", () => {
    expectError(() => gelu(tensor([1]), { approximate: "sigmoid" as "tanh" }), "INVALID_ARGUMENT", /^gelu\(\): approximate must be "none" or "tanh", got "sigmoid"/);
  });

  it("dropout probability outside [0, 1]", () => {
    expectError(() => dropout(tensor([1]), 1.5), "INVALID_ARGUMENT", /^dropout\(\): dropout probability p has to be between 0 and 1, got 1.5/);
    expectError(() => dropout(tensor([1]), -0.1, false), "INVALID_ARGUMENT", /^dropout\(\): .* got -0.1/);
  });

  it("a string where a tensor or number belongs", () => {
    expectError(() => add(tensor([1]), "2" as unknown as number), "ARGUMENT_TYPE", /^add\(\): no overload accepts \(Tensor\[1\] float32, "2"\)/);
    expectError(() => exp("x" as unknown as never), "ARGUMENT_TYPE", /^exp\(\): no overload accepts \("x"\); candidates:\n  exp\(Tensor self\) -> Tensor: argument 'self' must be Tensor, got "x"/);
  });

  it("integer division by zero with a rounding mode, and integer remainder by zero", () => {
    const ints = tensor([4, 5], { dtype: "int64" });
    expectError(() => div(ints, tensor([1, 0], { dtype: "int64" }), { roundingMode: "floor" }), "INVALID_ARGUMENT", /^div\(\): integer division by zero .*int64/);
    expectError(() => remainder(ints, 0), "INVALID_ARGUMENT", /^remainder\(\): integer division by zero/);
  });

  it("an unknown rounding mode", () => {
    expectError(() => div(tensor([1]), 2, { roundingMode: "round" as "floor" }), "INVALID_ARGUMENT", /^div\(\): rounding_mode must be "trunc", "floor" or null, got "round"/);
  });

  it("bool subtraction and bool negation", () => {
    expectError(() => sub(tensor([true]), tensor([false])), "DTYPE_MISMATCH", /^sub\(\): subtraction of bool operands \(bool tensor - bool tensor\)/);
    expectError(() => neg(tensor([true])), "DTYPE_MISMATCH", /^neg\(\): not supported for a bool tensor \(shape \[1\]\)/);
  });

  it("a float alpha with integer tensors", () => {
    expectError(
      () => add(tensor([1], { dtype: "int32" }), tensor([1], { dtype: "int32" }), { alpha: 0.5 }),
      "INVALID_ARGUMENT",
      /^add\(\): for integral input tensors \(int32\), alpha must not be a floating point number, got 0.5/,
    );
  });

  it("clamp without bounds, and float-only activations on ints", () => {
    expectError(() => clamp(tensor([1]), null, null), "INVALID_ARGUMENT", /^clamp\(\): at least one of min and max must be given/);
    expectError(() => gelu(tensor([1], { dtype: "int64" })), "DTYPE_MISMATCH", /^gelu\(\): expected a floating point tensor, got int64 \(shape \[1\]\)/);
    expectError(() => callOp("leaky_relu", [tensor([1], { dtype: "int32" })]), "DTYPE_MISMATCH", /^leaky_relu\(\): expected a floating point tensor, got int32/);
  });

  it("maximum takes no scalar other", () => {
    expectError(() => callOp("maximum", [tensor([1]), 2]), "ARGUMENT_TYPE", /^maximum\(\): argument 'other' must be Tensor, got 2/);
    expect(() => mul(tensor([1]), tensor([2]))).not.toThrow();
  });
});
