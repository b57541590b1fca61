/** The program JSON decoder: every wrong field is an INVALID_FILE error naming its JSON path. */
import { describe, expect, it } from "vitest";
import { TsjitError } from "../../runtime/errors.js";
import { decodeProgram, MAX_MODULE_DEPTH, parseProgram, programToJSON } from "../../runtime/serialize/program.js";

function module(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { className: "M", training: false, parameters: [], buffers: [], attributes: {}, children: {}, methods: {}, ...overrides };
}

function rejects(json: unknown): TsjitError {
  try {
    decodeProgram(json);
  } catch (error) {
    expect(error).toBeInstanceOf(TsjitError);
    expect((error as TsjitError).code).toBe("INVALID_FILE");
    return error as TsjitError;
  }
  throw new Error(`decodeProgram accepted ${JSON.stringify(json)}`);
}

describe("decodeProgram", () => {
  it("accepts a module tree and keeps the file's order", () => {
    const json = {
      kind: "module",
      root: module({
        className: "Net",
        parameters: ["w"],
        buffers: ["running_mean"],
        attributes: { scale: 0.5, name: "net", flag: true },
        children: { fc1: module({ className: "Linear", parameters: ["weight", "bias"] }), "0": module() },
        methods: { forward: { any: "graph json" } },
      }),
    };
    const program = decodeProgram(json);
    expect(program.kind).toBe("module");
    if (program.kind !== "module") return;
    expect(program.root.className).toBe("Net");
    expect([...program.root.attributes]).toEqual([
      ["scale", 0.5],
      ["name", "net"],
      ["flag", true],
    ]);
    expect(program.root.children.get("fc1")!.parameters).toEqual(["weight", "bias"]);
    expect(program.root.methods.get("forward")).toEqual({ any: "graph json" });
    // Re-encoding gives the same JSON (modulo JS's integer-key-first object order).
    expect(programToJSON(program)).toEqual(json);
  });

  it("accepts a function", () => {
    expect(decodeProgram({ kind: "function", name: "f", graph: [1] })).toEqual({ kind: "function", name: "f", graph: [1] });
  });

  it.each([
    [{ kind: "module", root: module({ children: { fc1: module({ parameters: [3] }) } }) }, "program.root.children.fc1.parameters[0] must be a string, got number 3"],
    [{ kind: "module", root: module({ children: { fc1: module({ parameters: ["a.b"] }) } }) }, 'program.root.children.fc1.parameters[0] "a.b" is not a valid name'],
    [{ kind: "module", root: module({ buffers: ["x/y"] }) }, 'program.root.buffers[0] "x/y" is not a valid name'],
    [{ kind: "module", root: module({ parameters: "w" }) }, "program.root.parameters must be an array of names, got string"],
    [{ kind: "module", root: module({ className: 7 }) }, "program.root.className must be a string, got number 7"],
    [{ kind: "module", root: module({ className: "Tensor" }) }, 'program.root.className "Tensor" is not a valid class name'],
    [{ kind: "module", root: module({ className: "a b" }) }, 'program.root.className "a b" is not a valid class name'],
    [{ kind: "module", root: module({ training: "yes" }) }, 'program.root.training must be a boolean, got string "yes"'],
    [{ kind: "module", root: module({ attributes: { x: [1] } }) }, "program.root.attributes.x must be a number, boolean, string or null, got an array"],
    [{ kind: "module", root: module({ attributes: { "a-b": 1 } }) }, 'program.root.attributes["a-b"] is not a valid attribute name'],
    [{ kind: "module", root: module({ children: { fc1: 5 } }) }, "program.root.children.fc1 must be an object, got number 5"],
    [{ kind: "module", root: module({ children: [] }) }, "program.root.children must be an object, got an array"],
    [{ kind: "module", root: module({ methods: null }) }, "program.root.methods must be an object, got null"],
    [{ kind: "module", root: module({ extra: 1 }) }, "program.root.extra is not a known field"],
    [{ kind: "module", root: { className: "M" } }, 'program.root is missing the field "training"'],
    [{ kind: "module", root: module({ parameters: ["w"], buffers: ["w"] }) }, 'program.root.buffers[0] "w" is already used by program.root.parameters[0]'],
    [{ kind: "module", root: module({ parameters: ["w"], children: { w: module() } }) }, 'program.root.children.w "w" is already used by program.root.parameters[0]'],
    [{ kind: "module", root: module({ attributes: { fc: 1 }, methods: { fc: {} } }) }, 'program.root.methods.fc "fc" is already used by program.root.attributes.fc'],
    [{ kind: "module" }, 'program is missing the field "root"'],
    [{ kind: "module", root: module(), more: 1 }, "program.more is not a known field"],
    [{ kind: "class", root: module() }, 'program.kind must be "module" or "function", got string "class"'],
    [{ kind: "function", name: "f" }, 'program is missing the field "graph"'],
    [{ kind: "function", name: "__proto__", graph: {} }, 'program.name "__proto__" is not a valid name'],
    [[], "program must be an object, got an array"],
    ["x", 'program must be an object, got string "x"'],
  ])("rejects %j", (json, message) => {
    expect(rejects(json).message).toContain(`model file: ${message}`);
  });

  it("rejects modules nested too deep instead of exhausting the stack", () => {
    let root = module();
    for (let i = 0; i < 10_000; i++) root = module({ children: { c: root } });
    const error = rejects({ kind: "module", root });
    expect(error.message).toContain(`nests modules more than ${MAX_MODULE_DEPTH} deep`);
    expect(error.message).toMatch(/^model file: program\.root(\.children\.c){65} /);
  });

  it("accepts a null attribute (a field holding no tensor)", () => {
    const program = decodeProgram({ kind: "module", root: module({ attributes: { bias: null } }) });
    expect(program.kind === "module" && [...program.root.attributes]).toEqual([["bias", null]]);
  });

  it("names invalid JSON text", () => {
    expect(() => parseProgram("{")).toThrow(/^model file: __metadata__\["tsjit.program"\] is not valid JSON: /);
  });

  it("does not let a __proto__ key reach an object prototype", () => {
    const text = '{"kind":"module","root":{"className":"M","training":false,"parameters":[],"buffers":[],"attributes":{"__proto__":1},"children":{},"methods":{}}}';
    expect(() => parseProgram(text)).toThrow("model file: program.root.attributes.__proto__ is not a valid attribute name");
  });
});
