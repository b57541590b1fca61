/**
 * `exportOnnx(moduleOrFunction, path?, options)`: the ONNX model's bytes, also written
 * to `path` (through the entry's platform) when one is given.
 */
import { platform } from "../platform/index.js";
import { toOnnxModel, type ExportOnnxOptions, type ExportTarget } from "./onnxModel.js";

export async function exportOnnx(target: ExportTarget, path?: string, options: ExportOnnxOptions = {}): Promise<Uint8Array> {
  const bytes = toOnnxModel(target, options);
  if (path !== undefined) await platform.writeBytes(path, bytes, "exportOnnx()");
  return bytes;
}
