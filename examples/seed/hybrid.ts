/**
 * Mixing the two ways into a graph (the seed's "hybrid" section). ControlFlowModel
 * splits naturally in two: `fc1` + relu has no control flow, so tracing it is safe;
 * the branch on the mean activation needs `@script`.
 *
 * - Script calls trace: `ScriptedHead` is an `@script` module whose `encoder` field
 *   holds a TRACED module. `script(head)` uses the traced ScriptModule as it is, and
 *   the compiled forward calls it with `prim::CallMethod`.
 * - Trace calls script: `TracedWithScriptedGate.forward` is plain code (it will be
 *   traced) that calls `gate`, a `script(function ...)` with an `if`. The tracer
 *   records the call as one `prim::CallFunction` instead of running through it, so
 *   the `if` inside `gate` is kept for every input.
 */
import { nn, relu, script, zerosLike, type Tensor } from "tsjit";

/** The static half of ControlFlowModel: safe to trace. */
export class Encoder extends nn.Module {
  fc1 = new nn.Linear(10, 5);

  override forward(input: Tensor): Tensor {
    return relu(this.fc1.forward(input));
  }
}

/** The dynamic half, scripted; `encoder` is given (traced) by the caller. */
export class ScriptedHead extends nn.Module {
  fc2 = new nn.Linear(5, 1);

  /**
   * Declared as an Encoder so the compiler knows what `forward` returns; at run time
   * it may hold the ScriptModule `trace(encoder, ...)` made, which is called exactly
   * like the module it was traced from.
   */
  constructor(readonly encoder: Encoder) {
    super();
  }

  @script
  override forward(input: Tensor): Tensor {
    const x = this.encoder.forward(input);
    if (x.mean().item() > 0.5) {
      return this.fc2.forward(x);
    }
    return zerosLike(this.fc2.forward(x));
  }
}

/** ControlFlowModel's branch as a free function, compiled at build time. */
export const gate = script(function gate(x: Tensor, out: Tensor): Tensor {
  if (x.mean().item() > 0.5) {
    return out;
  }
  return zerosLike(out);
});

/** Plain (eager) code that will be traced; the scripted `gate` keeps its `if` in the trace. */
export class TracedWithScriptedGate extends nn.Module {
  fc1 = new nn.Linear(10, 5);
  fc2 = new nn.Linear(5, 1);

  override forward(input: Tensor): Tensor {
    const x = relu(this.fc1.forward(input));
    return gate(x, this.fc2.forward(x));
  }
}
