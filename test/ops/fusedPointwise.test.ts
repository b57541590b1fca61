/**
 * tsjit::fused_pointwise equals the chain of ops it stands for: generated chains over
 * broadcast, transposed and sliced inputs, on the JS backend (identical floats) and the
 * native one (identical for exact ops, within the elementwise tests' tolerance for the
 * vector exp/tanh/erf family); other dtypes take the unfused path; bad programs are
 * TsjitErrors naming the op and the position.
 */
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { fusedPointwise, tensor, TsjitError, type Tensor } from "../../runtime/index.js";
import { withBackend } from "../../runtime/kernels/index.js";
import { jsBackend } from "../../runtime/kernels/js/index.js";
import { native } from "../native/nativeAvailability.js";
import { chainArbitrary, chainInputs, runUnfused, type Chain } from "./pointwiseChains.js";

function expectIdentical(got: Tensor, want: Tensor, program: string): void {
  expect(got.shape, program).toEqual(want.shape);
  expect(got.dtype).toBe(want.dtype);
  const a = got.toTypedArray();
  const b = want.toTypedArray();
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i]) && !(a[i] === 0 && b[i] === 0)) expect.fail(`${program}: element ${i} is ${a[i]}, unfused ${b[i]}`);
  }
}

function expectClose(got: Tensor, want: Tensor, program: string, tolerance: number): void {
  expect(got.shape, program).toEqual(want.shape);
  const a = got.toTypedArray();
  const b = want.toTypedArray();
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    if (x === y) continue;
    if (!(Math.abs(x - y) <= tolerance * (1 + Math.abs(y)))) expect.fail(`${program}: element ${i} is ${x}, unfused ${y}`);
  }
}

function fusedAndUnfused(chain: Chain): [Tensor, Tensor] {
  const inputs = chainInputs(chain);
  return [fusedPointwise(inputs, chain.program), runUnfused(chain, inputs)];
}

describe("fused_pointwise on the js backend", () => {
  it("gives exactly the unfused chain's floats, any ops, broadcast and strided inputs", () => {
    withBackend(jsBackend, () => {
      fc.assert(
        fc.property(chainArbitrary("any"), (chain) => {
          const [fused, unfused] = fusedAndUnfused(chain);
          expectIdentical(fused, unfused, chain.program);
        }),
        { numRuns: 150 },
      );
    });
  });
});

describe.skipIf(!native)("fused_pointwise on the native backend", () => {
  const run = <T>(body: () => T) => withBackend(native!.backend, body);

  it("gives exactly the unfused chain's floats for exact ops", () => {
    run(() =>
      fc.assert(
        fc.property(chainArbitrary("exact"), (chain) => {
          const [fused, unfused] = fusedAndUnfused(chain);
          expectIdentical(fused, unfused, chain.program);
        }),
        { numRuns: 150 },
      ),
    );
  });

  it("stays within 1e-5 (relative) of the unfused chain with exp, tanh, gelu, erf, ...", () => {
    run(() =>
      fc.assert(
        fc.property(chainArbitrary("smooth"), (chain) => {
          const [fused, unfused] = fusedAndUnfused(chain);
          expectClose(fused, unfused, chain.program, 1e-5);
        }),
        { numRuns: 150 },
      ),
    );
  });

  it("matches the JS reference on every ISA at each tile edge (through the addon)", () => {
    const binding = native!.binding;
    const isa = binding.info().isa;
    const calls = vi.spyOn(binding, "fusedPointwise");
    try {
      for (const name of binding.info().supportedIsas) {
        binding.setIsa(name);
        for (const n of [64, 255, 256, 257, 511, 1000]) {
          const x = tensor(Array.from({ length: n }, (_, i) => Math.sin(i) * 3));
          const program = "t0 = mul(x0, 0.5); t1 = add(t0, x0); t2 = relu(t1); t3 = sub(t2, 1); t4 = maximum(t3, x0)";
          const want = withBackend(jsBackend, () => fusedPointwise([x], program));
          expectIdentical(run(() => fusedPointwise([x], program)), want, `${name} n=${n}`);
        }
      }
      expect(calls).toHaveBeenCalledTimes(binding.info().supportedIsas.length * 6);
    } finally {
      calls.mockRestore();
      binding.setIsa(isa);
    }
  });
});

describe("fused_pointwise with other dtypes", () => {
  it("runs the unfused ops: promotion, int results, and their errors", () => {
    const i = tensor([1, 2, -3]).to("int32");
    const f = tensor([0.5, 1.5, 2.5]);
    const r = fusedPointwise([i], "t0 = mul(x0, 2); t1 = neg(t0)");
    expect(r.dtype).toBe("int32");
    expect(r.tolist()).toEqual([-2, -4, 6]);
    const p = fusedPointwise([i, f], "t0 = add(x0, x1); t1 = relu(t0)");
    expect(p.dtype).toBe("float32");
    expect(p.tolist()).toEqual([1.5, 3.5, 0]);
    expect(fusedPointwise([i], "t0 = div(x0, 2)").tolist()).toEqual([0.5, 1, -1.5]);
    expect(() => fusedPointwise([i], "t0 = gelu(x0)")).toThrow(/gelu\(\): expected a floating point tensor, got int32/);
  });
});

describe("fused_pointwise refuses a bad program", () => {
  const x = tensor([1, 2, 3]);
  it.each([
    ["t0 = foo(x0)", /position 5: unknown op "foo"/],
    ["t0 = relu(x0); t2 = neg(t0)", /position 15: expected the statement's result t1, found "t2"/],
    ["t0 = add(t0, x0)", /position 9: t0 is read before it is defined/],
    ["t0 = add(2, x0)", /position 9: the first operand of add must be a tensor/],
    ["t0 = maximum(x0, 2)", /maximum takes no number operand/],
    ["t0 = relu(x0, x0)", /relu takes 1 tensor operand and 0 numbers, got 2 operands/],
    ["t0 = leaky_relu(x0, x0)", /parameters of leaky_relu must be numbers/],
    ["t0 = clamp(x0, nan, 1)", /clamp bounds must not be nan/],
    ["t0 = add(x0, x1)", /reads 2 inputs \(x0..x1\), but 1 were given/],
    ["t0 = relu(x1)", /input x0 is never read/],
    ["t0 = relu(x0) t1", /expected ";" or the end of the program, found "t1"/],
    ["t0 = relu(x0); ", /expected the statement's result t1, found ""/],
    ["t0 = relu(x0 #", /unexpected character "#"/],
    ["t0 = relu(x0); t1 = neg(x0)", /t0 is never read/],
  ])("%s", (program, message) => {
    const call = () => fusedPointwise([x], program);
    expect(call).toThrow(TsjitError);
    expect(call).toThrow(/^fused_pointwise\(\): /);
    expect(call).toThrow(message);
  });
});
