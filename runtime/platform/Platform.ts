/**
 * What the runtime needs from its host, one module per entry (Note [Platform per entry]):
 * `node.ts` behind the Node entry (dist/runtime), `browser.ts` in the browser build
 * (dist/browser, bundled by rollup.config.mjs with `index.js` swapped for it). Nothing
 * else in runtime/ touches files, the network or the native addon.
 *
 * Note [Platform per entry]: the swap happens at bundle time, not by a check at run time,
 * so the browser build contains neither Node's modules nor the native backend's wrappers;
 * both modules export the same `Platform` (each ends with `satisfies Platform`).
 */
import type { Backend } from "../kernels/Backend.js";
import type { NativeBinding } from "../kernels/native/loader.js";

/** The native backend when its addon loaded, else why not. */
export type NativeSelection = { readonly backend: Backend; readonly binding: NativeBinding; readonly reason: string } | { readonly backend: null; readonly binding: null; readonly reason: string };

/** Where model and weight bytes come from: a path (Node only) or a URL (file: in Node, fetched otherwise). */
export type ByteSource = string | URL;

export interface Platform {
  /** Reads the bytes at `source`; `what` names the caller in errors (`load()`, `loadSafetensors()`). */
  readBytes(source: ByteSource, what: string): Promise<Uint8Array>;
  /** Writes `bytes` to the file `path`. */
  writeBytes(path: string, bytes: Uint8Array, what: string): Promise<void>;
  /** The native backend, loaded once; null with the reason where there is none. */
  loadNativeBackend(): NativeSelection;
  /** `byteLength` bytes whose contents are undefined (Note [Unzeroed outputs] in ops/unzeroedStorage.ts). */
  allocateUnzeroed(byteLength: number): ArrayBuffer;
}
