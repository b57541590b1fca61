/**
 * The fused ops the fusion passes make (tsjit::linear_act, tsjit::addmm_act,
 * tsjit::conv2d_act, tsjit::conv2d_act_max_pool2x2) equal the ops they replace and
 * fail where they would, on the JS and the default backend: any input rank (1-D, batched 3-D, a transposed input whose
 * rows do not merge into one stride), with and without bias, every activation; and
 * they refuse an activation they do not know.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addmm, callOp, conv2d, linear, maxPool2d, type Tensor } from "../../runtime/index.js";
import { EPILOGUE_ACTIVATIONS } from "../../runtime/kernels/linalg.js";
import { backends, unfused } from "./fusedReference.js";
import { expectAllClose, randomTensor } from "./linalgReference.js";

describe.each(backends)("fused ops on the %s backend", (_, run) => {
  it("linear_act == activation(linear) for inputs of rank 1-3, in place or transposed, with or without bias", () => {
    fc.assert(
      fc.property(
        fc.constantFrom([5], [3, 5], [2, 3, 5], [4, 1, 5]),
        fc.integer({ min: 1, max: 9 }),
        fc.constantFrom("contiguous" as const, "transposed" as const),
        fc.boolean(),
        fc.constantFrom(...EPILOGUE_ACTIVATIONS),
        fc.integer(),
        (inputShape, N, layout, withBias, activation, seed) => {
          run(() => {
            const input = randomTensor(inputShape, seed, inputShape.length > 1 ? layout : "contiguous");
            const weight = randomTensor([N, 5], seed + 1);
            const bias = withBias ? randomTensor([N], seed + 2) : null;
            const got = callOp("linear_act", [input, weight, bias, activation]) as Tensor;
            const want = unfused[activation](linear(input, weight, bias));
            expectAllClose(got, want.toTypedArray(), want.shape, 1e-5, 1e-5);
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it("addmm_act == activation(addmm) with self a bias row, a column, a full matrix or a scalar", () => {
    for (const activation of EPILOGUE_ACTIVATIONS) {
      for (const selfShape of [[7], [1, 7], [5, 1], [5, 7], []]) {
        run(() => {
          const self = randomTensor(selfShape, 1);
          const mat1 = randomTensor([5, 9], 2);
          const mat2 = randomTensor([9, 7], 3);
          const got = callOp("addmm_act", [self, mat1, mat2, activation]) as Tensor;
          const want = unfused[activation](addmm(self, mat1, mat2));
          expectAllClose(got, want.toTypedArray(), want.shape, 1e-5, 1e-5);
        });
      }
    }
  });

  it("addmm_act fails as addmm does: mat1 or mat2 not 2-D, a self that does not broadcast (op and shapes named)", () => {
    run(() => {
      const bias = randomTensor([4], 1);
      const batched = randomTensor([2, 3, 5], 2);
      const mat2 = randomTensor([5, 4], 3);
      const addmmError = /addmm\(\): expected mat1 to be 2-D, got a 3-D tensor of shape \[2, 3, 5\]/;
      expect(() => addmm(bias, batched, mat2)).toThrow(addmmError);
      expect(() => callOp("addmm_act", [bias, batched, mat2, "relu"])).toThrow(addmmError);
      expect(() => callOp("addmm_act", [bias, randomTensor([3, 5], 4), randomTensor([5], 5), "relu"])).toThrow(/addmm\(\): expected mat2 to be 2-D, got a 1-D tensor of shape \[5\]/);
      expect(() => callOp("addmm_act", [randomTensor([3], 6), randomTensor([3, 5], 4), mat2, "relu"])).toThrow(/addmm\(\): self of shape \[3\] cannot be broadcast to the result shape \[3, 4\]/);
    });
  });

  it("conv2d_act == activation(conv2d), grouped and not", () => {
    for (const activation of EPILOGUE_ACTIVATIONS) {
      for (const groups of [1, 2]) {
        run(() => {
          const input = randomTensor([2, 4, 6, 5], groups);
          const weight = randomTensor([6, 4 / groups, 3, 3], groups + 1);
          const bias = randomTensor([6], 3);
          const got = callOp("conv2d_act", [input, weight, bias, [1, 1], [1, 0], [1, 1], groups, activation]) as Tensor;
          const want = unfused[activation](conv2d(input, weight, bias, { stride: 1, padding: [1, 0], groups }));
          expectAllClose(got, want.toTypedArray(), want.shape, 1e-5, 1e-5);
        });
      }
    }
  });

  it("conv2d_act_max_pool2x2 == max_pool2d(activation(conv2d), 2) for batched and unbatched inputs, odd sizes, strides, padding, groups", () => {
    fc.assert(
      fc.property(
        fc.constantFrom([2], [], [1], [3]),
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 3, max: 12 }),
        fc.integer({ min: 3, max: 12 }),
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 0, max: 1 }),
        fc.boolean(),
        fc.constantFrom(...EPILOGUE_ACTIVATIONS),
        fc.integer(),
        (batch, groups, H, W, stride, padding, withBias, activation, seed) => {
          fc.pre(Math.floor((H + 2 * padding - 3) / stride) + 1 >= 2 && Math.floor((W + 2 * padding - 3) / stride) + 1 >= 2);
          run(() => {
            const input = randomTensor([...batch, 4, H, W], seed);
            const weight = randomTensor([6, 4 / groups, 3, 3], seed + 1);
            const bias = withBias ? randomTensor([6], seed + 2) : null;
            const got = callOp("conv2d_act_max_pool2x2", [input, weight, bias, [stride, stride], [padding, padding], [1, 1], groups, activation]) as Tensor;
            const want = maxPool2d(unfused[activation](conv2d(input, weight, bias, { stride, padding, groups })), 2);
            expectAllClose(got, want.toTypedArray(), want.shape, 1e-5, 1e-5);
          });
        },
      ),
      { numRuns: 60 },
    );
  });
});

it("conv2d_act_max_pool2x2 refuses a convolution smaller than the window, and conv2d's errors", () => {
  const weight = randomTensor([2, 1, 3, 3], 2);
  expect(() => callOp("conv2d_act_max_pool2x2", [randomTensor([1, 1, 3, 8], 1), weight, null, [1, 1], [0, 0], [1, 1], 1, "relu"])).toThrow(
    /conv2d_act_max_pool2x2\(\): the convolution's output \[1, 2, 1, 6\] is smaller than the 2x2 pooling window/,
  );
  expect(() => callOp("conv2d_act_max_pool2x2", [randomTensor([1, 3, 5, 5], 1), weight, null, [1, 1], [0, 0], [1, 1], 1, "relu"])).toThrow(/expected input of shape \[1, 3, 5, 5\] to have 1 channels/);
  expect(() => callOp("conv2d_act_max_pool2x2", [randomTensor([1, 1, 5, 5], 1), weight, null, [1, 1], [0, 0], [1, 1], 1, "elu"])).toThrow(/conv2d_act_max_pool2x2\(\): activation must be one of/);
});

it("the fused ops refuse an activation they do not know", () => {
  const x = randomTensor([2, 3], 1);
  expect(() => callOp("linear_act", [x, randomTensor([4, 3], 2), null, "leaky_relu"])).toThrow(/activation must be one of relu, tanh/);
  expect(() => callOp("addmm_act", [randomTensor([4], 5), x, randomTensor([3, 4], 2), "elu"])).toThrow(/addmm_act\(\): activation must be one of relu, tanh/);
  expect(() => callOp("conv2d_act", [randomTensor([1, 1, 3, 3], 3), randomTensor([1, 1, 1, 1], 4), null, [1, 1], [0, 0], [1, 1], 1, "exp"])).toThrow(/activation must be one of/);
});
