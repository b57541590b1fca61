/**
 * toOnnxModel(module | function, options) -> ModelProto bytes. No Node.js APIs here
 * (exportOnnx.ts writes files), so it runs wherever the runtime does.
 *
 * A ScriptModule is frozen first (freeze: calls inlined, parameters and buffers
 * turned into constants, constants propagated), so weights become initializers and
 * only the graph's tensor inputs remain inputs. Graph inputs get the dims of
 * `exampleInputs` when given (otherwise their rank is unknown and ops that need it
 * fail), with `dynamicAxes` naming the dims that vary: by default dim 0 of every
 * input and output is "batch".
 */
import { fail } from "../errors.js";
import type { Graph, Value } from "../ir/Graph.js";
import { ScriptFunction } from "../jit/ScriptFunction.js";
import { ScriptModule } from "../jit/ScriptModule.js";
import { eliminateDeadCode } from "../jit/passes/eliminateDeadCode.js";
import { freeze } from "../jit/passes/freeze.js";
import { propagateConstants } from "../jit/passes/propagateConstants.js";
import { scriptFunctionOf } from "../jit/script.js";
import type { DType } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/Tensor.js";
import { lowerBlock, loweredInput, type Env } from "./convertBlock.js";
import { loweredTensor, scalarDType, type Lowered, type LoweredTensor } from "./lowered.js";
import { materialize } from "./NodeLowering.js";
import { OnnxGraphBuilder, valueInfo } from "./OnnxGraphBuilder.js";
import { encodeModelProto, ONNX_IR_VERSION } from "./proto.js";

export const DEFAULT_OPSET = 17;
const PRODUCER_VERSION = "0.1.0";
/** Opsets the mappings are written for: 13 (Split/Squeeze/ReduceSum take axes as inputs) to 17 (LayerNormalization; IR version 8). */
export const MIN_OPSET = 13;
export const MAX_OPSET = 17;

/** Names of the dims that vary, per input or output name: `{ input: { 0: "batch" } }`. */
export type DynamicAxes = Readonly<Record<string, Readonly<Record<number, string>>>>;

export interface ExportOnnxOptions {
  /** The default opset's version; 13 to 17 (default 17). */
  readonly opset?: number;
  /** Graph input names, in order (default: the names in the source, else input_<i>). */
  readonly inputNames?: readonly string[];
  /** Graph output names, in order (default: output_<i>). */
  readonly outputNames?: readonly string[];
  /** Dims that vary (default: dim 0 of every input and output, "batch"); `{}` makes every known dim fixed. */
  readonly dynamicAxes?: DynamicAxes;
  /** Example inputs, as for torch.onnx.export: they give the inputs' dtypes and dims. */
  readonly exampleInputs?: readonly Tensor[];
}

export type ExportTarget = ScriptModule | ScriptFunction | ((...args: never[]) => unknown);

interface GraphIO {
  readonly name: string;
  readonly dtype: DType;
  /** Sizes where known; undefined for an unknown rank. */
  readonly dims: readonly (number | undefined)[] | undefined;
}

