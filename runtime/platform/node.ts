/** The Node entry's platform (Note [Platform per entry] in Platform.ts): node:fs for paths and file: URLs, the native addon, malloc'd memory. */
import { fail } from "../errors.js";
import { createNativeBackend } from "../kernels/native/index.js";
import { loadNative } from "../kernels/native/loader.js";
import { fetchBytes } from "./fetchBytes.js";
import type { ByteSource, NativeSelection, Platform } from "./Platform.js";

async function readBytes(source: ByteSource, what: string): Promise<Uint8Array> {
  if (source instanceof URL && source.protocol !== "file:") return fetchBytes(source, what);
  // node:fs is imported lazily, so that importing the runtime never loads it.
  const { readFile } = await import("node:fs/promises");
  let buffer: Buffer;
  try {
    buffer = await readFile(source);
  } catch (error) {
    fail("INVALID_ARGUMENT", `${what}: cannot read "${String(source)}": ${(error as Error).message}`);
  }
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

async function writeBytes(path: string, bytes: Uint8Array, what: string): Promise<void> {
  const { writeFile } = await import("node:fs/promises");
  try {
    await writeFile(path, bytes);
  } catch (error) {
    fail("INVALID_ARGUMENT", `${what}: cannot write "${path}": ${(error as Error).message}`);
  }
}

let nativeSelection: NativeSelection | undefined;

function loadNativeBackend(): NativeSelection {
  if (nativeSelection === undefined) {
    const { binding, reason } = loadNative();
    nativeSelection = binding ? { backend: createNativeBackend(binding), binding, reason } : { backend: null, binding: null, reason };
  }
  return nativeSelection;
}

/**
 * Node's global Buffer (no import: a bundle of the runtime imports no Node module).
 * allocUnsafeSlow gives a buffer of its own (offset 0, exactly `byteLength` long), not a
 * slice of Node's shared pool.
 */
function allocateUnzeroed(byteLength: number): ArrayBuffer {
  return Buffer.allocUnsafeSlow(byteLength).buffer as ArrayBuffer;
}

export const platform = { readBytes, writeBytes, loadNativeBackend, allocateUnzeroed } satisfies Platform;
