import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { TsjitError } from "../../runtime/errors.js";
import { Graph } from "../../runtime/ir/Graph.js";
import { GRAPH_JSON_VERSION, graphFromJSON, graphToJSON, type GraphJSON } from "../../runtime/ir/json.js";
import { parseGraph } from "../../runtime/ir/parser.js";
import { printGraph } from "../../runtime/ir/printer.js";
import { TensorType } from "../../runtime/ir/types.js";
import { verifyGraph } from "../../runtime/ir/verifier.js";
import { tensor } from "../../runtime/tensor/factory.js";
import { CORPUS } from "./corpus.js";
import { randomGraph } from "./randomGraph.js";
import { thrownTsjitError } from "../utils/errors.js";

const constants = new Map([
  ["c0", tensor([1, 2, 3])],
  ["odd name", tensor([4])],
]);

/** As a file stores it: through a JSON string. */
const viaString = (json: GraphJSON): unknown => JSON.parse(JSON.stringify(json));

function decodeError(json: unknown, map: ReadonlyMap<string, never> | typeof constants = constants): TsjitError {
  return thrownTsjitError(() => graphFromJSON(json, map));
}

describe("round trips", () => {
  for (const [name, text] of Object.entries(CORPUS)) {
    test(`${name}: graph → JSON → graph gives the same text`, () => {
      const graph = parseGraph(text, constants);
      const back = graphFromJSON(viaString(graphToJSON(graph)), constants);
      expect(printGraph(back)).toBe(text);
      verifyGraph(back);
    });
  }

  test("every node field survives: kind, attributes, blocks, params, names, source", () => {
    const graph = parseGraph(CORPUS.ifInsideLoop!);
    const json = graphToJSON(graph);
    expect(json.version).toBe(GRAPH_JSON_VERSION);
    expect(json.inputs).toEqual([
      { id: 0, type: "Tensor", name: "x" },
      { id: 1, type: "int", name: "n" },
    ]);
    const loop = json.nodes[2]!;
    expect(loop.kind).toBe("prim::Loop");
    expect(loop.source).toEqual({ file: "m.ts", line: 3, col: 3 });
    expect(loop.inputs).toEqual([1, 2, 0, 3]);
    expect(loop.outputs).toEqual([
      { id: 4, type: "Tensor", name: "out" },
      { id: 5, type: "int", name: "count" },
    ]);
    expect(loop.blocks![0]!.params.map((p) => p.id)).toEqual([6, 7, 8]);
    expect(loop.blocks![0]!.returns).toEqual([2, 10, 6]);
    expect(json.outputs).toEqual([4, 5]);
  });

  test("special numbers and tensor references are encoded explicitly", () => {
    const json = graphToJSON(parseGraph(CORPUS.everyAttributeKind!, constants));
    const values = json.nodes.filter((n) => n.kind === "prim::Constant").map((n) => n.attributes!["value"]);
    expect(values[4]).toEqual({ number: "nan" });
    expect(values[5]).toEqual({ number: "inf" });
    expect(values[6]).toEqual({ number: "-inf" });
    expect(values[12]).toEqual({ tensor: "c0" });
    expect(values[15]).toEqual({ number: "-0" });
    expect(values[18]).toEqual([0.25, 3, { number: "nan" }]);
    expect(JSON.stringify(json)).not.toContain("undefined");
  });

  test("ids are renumbered densely in program order", () => {
    const g = new Graph();
    const x = g.addInput(TensorType, "x");
    const dead = g.appendNode("aten::tanh", [x]);
    dead.addOutput(TensorType);
    dead.destroy();
    const y = g.appendNode("aten::relu", [x]).addOutput(TensorType);
    g.registerOutput(y);
    expect(y.id).toBe(2);
    const json = graphToJSON(g);
    expect(json.nodes[0]!.outputs[0]!.id).toBe(1);
    expect(json.outputs).toEqual([1]);
  });

  test("random graphs: JSON round trip preserves the text, and the same graph gives the same bytes", () => {
    fc.assert(
      fc.property(fc.gen(), (g) => {
        const graph = randomGraph(g);
        const text = printGraph(graph);
        const json = JSON.stringify(graphToJSON(graph));
        expect(JSON.stringify(graphToJSON(graph))).toBe(json);
        const back = graphFromJSON(JSON.parse(json), graph.constants);
        verifyGraph(back);
        expect(printGraph(back)).toBe(text);
        // Two separately built copies of one graph encode to the same bytes.
        const a = parseGraph(text, graph.constants);
        const b = parseGraph(text, graph.constants);
        expect(JSON.stringify(graphToJSON(a))).toBe(JSON.stringify(graphToJSON(b)));
        expect(JSON.stringify(graphToJSON(back))).toBe(json);
      }),
      { numRuns: 200 },
    );
  });
});

