/** The six fixture networks as tsjit modules (examples/models), fresh or with PyTorch's weights. */
import { loadSafetensors, type nn, type Tensor } from "../../runtime/index.js";
import { EncoderBlock } from "../../examples/models/attention.js";
import { CNN } from "../../examples/models/cnn.js";
import { ControlFlow } from "../../examples/models/controlflow.js";
import { MLP } from "../../examples/models/mlp.js";
import { ElmanRNN } from "../../examples/models/rnn.js";
import { Simple } from "../../examples/models/simple.js";
import { weightsPath, type ModelName } from "./modelFixtures.js";

export interface FixtureModel extends nn.Module {
  forward(...inputs: Tensor[]): Tensor;
}

const CONSTRUCTORS: Record<ModelName, () => FixtureModel> = {
  simple: () => new Simple(),
  controlflow: () => new ControlFlow(),
  mlp: () => new MLP(),
  cnn: () => new CNN(),
  rnn: () => new ElmanRNN(),
  attention: () => new EncoderBlock(),
};

/** A new instance with tsjit's default initialisation. */
export function newFixtureModel(name: ModelName): FixtureModel {
  return CONSTRUCTORS[name]();
}

/** An instance holding PyTorch's weights (weights.safetensors), in eval mode. */
export async function loadFixtureModel(name: ModelName): Promise<FixtureModel> {
  const model = newFixtureModel(name);
  model.loadStateDict(await loadSafetensors(weightsPath(name)));
  return model.eval();
}
