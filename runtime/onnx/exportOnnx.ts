/**
 * `exportOnnx(moduleOrFunction, path?, options)`: the ONNX model's bytes, also written
 * to `path` when one is given. The only part of runtime/onnx that touches the file
 * system, and only through a dynamic import, so the converter loads in browsers.
 */
import { toOnnxModel, type ExportOnnxOptions, type ExportTarget } from "./onnxModel.js";

export async function exportOnnx(target: ExportTarget, path?: string, options: ExportOnnxOptions = {}): Promise<Uint8Array> {
  const bytes = toOnnxModel(target, options);
  if (path !== undefined) {
    const { writeFile } = await import("node:fs/promises");
    await writeFile(path, bytes);
  }
  return bytes;
}
