/**
 * Every layer tsjit ships loads PyTorch's key names and layouts: one module
 * mirroring generate.py's `Layers` loads layers.pt and layers.safetensors
 * strictly, then each layer reproduces PyTorch's eval-mode output (layers.json).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSafetensors, loadTorchStateDict, nn, tensor, type Tensor } from "../../runtime/index.js";

const TORCH_FIXTURES = join(import.meta.dirname, "fixtures", "torch");

class Layers extends nn.Module {
  linear = new nn.Linear(6, 4);
  linear_nobias = new nn.Linear(6, 3, { bias: false });
  conv1d = new nn.Conv1d(4, 6, 3, { stride: 2, padding: 1, groups: 2 });
  conv2d = new nn.Conv2d(3, 4, [3, 2], { padding: 1 });
  conv2d_grouped = new nn.Conv2d(4, 6, 3, { stride: 2, groups: 2, bias: false });
  layernorm = new nn.LayerNorm(5);
  layernorm_2d = new nn.LayerNorm([3, 4]);
  batchnorm1d = new nn.BatchNorm1d(4);
  batchnorm2d = new nn.BatchNorm2d(3);
  groupnorm = new nn.GroupNorm(2, 4);
  embedding = new nn.Embedding(10, 3);
}

interface JsonTensor {
  shape: number[];
  dtype: "float32" | "int64";
  data: number[];
}

const cases = JSON.parse(readFileSync(join(TORCH_FIXTURES, "layers.json"), "utf8")) as Record<keyof Layers & string, { input: JsonTensor; output: JsonTensor }>;

const fromJson = (t: JsonTensor): Tensor => tensor(t.data, { shape: t.shape, dtype: t.dtype });

const SOURCES = {
  "layers.pt": () => loadTorchStateDict(join(TORCH_FIXTURES, "layers.pt")),
  "layers.safetensors": () => loadSafetensors(join(TORCH_FIXTURES, "layers.safetensors")),
};

describe.each(Object.keys(SOURCES) as (keyof typeof SOURCES)[])("from %s", (file) => {
  it("loads strictly: every key PyTorch wrote, no other", async () => {
    const result = new Layers().loadStateDict(await SOURCES[file]());
    expect(result).toEqual({ missingKeys: [], unexpectedKeys: [] });
  });

  it("keeps BatchNorm's running stats and num_batches_tracked (int64, 0-dim)", async () => {
    const model = new Layers();
    model.loadStateDict(await SOURCES[file]());
    const tracked = model.stateDict().get("batchnorm2d.num_batches_tracked")!;
    expect([tracked.dtype, [...tracked.shape], tracked.item()]).toEqual(["int64", [], 3]);
    expect(model.stateDict().get("batchnorm1d.running_var")!.tolist()).not.toEqual([1, 1, 1, 1]);
  });

  it.each(Object.keys(cases) as (keyof typeof cases)[])("%s matches PyTorch's output", async (layer) => {
    const model = new Layers();
    model.loadStateDict(await SOURCES[file]());
    model.eval();
    const { input, output } = cases[layer];
    const got = (model[layer] as unknown as { forward(x: Tensor): Tensor }).forward(fromJson(input));
    expect([...got.shape]).toEqual(output.shape);
    const values = got.toTypedArray();
    output.data.forEach((want, i) => expect(Math.abs(values[i]! - want), `${layer}[${i}]: got ${values[i]}, want ${want}`).toBeLessThanOrEqual(1e-5 + 1e-5 * Math.abs(want)));
  });
});
