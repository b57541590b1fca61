/**
 * Fuzzing `load` with real model files: random truncations, byte flips (header and
 * data), header-length edits, and structured header edits (change a number, delete a
 * key, change a dtype, bump a version, change an op kind, reference a missing tensor,
 * change a string, change a value's type, shuffle an array) of four saved files: the
 * traced `simple` and `controlflow` fixture models (PyTorch weights), a hand-made
 * module (submodule, buffer, attribute, tensor constant) and a hand-made function.
 *
 * Seeded: case i uses the generator seeded with (SEED, i), so a failure names its case
 * and reproduces alone (set ONLY_CASE below).
 *
 * What each case must end in (the oracle):
 * - `load` throws: it must be a TsjitError with code INVALID_FILE or
 *   UNSUPPORTED_VERSION and a message; anything else (TypeError, RangeError, a stack
 *   overflow) is a crash and fails the test.
 * - `load` succeeds and the file still MEANS the original (its parsed program JSON,
 *   tsjit metadata and every tensor's name, dtype, shape and bytes are unchanged: the
 *   mutation hit padding or JSON whitespace): forward on the example input must give
 *   the original output bit for bit.
 * - `load` succeeds and the file means something else. Decision: this is legitimate
 *   only because the file is a different valid model — safetensors has no checksums,
 *   so changed weight bytes (a flip inside a tensor's data), or an edit that turns the
 *   program into another well-formed program (a different constant, source line or
 *   value name) load as what they say. The loader must then be faithful: the loaded
 *   model's tensors are exactly the file's tensors (checked by re-saving it and
 *   comparing every tensor), forward either returns a Tensor or throws a TsjitError
 *   (a well-formed program may still fail at run time, with a clear error), and the
 *   re-saved file loads to a model that behaves identically (same output bits, or the
 *   same error). The test counts these cases per mutation kind and reports them.
 * - Never a hang: each case is timed and the slowest is reported; a case over
 *   MAX_CASE_MS fails the test.
 */
import { describe, expect, it } from "vitest";
import { TsjitError } from "../../runtime/errors.js";
import { Tensor } from "../../runtime/index.js";
import { ScriptFunction } from "../../runtime/jit/ScriptFunction.js";
import { ScriptModule } from "../../runtime/jit/ScriptModule.js";
import { decodeModelFile, encodeModelFile } from "../../runtime/serialize/index.js";
import { HAND_MADE_INPUT, handMadeFunction, handMadeModule, joinFile, splitFile } from "./helpers.js";
import { quietly, tracedModel } from "./modelFiles.js";
import { tensor } from "../../runtime/index.js";

const SEED = 0x7e5_1175;
const CASES = 12_000;
/** Set to a case number to run that case alone. */
const ONLY_CASE: number | undefined = undefined;
const MAX_CASE_MS = 2_000;

// ---------------------------------------------------------------------------------
// A small seeded generator (mulberry32), one per case.

type Rng = () => number;

function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function caseRng(i: number): Rng {
  return mulberry32(Math.imul(SEED ^ i, 0x9e3779b1) ^ (i * 7919));
}

const int = (rng: Rng, n: number): number => Math.floor(rng() * n);
const pick = <T>(rng: Rng, items: readonly T[]): T => items[int(rng, items.length)]!;

// ---------------------------------------------------------------------------------
// Base files.

interface Base {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly inputs: Tensor[];
  readonly output: Tensor;
  readonly headerEnd: number;
  readonly meaning: Meaning;
}

/** What a file says: tsjit metadata, parsed program, tensors by name. */
interface Meaning {
  readonly format: unknown;
  readonly version: unknown;
  readonly program: unknown;
  readonly tensors: Map<string, { dtype: string; shape: number[]; bytes: Uint8Array }>;
}

