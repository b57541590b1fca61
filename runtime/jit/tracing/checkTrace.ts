/**
 * `trace(..., { checkInputs })`: PyTorch's TracingCheckError, for tsjit. For each
 * check input set the code is traced again and the graphs must print the same
 * (source comments aside), and the first trace run on the set must reproduce the
 * eager outputs. The error shows the first differing graph line of each trace, with
 * line numbers, or the first output element that differs.
 */
import { fail } from "../../errors.js";
import type { Graph } from "../../ir/Graph.js";
import { printGraph } from "../../ir/printer.js";
import { Tensor } from "../../tensor/Tensor.js";
import { ScriptFunction } from "../ScriptFunction.js";
import type { ScriptModule } from "../ScriptModule.js";
import { describeResult } from "./Tracer.js";

export interface CheckTraceRequest {
  readonly traced: ScriptModule | ScriptFunction;
  readonly checkSets: readonly Tensor[][];
  readonly tolerance: number;
  readonly retrace: (inputs: Tensor[]) => ScriptModule | ScriptFunction;
  readonly runEager: (inputs: Tensor[]) => unknown;
}

const HEADER = "Tracing failed sanity checks!";

export function checkTrace(request: CheckTraceRequest): void {
  const { traced, checkSets, tolerance } = request;
  const graphs = methodGraphs(traced);
  checkSets.forEach((inputs, setIndex) => {
    const again = methodGraphs(request.retrace(inputs));
    compareGraphs(graphs, again, setIndex);
    const want = outputTensors(request.runEager(inputs), "the eager code");
    const got = outputTensors(traced instanceof ScriptFunction ? traced.call(...inputs) : traced.forward(...inputs), "the traced code");
    compareOutputs(got, want, setIndex, tolerance);
  });
}

/** Every traced graph of the result, by a label: `forward` of each module in the tree, by dotted path. */
function methodGraphs(traced: ScriptModule | ScriptFunction): Map<string, Graph> {
  const out = new Map<string, Graph>();
  if (traced instanceof ScriptFunction) {
    out.set(`function ${traced.name}`, traced.graph);
    return out;
  }
  for (const [path, module] of traced.namedModules()) {
    const sm = module as ScriptModule;
    for (const [name, graph] of sm.methods ?? []) out.set(`${path ? `${path}: ` : ""}${sm.className}.${name}`, graph);
  }
  return out;
}

function withoutSourceComments(text: string): string[] {
  return text.split("\n").map((line) => line.replace(/ # \S+:\d+:\d+$/, ""));
}

function compareGraphs(first: Map<string, Graph>, again: Map<string, Graph>, setIndex: number): void {
  const labels = [...new Set([...first.keys(), ...again.keys()])];
  for (const label of labels) {
    const a = first.get(label);
    const b = again.get(label);
    if (!a || !b) {
      fail(
        "TRACING_CHECK",
        `${HEADER}\nERROR: Graphs differed across invocations!\n${label} was traced ${a ? "on the example inputs but not on" : "on, but not on the example inputs: "} check input set ${setIndex}`,
      );
    }
    const linesA = withoutSourceComments(printGraph(a));
    const linesB = withoutSourceComments(printGraph(b));
    const n = Math.max(linesA.length, linesB.length);
    for (let i = 0; i < n; i++) {
      if (linesA[i] === linesB[i]) continue;
      const show = (lines: string[]): string => (i < lines.length ? `line ${i + 1}: ${lines[i]!.trim()}` : `(ends after line ${lines.length})`);
      fail(
        "TRACING_CHECK",
        [
          HEADER,
          "ERROR: Graphs differed across invocations!",
          `\tGraph of ${label} diverged at line ${i + 1}:`,
          `\t  traced on the example inputs, ${show(linesA)}`,
          `\t  traced on check input set ${setIndex}, ${show(linesB)}`,
          "The code's control flow or constants depend on its inputs (see any TracerWarning above); such code cannot be traced.",
        ].join("\n"),
      );
    }
  }
}

function outputTensors(result: unknown, what: string): Tensor[] {
  if (result instanceof Tensor) return [result];
  if (Array.isArray(result) && result.every((item) => item instanceof Tensor)) return result as Tensor[];
  fail("TRACING_CHECK", `${HEADER}\nERROR: ${what} returned ${describeResult(result)}, expected a Tensor or an array of Tensors`);
}

function compareOutputs(got: Tensor[], want: Tensor[], setIndex: number, tolerance: number): void {
  const prefix = `${HEADER}\nERROR: Traced function outputs do not match the eager outputs on check input set ${setIndex}:`;
  if (got.length !== want.length) fail("TRACING_CHECK", `${prefix}\n\tthe trace returned ${got.length} outputs, the eager code ${want.length}`);
  got.forEach((g, index) => {
    const gShape = [...g.shape];
    const wShape = [...want[index]!.shape];
    if (gShape.join() !== wShape.join()) {
      fail("TRACING_CHECK", `${prefix}\n\toutput ${index}: got shape [${gShape.join(", ")}], want [${wShape.join(", ")}]`);
    }
    const gv = g.toTypedArray();
    const wv = want[index]!.toTypedArray();
    let first = -1;
    let maxDiff = 0;
    for (let i = 0; i < wv.length; i++) {
      const a = Number(gv[i]);
      const b = Number(wv[i]);
      if (Number.isNaN(a) && Number.isNaN(b)) continue;
      const diff = Math.abs(a - b);
      if (!(diff <= maxDiff)) maxDiff = diff;
      if (first < 0 && !(diff <= tolerance + tolerance * Math.abs(b))) first = i;
    }
    if (first >= 0) {
      fail(
        "TRACING_CHECK",
        `${prefix}\n\toutput ${index} (shape [${wShape.join(", ")}]), element ${first}: got ${Number(gv[first])}, want ${Number(wv[first])}; ` +
          `max abs difference ${maxDiff} (tolerance ${tolerance} relative and absolute)`,
      );
    }
  });
}
