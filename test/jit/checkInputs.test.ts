/**
 * trace(..., { checkInputs }): traces again on each check input set; graphs that
 * differ, or traced outputs that differ from eager ones, throw TRACING_CHECK
 * showing what differed.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { add, loadSafetensors, mul, nn, randn, relu, tensor, type Tensor, TsjitError } from "../../runtime/index.js";
import { trace } from "../../runtime/jit/trace.js";
import { ControlFlow } from "../../examples/models/controlflow.js";
import { MLP } from "../../examples/models/mlp.js";
import { loadModelCases, weightsPath } from "../utils/modelFixtures.js";

beforeEach(() => {
  vi.spyOn(process, "emitWarning").mockImplementation(() => {});
});

afterEach(() => {
  vi.restoreAllMocks();
});

function caught(f: () => unknown): TsjitError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(TsjitError);
    return e as TsjitError;
  }
  throw new Error("expected a TsjitError");
}

describe("checkInputs", () => {
  it("throws TRACING_CHECK with the differing graph lines for controlflow traced on one branch and checked on the other", async () => {
    const model = new ControlFlow();
    model.loadStateDict(await loadSafetensors(weightsPath("controlflow")));
    const cases = new Map(loadModelCases("controlflow").map((c) => [c.name, c]));
    const error = caught(() => trace(model, cases.get("b1")!.inputs, { checkInputs: [cases.get("b1_else")!.inputs] }));
    expect(error.code).toBe("TRACING_CHECK");
    expect(error.message).toMatch(/^Tracing failed sanity checks!\nERROR: Graphs differed across invocations!/);
    expect(error.message).toMatch(/Graph of ControlFlow\.forward diverged at line 12:/);
    // The then-branch returns fc2's output; the else-branch goes on to zeros_like.
    expect(error.message).toMatch(/traced on the example inputs, line 12: return \(%\d+\)/);
    expect(error.message).toMatch(/traced on check input set 0, line 12: %\d+ : NoneType = prim::Constant\[value=None\]\(\)/);
  });

  it("passes for a model that traces the same on every input, batch sizes included", async () => {
    const model = new MLP();
    model.loadStateDict(await loadSafetensors(weightsPath("mlp")));
    const [b1, b64] = loadModelCases("mlp");
    const traced = trace(model, b1!.inputs, { checkInputs: [b64!.inputs, [randn([3, 784])]] });
    expect(traced.className).toBe("MLP");
  });

  it("reports an output divergence with the output index, element, values and max difference", () => {
    // The tensor constant's contents come from the example input: the graph prints the same, the outputs differ.
    const f = function leaky(x: Tensor) {
      const baked = tensor(x.tolist() as number[]);
      return [relu(x), add(x, baked)];
    };
    const x = tensor([1, 2, 3]);
    const error = caught(() => trace(f, [x], { checkInputs: [[tensor([1, 2, 3])], [tensor([1, 2, 5])]] }));
    expect(error.code).toBe("TRACING_CHECK");
    expect(error.message).toContain("Traced function outputs do not match the eager outputs on check input set 1:");
    expect(error.message).toContain("output 1 (shape [3]), element 2: got 8, want 10; max abs difference 2");
  });

  it("accepts differences within checkTolerance", () => {
    const f = function nudged(x: Tensor) {
      return add(x, tensor(x.sum().item() * 1e-3));
    };
    expect(() => trace(f, [tensor([1, 1])], { checkInputs: [[tensor([1, 1.5])]] })).toThrow(/element 0: got 1\.00199\d*, want 1\.00250\d*; max abs difference 0\.0005/);
    expect(() => trace(f, [tensor([1, 1])], { checkInputs: [[tensor([1, 1.5])]], checkTolerance: 1e-3 })).not.toThrow();
  });

  it("checks submodule graphs too", () => {
    class Gate extends nn.Module {
      override forward(x: Tensor): Tensor {
        return x.sum().item() > 0 ? relu(x) : mul(x, 2);
      }
    }
    class Outer extends nn.Module {
      gate = new Gate();
      override forward(x: Tensor): Tensor {
        return this.gate.forward(x);
      }
    }
    const error = caught(() => trace(new Outer(), [tensor([1])], { checkInputs: [[tensor([-1])]] }));
    expect(error.message).toMatch(/Graph of gate: Gate\.forward diverged at line 7:\n.*line 7: %4 : Tensor = aten::relu\(%x\)\n.*line 7: %4 : int = prim::Constant\[value=2\]\(\)/);
  });

  it("rejects a check input set that is not tensors", () => {
    expect(() => trace((x: Tensor) => relu(x), [randn([2])], { checkInputs: [[1]] })).toThrow(/checkInputs\[0\]\[0\] must be a Tensor/);
  });
});
