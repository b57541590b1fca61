/**
 * Note [Trace calls script]: the executor runs ops through `runOp`, which the tracer
 * does not observe, so a scripted function or a scripted module's method called from
 * code being traced would leave nothing in the trace (its results would become
 * constants). Instead, the callable that `script(fn)` returns and
 * `ScriptModule.runMethod` ask the active recorder to record ONE call node
 * (`prim::CallFunction` / `prim::CallMethod`), which keeps the callee's control flow.
 * This module only holds the active recorder (the Tracer while `trace` runs), so the
 * callees need not import the tracer.
 */
import type { ScriptFunction } from "../ScriptFunction.js";
import type { ScriptModule } from "../ScriptModule.js";

export type CompiledCall =
  | { readonly kind: "function"; readonly fn: ScriptFunction; readonly args: readonly unknown[] }
  | { readonly kind: "method"; readonly module: ScriptModule; readonly name: string; readonly args: readonly unknown[] };

export interface CallRecorder {
  /** Whether a call made now would be recorded. */
  readonly recording: boolean;
  /** Runs the call (unrecorded) and records it as one node; returns the call's result. */
  recordCall(call: CompiledCall): unknown;
}

let active: CallRecorder | undefined;

/** The recorder of the trace in progress, when one is recording. */
export function activeRecorder(): CallRecorder | undefined {
  return active?.recording ? active : undefined;
}

/** Installs `next` (or none) and returns the previous recorder. */
export function setActiveRecorder(next: CallRecorder | undefined): CallRecorder | undefined {
  const previous = active;
  active = next;
  return previous;
}
