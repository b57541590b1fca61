/** Runs `f`, which must throw a TsjitError (with `code`, when given), and returns that error. */
import { expect } from "vitest";
import { TsjitError } from "../../runtime/errors.js";

export function thrownTsjitError(f: () => unknown, code?: string): TsjitError {
  let thrown: unknown;
  try {
    f();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, "expected a TsjitError").toBeInstanceOf(TsjitError);
  if (code !== undefined) expect((thrown as TsjitError).code, (thrown as Error).message).toBe(code);
  return thrown as TsjitError;
}
