/** sum and mean of a whole contiguous tensor take a short path in the JS kernels; it gives what the general path gives. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mean, sum, tensor } from "../../runtime/index.js";
import { withBackend } from "../../runtime/kernels/index.js";
import { jsBackend } from "../../runtime/kernels/js/index.js";

describe("whole-tensor sum and mean (JS kernels)", () => {
  it("equal the general path's row-major double sum, for float32, int32 and bool inputs of any shape, keepdim or not", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }),
        fc.constantFrom("float32" as const, "int32" as const, "bool" as const),
        fc.boolean(),
        fc.integer(),
        (shape, dtype, keepdim, seed) => {
          const n = shape.reduce((a, b) => a * b, 1);
          const values = Array.from({ length: n }, (_, i) => (dtype === "bool" ? (seed + i) % 3 === 0 : (((seed + i * 7919) % 2001) - 1000) / (dtype === "float32" ? 7 : 1)));
          const x = tensor(values, { dtype }).reshape(shape);
          let total = 0;
          for (const v of x.toTypedArray()) total += Number(v);
          withBackend(jsBackend, () => {
            const s = sum(x, shape.map((_, d) => d), keepdim);
            expect([...s.shape]).toEqual(keepdim ? shape.map(() => 1) : []);
            expect(Number(s.toTypedArray()[0])).toBe(dtype === "float32" ? Math.fround(total) : total);
            if (dtype === "float32") expect(mean(x).toTypedArray()[0]).toBe(Math.fround(total / n));
          });
        },
      ),
      { numRuns: 100 },
    );
  });
});