export function toOnnxModel(target: ExportTarget, options: ExportOnnxOptions = {}): Uint8Array {
  const opset = options.opset ?? DEFAULT_OPSET;
  if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) {
    fail("INVALID_ARGUMENT", `exportOnnx(): opset ${opset} is not supported (supported: ${MIN_OPSET} to ${MAX_OPSET})`);
  }
  const { graph, inputs: inputValues, name, functions } = exportedGraph(target);
  checkCount("exampleInputs", options.exampleInputs, inputValues.length, "inputs");
  checkCount("inputNames", options.inputNames, inputValues.length, "inputs");
  const builder = OnnxGraphBuilder.forModel();
  const env: Env = new Map();
  const inputs = inputValues.map((value, i) => {
    const io = graphInput(value, i, inputValues, options);
    builder.reserve(io.name);
    env.set(value, loweredTensor(io.name, io.dtype, io.dims?.length));
    return io;
  });
  options.outputNames?.forEach((outputName) => builder.reserve(outputName));
  lowerBlock({ opset, constants: graph.constants, functions, callStack: [name] }, graph.block, builder, env);
  const results = graph.outputs.flatMap((value) => outputTensors(builder, loweredInput(env, value)));
  checkCount("outputNames", options.outputNames, results.length, "outputs");
  const outputs = results.map((result, i): GraphIO => {
    const outputName = options.outputNames?.[i] ?? `output_${i}`;
    if (options.outputNames === undefined) builder.reserve(outputName);
    builder.emitTo("Identity", [result.name], [outputName]);
    return { name: outputName, dtype: result.dtype, dims: result.rank === undefined ? undefined : new Array<undefined>(result.rank).fill(undefined) };
  });
  const dynamicAxes: DynamicAxes = options.dynamicAxes ?? Object.fromEntries([...inputs, ...outputs].map((io) => [io.name, { 0: "batch" }]));
  const describe = (io: GraphIO) => valueInfo(io.name, io.dtype, io.dims?.map((size, d) => dynamicAxes[io.name]?.[d] ?? size));
  return encodeModelProto({
    ir_version: ONNX_IR_VERSION,
    producer_name: "tsjit",
    producer_version: PRODUCER_VERSION,
    opset_import: [{ domain: "", version: opset }],
    graph: builder.toGraph(name, inputs.map(describe), outputs.map(describe), true),
  });
}

/** Input `index`: named by inputNames, else its source name; typed by its example, else by its IR type (a tensor: float32, rank unknown). */
function graphInput(value: Value, index: number, all: readonly Value[], options: ExportOnnxOptions): GraphIO {
  const example = options.exampleInputs?.[index];
  return {
    name: options.inputNames?.[index] ?? inputName(value, index, all),
    dtype: example?.dtype ?? scalarDType(value.type) ?? "float32",
    dims: example ? [...example.shape] : value.type.kind === "Tensor" ? undefined : [],
  };
}

function checkCount(option: string, given: readonly unknown[] | undefined, expected: number, what: string): void {
  if (given !== undefined && given.length !== expected) {
    fail("INVALID_ARGUMENT", `exportOnnx(): ${option} has ${given.length} entries, but the graph has ${expected} ${what}`);
  }
}

/**
 * The graph to export, its inputs and the functions it may call: a module's frozen
 * forward (without %self), or a function's graph with constants propagated.
 */
function exportedGraph(target: ExportTarget): { graph: Graph; inputs: readonly Value[]; name: string; functions: ReadonlyMap<string, ScriptFunction> } {
  if (target instanceof ScriptModule) {
    const graph = freeze(target).graph;
    if (graph.inputs[0]!.uses.length > 0) fail("NOT_IMPLEMENTED", `exportOnnx(): ScriptModule ${target.className}'s frozen forward still reads the module (a recursive method call); it cannot be exported`);
    return { graph, inputs: graph.inputs.slice(1), name: target.className, functions: target.functions };
  }
  const fn = target instanceof ScriptFunction ? target : scriptFunctionOf(target);
  if (!fn) fail("ARGUMENT_TYPE", "exportOnnx(): expected a ScriptModule or a scripted or traced function (script or trace the model first)");
  const graph = eliminateDeadCode(propagateConstants(fn.graph));
  return { graph, inputs: graph.inputs, name: fn.name, functions: fn.functions };
}

function inputName(value: Value, index: number, all: readonly Value[]): string {
  const name = value.debugName;
  const unique = name !== undefined && /^[A-Za-z_][\w.]*$/.test(name) && all.filter((v) => v.debugName === name).length === 1;
  return unique ? name : `input_${index}`;
}

/** A graph output as ONNX outputs: a tuple or list gives one per item. */
function outputTensors(builder: OnnxGraphBuilder, value: Lowered): LoweredTensor[] {
  if (value.kind === "list") return value.items.flatMap((item) => outputTensors(builder, item));
  return [materialize(builder, value, (reason) => fail("NOT_IMPLEMENTED", `exportOnnx(): the graph returns a value with no ONNX form: ${reason}`))];
}
