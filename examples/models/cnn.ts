/** `cnn` from anchors/models.py: the pytorch/examples MNIST net without dropout and log_softmax. */
import { flatten, maxPool2d, nn, relu, script, type Tensor } from "tsjit";

export class CNN extends nn.Module {
  conv1 = new nn.Conv2d(1, 32, 3, { stride: 1 });
  conv2 = new nn.Conv2d(32, 64, 3, { stride: 1 });
  fc1 = new nn.Linear(9216, 128);
  fc2 = new nn.Linear(128, 10);

  @script
  override forward(input: Tensor): Tensor {
    let x = relu(this.conv1.forward(input));
    x = relu(this.conv2.forward(x));
    x = maxPool2d(x, 2);
    x = flatten(x, 1);
    x = relu(this.fc1.forward(x));
    return this.fc2.forward(x);
  }
}
