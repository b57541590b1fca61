/** `controlflow` from anchors/models.py: a data-dependent branch on the mean activation. */
import { nn, relu, zerosLike, type Tensor } from "tsjit";

export class ControlFlow extends nn.Module {
  fc1 = new nn.Linear(10, 5);
  fc2 = new nn.Linear(5, 1);

  override forward(input: Tensor): Tensor {
    const x = relu(this.fc1.forward(input));
    if (x.mean().item() > 0.5) return this.fc2.forward(x);
    return zerosLike(this.fc2.forward(x));
  }
}