describe("untrusted input: errors name the JSON path", () => {
  const base = () => viaString(graphToJSON(parseGraph(CORPUS.listsTuplesAndMultipleOutputs!))) as any;

  test("unknown value id", () => {
    const json = base();
    json.nodes[3].inputs[1] = 17;
    expect(decodeError(json).message).toContain("nodes[3].inputs[1]: unknown value id 17");
  });

  test("a value used before it is defined in program order", () => {
    const json = base();
    json.nodes[0].inputs = [];
    json.nodes[2].inputs[0] = json.nodes[5].outputs[0].id;
    expect(decodeError(json).message).toMatch(/nodes\[2\]\.inputs\[0\]: unknown value id \d+/);
  });

  test("duplicate value id", () => {
    const json = base();
    json.nodes[1].outputs[0].id = 0;
    expect(decodeError(json).message).toContain("nodes[1].outputs[0].id: value id 0 is defined twice");
  });

  test("newer version names both versions", () => {
    const json = base();
    json.version = 7;
    const error = decodeError(json);
    expect(error.code).toBe("UNSUPPORTED_VERSION");
    expect(error.message).toContain("version 7");
    expect(error.message).toContain(`supported version ${GRAPH_JSON_VERSION}`);
  });

  const cases: [string, (json: any) => unknown, string][] = [
    ["root not an object", () => [], "graph: expected an object, found an array"],
    ["missing version", (j) => (delete j.version, j), "version: expected a positive integer, found nothing"],
    ["version as string", (j) => ((j.version = "1"), j), 'version: expected a positive integer, found "1"'],
    ["missing nodes", (j) => (delete j.nodes, j), "graph: missing field 'nodes'"],
    ["unknown field", (j) => ((j.extra = 1), j), "graph: unknown field 'extra'"],
    ["nodes not an array", (j) => ((j.nodes = {}), j), "nodes: expected an array, found an object"],
    ["kind not a string", (j) => ((j.nodes[0].kind = 5), j), "nodes[0].kind: expected a string, found number 5"],
    ["unknown kind", (j) => ((j.nodes[0].kind = "aten::nope"), j), 'nodes[0].kind: unknown node kind "aten::nope"'],
    ["bad type", (j) => ((j.nodes[0].outputs[0].type = "Tensor[["), j), 'nodes[0].outputs[0].type: invalid type "Tensor[["'],
    ["negative id", (j) => ((j.outputs[0] = -1), j), "outputs[0]: expected a non-negative integer, found number -1"],
    ["fractional id", (j) => ((j.inputs[0].id = 0.5), j), "inputs[0].id: expected a non-negative integer, found number 0.5"],
    ["name not a string", (j) => ((j.inputs[0].name = 3), j), "inputs[0].name: expected a string, found number 3"],
    ["source line not an integer", (j) => ((j.nodes[2].source.line = "1"), j), 'nodes[2].source.line: expected a non-negative integer, found "1"'],
    ["attribute of a bad kind", (j) => ((j.nodes[0].attributes.value = { foo: 1 }), j), "nodes[0].attributes.value: missing field 'number'"],
    ["bad special number", (j) => ((j.nodes[0].attributes.value = { number: "huge" }), j), 'nodes[0].attributes.value.number: expected "nan", "inf", "-inf" or "-0", found "huge"'],
    ["list with a string", (j) => ((j.nodes[0].attributes.value = [1, "a"]), j), 'nodes[0].attributes.value[1]: expected a number, found "a"'],
    ["missing tensor constant", (j) => ((j.nodes[0].attributes.value = { tensor: "w" }), j), "nodes[0].attributes.value.tensor: tensor constant 'w' is missing"],
    ["blocks not an array", (j) => ((j.nodes[0].blocks = 1), j), "nodes[0].blocks: expected an array, found number 1"],
  ];
  for (const [name, mutate, message] of cases) {
    test(name, () => {
      expect(decodeError(mutate(base())).message).toContain(message);
    });
  }

  test("deep nesting fails cleanly", () => {
    let nodes: unknown[] = [];
    for (let i = 0; i < 5000; i++) nodes = [{ kind: "prim::If", inputs: [0], outputs: [], blocks: [{ params: [], nodes, returns: [] }, { params: [], nodes: [], returns: [] }] }];
    const json = { version: 1, inputs: [{ id: 0, type: "bool" }], nodes, outputs: [] };
    expect(decodeError(json).message).toContain("blocks nested deeper than");
  });

  test("a decoded graph that is structurally fine but ill-typed is caught by the verifier", () => {
    const json = base();
    json.nodes[0].outputs[0].type = "float";
    const graph = graphFromJSON(json, constants);
    expect(() => verifyGraph(graph)).toThrow(TsjitError);
  });
});

