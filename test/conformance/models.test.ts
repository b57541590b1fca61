/**
 * Whole-model conformance: each fixture model written with tsjit layers, loaded
 * from PyTorch's weights.safetensors, must reproduce PyTorch's outputs within
 * |got - want| <= 1e-4 + 1e-4 * max|want| (see the fixtures README).
 */
import { describe, expect, it } from "vitest";
import { loadSafetensors, TsjitError } from "../../runtime/index.js";
import { ControlFlow } from "../../examples/models/controlflow.js";
import { loadFixtureModel, newFixtureModel } from "../utils/fixtureModels.js";
import { loadManifest, loadModelCases, MODEL_NAMES, weightsPath } from "../utils/modelFixtures.js";
import { expectWithinModelTolerance } from "../utils/modelTolerance.js";

const loadModel = loadFixtureModel;

describe.each(MODEL_NAMES)("model %s", (name) => {
  it("has exactly the state dict keys and shapes PyTorch saved", () => {
    const shapes = new Map([...newFixtureModel(name).stateDict()].map(([key, t]) => [key, [...t.shape]]));
    expect(shapes).toEqual(new Map(loadManifest(name).params.map((p) => [p.name, p.shape])));
  });

  it.each(loadModelCases(name).map((c) => [c.name, c] as const))("case %s matches PyTorch", async (caseName, c) => {
    const model = await loadModel(name);
    expectWithinModelTolerance(model.forward(...c.inputs), c.output, `${name}/${caseName}`);
  });
});

describe("controlflow branches", () => {
  it("b1 takes the then-branch and b1_else the else-branch", async () => {
    const model = (await loadModel("controlflow")) as ControlFlow;
    const cases = new Map(loadModelCases("controlflow").map((c) => [c.name, c]));
    const thenCase = cases.get("b1")!;
    const elseCase = cases.get("b1_else")!;
    expect(thenCase.branch).toMatch(/^then/);
    expect(elseCase.branch).toMatch(/^else/);
    const fc2Output = model.fc2.forward(model.fc1.forward(elseCase.inputs[0]!).relu());
    expect(fc2Output.item()).not.toBe(0);
    expect(model.forward(elseCase.inputs[0]!).tolist()).toEqual([[0]]);
    expect(model.forward(thenCase.inputs[0]!).item()).not.toBe(0);
  });
});

describe("strict loading of a wrong state dict", () => {
  it("lists the missing key, the extra key and the wrong shape together", async () => {
    const weights = await loadSafetensors(weightsPath("cnn"));
    weights.delete("fc2.bias");
    weights.set("fc3.weight", weights.get("fc2.weight")!);
    weights.set("conv1.weight", weights.get("conv2.weight")!);
    const load = () => newFixtureModel("cnn").loadStateDict(weights);
    expect(load).toThrow(TsjitError);
    expect(load).toThrow(
      [
        "Error(s) in loading state_dict for CNN:",
        '\tMissing key(s) in state_dict: "fc2.bias".',
        '\tUnexpected key(s) in state_dict: "fc3.weight".',
        "\tsize mismatch for conv1.weight: copying a param with shape [64, 32, 3, 3] from checkpoint, the shape in current model is [32, 1, 3, 3].",
      ].join("\n"),
    );
    try {
      load();
    } catch (e) {
      expect((e as TsjitError).code).toBe("STATE_DICT_MISMATCH");
    }
  });
});
