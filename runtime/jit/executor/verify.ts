/** The one place ScriptModule, ScriptFunction and the inliner verify a graph before accepting it. */
import { TsjitError } from "../../errors.js";
import type { Graph } from "../../ir/Graph.js";
import { verifyGraph } from "../../ir/verifier.js";

/** Runs the IR verifier; its error is rethrown prefixed with `what` (e.g. `Linear.forward`), keeping code and cause. */
export function verifyMethodGraph(graph: Graph, what: string): void {
  try {
    verifyGraph(graph);
  } catch (error) {
    if (!(error instanceof TsjitError)) throw error;
    const wrapped = new TsjitError(error.code, `${what}: ${error.message}`);
    wrapped.cause = error;
    throw wrapped;
  }
}
