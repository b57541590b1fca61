/** `loadTorchStateDict`: decodeTorchStateDict plus file access (node:fs, imported lazily so browsers can load this module). */
import { type Tensor } from "../tensor/Tensor.js";
import { decodeTorchStateDict } from "./torch/decodeTorchStateDict.js";

/**
 * Reads a state dict written by `torch.save(model.state_dict(), path)` (a path,
 * read with node:fs, or the file's bytes), for `Module.loadStateDict`.
 */
export async function loadTorchStateDict(source: string | Uint8Array): Promise<Map<string, Tensor>> {
  if (typeof source !== "string") return decodeTorchStateDict(source);
  const { readFile } = await import("node:fs/promises");
  const buffer = await readFile(source);
  return decodeTorchStateDict(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength), source);
}
