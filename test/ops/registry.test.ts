import { describe, expect, it } from "vitest";
import { allOps, getOverloads, parseSchema, resolveCall, tensor } from "../../runtime/index.js";
import { bindArguments } from "../../runtime/ops/bind.js";
import { camelCase, formatType } from "../../runtime/ops/schema.js";

describe("schema parsing", () => {
  it("reads namespace, overload, typed arguments, defaults and tuple returns", () => {
    const s = parseSchema("aten::max.dim(Tensor self, int dim, bool keepdim=False) -> (Tensor values, Tensor indices)");
    expect([s.namespace, s.name, s.overload]).toEqual(["aten", "max", "dim"]);
    expect(s.arguments.map((a) => [a.name, formatType(a.type), a.default])).toEqual([
      ["self", "Tensor", undefined],
      ["dim", "int", undefined],
      ["keepdim", "bool", false],
    ]);
    expect(s.returns.map((r) => r.name)).toEqual(["values", "indices"]);
  });

  it("reads keyword-only markers, optionals, sized lists and list defaults", () => {
    const s = parseSchema("conv2d(Tensor input, Tensor weight, Tensor? bias=None, int[2] stride=1, int[2] padding=[0, 0], *, str mode='x') -> Tensor");
    expect(s.namespace).toBe("aten");
    expect(s.arguments.map((a) => `${formatType(a.type)} ${a.name}${a.keywordOnly ? " kw" : ""}`)).toEqual([
      "Tensor input", "Tensor weight", "Tensor? bias", "int[2] stride", "int[2] padding", "str mode kw",
    ]);
    expect(s.arguments[4]!.default).toEqual([0, 0]);
    expect(s.arguments[5]!.default).toBe("x");
  });

  it("reads alias annotations on arguments and returns: (a!) is a write, (a) an alias", () => {
    const s = parseSchema("append.t(Tensor[](a!) self, Tensor(b) el) -> Tensor[](a!)");
    expect(s.arguments.map((a) => [formatType(a.type), a.alias])).toEqual([
      ["Tensor[]", { set: "a", mutable: true }],
      ["Tensor", { set: "b", mutable: false }],
    ]);
    expect(s.returns[0]).toEqual({ type: { kind: "List", element: { kind: "Tensor" } }, alias: { set: "a", mutable: true } });
    expect(getOverloads("append").every((o) => o.parsed.arguments[0]!.alias?.mutable)).toBe(true);
    const optional = parseSchema("f(Tensor(a!)? out, Tensor(b)[] xs) -> Tensor");
    expect(optional.arguments.map((a) => [formatType(a.type), a.alias?.set, a.alias?.mutable])).toEqual([
      ["Tensor?", "a", true],
      ["Tensor[]", "b", false],
    ]);
  });

  it("rejects unknown types and malformed text", () => {
    expect(() => parseSchema("f(Foo x) -> Tensor")).toThrow(/unknown type 'Foo'/);
    expect(() => parseSchema("f(Tensor x)")).toThrow(/cannot parse/);
  });

  it("camelCases keyword names for options objects", () => {
    expect(camelCase("negative_slope")).toBe("negativeSlope");
    expect(camelCase("dim")).toBe("dim");
  });
});

describe("argument binding", () => {
  const schema = parseSchema("f(Tensor self, int[2] stride=1, float? eps=None, *, bool flag=False) -> Tensor");
  const x = tensor([1]);

  it("fills defaults, expands an int to int[2], and takes keyword options", () => {
    expect(bindArguments(schema, [x])).toEqual({ ok: true, args: [x, [1, 1], null, false] });
    expect(bindArguments(schema, [x, 2, 0.5, { flag: true }])).toEqual({ ok: true, args: [x, [2, 2], 0.5, true] });
    expect(bindArguments(schema, [x, { eps: 1e-3 }])).toEqual({ ok: true, args: [x, [1, 1], 1e-3, false] });
  });

  it("names the argument, its type and the value on a mismatch", () => {
    expect(bindArguments(schema, [x, "a"])).toEqual({ ok: false, reason: `argument 'stride' must be int[2], got "a"` });
    expect(bindArguments(schema, [x, [1, 2, 3]])).toMatchObject({ ok: false, reason: expect.stringContaining("'stride' must be int[2]") });
    expect(bindArguments(schema, [x, { bogus: 1 }])).toMatchObject({ ok: false, reason: expect.stringContaining("unexpected keyword argument 'bogus'") });
    expect(bindArguments(schema, [x, 1, 2, 3])).toMatchObject({ ok: false, reason: expect.stringContaining("at most 3 positional") });
    expect(bindArguments(schema, [])).toMatchObject({ ok: false, reason: expect.stringContaining("missing required argument 'self'") });
    expect(bindArguments(schema, [x, 2, { stride: 3 }])).toMatchObject({ ok: false, reason: expect.stringContaining("both by position and as a keyword") });
  });

  it("spreads trailing ints into the last positional int[]", () => {
    const reshape = parseSchema("reshape(Tensor self, int[] shape) -> Tensor");
    expect(bindArguments(reshape, [x, 2, 3])).toEqual({ ok: true, args: [x, [2, 3]] });
    expect(bindArguments(reshape, [x, [2, 3]])).toEqual({ ok: true, args: [x, [2, 3]] });
  });
});

describe("the registry", () => {
  it("resolves overloads by the arguments' types", () => {
    expect(resolveCall("arange", [5]).op.parsed.overload).toBe("");
    expect(resolveCall("arange", [0, 5]).op.parsed.overload).toBe("start_step");
  });

  it("lists every candidate when no overload accepts the call", () => {
    expect(() => resolveCall("arange", ["x"])).toThrow(/arange\(\): no overload accepts \("x"\); candidates:\n {2}arange.start_step/);
  });

  it("rejects unknown ops by name", () => {
    expect(() => getOverloads("no_such_op")).toThrow(/unknown op 'no_such_op'/);
  });

  it("holds one entry per overload, each with a parsed schema", () => {
    const names = allOps().map((o) => `${o.parsed.name}.${o.parsed.overload}`);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain("zeros.");
  });
});
