/**
 * Type-level checks of `script` (typechecked by `tsc -p test/tsconfig.json`, never run:
 * vitest's transform leaves decorator syntax to Node, which cannot parse it; the
 * lowered form is exercised in scriptModule.test.ts). `@script` type-checks as a
 * TypeScript 5 standard method and class decorator; `script(fn)` keeps fn's signature.
 */
import { nn, script, type Graph, type ScriptFunction, type ScriptModule, type Tensor } from "tsjit";

export class Decorated extends nn.Module {
  fc = new nn.Linear(2, 2);

  @script
  override forward(x: Tensor): Tensor {
    return this.fc.forward(x);
  }

  @script.compiled("{}")
  helper(x: Tensor, n: number): Tensor {
    return x.mul(n);
  }
}

@script
export class DecoratedClass extends nn.Module {
  override forward(x: Tensor): Tensor {
    return x;
  }
}

@script.compiled("{}")
export class CompiledClass extends nn.Module {}

export const step = script(function step(h: Tensor, n: number): Tensor {
  return h.mul(n);
});

export function uses(x: Tensor): [Tensor, Graph, string, ScriptFunction, ScriptModule] {
  const y: Tensor = step(x, 2);
  // @ts-expect-error: the scripted function keeps fn's parameter types
  step(2, x);
  // @ts-expect-error: and its arity
  step(x);
  const compiled = script.compiled("{}", function g(a: Tensor): Tensor {
    return a;
  });
  const z: Tensor = compiled(y);
  const module: ScriptModule = script(new Decorated());
  return [z, step.graph, step.code, step.scriptFunction, module];
}
