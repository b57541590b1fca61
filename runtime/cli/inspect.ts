/**
 * `tsjit inspect <file>`: what a file holds, told apart by content (not by name):
 * a tsjit model file (its format version, the methods of every module with their
 * signatures, parameters/buffers and graph constants with dtypes and shapes), a
 * torch.save state dict, or a plain safetensors weights file (names, dtypes,
 * shapes, and its metadata), so the names can be matched to a module's state dict.
 */
import { formatIRType } from "../ir/types.js";
import { ScriptFunction } from "../jit/ScriptFunction.js";
import { ScriptModule } from "../jit/ScriptModule.js";
import { decodeSafetensors } from "../nn/safetensors.js";
import { decodeTorchStateDict } from "../nn/torch/decodeTorchStateDict.js";
import { CONSTANTS_PREFIX, FORMAT_NAME, METADATA_FORMAT_KEY, METADATA_VERSION_KEY } from "../serialize/format.js";
import { decodeModelFile } from "../serialize/load.js";
import type { Graph } from "../ir/Graph.js";
import type { Tensor } from "../tensor/Tensor.js";
import { readInputFile, runCommand, UsageError } from "./command.js";

export const INSPECT_USAGE = `Usage: tsjit inspect <file.tsjit | file.safetensors | file.pt>

Lists what the file holds. A tsjit model file: its format version, every method
with its signature, the parameters, buffers and graph constants with dtypes and
shapes. A weights file (safetensors, or a state dict written by torch.save):
every tensor's name, dtype and shape, to match against a module's state dict.

Options:
  -h, --help   show this help`;

export function inspectCommand(argv: readonly string[]): Promise<number> {
  return runCommand("inspect", INSPECT_USAGE, argv, {}, async ({ positionals }) => {
    if (positionals.length !== 1) throw new UsageError(`inspect takes exactly one file, got ${positionals.length}`);
    console.log(await inspect(positionals[0]!));
  });
}

/** The report `tsjit inspect` prints for the file at `path`. */
export async function inspect(path: string): Promise<string> {
  const bytes = await readInputFile(path);
  if (isZip(bytes)) return weightsReport(`${path}: PyTorch state dict (torch.save)`, decodeTorchStateDict(bytes, path), new Map());
  const { tensors, metadata } = decodeSafetensors(bytes);
  if (metadata.get(METADATA_FORMAT_KEY) !== FORMAT_NAME) return weightsReport(`${path}: safetensors`, tensors, metadata);
  return modelReport(path, decodeModelFile(bytes, path), tensors, metadata.get(METADATA_VERSION_KEY)!);
}

function isZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

function weightsReport(title: string, tensors: ReadonlyMap<string, Tensor>, metadata: ReadonlyMap<string, string>): string {
  const lines = [`${title}: ${tensors.size} tensors, ${totalElements(tensors.values())} elements`, ...tensorTable(tensors)];
  if (metadata.size > 0) lines.push("metadata:", ...[...metadata].map(([k, v]) => `  ${k}: ${v}`));
  return lines.join("\n");
}

function modelReport(path: string, program: ScriptModule | ScriptFunction, tensors: ReadonlyMap<string, Tensor>, version: string): string {
  const state = new Map([...tensors].filter(([name]) => !name.startsWith(CONSTANTS_PREFIX)));
  const constants = new Map([...tensors].filter(([name]) => name.startsWith(CONSTANTS_PREFIX)).map(([name, t]) => [name.slice(CONSTANTS_PREFIX.length), t]));
  const lines = [
    `${path}: tsjit model file, format version ${version}`,
    program instanceof ScriptModule ? `module ${program.className}` : `function ${program.name}`,
    "methods:",
    ...methodSignatures(program).map((signature) => `  ${signature}`),
    `parameters and buffers: ${state.size} tensors, ${totalElements(state.values())} elements`,
  ];
  if (state.size > 0) lines.push(...tensorTable(state).map((line) => `  ${line}`));
  lines.push(`constants: ${constants.size} tensors, ${totalElements(constants.values())} elements`);
  if (constants.size > 0) lines.push(...tensorTable(constants).map((line) => `  ${line}`));
  return lines.join("\n");
}

/** `path.method(name: Type, ...) -> Type` for every method of every module, or the function's own signature. */
export function methodSignatures(program: ScriptModule | ScriptFunction): string[] {
  if (program instanceof ScriptFunction) return [signature(program.name, program.graph, false)];
  const signatures: string[] = [];
  for (const [path, module] of program.namedModules()) {
    if (!(module instanceof ScriptModule)) continue;
    for (const [method, graph] of module.methods) signatures.push(signature(path === "" ? method : `${path}.${method}`, graph, true));
  }
  return signatures;
}

/** `name(x: Tensor, n: int) -> Tensor`: a method's (hasSelf: skipping %self) or a function's signature. */
export function signature(name: string, graph: Graph, hasSelf: boolean): string {
  const inputs = graph.inputs.slice(hasSelf ? 1 : 0).map((v, i) => `${v.debugName ?? `arg${i}`}: ${formatIRType(v.type)}`);
  const outputs = graph.outputs.map((v) => formatIRType(v.type));
  return `${name}(${inputs.join(", ")}) -> ${outputs.length === 1 ? outputs[0] : `(${outputs.join(", ")})`}`;
}

function tensorTable(tensors: ReadonlyMap<string, Tensor>): string[] {
  const rows = [...tensors].map(([name, t]) => [name, t.dtype, `[${t.shape.join(", ")}]`, String(t.numel())]);
  const header = ["name", "dtype", "shape", "elements"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(header), ...rows.map(line)];
}

function totalElements(tensors: Iterable<Tensor>): number {
  let total = 0;
  for (const t of tensors) total += t.numel();
  return total;
}
