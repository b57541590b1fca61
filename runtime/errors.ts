/**
 * Every error tsjit throws is a TsjitError with a stable `code`, so callers can
 * branch on the code and tests can assert it without matching prose.
 * The message always names where the problem is: the op and its argument, or the
 * module and its key, or the file and its offset.
 */
export type ErrorCode =
  | "ARGUMENT_TYPE"
  | "ARGUMENT_COUNT"
  | "BACKEND_UNAVAILABLE"
  | "COMPILE_ERROR"
  | "DTYPE_MISMATCH"
  | "GRAPH_RUNTIME"
  | "INDEX_OUT_OF_RANGE"
  | "INVALID_ARGUMENT"
  | "INVALID_FILE"
  | "INVALID_GRAPH"
  | "INVALID_PAYLOAD"
  | "NOT_COMPILED"
  | "NOT_IMPLEMENTED"
  | "SHAPE_MISMATCH"
  | "STATE_DICT_MISMATCH"
  | "TRACING_CHECK"
  | "UNKNOWN_OP"
  | "UNSUPPORTED_VERSION";

export class TsjitError extends Error {
  override readonly name = "TsjitError";

  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function fail(code: ErrorCode, message: string): never {
  throw new TsjitError(code, message);
}

/** Throws an INVALID_ARGUMENT error for `op` unless `condition` holds. */
export function check(condition: boolean, op: string, message: () => string, code: ErrorCode = "INVALID_ARGUMENT"): asserts condition {
  if (!condition) fail(code, `${op}(): ${message()}`);
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}
