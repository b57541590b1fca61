/** Which backend eager ops and the executor run on. */
import type { Backend } from "./Backend.js";
import { jsBackend } from "./js/index.js";

let active: Backend = jsBackend;

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
