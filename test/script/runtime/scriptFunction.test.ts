/** script(fn) / script.compiled(payload, fn): the callable, payload validation, NOT_COMPILED, the run-time compiler hook, TSJIT_DISABLE. */
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { graphToJSON, parseGraph, script, ScriptFunction, setRuntimeCompiler, tanh, tensor, zerosLike, type Tensor } from "tsjit";
import { setScriptDisabled } from "../../../runtime/jit/script.js";
import { expectError, GATE_IR, payload, payloadJSON, TWICE_IR } from "./helpers.js";

function gateEager(x: Tensor): Tensor {
  return x.mean().item() > 0 ? tanh(x) : zerosLike(x);
}

const gate = script.compiled(payloadJSON("function", "gate", { gate: GATE_IR }), function gate(x: Tensor): Tensor {
  return gateEager(x);
});

afterEach(() => {
  setScriptDisabled(undefined);
  setRuntimeCompiler(undefined);
});

describe("script.compiled(payload, fn)", () => {
  it("runs the compiled graph, taking either branch of its if", () => {
    const positive = tensor([[0.5, 1], [2, -1]]);
    const negative = tensor([[-0.5, 1], [-2, -1]]);
    expect(gate(positive).tolist()).toEqual(tanh(positive).tolist());
    expect(gate(negative).tolist()).toEqual([[0, 0], [0, 0]]);
  });

  it("equals the eager function on generated inputs", () => {
    fc.assert(
      fc.property(fc.array(fc.float({ min: -10, max: 10, noNaN: true }), { minLength: 1, maxLength: 12 }), (values) => {
        const x = tensor(values);
        expect(gate(x).tolist()).toEqual(gateEager(x).tolist());
      }),
    );
  });

  it("carries .graph, .code, its ScriptFunction and the function's name", () => {
    expect(gate.graph.toString()).toContain("prim::If");
    expect(gate.code).toContain("if");
    expect(gate.scriptFunction).toBeInstanceOf(ScriptFunction);
    expect(gate.name).toBe("gate");
    expect(gate.length).toBe(1);
  });

  it("does not run the original body", () => {
    const body = vi.fn((x: Tensor) => x);
    const f = script.compiled(payloadJSON("function", "gate", { gate: GATE_IR }), function gate(x: Tensor) {
      return body(x);
    });
    f(tensor([1, 2]));
    expect(body).not.toHaveBeenCalled();
  });

  it("calls the other functions of the payload (prim::CallFunction)", () => {
    const twice = script.compiled(payloadJSON("function", "twice", { twice: TWICE_IR }, { gate: GATE_IR }), function twice(x: Tensor) {
      return gateEager(x).add(gateEager(x));
    });
    const x = tensor([1, 2, -0.5]);
    expect(twice(x).tolist()).toEqual(tanh(x).mul(2).tolist());
    expect(twice(tensor([-1, -2])).tolist()).toEqual([0, 0]);
  });

  it("checks the arguments against the graph's signature", () => {
    expectError(() => (gate as unknown as (x: unknown) => unknown)(3), "ARGUMENT_TYPE", /gate\(x: Tensor\)/);
    expectError(() => (gate as unknown as () => unknown)(), "ARGUMENT_COUNT");
  });

  it("script() of an already scripted callable returns it", () => {
    expect(script(gate)).toBe(gate);
  });
});

describe("not compiled", () => {
  it("script(fn) throws NOT_COMPILED saying how to enable the transformer", () => {
    const error = expectError(() => script(function plain(x: Tensor) {
      return x;
    }), "NOT_COMPILED");
    expect(error.message).toBe(
      `script(plain): plain was not compiled by the tsjit transformer; build with tspc and { "transform": "tsjit/transformer" } in tsconfig.json's compilerOptions.plugins (see docs/language.md); or, in a REPL or a test, call registerRuntimeCompiler() from "tsjit/transformer/runtime" once to compile from the TypeScript source`,
    );
  });

  it("uses the registered run-time compiler", () => {
    const compiler = vi.fn((fn: Function) => (fn.name === "gate2" ? payload("function", "gate2", { gate2: GATE_IR.replace("%x : Tensor", "%x : Tensor") }) : undefined));
    setRuntimeCompiler(compiler);
    const compiled = script(function gate2(x: Tensor): Tensor {
      return gateEager(x);
    });
    expect(compiler).toHaveBeenCalledTimes(1);
    expect(compiled(tensor([-1, -1])).tolist()).toEqual([0, 0]);
    expect(compiled.graph.toString()).toContain("prim::If");
    // The compiler returning undefined still means NOT_COMPILED.
    expectError(() => script(function other(x: Tensor) {
      return x;
    }), "NOT_COMPILED");
  });

  it("validates what the run-time compiler returns", () => {
    setRuntimeCompiler(() => ({ version: 1, kind: "function", name: "f", graphs: {}, functions: {} }));
    expectError(() => script(function f(x: Tensor) {
      return x;
    }), "INVALID_PAYLOAD", /no graph for the function "f"/);
  });
});

