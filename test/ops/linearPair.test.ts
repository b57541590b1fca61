/**
 * tsjit::linear_act_linear (Note [Linear pairs] in runtime/ops/linalg.ts) equals the two
 * layers it replaces and fails where they would, on the JS and the default backend:
 * inputs of rank 1-3, in place or transposed, biases or none, a bias of the hidden
 * result's shape (not one row of it), every activation and "none", constant weights (the native one-row
 * pass) and others.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { callOp, linear, type Tensor } from "../../runtime/index.js";
import { markConstantWeight } from "../../runtime/kernels/constantWeights.js";
import { EPILOGUE_ACTIVATIONS } from "../../runtime/kernels/linalg.js";
import { backends, unfused } from "./fusedReference.js";
import { expectAllClose, randomTensor } from "./linalgReference.js";

const activations = ["none", ...EPILOGUE_ACTIVATIONS] as const;
type PairActivation = (typeof activations)[number];
const activate = (activation: PairActivation, x: Tensor) => (activation === "none" ? x : unfused[activation](x));

describe.each(backends)("linear_act_linear on the %s backend", (_, run) => {
  it("== act2(linear(act1(linear(x, w1, b1)), w2, b2)), and its hidden result is the first layer's", () => {
    fc.assert(
      fc.property(
        fc.constantFrom([7], [1, 7], [3, 7], [2, 3, 7], [4, 1, 7]),
        fc.constantFrom("contiguous" as const, "transposed" as const),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom("none", "row", "full"),
        fc.boolean(),
        fc.constantFrom(...activations),
        fc.constantFrom(...activations),
        fc.boolean(),
        fc.integer(),
        (inputShape, layout, H, N, firstBias, secondBias, act1, act2, constant, seed) => {
          run(() => {
            const input = randomTensor(inputShape, seed, inputShape.length > 1 ? layout : "contiguous");
            const w1 = randomTensor([H, 7], seed + 1);
            const w2 = randomTensor([N, H], seed + 2);
            if (constant) [w1, w2].forEach((w) => markConstantWeight(w.storage));
            // A bias of the hidden result's whole shape is not one row of it (for a batched input).
            const b1 = firstBias === "none" ? null : randomTensor(firstBias === "full" ? [...inputShape.slice(0, -1), H] : [H], seed + 3);
            const b2 = secondBias ? randomTensor([N], seed + 4) : null;
            const [hidden, output] = callOp("linear_act_linear", [input, w1, b1, act1, w2, b2, act2]) as Tensor[];
            const wantHidden = activate(act1, linear(input, w1, b1));
            const want = activate(act2, linear(wantHidden, w2, b2));
            expectAllClose(hidden!, wantHidden.toTypedArray(), wantHidden.shape, 1e-5, 1e-5);
            expectAllClose(output!, want.toTypedArray(), want.shape, 1e-5, 1e-5);
          });
        },
      ),
      { numRuns: 80 },
    );
  });

  it("fails as linear does on either layer, and refuses an activation it does not know (op and shapes named)", () => {
    run(() => {
      const x = randomTensor([2, 5], 1);
      const w1 = randomTensor([4, 5], 2);
      const w2 = randomTensor([3, 4], 3);
      expect(() => callOp("linear_act_linear", [x, randomTensor([4, 6], 4), null, "relu", w2, null, "none"])).toThrow(
        /linear_act_linear\(\): input of shape \[2, 5\] has 5 features in its last dim but weight of shape \[4, 6\] expects in_features = 6/,
      );
      expect(() => callOp("linear_act_linear", [x, w1, null, "relu", randomTensor([3, 5], 5), null, "none"])).toThrow(
        /linear_act_linear\(\): input of shape \[2, 4\] has 4 features in its last dim but weight of shape \[3, 5\] expects in_features = 5/,
      );
      expect(() => callOp("linear_act_linear", [x, w1, randomTensor([5], 6), "relu", w2, null, "none"])).toThrow(
        /linear_act_linear\(\): bias of shape \[5\] cannot be broadcast to the result shape \[2, 4\]/,
      );
      expect(() => callOp("linear_act_linear", [x, w1, null, "elu", w2, null, "none"])).toThrow(/linear_act_linear\(\): activation1 must be "none" or one of relu/);
      expect(() => callOp("linear_act_linear", [x, w1, null, "relu", w2, null, "identity"])).toThrow(/activation2 must be "none" or one of/);
    });
  });
});
