/**
 * TracerWarning: what the tracer says when user code turns a tensor into a JS value
 * (`item()`, `tolist()`, `toTypedArray()`, `x.mean() > 0.5`). The value cannot be
 * recorded, so the trace bakes it in as a constant and may not generalise.
 *
 * The warning goes through `process.emitWarning(message, { type: "TracerWarning" })`
 * (Node prints it once per process as `(node:PID) TracerWarning: ...`; listen with
 * `process.on("warning", ...)`), or `console.warn` where there is no `process`.
 * Node builds the emitted object itself, so `TracerWarning` recognises any Error
 * named "TracerWarning": `warning instanceof TracerWarning` is true for it.
 */
export class TracerWarning extends Error {
  override readonly name = "TracerWarning";

  static override [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof Error && value.name === "TracerWarning";
  }
}

/** What `via` (as the TensorObserver reports it) converts the tensor into, for the message. */
function describeConversion(via: string): string {
  if (via.startsWith("tolist")) return "a JavaScript array";
  if (via.startsWith("toTypedArray")) return "a TypedArray";
  return "a JavaScript number/boolean";
}

/** PyTorch's wording, with the JS spelling of the conversion and the user's `file:line:col`. */
export function tracerWarningMessage(via: string, site: string): string {
  return (
    `Converting a tensor to ${describeConversion(via)} (${via}) might cause the trace to be incorrect. ` +
    "We can't record the data flow of JavaScript values, so this value will be treated as a constant in the future. " +
    `This means that the trace might not generalize to other inputs! (at ${site})`
  );
}

export function emitTracerWarning(message: string): void {
  const proc = (globalThis as { process?: { emitWarning?: (message: string, options: { type: string }) => void } }).process;
  if (proc && typeof proc.emitWarning === "function") proc.emitWarning(message, { type: "TracerWarning" });
  else console.warn(`TracerWarning: ${message}`);
}
