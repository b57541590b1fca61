/**
 * The safetensors format: an 8-byte little-endian header length N, N bytes of
 * JSON header (`{"name": {"dtype", "shape", "data_offsets": [begin, end]}, ...}`
 * plus an optional `"__metadata__"` string map), then the tensor bytes, with
 * offsets relative to the end of the header.
 *
 * Byte-level functions (`decodeSafetensors`, `encodeSafetensors`) are synchronous
 * and run anywhere; `loadSafetensors`/`saveSafetensors` add file or URL access
 * through the entry's platform (runtime/platform), so they are async. Tensor bytes are read and written as the host stores them, which is
 * little-endian on every platform tsjit runs on.
 */
import { fail } from "../errors.js";
import { platform, type ByteSource } from "../platform/index.js";
import { typedArrayFor, type DType, type TypedArray } from "../tensor/dtype.js";
import { numelOf } from "../tensor/shape.js";
import { Tensor } from "../tensor/Tensor.js";

const FILE_DTYPES: Record<string, DType> = { F32: "float32", I32: "int32", I64: "int64", BOOL: "bool" };
const DTYPE_NAMES: Record<DType, string> = { float32: "F32", int32: "I32", int64: "I64", bool: "BOOL" };
const ITEM_SIZE: Record<DType, number> = { float32: 4, int32: 4, int64: 8, bool: 1 };
const HEADER_START = 8;

export interface SafetensorsContents {
  readonly tensors: Map<string, Tensor>;
  /** The header's `__metadata__` map (empty when absent). */
  readonly metadata: Map<string, string>;
}

export type NamedTensors = ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>>;

/**
 * Reads a safetensors file (its bytes, or a path or URL as `load` takes them). The
 * tensors come back in file order, each with its own storage.
 */
export async function loadSafetensors(source: ByteSource | Uint8Array): Promise<Map<string, Tensor>> {
  const bytes = typeof source === "string" || source instanceof URL ? await platform.readBytes(source, "loadSafetensors()") : source;
  return decodeSafetensors(bytes).tensors;
}

/**
 * Writes `tensors` in the safetensors format, to `path` when one is given, and
 * returns the bytes either way.
 */
export async function saveSafetensors(path: string | undefined, tensors: NamedTensors, metadata?: Readonly<Record<string, string>>): Promise<Uint8Array> {
  const bytes = encodeSafetensors(tensors, metadata);
  if (path !== undefined) {
    await platform.writeBytes(path, bytes, "saveSafetensors()");
  }
  return bytes;
}

interface HeaderEntry {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: number[];
  readonly begin: number;
  readonly end: number;
}

