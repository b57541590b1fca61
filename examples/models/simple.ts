/** `simple` from anchors/models.py: Linear(10, 5) -> relu. */
import { nn, relu, script, type Tensor } from "tsjit";

export class Simple extends nn.Module {
  fc = new nn.Linear(10, 5);

  @script
  override forward(x: Tensor): Tensor {
    return relu(this.fc.forward(x));
  }
}