function meaningOf(bytes: Uint8Array): Meaning {
  const { header, data } = splitFile(bytes);
  const metadata = (header["__metadata__"] ?? {}) as Record<string, string>;
  const tensors = new Map<string, { dtype: string; shape: number[]; bytes: Uint8Array }>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const e = entry as { dtype: string; shape: number[]; data_offsets: [number, number] };
    tensors.set(name, { dtype: e.dtype, shape: e.shape, bytes: data.subarray(e.data_offsets[0], e.data_offsets[1]) });
  }
  return { format: metadata["format"], version: metadata["tsjit.version"], program: JSON.parse(metadata["tsjit.program"]!), tensors };
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (typeof a !== "object" || a === null || typeof b !== "object" || b === null) return Object.is(a, b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
}

/** Element values, exact, with every NaN alike: NaN payload bits are not preserved through JS numbers. */
function valuesOf(array: ArrayLike<number>): string {
  return Array.from(array, (v) => (Number.isNaN(v) ? "NaN" : Object.is(v, -0) ? "-0" : String(v))).join(" ");
}

function elementValues(entry: { dtype: string; bytes: Uint8Array }): string {
  const copy = entry.bytes.slice();
  if (entry.dtype === "F32") return valuesOf(new Float32Array(copy.buffer));
  return Buffer.from(copy).toString("hex");
}

/** Same names, dtypes and shapes; same bytes, or (`byValue`) the same element values. */
function sameTensors(a: Meaning["tensors"], b: Meaning["tensors"], byValue = false): boolean {
  if (a.size !== b.size) return false;
  for (const [name, x] of a) {
    const y = b.get(name);
    if (!y || x.dtype !== y.dtype || !deepEqual(x.shape, y.shape)) return false;
    if (byValue ? elementValues(x) !== elementValues(y) : !sameBytes(x.bytes, y.bytes)) return false;
  }
  return true;
}

function sameMeaning(a: Meaning, b: Meaning): boolean {
  return a.format === b.format && a.version === b.version && deepEqual(a.program, b.program) && sameTensors(a.tensors, b.tensors);
}

function run(model: ScriptModule | ScriptFunction, inputs: Tensor[]): unknown {
  return model instanceof ScriptModule ? model.forward(...inputs) : model.call(...inputs);
}

async function makeBases(): Promise<Base[]> {
  const bases: { name: string; model: ScriptModule | ScriptFunction; inputs: Tensor[] }[] = [];
  for (const name of ["simple", "controlflow"] as const) {
    const { traced, cases } = await tracedModel(name);
    bases.push({ name, model: traced, inputs: cases[0]!.inputs });
  }
  bases.push({ name: "handMadeModule", model: handMadeModule(), inputs: [HAND_MADE_INPUT()] });
  bases.push({ name: "handMadeFunction", model: handMadeFunction(), inputs: [tensor([1, 2, 3])] });
  return bases.map(({ name, model, inputs }) => {
    const bytes = encodeModelFile(model);
    const headerEnd = 8 + Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    return { name, bytes, inputs, output: quietly(() => run(model, inputs)) as Tensor, headerEnd, meaning: meaningOf(bytes) };
  });
}

// ---------------------------------------------------------------------------------
// Mutations.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Container = Json[] | { [key: string]: Json };

interface Slot {
  readonly parent: Container;
  readonly key: string | number;
  readonly value: Json;
}

function slotsOf(root: Json, out: Slot[] = []): Slot[] {
  if (root === null || typeof root !== "object") return out;
  const entries: [string | number, Json][] = Array.isArray(root) ? root.map((v, i) => [i, v]) : Object.entries(root);
  for (const [key, value] of entries) {
    out.push({ parent: root, key, value });
    slotsOf(value, out);
  }
  return out;
}

function setSlot(slot: Slot, value: Json): void {
  (slot.parent as Record<string | number, Json>)[slot.key] = value;
}

function deleteSlot(slot: Slot): void {
  if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
  else delete slot.parent[slot.key as string];
}