/** Parses safetensors bytes, validating every field; malformed input throws INVALID_FILE naming the offset and field. */
export function decodeSafetensors(bytes: Uint8Array): SafetensorsContents {
  if (bytes.length < HEADER_START) {
    invalid(`safetensors: file is truncated: ${bytes.length} bytes, too short for the 8-byte header length at byte offset 0`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(bytes.length - HEADER_START)) {
    invalid(`safetensors: header length ${headerLength} (at byte offset 0) runs past the end of the file: the header would end at byte ${BigInt(HEADER_START) + headerLength} but the file has ${bytes.length} bytes`);
  }
  const dataStart = HEADER_START + Number(headerLength);
  const header = parseHeader(bytes.subarray(HEADER_START, dataStart));
  const metadata = parseMetadata(header["__metadata__"]);
  const entries = Object.entries(header)
    .filter(([name]) => name !== "__metadata__")
    .map(([name, value]) => parseEntry(name, value, dataStart));
  checkLayout(entries, bytes.length - dataStart, dataStart);
  const tensors = new Map<string, Tensor>();
  for (const entry of entries) tensors.set(entry.name, readTensor(bytes, view, dataStart, entry));
  return { tensors, metadata };
}

function parseHeader(headerBytes: Uint8Array): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(headerBytes));
  } catch (error) {
    invalid(`safetensors: the header at byte offset ${HEADER_START} (${headerBytes.length} bytes) is not valid UTF-8 JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    invalid(`safetensors: the header at byte offset ${HEADER_START} must be a JSON object, got ${Array.isArray(parsed) ? "an array" : typeof parsed}`);
  }
  return parsed as Record<string, unknown>;
}

function parseMetadata(value: unknown): Map<string, string> {
  const metadata = new Map<string, string>();
  if (value === undefined) return metadata;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    invalid(`safetensors: header field "__metadata__" (at byte offset ${HEADER_START}) must be an object of strings`);
  }
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== "string") invalid(`safetensors: header field "__metadata__.${key}" must be a string, got ${JSON.stringify(entry)}`);
    metadata.set(key, entry);
  }
  return metadata;
}

function parseEntry(name: string, value: unknown, dataStart: number): HeaderEntry {
  const where = `tensor "${name}" in the header at byte offset ${HEADER_START}`;
  if (typeof value !== "object" || value === null || Array.isArray(value)) invalid(`safetensors: ${where} must be an object with dtype, shape and data_offsets`);
  const { dtype: dtypeName, shape, data_offsets: offsets } = value as Record<string, unknown>;
  const dtype = typeof dtypeName === "string" && Object.hasOwn(FILE_DTYPES, dtypeName) ? FILE_DTYPES[dtypeName] : undefined;
  if (dtype === undefined) {
    invalid(`safetensors: ${where} has unsupported dtype ${JSON.stringify(dtypeName)} (tsjit reads ${Object.keys(FILE_DTYPES).join(", ")})`);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    invalid(`safetensors: ${where} has an invalid shape ${JSON.stringify(shape)} (expected an array of non-negative integers)`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) || offsets[0] > offsets[1]) {
    invalid(`safetensors: ${where} has invalid data_offsets ${JSON.stringify(offsets)} (expected [begin, end] with 0 <= begin <= end)`);
  }
  const [begin, end] = offsets as [number, number];
  const expectedBytes = numelOf(shape as number[]) * ITEM_SIZE[dtype];
  if (end - begin !== expectedBytes) {
    invalid(
      `safetensors: tensor "${name}" data_offsets [${begin}, ${end}] (file bytes ${dataStart + begin}..${dataStart + end}) hold ${end - begin} bytes, but shape ${JSON.stringify(shape)} of ${dtypeName} needs ${expectedBytes}`,
    );
  }
  return { name, dtype, shape: shape as number[], begin, end };
}

/** The tensors must tile the data section exactly, as the reference implementation requires. */
function checkLayout(entries: readonly HeaderEntry[], dataLength: number, dataStart: number): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous: HeaderEntry | undefined;
  for (const entry of sorted) {
    if (entry.end > dataLength) {
      invalid(
        `safetensors: tensor "${entry.name}" data_offsets [${entry.begin}, ${entry.end}] end at file byte ${dataStart + entry.end}, past the end of the file (${dataStart + dataLength} bytes)`,
      );
    }
    if (entry.begin < covered) {
      invalid(
        `safetensors: tensor "${entry.name}" data_offsets [${entry.begin}, ${entry.end}] overlap tensor "${previous!.name}" [${previous!.begin}, ${previous!.end}] at file byte ${dataStart + entry.begin}`,
      );
    }
    if (entry.begin > covered) {
      invalid(`safetensors: file bytes ${dataStart + covered}..${dataStart + entry.begin} before tensor "${entry.name}" belong to no tensor`);
    }
    covered = entry.end;
    previous = entry;
  }
  if (covered !== dataLength) {
    invalid(`safetensors: file bytes ${dataStart + covered}..${dataStart + dataLength} after the last tensor belong to no tensor`);
  }
}

function readTensor(bytes: Uint8Array, view: DataView, dataStart: number, entry: HeaderEntry): Tensor {
  const numel = numelOf(entry.shape);
  const start = dataStart + entry.begin;
  const storage = typedArrayFor(entry.dtype, numel);
  if (entry.dtype === "int64") {
    for (let i = 0; i < numel; i++) {
      const value = view.getBigInt64(start + 8 * i, true);
      if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
        invalid(`safetensors: tensor "${entry.name}" element ${i} (file byte ${start + 8 * i}) is ${value}, outside the int64 range tsjit represents exactly (±(2^53 - 1))`);
      }
      storage[i] = Number(value);
    }
  } else if (entry.dtype === "bool") {
    for (let i = 0; i < numel; i++) storage[i] = bytes[start + i] !== 0 ? 1 : 0;
  } else {
    // Copy through bytes: the tensor's offset in the file need not be aligned for a typed-array view.
    new Uint8Array(storage.buffer).set(bytes.subarray(start, dataStart + entry.end));
  }
  return new Tensor(storage, entry.shape, undefined, 0, entry.dtype);
}

/** Serialises tensors (laid out in sorted-name order) and optional string metadata to safetensors bytes. */
export function encodeSafetensors(tensors: NamedTensors, metadata?: Readonly<Record<string, string>>): Uint8Array {
  const named = tensors instanceof Map ? [...tensors] : Object.entries(tensors as Readonly<Record<string, Tensor>>);
  named.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) header["__metadata__"] = metadata;
  let dataLength = 0;
  for (const [name, tensor] of named) {
    if (name === "__metadata__") fail("INVALID_ARGUMENT", `saveSafetensors(): "__metadata__" is reserved and cannot name a tensor`);
    if (!(tensor instanceof Tensor)) fail("ARGUMENT_TYPE", `saveSafetensors(): "${name}" is not a Tensor`);
    const size = tensor.numel() * ITEM_SIZE[tensor.dtype];
    header[name] = { dtype: DTYPE_NAMES[tensor.dtype], shape: [...tensor.shape], data_offsets: [dataLength, dataLength + size] };
    dataLength += size;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padding = (HEADER_START - (json.length % HEADER_START)) % HEADER_START;
  const headerLength = json.length + padding;
  const out = new Uint8Array(HEADER_START + headerLength + dataLength);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerLength), true);
  out.set(json, HEADER_START);
  out.fill(0x20, HEADER_START + json.length, HEADER_START + headerLength);
  let position = HEADER_START + headerLength;
  for (const [, tensor] of named) position = writeTensor(out, view, position, tensor);
  return out;
}

function writeTensor(out: Uint8Array, view: DataView, position: number, tensor: Tensor): number {
  const values: TypedArray = tensor.toTypedArray();
  if (tensor.dtype === "int64") {
    for (let i = 0; i < values.length; i++) view.setBigInt64(position + 8 * i, BigInt(values[i]!), true);
  } else {
    out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), position);
  }
  return position + values.length * ITEM_SIZE[tensor.dtype];
}

function invalid(message: string): never {
  fail("INVALID_FILE", message);
}
