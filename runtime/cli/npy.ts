/**
 * NumPy's .npy format (versions 1-3): the magic `\x93NUMPY`, a version, a header
 * length, a Python-literal header `{'descr': '<f4', 'fortran_order': False,
 * 'shape': (2, 3), }`, then the raw array. Reads little-endian float32, float64
 * (narrowed to float32, tsjit's only float), int64, int32 and bool, in C or
 * Fortran order, into a contiguous tensor.
 */
import { fail } from "../errors.js";
import { typedArrayFor, type DType } from "../tensor/dtype.js";
import { contiguousStrides } from "../tensor/shape.js";
import { contiguous } from "../ops/conversion.js";
import { Tensor } from "../tensor/Tensor.js";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

interface NpyType {
  readonly dtype: DType;
  readonly itemSize: number;
  read(view: DataView, byteOffset: number, where: string): number;
}

const TYPES: Record<string, NpyType> = {
  "<f4": { dtype: "float32", itemSize: 4, read: (v, o) => v.getFloat32(o, true) },
  "<f8": { dtype: "float32", itemSize: 8, read: (v, o) => v.getFloat64(o, true) },
  "<i8": { dtype: "int64", itemSize: 8, read: readInt64 },
  "<i4": { dtype: "int32", itemSize: 4, read: (v, o) => v.getInt32(o, true) },
  "|b1": { dtype: "bool", itemSize: 1, read: (v, o) => (v.getUint8(o) !== 0 ? 1 : 0) },
};

/** Decodes .npy bytes; `source` names the file in messages. */
export function decodeNpy(bytes: Uint8Array, source: string): Tensor {
  if (!MAGIC.every((b, i) => bytes[i] === b)) fail("INVALID_FILE", `${source}: not a .npy file: it does not start with \\x93NUMPY at byte offset 0`);
  const major = bytes[6];
  if (major !== 1 && major !== 2 && major !== 3) fail("INVALID_FILE", `${source}: .npy format version ${major} at byte offset 6 is not one of 1, 2, 3`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) fail("INVALID_FILE", `${source}: truncated: the header length at byte offset 8 is missing`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = 8 + lengthBytes + headerLength;
  if (dataStart > bytes.length) fail("INVALID_FILE", `${source}: truncated: the header (${headerLength} bytes from offset ${8 + lengthBytes}) runs past the end of the file (${bytes.length} bytes)`);
  const header = new TextDecoder().decode(bytes.subarray(8 + lengthBytes, dataStart));
  const { descr, fortranOrder, shape } = parseHeader(header, source);
  const type = TYPES[descr];
  if (type === undefined) fail("INVALID_FILE", `${source}: unsupported .npy dtype '${descr}' (tsjit reads ${Object.keys(TYPES).join(", ")}; big-endian and other types are not read)`);
  const numel = shape.reduce((a, b) => a * b, 1);
  const needed = numel * type.itemSize;
  if (bytes.length - dataStart < needed) {
    fail("INVALID_FILE", `${source}: truncated: shape [${shape.join(", ")}] of '${descr}' needs ${needed} bytes from offset ${dataStart}, the file has ${bytes.length - dataStart}`);
  }
  const storage = typedArrayFor(type.dtype, numel);
  for (let i = 0; i < numel; i++) storage[i] = type.read(view, dataStart + i * type.itemSize, source);
  if (!fortranOrder) return new Tensor(storage, shape, undefined, 0, type.dtype);
  // Fortran order is C order of the reversed shape: view it with reversed strides, then copy to C order.
  const reversedStrides = contiguousStrides([...shape].reverse()).reverse();
  return contiguous(new Tensor(storage, shape, reversedStrides, 0, type.dtype));
}

function parseHeader(header: string, source: string): { descr: string; fortranOrder: boolean; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    fail("INVALID_FILE", `${source}: the .npy header ${JSON.stringify(header.trim())} lacks 'descr', 'fortran_order' or 'shape'`);
  }
  const shape = shapeText
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map(Number);
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail("INVALID_FILE", `${source}: the .npy shape (${shapeText}) is not a tuple of non-negative integers`);
  return { descr, fortranOrder: fortran === "True", shape };
}

function readInt64(view: DataView, byteOffset: number, where: string): number {
  const value = view.getBigInt64(byteOffset, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    fail("INVALID_FILE", `${where}: the int64 at byte offset ${byteOffset} is ${value}, outside the range tsjit represents exactly (±(2^53 - 1))`);
  }
  return Number(value);
}
