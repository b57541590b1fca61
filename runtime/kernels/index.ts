/** Which backend eager ops and the executor run on. */
import { fail } from "../errors.js";
import { platform } from "../platform/index.js";
import { environmentVariable } from "../util/environment.js";
import type { Backend } from "./Backend.js";
import { jsBackend } from "./js/index.js";
import type { NativeBinding } from "./native/loader.js";

/** What `tsjit.backend()` reports: the backend chosen at load, and why. */
export interface BackendInfo {
  readonly name: "js" | "native";
  /** The native kernels' instruction set ("avx512" | "avx2" | "generic"); null for js. */
  readonly isa: string | null;
  /** Threads the native pool runs large kernels on; 1 for js. */
  readonly threads: number;
  readonly reason: string;
}

interface Selection {
  readonly backend: Backend;
  readonly binding: NativeBinding | null;
  readonly reason: string;
}

/**
 * Native when the entry's platform loads the addon (never in the browser build), else
 * JS. TSJIT_BACKEND=js|native forces one (read once, here); native forced but not
 * loadable is an error, not a silent fallback.
 */
function select(): Selection {
  const forced = environmentVariable("TSJIT_BACKEND");
  if (forced === "js") return { backend: jsBackend, binding: null, reason: "forced by TSJIT_BACKEND=js" };
  if (forced !== undefined && forced !== "" && forced !== "native") {
    fail("INVALID_ARGUMENT", `TSJIT_BACKEND=${forced}: expected "js" or "native"`);
  }
  const native = platform.loadNativeBackend();
  if (!native.backend) {
    if (forced === "native") fail("BACKEND_UNAVAILABLE", `TSJIT_BACKEND=native, but the native backend is unavailable: ${native.reason}`);
    return { backend: jsBackend, binding: null, reason: native.reason };
  }
  const why = forced === "native" ? "forced by TSJIT_BACKEND=native; " : "";
  return { backend: native.backend, binding: native.binding, reason: why + native.reason };
}

const selection = select();
let active: Backend = selection.backend;

export function currentBackend(): Backend {
  return active;
}

/** Runs `body` with `backend` active; for tests that compare backends. */
export function withBackend<T>(backend: Backend, body: () => T): T {
  const previous = active;
  active = backend;
  try {
    return body();
  } finally {
    active = previous;
  }
}

/** The backend chosen at load (not a `withBackend` override): its name, ISA, threads and why. */
export function backend(): BackendInfo {
  const { binding, reason } = selection;
  if (!binding) return { name: "js", isa: null, threads: 1, reason };
  const info = binding.info();
  return { name: "native", isa: info.isa, threads: info.threads, reason };
}

/** The native backend and its raw binding when the addon loaded (whatever TSJIT_BACKEND says), else null. */
export function nativeBackend(): { backend: Backend; binding: NativeBinding } | null {
  const native = platform.loadNativeBackend();
  return native.backend ? { backend: native.backend, binding: native.binding } : null;
}

export { jsBackend };
