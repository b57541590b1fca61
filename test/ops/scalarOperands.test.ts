/** Scalar operands share one storage per value and dtype (elementwiseOperands.ts): sharing must never mix values. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { add, mul, tensor } from "../../runtime/index.js";

describe("scalar operands", () => {
  it("0 and -0 stay apart: x * 0 and x * -0 keep IEEE signs, in either order", () => {
    const x = tensor([-1, 1]);
    for (const order of [[0, -0], [-0, 0]]) {
      const signs = order.map((zero) => Array.from(mul(x, zero).toTypedArray(), (v) => Object.is(v, -0)));
      expect(signs).toEqual(order.map((zero) => (Object.is(zero, -0) ? [false, true] : [true, false])));
    }
  });

  it("any sequence of scalars gives each op its own value, past the cache's size and across dtypes", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.double({ noNaN: true }), fc.integer({ min: -5, max: 5 })), { minLength: 1, maxLength: 600 }), (scalars) => {
        const f = tensor([0, 1]);
        const i = tensor([0, 1], { dtype: "int64" });
        for (const s of scalars) {
          expect(add(f, s).toTypedArray()[1]).toBe(Math.fround(1 + Math.fround(s)));
          if (Number.isInteger(s)) expect(Number(add(i, s).toTypedArray()[1])).toBe(1 + s);
        }
      }),
      { numRuns: 20 },
    );
  });
});
