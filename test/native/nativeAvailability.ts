/**
 * Whether the native addon loaded, and the label a native test suite carries: when the
 * addon did not build, the suites are skipped with the reason in their name (and the
 * reason is printed), never silently.
 */
import { nativeBackend } from "../../runtime/kernels/index.js";
import { loadNative } from "../../runtime/kernels/native/loader.js";

export const native = nativeBackend();
export const skipReason = native ? "" : loadNative().reason;

if (!native) console.warn(`[tsjit] native tests SKIPPED: ${skipReason}`);

export function suiteName(name: string): string {
  return native ? name : `${name} (SKIPPED: ${skipReason})`;
}

/** Every ISA this CPU can run, best first. */
export const isas: readonly string[] = native ? native.binding.info().supportedIsas : [];
