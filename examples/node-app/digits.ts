/**
 * The node-app's model: anchors/models.py's `mlp` (784-512-512-10; the same field
 * names, so PyTorch's state dict loads unchanged), with its forward compiled by
 * `@script` (at build time, by tsjit/rollup in the bundle and by tspc unbundled) and
 * ending in a softmax, so it gives class probabilities.
 */
import { nn, relu, script, softmax, type Tensor } from "tsjit";

export class DigitClassifier extends nn.Module {
  fc1 = new nn.Linear(784, 512);
  fc2 = new nn.Linear(512, 512);
  fc3 = new nn.Linear(512, 10);

  @script
  override forward(input: Tensor): Tensor {
    const x = relu(this.fc2.forward(relu(this.fc1.forward(input))));
    return softmax(this.fc3.forward(x), -1);
  }
}
