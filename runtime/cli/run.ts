/**
 * `tsjit run <file.tsjit> --input <json|.npy> ... [--method name] [--json]`: loads a
 * model file (no class, no TypeScript), builds one argument per --input for the
 * method (inputs.ts), runs it and prints the outputs as PyTorch prints tensors, or
 * as JSON (`{"shape", "dtype", "data"}` per tensor, data flat in row-major order).
 */
import { formatIRType } from "../ir/types.js";
import { ScriptFunction } from "../jit/ScriptFunction.js";
import { ScriptModule } from "../jit/ScriptModule.js";
import { decodeModelFile } from "../serialize/load.js";
import { Tensor } from "../tensor/Tensor.js";
import type { Graph } from "../ir/Graph.js";
import { readInputFile, runCommand, UsageError } from "./command.js";
import { signature } from "./inspect.js";
import { readInput } from "./inputs.js";

export const RUN_USAGE = `Usage: tsjit run <file.tsjit> --input <value> [--input <value> ...] [options]

Runs a method of a saved model (or a saved function) and prints its outputs.
Give one --input per argument, in order. A value is a .npy file (float32,
float64 read as float32, int64, int32, bool; C or Fortran order), a .json file,
or inline JSON: nested arrays (float32; all booleans give bool), a number, or
{"shape": [2, 3], "dtype": "int64", "data": [...]}; int/float/bool arguments take
a JSON number or boolean.

Options:
  -i, --input <value>   an argument (repeat for each)
  -m, --method <name>   the method to run (default: forward)
      --json            print outputs as JSON instead of PyTorch-style text
  -h, --help            show this help`;

export function runModelCommand(argv: readonly string[]): Promise<number> {
  return runCommand(
    "run",
    RUN_USAGE,
    argv,
    { input: { type: "string", short: "i", multiple: true }, method: { type: "string", short: "m" }, json: { type: "boolean" } },
    async ({ values, positionals }) => {
      if (positionals.length !== 1) throw new UsageError(`run takes exactly one model file, got ${positionals.length}`);
      const path = positionals[0]!;
      const program = decodeModelFile(await readInputFile(path), path);
      const { name, graph, hasSelf, call } = selectMethod(program, (values.method as string | undefined) ?? "forward", path);
      const parameters = graph.inputs.slice(hasSelf ? 1 : 0);
      const specs = (values.input as string[] | undefined) ?? [];
      if (specs.length !== parameters.length) {
        throw new UsageError(`${signature(name, graph, hasSelf)} takes ${parameters.length} argument(s), got ${specs.length} --input`);
      }
      const args: unknown[] = [];
      for (const [i, parameter] of parameters.entries()) {
        args.push(await readInput(specs[i]!, parameter.type, `input ${i + 1} (${parameter.debugName ?? `arg${i}`}: ${formatIRType(parameter.type)})`));
      }
      const outputs = call(args);
      console.log(values.json ? JSON.stringify(toJson(outputs)) : formatOutputs(outputs));
    },
  );
}

interface SelectedMethod {
  readonly name: string;
  readonly graph: Graph;
  readonly hasSelf: boolean;
  call(args: readonly unknown[]): unknown;
}

function selectMethod(program: ScriptModule | ScriptFunction, method: string, path: string): SelectedMethod {
  if (program instanceof ScriptFunction) {
    if (method !== "forward" && method !== program.name) throw new UsageError(`${path} holds the function ${program.name}, not a module with a method ${method}`);
    return { name: program.name, graph: program.graph, hasSelf: false, call: (args) => program.call(...args) };
  }
  const graph = program.methods.get(method);
  if (graph === undefined) throw new UsageError(`${path}: module ${program.className} has no method ${method} (methods: ${[...program.methods.keys()].join(", ")})`);
  return { name: method, graph, hasSelf: true, call: (args) => program.runMethod(method, args) };
}

function formatOutputs(outputs: unknown): string {
  if (outputs instanceof Tensor) return outputs.toString();
  if (Array.isArray(outputs)) return `(${outputs.map(formatOutputs).join(",\n ")})`;
  if (typeof outputs === "boolean") return outputs ? "True" : "False";
  return outputs === null ? "None" : String(outputs);
}

function toJson(outputs: unknown): unknown {
  if (outputs instanceof Tensor) {
    const data = Array.from(outputs.toTypedArray(), (v) => (outputs.dtype === "bool" ? v !== 0 : v));
    return { shape: [...outputs.shape], dtype: outputs.dtype, data };
  }
  if (Array.isArray(outputs)) return outputs.map(toJson);
  return outputs;
}
