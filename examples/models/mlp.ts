/** `mlp` from anchors/models.py: 784-512-512-10 with relu between. */
import { nn, relu, script, type Tensor } from "tsjit";

export class MLP extends nn.Module {
  fc1 = new nn.Linear(784, 512);
  fc2 = new nn.Linear(512, 512);
  fc3 = new nn.Linear(512, 10);

  @script
  override forward(input: Tensor): Tensor {
    let x = relu(this.fc1.forward(input));
    x = relu(this.fc2.forward(x));
    return this.fc3.forward(x);
  }
}
