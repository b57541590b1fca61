/**
 * save/load on hand-made programs (independent of the tracer): the file layout,
 * determinism, plain-safetensors compatibility, and every rejection `load` promises
 * (Note [Model files are untrusted] in runtime/serialize/load.ts).
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeSafetensors, decodeSafetensors, saveSafetensors } from "../../runtime/nn/safetensors.js";
import { tensor, type Tensor } from "../../runtime/index.js";
import { parseGraph } from "../../runtime/ir/parser.js";
import { printGraph } from "../../runtime/ir/printer.js";
import { ScriptFunction } from "../../runtime/jit/ScriptFunction.js";
import { ScriptModule } from "../../runtime/jit/ScriptModule.js";
import { load, save } from "../../runtime/serialize/index.js";
import { editHeader, editProgram, expectTsjitError, HAND_MADE_INPUT, handMadeFunction, handMadeModule, metadataOf, splitFile } from "./helpers.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "tsjit-load-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function values(t: unknown): number[] {
  return Array.from((t as Tensor).toTypedArray());
}

async function loadModule(bytes: Uint8Array): Promise<ScriptModule> {
  const loaded = await load(bytes);
  expect(loaded).toBeInstanceOf(ScriptModule);
  return loaded as ScriptModule;
}

describe("round trip of a hand-made module", () => {
  it("gives back the module tree, its tensors, attributes and graphs, and the same outputs", async () => {
    const net = handMadeModule();
    const loaded = await loadModule(await save(net));
    expect(loaded.className).toBe("Net");
    expect(loaded.namedChildren().map(([name, child]) => [name, (child as ScriptModule).className])).toEqual([["fc", "Linear"]]);
    expect([...loaded.stateDict().keys()]).toEqual([...net.stateDict().keys()]);
    for (const [key, t] of net.stateDict()) expect(values(loaded.stateDict().get(key)), key).toEqual(values(t));
    expect([...loaded.attributes]).toEqual([["scale", 0.5]]);
    expect(printGraph(loaded.graph)).toBe(printGraph(net.graph));
    expect(printGraph((loaded.namedChildren()[0]![1] as ScriptModule).graph)).toBe(printGraph((net.namedChildren()[0]![1] as ScriptModule).graph));
    const want = net.forward(HAND_MADE_INPUT());
    expect(values(want)).not.toEqual(new Array(6).fill(0));
    expect(values(loaded.forward(HAND_MADE_INPUT()))).toEqual(values(want));
  });

  it("round-trips a ScriptFunction with a tensor constant", async () => {
    const fn = handMadeFunction();
    const loaded = await load(await save(fn));
    expect(loaded).toBeInstanceOf(ScriptFunction);
    const f = loaded as ScriptFunction;
    expect(f.name).toBe("affine");
    expect(printGraph(f.graph)).toBe(printGraph(fn.graph));
    expect(values(f.call(tensor([1, 2, 3])))).toEqual([2.25, 3.5, 10]);
  });

  it("is deterministic: saving twice, or saving what was loaded, gives identical bytes", async () => {
    const net = handMadeModule();
    const first = await save(net);
    expect(await save(net)).toEqual(first);
    expect(await save(handMadeModule())).toEqual(first);
    expect(await save(await load(first))).toEqual(first);
    const fnBytes = await save(handMadeFunction());
    expect(await save(await load(fnBytes))).toEqual(fnBytes);
  });

  it("writes the file when given a path and loads it from the path", async () => {
    const path = join(dir, "net.tsjit");
    const bytes = await save(handMadeModule(), path);
    expect(new Uint8Array(await readFile(path))).toEqual(bytes);
    const loaded = await loadModule(await readFile(path));
    expect(values((await load(path) as ScriptModule).forward(HAND_MADE_INPUT()))).toEqual(values(loaded.forward(HAND_MADE_INPUT())));
  });

  it("lays the file out as documented: state-dict keys, __constants__/<path>/<method>/<name>, tsjit metadata", async () => {
    const bytes = await save(handMadeModule());
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect([...tensors.keys()].sort()).toEqual(["__constants__//forward/c0", "fc.bias", "fc.weight", "shift"]);
    expect([...metadata.keys()]).toEqual(["format", "tsjit.version", "tsjit.program"]);
    expect(metadata.get("format")).toBe("tsjit");
    expect(metadata.get("tsjit.version")).toBe("1");
    const program = JSON.parse(metadata.get("tsjit.program")!);
    expect(program.kind).toBe("module");
    expect(Object.keys(program.root)).toEqual(["className", "training", "parameters", "buffers", "attributes", "children", "methods"]);
    expect(program.root.children.fc.parameters).toEqual(["weight", "bias"]);
    expect(program.root.buffers).toEqual(["shift"]);
    expect(program.root.attributes).toEqual({ scale: 0.5 });
    expect(Object.keys(program.root.methods)).toEqual(["forward"]);
    const fnTensors = decodeSafetensors(await save(handMadeFunction())).tensors;
    expect([...fnTensors.keys()]).toEqual(["__constants__//affine/c0"]);
  });
});

describe("a saved file is plain safetensors", () => {
  /** A reader written from the safetensors spec alone; it knows nothing of tsjit. */
  function readPlainSafetensors(bytes: Uint8Array): { header: Record<string, any>; tensors: Map<string, { dtype: string; shape: number[]; bytes: Uint8Array }> } {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const n = view.getBigUint64(0, true);
    expect(n).toBeLessThanOrEqual(BigInt(bytes.length - 8));
    const headerBytes = bytes.subarray(8, 8 + Number(n));
    const headerText = new TextDecoder("utf-8", { fatal: true }).decode(headerBytes);
    expect(headerText.startsWith("{")).toBe(true);
    const header = JSON.parse(headerText) as Record<string, any>;
    const data = bytes.subarray(8 + Number(n));
    const sizes: Record<string, number> = { F32: 4, I64: 8, I32: 4, BOOL: 1 };
    const entries = Object.entries(header).filter(([k]) => k !== "__metadata__");
    const tensors = new Map<string, { dtype: string; shape: number[]; bytes: Uint8Array }>();
    for (const [name, entry] of entries) {
      expect(Object.keys(entry).sort(), name).toEqual(["data_offsets", "dtype", "shape"]);
      expect(Object.keys(sizes), name).toContain(entry.dtype);
      expect(entry.shape.every((d: unknown) => Number.isInteger(d) && (d as number) >= 0), name).toBe(true);
      const [begin, end] = entry.data_offsets as [number, number];
      expect(end - begin, name).toBe(entry.shape.reduce((a: number, b: number) => a * b, 1) * sizes[entry.dtype]!);
      tensors.set(name, { dtype: entry.dtype, shape: entry.shape, bytes: data.subarray(begin, end) });
    }
    // data_offsets tile the data section exactly: contiguous, in order, in range.
    const sorted = entries.map(([, e]) => e.data_offsets as [number, number]).sort((a, b) => a[0] - b[0]);
    let at = 0;
    for (const [begin, end] of sorted) {
      expect(begin).toBe(at);
      at = end;
    }
    expect(at).toBe(data.length);
    // __metadata__ is a map of strings only.
    for (const value of Object.values(header["__metadata__"] ?? {})) expect(typeof value).toBe("string");
    return { header, tensors };
  }

  it("has a valid header and the weights under their state-dict keys", async () => {
    const net = handMadeModule();
    const { header, tensors } = readPlainSafetensors(await save(net));
    // Tensor entries appear in the header sorted by name, with increasing offsets.
    const names = Object.keys(header).filter((k) => k !== "__metadata__");
    expect(names).toEqual([...names].sort());
    expect(names.map((k) => header[k].data_offsets[0])).toEqual([...names.map((k) => header[k].data_offsets[0])].sort((a, b) => a - b));
    for (const [key, t] of net.stateDict()) {
      const entry = tensors.get(key)!;
      expect(entry.dtype, key).toBe("F32");
      expect(entry.shape, key).toEqual([...t.shape]);
      expect(Array.from(new Float32Array(entry.bytes.slice().buffer)), key).toEqual(values(t));
    }
    expect(header["__metadata__"]["format"]).toBe("tsjit");
  });

  it("stores a function's constants", async () => {
    const { tensors } = readPlainSafetensors(await save(handMadeFunction()));
    expect(tensors.get("__constants__//affine/c0")!.shape).toEqual([3]);
  });
});