const OP_KINDS = [
  "aten::relu",
  "aten::tanh",
  "aten::sigmoid",
  "aten::add.Tensor",
  "aten::mul.Scalar",
  "aten::linear",
  "aten::relux",
  "aten::linear.out",
  "prim::If",
  "prim::Loop",
  "prim::Constant",
  "prim::GetAttr",
  "prim::CallMethod",
  "prim::CallFunction",
  "prim::TupleConstruct",
  "prim::ListUnpack",
  "prim::RaiseException",
  "prim::Print",
  "prim::Foo",
  "relu",
  "",
  "aten::",
  "constructor::__proto__",
];
const STRINGS = [
  "",
  "Tensor",
  "int",
  "float",
  "bool",
  "str",
  "NoneType",
  "Tensor[]",
  "(Tensor, Tensor)",
  "Tensor?",
  "Linear",
  "Simple",
  "Net",
  "weight",
  "bias",
  "fc",
  "fc1",
  "fc2",
  "forward",
  "training",
  "constructor",
  "__proto__",
  "c0",
  "c1",
  "x",
  "self",
  "module",
  "function",
  "tsjit",
  "1",
  "2",
  "float32",
  "a.b",
  "a/b",
  "\u0000",
  "é",
];
const NUMBERS = [0, 1, 2, 3, -1, 0.5, -0, 1e-7, 7, 10, 64, 255, 256, 65535, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 53 + 2, 1e21, 1e308, -1e308];
const DTYPES = ["F32", "F16", "BF16", "F64", "I64", "I32", "I16", "I8", "U8", "BOOL", "f32", "", "float32"];
const VERSIONS = ["2", "0", "01", "1.0", "", " 1", "-1", "3", "999999999999999999999999", "1e0", "one"];
const VALUES: Json[] = [null, true, false, [], {}, "1", 1, [1], { tensor: "c0" }, { number: "nan" }];

/** The program JSON embedded in a header, and how to write it back. */
function withHeader(bytes: Uint8Array, edit: (header: Record<string, Json>, program: Json) => { program: Json; what: string }): { bytes: Uint8Array; what: string } {
  const file = splitFile(bytes);
  const header = file.header as Record<string, Json>;
  const metadata = header["__metadata__"] as Record<string, Json>;
  const result = edit(header, JSON.parse(metadata["tsjit.program"] as string) as Json);
  // Write the (possibly edited) program back, unless the edit removed the metadata or the program itself.
  if (header["__metadata__"] === metadata && Object.hasOwn(metadata, "tsjit.program")) metadata["tsjit.program"] = JSON.stringify(result.program);
  return { bytes: joinFile(file), what: result.what };
}

function describeSlot(slot: Slot): string {
  const value = JSON.stringify(slot.value) ?? "undefined";
  return `${String(slot.key)}=${value.length > 40 ? `${value.slice(0, 40)}…` : value}`;
}

type MutationKind =
  | "truncate"
  | "flipHeader"
  | "flipData"
  | "headerLength"
  | "changeNumber"
  | "deleteKey"
  | "changeDtype"
  | "bumpVersion"
  | "changeOpKind"
  | "missingTensor"
  | "changeString"
  | "changeValueType"
  | "shuffleArray";

const KINDS: readonly MutationKind[] = [
  "truncate",
  "flipHeader",
  "flipHeader",
  "flipData",
  "flipData",
  "headerLength",
  "changeNumber",
  "changeNumber",
  "deleteKey",
  "changeDtype",
  "bumpVersion",
  "changeOpKind",
  "missingTensor",
  "changeString",
  "changeString",
  "changeValueType",
  "shuffleArray",
];