/** Every (parent, key) position in a JSON tree. */
function positions(root: unknown): [Record<string, unknown> | unknown[], string | number][] {
  const out: [Record<string, unknown> | unknown[], string | number][] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach((child, i) => (out.push([node, i]), walk(child)));
    else if (node !== null && typeof node === "object") for (const [key, child] of Object.entries(node)) out.push([node as Record<string, unknown>, key]), walk(child);
  };
  walk(root);
  return out;
}

const junk = fc.oneof(
  fc.integer({ min: -3, max: 40 }),
  fc.double(),
  fc.string({ maxLength: 6 }),
  fc.constantFrom(null, true, false, [], {}, "Tensor", "int", "bool", "aten::relu", "prim::If", { number: "nan" }, { tensor: "c0" }, [0], { id: 0, type: "Tensor" }),
);

test("random mutations of valid JSON end in a TsjitError or a graph that verifies", () => {
  let decoded = 0;
  let rejected = 0;
  fc.assert(
    fc.property(fc.gen(), fc.array(fc.tuple(fc.nat(), fc.nat(2), junk), { minLength: 1, maxLength: 3 }), (g, mutations) => {
      const graph = randomGraph(g);
      const json = JSON.parse(JSON.stringify(graphToJSON(graph))) as unknown;
      for (const [at, how, value] of mutations) {
        const all = positions(json);
        if (all.length === 0) break;
        const [parent, key] = all[at % all.length]!;
        if (how === 0) {
          if (Array.isArray(parent)) parent.splice(key as number, 1);
          else delete parent[key];
        } else if (how === 1 && typeof (parent as any)[key] === "number") {
          (parent as any)[key] = ((parent as any)[key] as number) + (value === null ? -1 : 1);
        } else {
          (parent as any)[key] = structuredClone(value);
        }
      }
      try {
        verifyGraph(graphFromJSON(json, graph.constants));
        decoded++;
      } catch (error) {
        if (!(error instanceof TsjitError)) throw error;
        rejected++;
      }
    }),
    { numRuns: 1000 },
  );
  // Both outcomes occur, so the property is not vacuous.
  expect(rejected).toBeGreaterThan(0);
  expect(decoded).toBeGreaterThan(0);
});
