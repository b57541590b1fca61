/**
 * Tracing every fixture model: traced output == eager output (within 1e-6) ==
 * PyTorch's reference (the fixtures' tolerance), for every case; controlflow's
 * data-dependent branch baked in; traced graphs that follow the batch size.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { nn, randn, relu, type Tensor } from "../../runtime/index.js";
import { ScriptModule } from "../../runtime/jit/ScriptModule.js";
import { trace } from "../../runtime/jit/trace.js";
import { ControlFlow } from "../../examples/models/controlflow.js";
import { loadFixtureModel } from "../utils/fixtureModels.js";
import { loadModelCases, MODEL_NAMES } from "../utils/modelFixtures.js";

const loadModel = loadFixtureModel;

/** max |got - want| after checking dtype and shape. */
function maxAbsDiff(got: Tensor, want: Tensor): number {
  expect(got.dtype).toBe(want.dtype);
  expect([...got.shape]).toEqual([...want.shape]);
  const g = got.toTypedArray();
  const w = want.toTypedArray();
  let worst = 0;
  for (let i = 0; i < w.length; i++) {
    const d = Math.abs(Number(g[i]) - Number(w[i]));
    if (!(d <= worst)) worst = d;
  }
  return worst;
}

function fixtureTolerance(want: Tensor): number {
  return 1e-4 + 1e-4 * Array.from(want.toTypedArray()).reduce((m, v) => Math.max(m, Math.abs(Number(v))), 0);
}

function silenceTracerWarnings() {
  return vi.spyOn(process, "emitWarning").mockImplementation(() => {});
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe.each(MODEL_NAMES)("traced model %s", (name) => {
  const cases = loadModelCases(name);
  // controlflow's cases take different branches: only the traced branch's case must match (see below).
  const checked = name === "controlflow" ? cases.filter((c) => c.name === cases[0]!.name) : cases;

  it.each(checked.map((c) => [c.name, c] as const))("traced on the first case, case %s: traced == eager == PyTorch", async (_caseName, c) => {
    silenceTracerWarnings();
    const model = await loadModel(name);
    const traced = trace(model, cases[0]!.inputs);
    expect(traced).toBeInstanceOf(ScriptModule);
    expect(traced.className).toBe(model.constructor.name);
    const eager = model.forward(...c.inputs) as Tensor;
    const got = traced.forward(...c.inputs) as Tensor;
    expect(maxAbsDiff(got, eager)).toBeLessThanOrEqual(1e-6);
    expect(maxAbsDiff(got, c.output)).toBeLessThanOrEqual(fixtureTolerance(c.output));
  });

  it("the traced module shares the original parameters and state dict keys", async () => {
    silenceTracerWarnings();
    const model = await loadModel(name);
    const traced = trace(model, cases[0]!.inputs);
    const original = new Map(model.namedParameters());
    const mirrored = traced.namedParameters();
    expect(mirrored.map(([key]) => key)).toEqual([...original.keys()]);
    for (const [key, p] of mirrored) expect(p, key).toBe(original.get(key));
    expect([...traced.stateDict().keys()]).toEqual([...model.stateDict().keys()]);
  });
});

describe("controlflow traced on the then-branch", () => {
  it("gives the wrong answer on the else-branch input, and warns once naming controlflow.ts", async () => {
    const warn = silenceTracerWarnings();
    const model = await loadModel("controlflow");
    const cases = new Map(loadModelCases("controlflow").map((c) => [c.name, c]));
    const thenCase = cases.get("b1")!;
    const elseCase = cases.get("b1_else")!;
    const traced = trace(model, thenCase.inputs);

    const tracerWarnings = warn.mock.calls.filter((call) => (call[1] as { type?: string } | undefined)?.type === "TracerWarning");
    expect(tracerWarnings).toHaveLength(1);
    expect(String(tracerWarnings[0]![0])).toMatch(/item\(\).*treated as a constant.*might not generalize.*examples\/models\/controlflow\.ts:10:\d+/s);

    const eager = model.forward(...elseCase.inputs) as Tensor;
    expect(eager.tolist()).toEqual([[0]]);
    expect(maxAbsDiff(eager, elseCase.output)).toBe(0);
    const wrong = traced.forward(...elseCase.inputs) as Tensor;
    expect(wrong.item()).not.toBe(0);
    // It is fc2(relu(fc1(x))): the then-branch, baked in.
    const m = model as ControlFlow;
    expect(wrong.item()).toBeCloseTo(m.fc2.forward(relu(m.fc1.forward(elseCase.inputs[0]!))).item(), 6);
    // The traced graph has no zeros_like, and no branch.
    const text = traced.graph.toString();
    expect(text).not.toMatch(/zeros_like|prim::If/);
  });
});

describe("batch dynamism", () => {
  it("rnn traced at batch 1 runs at batch 3 like eager (the hidden state's size is recorded)", async () => {
    const model = await loadModel("rnn");
    const [first] = loadModelCases("rnn");
    const traced = trace(model, first!.inputs);
    expect(traced.graph.toString()).toMatch(/%\w+ : int = aten::size\.int\(%x, %\w+\)/);
    const x = randn([first!.inputs[0]!.shape[0]!, 3, 64]);
    const eager = model.forward(x) as Tensor;
    const got = traced.forward(x) as Tensor;
    expect([...got.shape]).toEqual([3, 256]);
    expect(maxAbsDiff(got, eager)).toBeLessThanOrEqual(1e-6);
  });

  it("a reshape by x.size(0) follows the batch size", () => {
    class Flatten extends nn.Module {
      override forward(x: Tensor): Tensor {
        return relu(x).reshape(x.size(0), -1);
      }
    }
    const model = new Flatten();
    const traced = trace(model, [randn([2, 3, 4])]);
    for (const batch of [1, 5, 7]) {
      const x = randn([batch, 3, 4]);
      const got = traced.forward(x) as Tensor;
      expect([...got.shape]).toEqual([batch, 12]);
      expect(maxAbsDiff(got, model.forward(x))).toBe(0);
    }
  });

  it("shape arithmetic is a constant: the trace fails checkInputs of another size", () => {
    class Doubling extends nn.Module {
      override forward(x: Tensor): Tensor {
        return x.reshape(x.size(0) * 2, -1);
      }
    }
    const model = new Doubling();
    const traced = trace(model, [randn([2, 4])]);
    expect(traced.graph.toString()).not.toMatch(/size\.int/);
    expect(() => trace(model, [randn([2, 4])], { checkInputs: [[randn([3, 4])]] })).toThrow(/Graphs differed/);
  });

  it("attention traced at batch 1 runs at batch 2 like eager", async () => {
    const model = await loadModel("attention");
    const [first] = loadModelCases("attention");
    const traced = trace(model, first!.inputs);
    const x = randn([2, 64, 256]);
    expect(maxAbsDiff(traced.forward(x) as Tensor, model.forward(x) as Tensor)).toBeLessThanOrEqual(1e-6);
  });
});