function mutate(base: Base, kind: MutationKind, rng: Rng): { bytes: Uint8Array; what: string } {
  const src = base.bytes;
  switch (kind) {
    case "truncate": {
      // Half uniform, half near the interesting boundaries (header length, header end, file end).
      const anchors = [0, 8, base.headerEnd, src.length];
      const length = rng() < 0.5 ? int(rng, src.length) : Math.max(0, Math.min(src.length - 1, pick(rng, anchors) + int(rng, 17) - 8));
      return { bytes: src.slice(0, length), what: `truncate to ${length} of ${src.length} bytes` };
    }
    case "flipHeader":
    case "flipData": {
      const out = src.slice();
      const [from, to] = kind === "flipHeader" ? [0, base.headerEnd] : [base.headerEnd, src.length];
      const count = 1 + int(rng, 3);
      const flips: string[] = [];
      for (let k = 0; k < count; k++) {
        const at = from + int(rng, to - from);
        const mask = 1 + int(rng, 255);
        out[at] = out[at]! ^ mask;
        flips.push(`byte ${at} ^= 0x${mask.toString(16)}`);
      }
      return { bytes: out, what: flips.join(", ") };
    }
    case "headerLength": {
      const out = src.slice();
      const n = BigInt(base.headerEnd - 8);
      const value = pick(rng, [0n, 1n, n - 1n, n + 1n, n + BigInt(int(rng, 64)) - 32n, BigInt(src.length), 2n ** 32n, 2n ** 63n, 2n ** 64n - 1n]);
      new DataView(out.buffer).setBigUint64(0, value < 0n ? 0n : value, true);
      return { bytes: out, what: `header length := ${value}` };
    }
    default:
      return withHeader(src, (header, program) => editHeader(kind, header, program, rng));
  }
}

