/**
 * Reads the whole-model fixtures in ../shared/fixtures/models/<name>/ in place:
 * manifest.json, weights.safetensors, state_dict.pt, and the raw little-endian float32
 * `<case>.in.<input>.bin` / `<case>.out.bin` files (see the fixtures README).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { tensor, type Tensor } from "../../runtime/index.js";
import { FIXTURES } from "./fixturePaths.js";

export const MODEL_NAMES = ["simple", "controlflow", "mlp", "cnn", "rnn", "attention"] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export interface ManifestParam {
  name: string;
  shape: number[];
  dtype: string;
  file_offset: number;
  bytes: number;
  sha256: string;
}

export interface ManifestTensorFile {
  file: string;
  name: string;
  shape: number[];
  dtype: string;
  bytes: number;
  sha256: string;
}

export interface ManifestCase {
  inputs: ManifestTensorFile[];
  output: ManifestTensorFile;
  /** controlflow only: which branch the case takes, e.g. "then (fc2(x))". */
  branch?: string;
}

export interface ModelManifest {
  model: ModelName;
  weights_file: string;
  params: ManifestParam[];
  cases: Record<string, ManifestCase>;
}

export function modelDir(name: ModelName): string {
  return join(FIXTURES, "models", name);
}

export function loadManifest(name: ModelName): ModelManifest {
  return JSON.parse(readFileSync(join(modelDir(name), "manifest.json"), "utf8")) as ModelManifest;
}

export function weightsPath(name: ModelName): string {
  return join(modelDir(name), loadManifest(name).weights_file);
}

/** The same state dict as written by `torch.save(model.state_dict(), path)`. */
export function stateDictPath(name: ModelName): string {
  return join(modelDir(name), "state_dict.pt");
}

/** One raw float32 file of the fixture as a tensor of the manifest's shape. */
export function readTensorFile(name: ModelName, entry: ManifestTensorFile): Tensor {
  if (entry.dtype !== "float32") throw new Error(`${name}/${entry.file}: only float32 fixture files are supported, got ${entry.dtype}`);
  const bytes = readFileSync(join(modelDir(name), entry.file));
  if (bytes.length !== entry.bytes) throw new Error(`${name}/${entry.file}: ${bytes.length} bytes, manifest says ${entry.bytes}`);
  const values = new Float32Array(bytes.length / 4);
  new Uint8Array(values.buffer).set(bytes);
  return tensor(values, { shape: entry.shape });
}

export interface ModelCase {
  readonly name: string;
  readonly inputs: Tensor[];
  readonly output: Tensor;
  readonly branch?: string;
}

export function loadModelCases(name: ModelName): ModelCase[] {
  return Object.entries(loadManifest(name).cases).map(([caseName, c]) => ({
    name: caseName,
    inputs: c.inputs.map((input) => readTensorFile(name, input)),
    output: readTensorFile(name, c.output),
    ...(c.branch === undefined ? {} : { branch: c.branch }),
  }));
}
