import { describe, expect, it } from "vitest";
import { empty, manualSeed, nn, Tensor } from "../../runtime/index.js";

function maxAbs(t: Tensor): number {
  return Array.from(t.toTypedArray()).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}

describe("default initialisation", () => {
  it("Linear draws weight and bias from U(±1/sqrt(in_features))", () => {
    manualSeed(0);
    const layer = new nn.Linear(20, 30);
    const bound = 1 / Math.sqrt(20);
    expect(maxAbs(layer.weight)).toBeLessThanOrEqual(bound);
    // 600 uniform samples: the largest is almost surely within 2% of the bound.
    expect(maxAbs(layer.weight)).toBeGreaterThan(0.98 * bound);
    expect(maxAbs(layer.bias!)).toBeLessThanOrEqual(bound);
    expect(new Set(layer.bias!.toTypedArray()).size).toBe(30);
  });

  it("Conv2d uses fan_in = in_channels / groups * kernel area", () => {
    manualSeed(1);
    const conv = new nn.Conv2d(4, 8, [3, 2], { groups: 2 });
    expect([...conv.weight.shape]).toEqual([8, 2, 3, 2]);
    const bound = 1 / Math.sqrt(2 * 3 * 2);
    expect(maxAbs(conv.weight)).toBeLessThanOrEqual(bound);
    expect(maxAbs(conv.weight)).toBeGreaterThan(0.9 * bound);
    expect(maxAbs(conv.bias!)).toBeLessThanOrEqual(bound);
  });

  it("norm layers start at weight 1, bias 0, running stats 0 and 1", () => {
    const bn = new nn.BatchNorm2d(3);
    expect(bn.weight!.tolist()).toEqual([1, 1, 1]);
    expect(bn.bias!.tolist()).toEqual([0, 0, 0]);
    expect(bn.runningMean!.tolist()).toEqual([0, 0, 0]);
    expect(bn.runningVar!.tolist()).toEqual([1, 1, 1]);
    expect(bn.numBatchesTracked!.dtype).toBe("int64");
    expect([...bn.numBatchesTracked!.shape]).toEqual([]);
    expect(new nn.LayerNorm([2, 3]).weight!.tolist()).toEqual([
      [1, 1, 1],
      [1, 1, 1],
    ]);
    expect(new nn.GroupNorm(2, 4).bias!.tolist()).toEqual([0, 0, 0, 0]);
  });

  it("Embedding draws N(0, 1) and zeroes the padding row", () => {
    manualSeed(2);
    const emb = new nn.Embedding(100, 100, { paddingIdx: -1 });
    expect(emb.paddingIdx).toBe(99);
    const values = Array.from(emb.weight.toTypedArray().subarray(0, 99 * 100));
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
    expect(Array.from(emb.weight.toTypedArray().subarray(99 * 100))).toEqual(new Array(100).fill(0));
  });

  it("is deterministic under manualSeed and differs across seeds", () => {
    const build = (seed: number) => {
      manualSeed(seed);
      return new nn.Sequential(new nn.Linear(5, 4), new nn.Conv2d(2, 2, 3), new nn.Embedding(3, 2));
    };
    const a = build(7).stateDict();
    const b = build(7).stateDict();
    const c = build(8).stateDict();
    for (const [key, t] of a) expect(b.get(key)!.tolist(), key).toEqual(t.tolist());
    expect(c.get("0.weight")!.tolist()).not.toEqual(a.get("0.weight")!.tolist());
  });
});

describe("nn.init", () => {
  it("kaimingUniform_ follows the gain of the nonlinearity and the fan mode", () => {
    manualSeed(3);
    const fanOutBound = Math.sqrt(2) * Math.sqrt(3 / 50);
    const t = nn.init.kaimingUniform_(empty([50, 400]), { nonlinearity: "relu", mode: "fan_out" });
    expect(maxAbs(t)).toBeLessThanOrEqual(fanOutBound);
    expect(maxAbs(t)).toBeGreaterThan(0.99 * fanOutBound);
  });

  it("fills non-contiguous views in place", () => {
    const base = empty([2, 3]);
    nn.init.zeros_(base);
    // Column 1 of the row-major [2, 3] storage.
    const column = new Tensor(base.storage, [2], [3], 1, "float32");
    nn.init.constant_(column, 5);
    expect(base.tolist()).toEqual([
      [0, 5, 0],
      [0, 5, 0],
    ]);
  });

  it("rejects bad arguments", () => {
    expect(() => nn.init.calculateFanInAndFanOut(empty([3]))).toThrow(/calculateFanInAndFanOut\(\): .*fewer than 2 dimensions \(got shape \[3\]\)/);
    expect(() => nn.init.uniform_(empty([1]), 2, 1)).toThrow(/uniform_\(\): expects low <= high, got low 2 and high 1/);
    expect(() => nn.init.normal_(empty([1]), 0, -1)).toThrow(/normal_\(\): expects std >= 0/);
  });
});
