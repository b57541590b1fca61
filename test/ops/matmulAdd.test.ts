/**
 * The fused products the passes make of matmul and add (tsjit::matmul_add,
 * tsjit::matmul_add_act, tsjit::stacked_matmul) are exactly the ops they replace
 * (Note [matmul_add]): for any operand ranks matmul takes, addends that fit the
 * product or grow it, integer and bool addends, on the JS and the default backend,
 * and they fail where those ops would, naming the op and the shapes.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { add, callOp, matmul, select, type Tensor } from "../../runtime/index.js";
import { EPILOGUE_ACTIVATIONS } from "../../runtime/kernels/linalg.js";
import { backends, unfused } from "./fusedReference.js";
import { expectAllClose, randomTensor } from "./linalgReference.js";

/** Operand shapes matmul accepts with K = 6 and N = 4, and addends for their product. */
const INPUTS = [[6], [3, 6], [2, 3, 6], [2, 1, 6]];
const OTHERS = [[6, 4], [6], [2, 6, 4]];
const ADDENDS = [[], [4], [1, 4], [3, 4], [3, 1], [2, 4], [2, 3, 4], [5, 1, 1, 4]];

function expectSame(got: Tensor, want: Tensor): void {
  expect(got.dtype).toBe(want.dtype);
  expectAllClose(got, want.toTypedArray(), want.shape, 1e-5, 1e-5);
}

describe.each(backends)("fused products on the %s backend", (_, run) => {
  it("matmul_add == add(matmul) and matmul_add_act == activation(add(matmul)), whatever fits", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...INPUTS),
        fc.constantFrom(...OTHERS),
        fc.constantFrom(...ADDENDS),
        fc.constantFrom("float32" as const, "int64" as const, "bool" as const),
        fc.constantFrom(null, ...EPILOGUE_ACTIVATIONS),
        fc.constantFrom("contiguous" as const, "transposed" as const),
        fc.integer(),
        (inputShape, otherShape, addendShape, addendDType, activation, layout, seed) => {
          run(() => {
            const input = randomTensor(inputShape, seed, inputShape.length > 1 ? layout : "contiguous");
            const other = randomTensor(otherShape, seed + 1);
            const addend = randomTensor(addendShape, seed + 2).mul(3).to(addendDType);
            let want: Tensor;
            try {
              want = add(matmul(input, other), addend);
            } catch (error) {
              // Shapes that do not fit fail in the fused op with the same message.
              expect(() => callOp("matmul_add", [input, other, addend])).toThrow((error as Error).message.replace("add()", "matmul_add()"));
              return;
            }
            if (activation === null) expectSame(callOp("matmul_add", [input, other, addend]) as Tensor, want);
            else expectSame(callOp("matmul_add_act", [input, other, addend, activation]) as Tensor, unfused[activation](want));
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  it("stacked_matmul(x, w, b)[i] == matmul(x[i], w) + b, and it refuses a 1-D x as the slice's product would", () => {
    fc.assert(
      fc.property(fc.constantFrom([5, 6], [5, 2, 6], [5, 1, 2, 6]), fc.boolean(), fc.integer(), (shape, withBias, seed) => {
        run(() => {
          const x = randomTensor(shape, seed);
          const w = randomTensor([6, 4], seed + 1);
          const b = withBias ? randomTensor([4], seed + 2) : null;
          const stacked = callOp("stacked_matmul", [x, w, b]) as Tensor;
          for (let i = 0; i < shape[0]!; i++) {
            const slice = matmul(select(x, 0, i), w);
            expectSame(select(stacked, 0, i), b ? add(slice, b) : slice);
          }
        });
      }),
      { numRuns: 20 },
    );
    run(() => {
      expect(() => callOp("stacked_matmul", [randomTensor([6], 1), randomTensor([6, 4], 2), null])).toThrow(
        /matmul\(\): input of shape \[6\] is multiplied one slice along dim 0 at a time, so it needs at least 2 dims/,
      );
    });
  });

  it("matmul_add_act refuses an activation it does not know", () => {
    run(() => {
      expect(() => callOp("matmul_add_act", [randomTensor([2, 3], 1), randomTensor([3, 4], 2), randomTensor([4], 3), "softmax"])).toThrow(
        `matmul_add_act(): activation must be one of ${EPILOGUE_ACTIVATIONS.join(", ")}, got "softmax"`,
      );
    });
  });
});
