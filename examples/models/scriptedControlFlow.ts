/**
 * `controlflow` again, compiled with `@script`: the same fields (so the same state-dict
 * keys and PyTorch's weights load unchanged) and the same forward as
 * `controlflow.ts`, whose traced version is kept as the counter-example. The tsjit
 * transformer compiles this forward to IR at build time; `script(instance)` then binds
 * that graph to an instance's parameters, and the `if` survives as `prim::If`.
 */
import { nn, relu, script, zerosLike, type Tensor } from "tsjit";

export class ScriptedControlFlow extends nn.Module {
  fc1 = new nn.Linear(10, 5);
  fc2 = new nn.Linear(5, 1);

  @script
  override forward(input: Tensor): Tensor {
    const x = relu(this.fc1.forward(input));
    if (x.mean().item() > 0.5) {
      return this.fc2.forward(x);
    } else {
      return zerosLike(this.fc2.forward(x));
    }
  }
}
