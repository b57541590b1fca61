/**
 * The run-time compiler: under vitest nothing runs the transformer, so `script(fn)`
 * compiles `fn` from this very file once `registerRuntimeCompiler()` has run.
 */
import fc from "fast-check";
import { relu, script, tensor, TsjitError, zerosLike, type Tensor } from "tsjit";
import { describe, expect, test } from "vitest";
import { compileFromSource, compileFunction, registerRuntimeCompiler } from "../../../transformer/runtimeCompile.js";

registerRuntimeCompiler();

function eagerGate(x: Tensor): Tensor {
  if (x.sum().item() > 0) {
    return relu(x);
  }
  return zerosLike(x);
}

function clipped(x: Tensor): Tensor {
  return relu(x);
}

const row = fc.array(fc.float({ min: -10, max: 10, noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 6 });

describe("registerRuntimeCompiler", () => {
  test("script(function ...) written in a test file compiles from its TypeScript source", () => {
    const gate = script(function gate(x: Tensor): Tensor {
      if (x.sum().item() > 0) {
        return relu(x);
      }
      return zerosLike(x);
    });
    expect(gate.graph.toString()).toMatch(/prim::If/);
    fc.assert(
      fc.property(row, (values) => {
        const x = tensor([values]);
        expect(gate(x).tolist()).toEqual(eagerGate(x).tolist());
      }),
      { numRuns: 50 },
    );
  });

  test("script(f) of a function declaration of this file", () => {
    const compiled = script(clipped);
    expect(compiled.graph.toString()).toMatch(/aten::relu/);
    expect(compiled(tensor([[-1, 2]])).tolist()).toEqual([[0, 2]]);
  });

  test("a function whose source cannot be found is left to script's NOT_COMPILED error", () => {
    const nowhere = Object.defineProperty((x: Tensor) => x, "name", { value: "noSuchFunctionAnywhere" }) as (x: Tensor) => Tensor;
    expect(compileFunction(nowhere)).toBeUndefined();
    expect(() => script(nowhere)).toThrow(expect.objectContaining({ code: "NOT_COMPILED" }));
  });
});

describe("compileFromSource", () => {
  const source = `import { relu, script, type Tensor } from "tsjit";

export const bad = script(function bad(x: Tensor): Tensor {
  const f = (y: Tensor) => y;
  return f(x);
});

export function good(x: Tensor): Tensor {
  return relu(x);
}
`;
  // A file name beside this test, so tsconfig.json (and its "tsjit" path) applies; it is never written.
  const fileName = new URL("./virtualSource.ts", import.meta.url).pathname;

  test("returns the payload of the named function", () => {
    const payload = compileFromSource(fileName, source, "good")!;
    expect(payload.kind).toBe("function");
    expect(payload.name).toBe("good");
    expect(Object.keys(payload.graphs)).toEqual(["good"]);
  });

  test("returns undefined when the file declares no such function", () => {
    expect(compileFromSource(fileName, source, "missing")).toBeUndefined();
  });

  test("throws COMPILE_ERROR listing each TSJ error with its position", () => {
    let error: unknown;
    try {
      compileFromSource(fileName, source, "bad");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TsjitError);
    expect((error as TsjitError).code).toBe("COMPILE_ERROR");
    expect((error as TsjitError).message).toMatch(/virtualSource\.ts\(4,13\): TSJ1\d{3}: /);
  });
});
