/**
 * `tsjit export-onnx <file.tsjit> -o <model.onnx> [--opset N] [--input-shape dims]...`:
 * loads a saved model (never running anything from the file) and writes its forward
 * as an ONNX model. Returns the exit code: 0 written, 1 bad input (unreadable model
 * file, an op without an ONNX mapping), 2 usage error.
 */
import { parseArgs } from "node:util";
import { TsjitError } from "../errors.js";
import { exportOnnx } from "../onnx/exportOnnx.js";
import { DEFAULT_OPSET, MAX_OPSET, MIN_OPSET } from "../onnx/onnxModel.js";
import { zeros } from "../ops/creation.js";
import { load } from "../serialize/load.js";

export const EXPORT_ONNX_USAGE = `Usage: tsjit export-onnx <file.tsjit> -o <model.onnx> [options]

Writes the saved model's forward as an ONNX model: weights as initializers, if/else
and loops as ONNX If and Loop, dim 0 of every input and output named "batch".

Options:
  -o, --output <path>      where to write the ONNX model (required)
  --opset <N>              ONNX opset version, ${MIN_OPSET} to ${MAX_OPSET} (default ${DEFAULT_OPSET})
  --input-shape <dims>     the shape of a float32 input, e.g. 1,3,28,28; once per input, in
                           order. Gives the ONNX inputs their dims, and lets ops that need
                           an input's rank (transpose, t, ...) export
  -h, --help               show this help`;

export async function exportOnnxCommand(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        output: { type: "string", short: "o" },
        opset: { type: "string" },
        "input-shape": { type: "string", multiple: true },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    return usageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(EXPORT_ONNX_USAGE);
    return 0;
  }
  if (positionals.length !== 1) return usageError(`expected one model file, got ${positionals.length}`);
  if (values.output === undefined) return usageError("missing -o <model.onnx>");
  const opset = values.opset === undefined ? DEFAULT_OPSET : Number(values.opset);
  if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) return usageError(`--opset must be an integer from ${MIN_OPSET} to ${MAX_OPSET}, got '${values.opset}'`);
  const shapes = (values["input-shape"] ?? []).map(parseShape);
  const badShape = shapes.findIndex((shape) => shape === undefined);
  if (badShape >= 0) return usageError(`--input-shape must be sizes separated by commas (like 1,3,28,28), got '${values["input-shape"]![badShape]}'`);
  const [modelPath] = positionals as [string];
  try {
    const model = await load(modelPath);
    const exampleInputs = shapes.map((shape) => zeros(shape!));
    const bytes = await exportOnnx(model, values.output, { opset, ...(exampleInputs.length > 0 ? { exampleInputs } : {}) });
    console.log(`wrote ${values.output} (${bytes.length} bytes, opset ${opset})`);
    return 0;
  } catch (error) {
    if (error instanceof TsjitError || isFileSystemError(error)) {
      console.error(`tsjit export-onnx: ${modelPath}: ${(error as Error).message}`);
      return 1;
    }
    throw error;
  }
}

function parseShape(text: string): number[] | undefined {
  const sizes = text.split(",").map((part) => Number(part.trim()));
  return text.trim() !== "" && sizes.every((size) => Number.isInteger(size) && size >= 0) ? sizes : undefined;
}

function isFileSystemError(error: unknown): boolean {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === "string" && /^E[A-Z]+$/.test((error as NodeJS.ErrnoException).code!);
}

function usageError(message: string): number {
  console.error(`tsjit export-onnx: ${message}\n\n${EXPORT_ONNX_USAGE}`);
  return 2;
}
