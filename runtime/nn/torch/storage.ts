/**
 * The storage types a torch.save archive names (`torch.FloatStorage`, ...) and
 * the conversion of a storage's raw little-endian bytes to a tsjit storage.
 * Every conversion is exact: float16/bfloat16 widen to float32 and the small
 * integer types to int32; float64 (and anything else tsjit has no exact home
 * for) is refused by the caller with the tensor's name.
 */
import { fail } from "../../errors.js";
import { typedArrayFor, type DType, type TypedArray } from "../../tensor/dtype.js";

export interface StorageType {
  /** PyTorch's class name, e.g. "FloatStorage". */
  readonly name: string;
  /** PyTorch's dtype name, e.g. "float32". */
  readonly torchDType: string;
  readonly itemSize: number;
  /** The tsjit dtype the values are read as, or undefined when tsjit has none that holds them exactly. */
  readonly dtype: DType | undefined;
}

const TYPES: readonly StorageType[] = [
  { name: "FloatStorage", torchDType: "float32", itemSize: 4, dtype: "float32" },
  { name: "HalfStorage", torchDType: "float16", itemSize: 2, dtype: "float32" },
  { name: "BFloat16Storage", torchDType: "bfloat16", itemSize: 2, dtype: "float32" },
  { name: "DoubleStorage", torchDType: "float64", itemSize: 8, dtype: undefined },
  { name: "LongStorage", torchDType: "int64", itemSize: 8, dtype: "int64" },
  { name: "IntStorage", torchDType: "int32", itemSize: 4, dtype: "int32" },
  { name: "ShortStorage", torchDType: "int16", itemSize: 2, dtype: "int32" },
  { name: "CharStorage", torchDType: "int8", itemSize: 1, dtype: "int32" },
  { name: "ByteStorage", torchDType: "uint8", itemSize: 1, dtype: "int32" },
  { name: "BoolStorage", torchDType: "bool", itemSize: 1, dtype: "bool" },
];

export const STORAGE_TYPES: ReadonlyMap<string, StorageType> = new Map(TYPES.map((type) => [type.name, type]));

/** Converts `bytes` (exactly numel * itemSize of them) to a storage of `type.dtype`; `where` names it in messages. */
export function decodeStorage(type: StorageType & { dtype: DType }, bytes: Uint8Array, where: string): TypedArray {
  const numel = bytes.length / type.itemSize;
  if ((type.name === "FloatStorage" || type.name === "IntStorage") && ownsBuffer(bytes)) {
    // The zip reader gave this entry its own buffer: view it rather than copy it.
    return type.name === "FloatStorage" ? new Float32Array(bytes.buffer, 0, numel) : new Int32Array(bytes.buffer, 0, numel);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = typedArrayFor(type.dtype, numel);
  switch (type.name) {
    case "FloatStorage":
    case "IntStorage":
      // Copy through bytes: the entry need not be aligned for a typed-array view of the archive.
      new Uint8Array(out.buffer).set(bytes);
      break;
    case "HalfStorage":
      for (let i = 0; i < numel; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
      break;
    case "BFloat16Storage":
      for (let i = 0; i < numel; i++) out[i] = bfloat16ToFloat(view.getUint16(2 * i, true));
      break;
    case "LongStorage":
      for (let i = 0; i < numel; i++) out[i] = int64At(view, i, where);
      break;
    case "ShortStorage":
      for (let i = 0; i < numel; i++) out[i] = view.getInt16(2 * i, true);
      break;
    case "CharStorage":
      for (let i = 0; i < numel; i++) out[i] = view.getInt8(i);
      break;
    case "ByteStorage":
      out.set(bytes);
      break;
    case "BoolStorage":
      for (let i = 0; i < numel; i++) out[i] = bytes[i] !== 0 ? 1 : 0;
      break;
  }
  return out;
}

function ownsBuffer(bytes: Uint8Array): boolean {
  return bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.length && bytes.buffer instanceof ArrayBuffer;
}

function int64At(view: DataView, index: number, where: string): number {
  const value = view.getBigInt64(8 * index, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    fail("INVALID_FILE", `${where}: element ${index} (byte ${8 * index}) is ${value}, outside the int64 range tsjit represents exactly (±(2^53 - 1))`);
  }
  return Number(value);
}

function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

const bfloat16Scratch = new DataView(new ArrayBuffer(4));

function bfloat16ToFloat(bits: number): number {
  bfloat16Scratch.setUint32(0, bits << 16);
  return bfloat16Scratch.getFloat32(0);
}