function editHeader(kind: MutationKind, header: Record<string, Json>, program: Json, rng: Rng): { program: Json; what: string } {
  const tensorNames = Object.keys(header).filter((k) => k !== "__metadata__");
  const inProgram = rng() < 0.75;
  const all = slotsOf(inProgram ? program : (header as Json));
  const where = inProgram ? "program" : "header";
  const choose = (filter: (s: Slot) => boolean): Slot | undefined => {
    const candidates = all.filter(filter);
    return candidates.length === 0 ? undefined : pick(rng, candidates);
  };
  switch (kind) {
    case "changeNumber": {
      const slot = choose((s) => typeof s.value === "number");
      if (!slot) return { program, what: "no number" };
      const old = slot.value as number;
      const value = pick(rng, [...NUMBERS, old + 1, old - 1, old * 2, -old, old + 0.5]);
      setSlot(slot, value);
      return { program, what: `${where} ${describeSlot(slot)} := ${value}` };
    }
    case "deleteKey": {
      const slot = choose(() => true);
      if (!slot) return { program, what: "nothing to delete" };
      deleteSlot(slot);
      return { program, what: `${where} delete ${describeSlot(slot)}` };
    }
    case "changeDtype": {
      const name = pick(rng, tensorNames);
      const dtype = pick(rng, DTYPES);
      (header[name] as Record<string, Json>)["dtype"] = dtype;
      return { program, what: `tensor ${name} dtype := ${dtype}` };
    }
    case "bumpVersion": {
      if (rng() < 0.5) {
        const version = pick(rng, VERSIONS);
        (header["__metadata__"] as Record<string, Json>)["tsjit.version"] = version;
        return { program, what: `tsjit.version := ${JSON.stringify(version)}` };
      }
      const slot = slotsOf(program).filter((s) => s.key === "version");
      if (slot.length === 0) return { program, what: "no graph version" };
      const s = pick(rng, slot);
      const version = pick(rng, [2, 0, 3, -1, 1.5, 1e9]);
      setSlot(s, version);
      return { program, what: `graph version := ${version}` };
    }
    case "changeOpKind": {
      const slots = slotsOf(program).filter((s) => s.key === "kind" && typeof s.value === "string" && s.value.includes("::"));
      if (slots.length === 0) return { program, what: "no op kind" };
      const slot = pick(rng, slots);
      const kindName = pick(rng, OP_KINDS);
      setSlot(slot, kindName);
      return { program, what: `op kind ${describeSlot(slot)} := ${kindName}` };
    }
    case "missingTensor": {
      const choice = int(rng, 3);
      if (choice === 0 && tensorNames.length > 0) {
        // Rename a tensor in the header: the program's reference to it dangles.
        const name = pick(rng, tensorNames);
        header[`${name}${pick(rng, ["x", "_", ".0", "/c9"])}`] = header[name]!;
        delete header[name];
        return { program, what: `rename tensor ${name}` };
      }
      if (choice === 1) {
        // A parameter/buffer name the file has no tensor for.
        const slots = slotsOf(program).filter((s) => Array.isArray(s.parent) && typeof s.value === "string");
        if (slots.length === 0) return { program, what: "no parameter names" };
        const slot = pick(rng, slots);
        setSlot(slot, `${slot.value as string}_missing`);
        return { program, what: `program name ${describeSlot(slot)} renamed` };
      }
      // A tensor constant reference to a name that is not stored.
      const slots = slotsOf(program).filter((s) => s.key === "tensor" && typeof s.value === "string");
      if (slots.length === 0) return { program, what: "no tensor constants" };
      const slot = pick(rng, slots);
      setSlot(slot, pick(rng, ["c9", "", "fc.weight", "../c0"]));
      return { program, what: `constant reference ${describeSlot(slot)} changed` };
    }
    case "changeString": {
      const slot = choose((s) => typeof s.value === "string");
      if (!slot) return { program, what: "no string" };
      const value = rng() < 0.8 ? pick(rng, STRINGS) : `${slot.value as string}${pick(rng, ["", "x", "[]", "?", ".1"])}`;
      setSlot(slot, value);
      return { program, what: `${where} ${describeSlot(slot)} := ${JSON.stringify(value)}` };
    }
    case "changeValueType": {
      const slot = choose(() => true);
      if (!slot) return { program, what: "no value" };
      const value = pick(rng, VALUES);
      setSlot(slot, structuredClone(value));
      return { program, what: `${where} ${describeSlot(slot)} := ${JSON.stringify(value)}` };
    }
    case "shuffleArray": {
      const slot = choose((s) => Array.isArray(s.value) && s.value.length > 0);
      if (!slot) return { program, what: "no array" };
      const array = slot.value as Json[];
      const i = int(rng, array.length);
      const j = int(rng, array.length);
      if (rng() < 0.5) [array[i], array[j]] = [array[j]!, array[i]!];
      else array.splice(j, 0, structuredClone(array[i]!));
      return { program, what: `${where} array ${String(slot.key)}: swap/duplicate ${i}, ${j}` };
    }
    default:
      throw new Error(`unhandled mutation ${kind}`);
  }
}

// ---------------------------------------------------------------------------------
// The oracle.

type Outcome = "rejected" | "sameMeaning" | "differentData" | "differentProgram";

/** A comparable rendering of what forward returned: tensors by dtype, shape and bytes; lists of them; scalars. */
function fingerprint(value: unknown): string {
  if (value instanceof Tensor) return `${value.dtype}${JSON.stringify(value.shape)}:${valuesOf(value.toTypedArray())}`;
  if (Array.isArray(value)) return `[${value.map(fingerprint).join(",")}]`;
  if (value instanceof ScriptModule) return `module ${value.className}`; // a mutated graph may return %self
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "string" || value === null) return JSON.stringify([value]);
  throw new Error(`forward returned ${String(value)}, which is not a graph value`);
}

/** Runs `f`; a TsjitError is a result (its message), anything else is rethrown as a crash. */
function outcomeOf(f: () => unknown): { value?: string; error?: string } {
  try {
    return { value: fingerprint(f()) };
  } catch (error) {
    if (error instanceof TsjitError) return { error: error.message };
    throw error;
  }
}

