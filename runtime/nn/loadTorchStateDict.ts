/** `loadTorchStateDict`: decodeTorchStateDict plus reading the file through the entry's platform. */
import { platform, type ByteSource } from "../platform/index.js";
import { type Tensor } from "../tensor/Tensor.js";
import { decodeTorchStateDict } from "./torch/decodeTorchStateDict.js";

/**
 * Reads a state dict written by `torch.save(model.state_dict(), path)` (its bytes, or a
 * path or URL as `load` takes them), for `Module.loadStateDict`.
 */
export async function loadTorchStateDict(source: ByteSource | Uint8Array): Promise<Map<string, Tensor>> {
  if (!(typeof source === "string" || source instanceof URL)) return decodeTorchStateDict(source);
  return decodeTorchStateDict(await platform.readBytes(source, "loadTorchStateDict()"), String(source));
}
