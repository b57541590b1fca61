/**
 * The browser build's platform (Note [Platform per entry] in Platform.ts): URLs are
 * fetched, a string is a URL relative to the page; there are no files to write and no
 * native addon, so the JS kernels run.
 */
import { fail } from "../errors.js";
import { fetchBytes } from "./fetchBytes.js";
import type { ByteSource, NativeSelection, Platform } from "./Platform.js";

function baseURL(): string | undefined {
  return (globalThis as { location?: { href: string } }).location?.href;
}

async function readBytes(source: ByteSource, what: string): Promise<Uint8Array> {
  if (source instanceof URL) return fetchBytes(source, what);
  if (!URL.canParse(source, baseURL())) fail("INVALID_ARGUMENT", `${what}: "${source}" is not a URL, and there is no page to resolve it against; pass a URL or the bytes`);
  return fetchBytes(new URL(source, baseURL()), what);
}

async function writeBytes(path: string, _bytes: Uint8Array, what: string): Promise<void> {
  fail("INVALID_ARGUMENT", `${what}: cannot write "${path}": the browser build has no file system; call it without a path and use the returned bytes`);
}

const NO_NATIVE: NativeSelection = { backend: null, binding: null, reason: "browser build: the JS kernels (no native addon)" };

/** A browser has no way to skip zero-filling a new ArrayBuffer. */
const allocateUnzeroed = (byteLength: number): ArrayBuffer => new ArrayBuffer(byteLength);

export const platform = { readBytes, writeBytes, loadNativeBackend: () => NO_NATIVE, allocateUnzeroed } satisfies Platform;