describe("load rejects bad files with a clear error", () => {
  let good: Uint8Array;
  beforeAll(async () => {
    good = await save(handMadeModule());
  });

  it("rejects a plain safetensors file as not a tsjit model", async () => {
    const plain = await saveSafetensors(undefined, { w: tensor([1, 2]) });
    const error = await expectTsjitError(() => load(plain), "INVALID_FILE");
    expect(error.message).toBe(
      'not a tsjit model file: no tsjit program in __metadata__ (it has no "format" and no "tsjit.program"); use loadSafetensors for plain weights',
    );
    const pt = await saveSafetensors(undefined, { w: tensor([1, 2]) }, { format: "pt" });
    expect((await expectTsjitError(() => load(pt), "INVALID_FILE")).message).toMatch(/^not a tsjit model file: .*"format": "pt".*use loadSafetensors/);
  });

  it("surfaces the safetensors layer's errors: truncation, header length, offsets, dtype, shape", async () => {
    const cases: [Uint8Array, RegExp][] = [
      [good.subarray(0, 5), /file is truncated: 5 bytes, too short for the 8-byte header length at byte offset 0/],
      [good.subarray(0, good.length - 4), /tensor ".*" data_offsets \[\d+, \d+\] end at file byte \d+, past the end of the file/],
      [good.subarray(0, 100), /header length \d+ \(at byte offset 0\) runs past the end of the file/],
      [
        editHeader(good, (h) => {
          h["fc.bias"].data_offsets = [0, 12];
        }),
        /overlap tensor/,
      ],
      [
        editHeader(good, (h) => {
          h["fc.weight"].dtype = "F16";
        }),
        /tensor "fc.weight" .* has unsupported dtype "F16"/,
      ],
      [
        editHeader(good, (h) => {
          h["fc.weight"].shape = [4, 4];
        }),
        /tensor "fc.weight" data_offsets \[\d+, \d+\] \(file bytes \d+\.\.\d+\) hold 48 bytes, but shape \[4,4\] of F32 needs 64/,
      ],
      [
        editHeader(good, (h) => {
          h["shift"].data_offsets = [h["shift"].data_offsets[0], h["shift"].data_offsets[1] + 400];
          h["shift"].shape = [103];
        }),
        /tensor "shift" data_offsets .* past the end of the file/,
      ],
    ];
    for (const [bytes, pattern] of cases) expect((await expectTsjitError(() => load(bytes), "INVALID_FILE")).message).toMatch(pattern);
    const big = new Uint8Array(good);
    new DataView(big.buffer).setBigUint64(0, 2n ** 63n, true);
    expect((await expectTsjitError(() => load(big), "INVALID_FILE")).message).toMatch(/header length 9223372036854775808 .* runs past the end/);
  });

  it("refuses a newer format version, naming both versions", async () => {
    for (const version of ["2", "100000000000000000000000"]) {
      const newer = editHeader(good, (h) => {
        h["__metadata__"]["tsjit.version"] = version;
      });
      expect((await expectTsjitError(() => load(newer), "UNSUPPORTED_VERSION")).message).toBe(
        `model file format version ${version} is newer than this tsjit supports (1); upgrade tsjit`,
      );
    }
    const newerGraph = editProgram(good, (p) => {
      p.root.methods.forward.version = 2;
    });
    expect((await expectTsjitError(() => load(newerGraph), "UNSUPPORTED_VERSION")).message).toMatch(/^model file: program\.root\.methods\.forward: .*version 2.*1/);
  });

  it.each([
    ["a missing version", (h: Record<string, any>) => delete h["__metadata__"]["tsjit.version"], 'model file: __metadata__ has no "tsjit.version" (the format version)'],
    ["a malformed version", (h: Record<string, any>) => (h["__metadata__"]["tsjit.version"] = "1.0"), 'model file: __metadata__["tsjit.version"] is "1.0", expected a positive integer'],
    ["a version 0", (h: Record<string, any>) => (h["__metadata__"]["tsjit.version"] = "0"), 'model file: __metadata__["tsjit.version"] is "0", expected a positive integer'],
    ["invalid program JSON", (h: Record<string, any>) => (h["__metadata__"]["tsjit.program"] = "{nope"), /^model file: __metadata__\["tsjit.program"\] is not valid JSON: /],
    [
      "a renamed parameter tensor",
      (h: Record<string, any>) => {
        h["fc.weigh"] = h["fc.weight"];
        delete h["fc.weight"];
      },
      'model file: program.root.children.fc.parameters[0] refers to tensor "fc.weight", which is not in the file',
    ],
    [
      "a renamed constant tensor",
      (h: Record<string, any>) => {
        h["__constants__//forward/c1"] = h["__constants__//forward/c0"];
        delete h["__constants__//forward/c0"];
      },
      /^model file: program\.root\.methods\.forward: graphFromJSON: .*tensor constant 'c0' is missing/,
    ],
    [
      "a constant tensor of a method that does not exist",
      (h: Record<string, any>) => {
        h["__constants__//backward/c0"] = h["__constants__//forward/c0"];
        delete h["__constants__//forward/c0"];
      },
      /^model file: program\.root\.methods\.forward: .*tensor constant 'c0' is missing/,
    ],
    [
      "a malformed constant tensor name",
      (h: Record<string, any>) => {
        h["__constants__/c0"] = h["__constants__//forward/c0"];
        delete h["__constants__//forward/c0"];
      },
      'model file: tensor "__constants__/c0" is not a valid constant name (expected "__constants__/<module path>/<method>/<name>")',
    ],
  ])("rejects %s", async (_, edit, message) => {
    const error = await expectTsjitError(() => load(editHeader(good, edit)), "INVALID_FILE");
    if (typeof message === "string") expect(error.message).toBe(message);
    else expect(error.message).toMatch(message);
  });

  it("rejects a tensor the program does not use", async () => {
    const { tensors, metadata } = decodeSafetensors(good);
    tensors.set("fc.extra", tensor([1]));
    const bytes = encodeSafetensors(tensors, Object.fromEntries(metadata));
    expect((await expectTsjitError(() => load(bytes), "INVALID_FILE")).message).toBe(
      'model file: tensor "fc.extra" is not a parameter or buffer of the program (every tensor in a model file must be used)',
    );
  });

  it.each([
    [
      "an unknown op, naming it",
      (p: Record<string, any>) => (p.root.methods.forward.nodes[2].kind = "aten::relux"),
      /^model file: program\.root\.methods\.forward: .*nodes\[2\]\.kind: unknown node kind "aten::relux"/,
    ],
    [
      "a wrong field, naming its JSON path",
      (p: Record<string, any>) => (p.root.children.fc.parameters[0] = 7),
      "model file: program.root.children.fc.parameters[0] must be a string, got number 7",
    ],
    [
      "a parameter the file does not have",
      (p: Record<string, any>) => p.root.children.fc.parameters.push("gamma"),
      'model file: program.root.children.fc.parameters[2] refers to tensor "fc.gamma", which is not in the file',
    ],
    [
      "a name that is a ScriptModule member",
      (p: Record<string, any>) => (p.root.attributes = { training: 1 }),
      'model file: program.root.attributes.training "training" is the name of a ScriptModule member and cannot be used',
    ],
    [
      "a graph that fails verification",
      (p: Record<string, any>) => (p.root.methods.forward.nodes[2].outputs[0].type = "int"),
      /^model file: program\.root\.methods\.forward: .*aten::relu/,
    ],
    [
      "a GetAttr of a member the module does not have",
      (p: Record<string, any>) => (p.root.methods.forward.nodes[3].attributes.name = "shiftt"),
      /^model file: program\.root\.methods\.forward: prim::GetAttr\[name="shiftt"\] on module Net \(program\.root\): the module has no parameter, buffer, attribute or submodule "shiftt"/,
    ],
    [
      "a GetAttr whose type disagrees with the member",
      (p: Record<string, any>) => (p.root.methods.forward.nodes[0].outputs[0].type = "Conv2d"),
      /^model file: program\.root\.methods\.forward: prim::GetAttr\[name="fc"\] .*"fc" is a submodule of class Linear, but the output has type Conv2d/,
    ],
    [
      "a CallMethod of a method the submodule does not have",
      (p: Record<string, any>) => (p.root.methods.forward.nodes[1].attributes.name = "backward"),
      /^model file: program\.root\.methods\.forward: prim::CallMethod\[name="backward"\] \(model\.ts:9:15\) on module Linear \(program\.root\.children\.fc\): the module has no method "backward"/,
    ],
    [
      "a %self whose class is not the module's",
      (p: Record<string, any>) => (p.root.className = "Other"),
      "model file: program.root.methods.forward: the first input must be %self of type Other, got Net",
    ],
    [
      "a method that calls itself (it would recurse until the stack overflows)",
      (p: Record<string, any>) => (p.root.methods.forward.nodes[1].inputs[0] = 0),
      "model file: program.root.methods.forward calls itself (program.root.methods.forward -> program.root.methods.forward); recursive methods are not supported",
    ],
    [
      "a CallMethod argument of the wrong type",
      (p: Record<string, any>) => (p.root.methods.forward.inputs[1].type = "int"),
      /^model file: program\.root\.methods\.forward: prim::CallMethod\[name="forward"\] \(model\.ts:9:15\) on module Linear \(program\.root\.children\.fc\): argument 1 has type int, but the method takes Tensor/,
    ],
    [
      "a type named like an Object.prototype member",
      (p: Record<string, any>) => (p.root.methods.forward.inputs[1].type = "__proto__"),
      /^model file: program\.root\.methods\.forward: (input 1 has a malformed type|graphFromJSON: inputs\[1\]\.type)/,
    ],
    [
      "a class named like an Object.prototype member",
      (p: Record<string, any>) => (p.root.children.fc.className = "constructor"),
      'model file: program.root.children.fc.className "constructor" is not a valid class name',
    ],
  ])("rejects %s", async (_, edit, message) => {
    const error = await expectTsjitError(() => load(editProgram(good, edit)), "INVALID_FILE");
    if (typeof message === "string") expect(error.message).toBe(message);
    else expect(error.message).toMatch(message);
  });

  it("rejects bad arguments and unreadable paths", async () => {
    await expectTsjitError(() => load(42 as unknown as Uint8Array), "ARGUMENT_TYPE");
    const missing = join(dir, "missing.tsjit");
    expect((await expectTsjitError(() => load(missing), "INVALID_ARGUMENT")).message).toContain(`load(): cannot read "${missing}"`);
  });

  it("names the path in errors about a file read from disk", async () => {
    const path = join(dir, "truncated.tsjit");
    await save(handMadeModule(), path);
    const { writeFile } = await import("node:fs/promises");
    await writeFile(path, good.subarray(0, 3));
    expect((await expectTsjitError(() => load(path), "INVALID_FILE")).message).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: safetensors: file is truncated`));
  });
});

describe("save rejects what a file cannot hold", () => {
  it("rejects non-script modules and non-finite attributes", async () => {
    await expectTsjitError(() => save({} as unknown as ScriptModule), "ARGUMENT_TYPE");
    const m = new ScriptModule("M");
    m.addAttribute("x", NaN);
    expect((await expectTsjitError(() => save(m), "INVALID_ARGUMENT")).message).toContain('attribute "x" is NaN');
  });

  it("refuses graphs that call functions it does not have (test/script/runtime/saveFunctions.test.ts saves those it has)", async () => {
    const graph = parseGraph(`graph(%x : Tensor):
  %y : Tensor = prim::CallFunction[name="g"](%x)
  return (%y)`);
    const error = await expectTsjitError(() => save(new ScriptFunction("f", graph)), "INVALID_ARGUMENT");
    expect(error.message).toContain(`calls function "g", which it cannot resolve`);
  });

  it("keeps metadata strings only", async () => {
    const file = splitFile(await save(handMadeModule()));
    for (const value of Object.values(metadataOf(file))) expect(typeof value).toBe("string");
  });
});
