/**
 * Issue 9's model tests: every fixture model, as its @script class compiled by the
 * real transformer (dist/examples/models, which `npm run build` makes before the
 * tests run), loads PyTorch's state_dict.pt, and its ScriptModule reproduces
 * PyTorch's outputs; then the same after save and load (no class, no TypeScript).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { load, save, ScriptModule, type Tensor } from "../../runtime/index.js";
import { loadModelCases, MODEL_NAMES, type ModelName } from "../utils/modelFixtures.js";
import { expectWithinModelTolerance } from "../utils/modelTolerance.js";
import { scriptedFixtureModel } from "../utils/scriptedFixtureModels.js";

/** The graph node each model's control flow must survive as. */
const CONTROL_FLOW: Partial<Record<ModelName, string>> = { controlflow: "prim::If", rnn: "prim::Loop" };

function run(module: ScriptModule, inputs: readonly Tensor[]): Tensor {
  return (module as unknown as { forward(...xs: Tensor[]): Tensor }).forward(...inputs);
}

describe.each(MODEL_NAMES)("scripted %s with PyTorch's state_dict.pt", (name) => {
  let scripted: ScriptModule;
  let reloaded: ScriptModule;
  const cases = loadModelCases(name);

  beforeAll(async () => {
    scripted = await scriptedFixtureModel(name);
    reloaded = (await load(await save(scripted))) as ScriptModule;
  });

  it("is compiled, with its control flow kept in the graph", () => {
    expect(scripted).toBeInstanceOf(ScriptModule);
    const graph = scripted.graph.toString();
    const kind = CONTROL_FLOW[name];
    if (kind !== undefined) expect(graph).toContain(kind);
  });

  it.each(cases.map((c) => [c.name, c] as const))("case %s matches PyTorch, before and after save/load", (caseName, c) => {
    const before = run(scripted, c.inputs);
    expectWithinModelTolerance(before, c.output, `${name}/${caseName}`);
    const after = run(reloaded, c.inputs);
    expect(Buffer.compare(Buffer.from(after.toTypedArray().buffer), Buffer.from(before.toTypedArray().buffer)), `${name}/${caseName} after load`).toBe(0);
  });
});