describe("malformed payloads are rejected", () => {
  const good = payload("function", "gate", { gate: GATE_IR });
  const reject = (json: unknown, code: string, message: RegExp) =>
    expectError(() => script.compiled(typeof json === "string" ? json : JSON.stringify(json), (x: Tensor) => x), code, message);

  it("not JSON, not an object", () => {
    reject("{", "INVALID_PAYLOAD", /not valid JSON/);
    reject("[1]", "INVALID_PAYLOAD", /payload must be an object, got an array/);
  });

  it("wrong or newer version, unknown or missing fields, bad kind or name", () => {
    reject({ ...good, version: 2 }, "UNSUPPORTED_VERSION", /version 2 is newer/);
    reject({ ...good, version: "1" }, "INVALID_PAYLOAD", /payload.version must be 1/);
    reject({ ...good, extra: 1 }, "INVALID_PAYLOAD", /payload.extra is not a known field/);
    const { functions: _dropped, ...missing } = good;
    reject(missing, "INVALID_PAYLOAD", /missing the field "functions"/);
    reject({ ...good, kind: "module" }, "INVALID_PAYLOAD", /payload.kind must be/);
    reject({ ...good, name: "a b" }, "INVALID_PAYLOAD", /payload.name must be an identifier/);
  });

  it("graphs that do not decode or verify, with the JSON path", () => {
    const graph = graphToJSON(parseGraph(GATE_IR));
    reject({ ...good, graphs: { gate: { ...graph, nodes: "x" } } }, "INVALID_PAYLOAD", /payload.graphs.gate is not a valid graph/);
    const unknownOp = JSON.parse(JSON.stringify(graph).replace("aten::tanh", "aten::no_such_op"));
    reject({ ...good, graphs: { gate: unknownOp } }, "INVALID_PAYLOAD", /payload.graphs.gate is not a valid graph: .*no_such_op/);
    const badTypes = JSON.parse(JSON.stringify(graph).replace('"type":"bool"', '"type":"int"'));
    reject({ ...good, graphs: { gate: badTypes } }, "INVALID_PAYLOAD", /payload.graphs.gate is not a valid graph/);
  });

  it("a method graph for a function, a call to a function it does not carry, a payload of the wrong kind", () => {
    reject(payload("function", "f", { f: "graph(%self : M,\n      %x : Tensor):\n  return (%x)\n" }), "INVALID_PAYLOAD", /is a method graph/);
    reject(payload("function", "twice", { twice: TWICE_IR }), "INVALID_PAYLOAD", /calls function "gate", which the payload does not carry/);
    reject(payload("method", "forward", { forward: "graph(%self : M,\n      %x : Tensor):\n  return (%x)\n" }), "INVALID_PAYLOAD", /payload is a method's, but it wraps a function/);
  });
});

describe("TSJIT_DISABLE", () => {
  it("script(fn) and script.compiled(payload, fn) return fn itself", () => {
    setScriptDisabled(true);
    const f = (x: Tensor) => x;
    expect(script.compiled("not even JSON", f)).toBe(f);
    expect(script(f)).toBe(f);
  });

  it("is read once from process.env.TSJIT_DISABLE", async () => {
    const saved = process.env["TSJIT_DISABLE"];
    try {
      process.env["TSJIT_DISABLE"] = "1";
      vi.resetModules();
      const fresh = await import("../../../runtime/jit/script.js");
      const f = (x: Tensor) => x;
      expect(fresh.script(f)).toBe(f);
      delete process.env["TSJIT_DISABLE"];
      expect(fresh.isScriptDisabled()).toBe(true); // read once
      vi.resetModules();
      const again = await import("../../../runtime/jit/script.js");
      expect(again.isScriptDisabled()).toBe(false);
      // A fresh module graph has its own TsjitError class: check the code.
      expect(() => again.script(f)).toThrow(expect.objectContaining({ code: "NOT_COMPILED" }));
    } finally {
      if (saved === undefined) delete process.env["TSJIT_DISABLE"];
      else process.env["TSJIT_DISABLE"] = saved;
      vi.resetModules();
    }
  });
});
