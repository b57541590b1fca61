/**
 * Helpers for the save/load tests: small hand-made programs (built from IR text,
 * independent of the tracer), and a minimal safetensors header reader/rewriter that
 * knows nothing of tsjit, used to edit files the way a corrupted or hostile file would.
 */
import { expect } from "vitest";
import { TsjitError } from "../../runtime/errors.js";
import { tensor, type Tensor } from "../../runtime/index.js";
import { parseGraph } from "../../runtime/ir/parser.js";
import { ScriptFunction } from "../../runtime/jit/ScriptFunction.js";
import { ScriptModule } from "../../runtime/jit/ScriptModule.js";
import { Parameter } from "../../runtime/nn/Parameter.js";

const LINEAR_FORWARD = `graph(%self : Linear,
      %x : Tensor):
  %weight : Tensor = prim::GetAttr[name="weight"](%self)
  %bias : Tensor = prim::GetAttr[name="bias"](%self)
  %3 : Tensor = aten::linear(%x, %weight, %bias) # model.ts:3:5
  return (%3)`;

const NET_FORWARD = `graph(%self : Net,
      %x : Tensor):
  %fc : Linear = prim::GetAttr[name="fc"](%self)
  %2 : Tensor = prim::CallMethod[name="forward"](%fc, %x) # model.ts:9:15
  %3 : Tensor = aten::relu(%2) # model.ts:9:10
  %shift : Tensor = prim::GetAttr[name="shift"](%self)
  %c : Tensor = prim::Constant[value=tensor:c0]()
  %one : int = prim::Constant[value=1]()
  %4 : Tensor = aten::add.Tensor(%3, %shift, %one)
  %5 : Tensor = aten::add.Tensor(%4, %c, %one)
  return (%5)`;

/** `Net`: fc (Linear 4→3) → relu → + buffer `shift` → + tensor constant c0. */
export function handMadeModule(): ScriptModule {
  const fc = new ScriptModule("Linear");
  fc.addParameter("weight", new Parameter(tensor(Array.from({ length: 12 }, (_, i) => (i - 5) / 7), { shape: [3, 4] })));
  fc.addParameter("bias", new Parameter(tensor([0.5, -0.25, 0.125])));
  fc.defineMethod("forward", parseGraph(LINEAR_FORWARD));
  const net = new ScriptModule("Net");
  net.addModule("fc", fc);
  net.registerBuffer("shift", tensor([1, 2, 3]));
  net.addAttribute("scale", 0.5);
  net.defineMethod("forward", parseGraph(NET_FORWARD, new Map([["c0", tensor([[10, 20, 30]])]])));
  return net;
}

export const HAND_MADE_INPUT = (): Tensor => tensor([[1, 2, 3, 4], [-1, 0.5, 2, -3]]);

/** `affine(x) = x * 2 + c0`, with a tensor constant. */
export function handMadeFunction(): ScriptFunction {
  const graph = parseGraph(
    `graph(%x : Tensor):
  %two : float = prim::Constant[value=2.]()
  %c : Tensor = prim::Constant[value=tensor:c0]()
  %one : int = prim::Constant[value=1]()
  %2 : Tensor = aten::mul.Scalar(%x, %two) # fn.ts:2:10
  %3 : Tensor = aten::add.Tensor(%2, %c, %one) # fn.ts:2:10
  return (%3)`,
    new Map([["c0", tensor([0.25, -0.5, 4])]]),
  );
  return new ScriptFunction("affine", graph);
}

export interface RawFile {
  /** The parsed JSON header (tensor entries and `__metadata__`). */
  header: Record<string, unknown>;
  /** The data section (everything after the header). */
  data: Uint8Array;
}

/** Splits a safetensors file into its parsed header and data section (no validation beyond JSON). */
export function splitFile(bytes: Uint8Array): RawFile {
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))) as Record<string, unknown>;
  return { header, data: bytes.slice(8 + length) };
}

/** Reassembles a file from a (possibly edited) header and a data section. */
export function joinFile({ header, data }: RawFile): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

export function metadataOf(file: RawFile): Record<string, string> {
  return file.header["__metadata__"] as Record<string, string>;
}

/** Edits the program JSON inside a file's metadata. */
export function editProgram(bytes: Uint8Array, edit: (program: Record<string, any>) => void): Uint8Array {
  const file = splitFile(bytes);
  const metadata = metadataOf(file);
  const program = JSON.parse(metadata["tsjit.program"]!) as Record<string, any>;
  edit(program);
  metadata["tsjit.program"] = JSON.stringify(program);
  return joinFile(file);
}

/** Edits the header (metadata and tensor entries) of a file, keeping its data. */
export function editHeader(bytes: Uint8Array, edit: (header: Record<string, any>) => void): Uint8Array {
  const file = splitFile(bytes);
  edit(file.header);
  return joinFile(file);
}

/** Runs `f` (sync or async) and returns the TsjitError it throws, checking its code. */
export async function expectTsjitError(f: () => unknown, code: string): Promise<TsjitError> {
  let thrown: unknown;
  try {
    await f();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, "expected an error").toBeInstanceOf(TsjitError);
  expect((thrown as TsjitError).code, (thrown as Error).message).toBe(code);
  return thrown as TsjitError;
}