function checkCase(base: Base, bytes: Uint8Array): Outcome {
  let model: ScriptModule | ScriptFunction;
  try {
    model = decodeModelFile(bytes);
  } catch (error) {
    if (!(error instanceof TsjitError)) throw error;
    expect(["INVALID_FILE", "UNSUPPORTED_VERSION"], error.message).toContain(error.code);
    expect(error.message.length).toBeGreaterThan(10);
    return "rejected";
  }
  const meaning = meaningOf(bytes);
  const result = outcomeOf(() => quietly(() => run(model, base.inputs)));
  if (sameMeaning(meaning, base.meaning)) {
    expect(result.error, "a file that means the original must run like it").toBeUndefined();
    expect(result.value, "a file that means the original must give its output").toBe(fingerprint(base.output));
    return "sameMeaning";
  }
  // A different valid model: loaded faithfully (tensors exactly the file's) and stable under re-saving.
  const resaved = encodeModelFile(model);
  expect(sameTensors(meaningOf(resaved).tensors, meaning.tensors, true), "the loaded model's tensors are the file's").toBe(true);
  const again = outcomeOf(() => quietly(() => run(decodeModelFile(resaved), base.inputs)));
  if (result.error !== undefined) expect(again.error).toBe(result.error);
  else expect(again.value, "re-saved model gives the same output").toBe(result.value);
  return deepEqual(meaning.program, base.meaning.program) ? "differentData" : "differentProgram";
}

describe("fuzzing load with mutated real model files", () => {
  it(`every one of ${CASES} mutations ends in a clear rejection or a faithful model`, async () => {
    const bases = await makeBases();
    // Sanity: the unmutated files load and agree with the originals.
    for (const base of bases) expect(checkCase(base, base.bytes), base.name).toBe("sameMeaning");

    const counts = new Map<string, number>();
    const bump = (key: string): void => void counts.set(key, (counts.get(key) ?? 0) + 1);
    let slowest = { ms: 0, label: "" };
    const started = performance.now();
    for (let i = ONLY_CASE ?? 0; i < (ONLY_CASE === undefined ? CASES : ONLY_CASE + 1); i++) {
      const rng = caseRng(i);
      const base = bases[i % bases.length]!;
      const kind = pick(rng, KINDS);
      const { bytes, what } = mutate(base, kind, rng);
      const label = `case ${i} (${base.name}, ${kind}: ${what})`;
      const t0 = performance.now();
      let outcome: Outcome;
      try {
        outcome = checkCase(base, bytes);
      } catch (error) {
        throw new Error(`${label}: ${error instanceof TsjitError ? "unexpected TsjitError" : "crash"}: ${(error as Error).stack ?? String(error)}`);
      }
      const ms = performance.now() - t0;
      if (ms > slowest.ms) slowest = { ms, label };
      bump(outcome);
      bump(`${kind}/${outcome}`);
    }
    const seconds = (performance.now() - started) / 1000;
    const table = [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `  ${k}: ${n}`);
    console.log(
      `fuzz: ${ONLY_CASE === undefined ? CASES : 1} cases in ${seconds.toFixed(1)} s (seed ${SEED}); slowest case ${slowest.ms.toFixed(1)} ms: ${slowest.label}\n${table.join("\n")}`,
    );
    expect(slowest.ms, `slowest: ${slowest.label}`).toBeLessThan(MAX_CASE_MS);
    if (ONLY_CASE === undefined) {
      // The fuzzer must exercise every path, or it tests less than it claims.
      expect(counts.get("rejected")).toBeGreaterThan(CASES / 2);
      expect(counts.get("sameMeaning") ?? 0).toBeGreaterThan(0);
      expect(counts.get("flipData/differentData") ?? 0).toBeGreaterThan(0);
      // Header flips can only be accepted when they leave the meaning unchanged or hit a well-formed spot.
      expect(counts.get("flipData/differentProgram") ?? 0).toBe(0);
      expect(counts.get("truncate/sameMeaning") ?? 0).toBe(0);
    }
  }, 120_000);
});
