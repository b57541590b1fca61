/** script(instance) of library layers: the generated forward graph == the eager forward, on random inputs. */
import { describe, expect, it } from "vitest";
import { manualSeed, nn, randn, script, ScriptModule, tensor, type Tensor } from "tsjit";
import { expectError } from "./helpers.js";

function expectSame(module: nn.Module, input: Tensor, label: string): ScriptModule {
  const scripted = script(module);
  expect(scripted, label).toBeInstanceOf(ScriptModule);
  const want = module.forward(input) as Tensor;
  const got = scripted.forward(input) as Tensor;
  expect(got.shape, label).toEqual(want.shape);
  const a = got.toTypedArray();
  const b = want.toTypedArray();
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!), `${label} [${i}]`).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(b[i]!));
  return scripted;
}

/** [layer, input] pairs; each layer in eval mode unless it says otherwise. */
function cases(): [string, nn.Module, Tensor][] {
  manualSeed(7);
  const bn1 = new nn.BatchNorm1d(3, { momentum: 0.2, eps: 1e-3 });
  nn.init.normal_(bn1.getBuffer("running_mean")!);
  nn.init.uniform_(bn1.getBuffer("running_var")!, 0.5, 2);
  const bn2 = new nn.BatchNorm2d(2);
  nn.init.normal_(bn2.getBuffer("running_mean")!);
  nn.init.normal_(bn2.weight!);
  const noStats = new nn.BatchNorm2d(2, { trackRunningStats: false, affine: false });
  return [
    ["Linear", new nn.Linear(5, 3), randn([4, 5])],
    ["Linear without bias", new nn.Linear(5, 2, { bias: false }), randn([2, 3, 5])],
    ["Conv1d", new nn.Conv1d(2, 4, 3, { stride: 2, padding: 1 }), randn([2, 2, 9])],
    ["Conv2d", new nn.Conv2d(4, 6, [3, 2], { stride: [1, 2], padding: [1, 0], dilation: [2, 1], groups: 2 }), randn([1, 4, 8, 7])],
    ["Conv2d without bias", new nn.Conv2d(1, 2, 3, { bias: false }), randn([2, 1, 5, 5])],
    ["MaxPool2d", new nn.MaxPool2d(3, { stride: 2, padding: 1, ceilMode: true }), randn([1, 2, 7, 6])],
    ["MaxPool2d dilated", new nn.MaxPool2d(2, { dilation: 2 }), randn([1, 1, 6, 6])],
    ["AvgPool2d", new nn.AvgPool2d(2), randn([2, 3, 6, 4])],
    ["AvgPool2d options", new nn.AvgPool2d([3, 2], { stride: 1, padding: 1, countIncludePad: false, ceilMode: true }), randn([1, 2, 5, 5])],
    ["AvgPool2d divisor", new nn.AvgPool2d(2, { divisorOverride: 3 }), randn([1, 1, 4, 4])],
    ["AdaptiveAvgPool2d", new nn.AdaptiveAvgPool2d(3), randn([1, 2, 7, 5])],
    ["AdaptiveAvgPool2d with null", new nn.AdaptiveAvgPool2d([null, 2]), randn([2, 1, 5, 6])],
    ["BatchNorm1d", bn1, randn([4, 3])],
    ["BatchNorm1d 3D", bn1, randn([4, 3, 5])],
    ["BatchNorm2d", bn2, randn([2, 2, 3, 3])],
    ["BatchNorm2d without running stats", noStats, randn([3, 2, 2, 2])],
    ["LayerNorm", new nn.LayerNorm([3, 4], { eps: 1e-3 }), randn([2, 3, 4])],
    ["LayerNorm without affine", new nn.LayerNorm(4, { elementwiseAffine: false }), randn([3, 4])],
    ["GroupNorm", new nn.GroupNorm(2, 4, { eps: 1e-4 }), randn([2, 4, 3])],
    ["Embedding", new nn.Embedding(10, 3, { paddingIdx: 2 }), tensor([[1, 2], [9, 0]], { dtype: "int64" })],
    ["Dropout (eval)", new nn.Dropout(0.3), randn([3, 4])],
    ["ReLU", new nn.ReLU(), randn([5])],
    ["GELU", new nn.GELU(), randn([5])],
    ["GELU tanh", new nn.GELU({ approximate: "tanh" }), randn([5])],
    ["Tanh", new nn.Tanh(), randn([5])],
    ["Sigmoid", new nn.Sigmoid(), randn([5])],
    ["SiLU", new nn.SiLU(), randn([5])],
    ["LeakyReLU", new nn.LeakyReLU(0.2), randn([6])],
    ["Softmax", new nn.Softmax(1), randn([2, 5])],
    ["LogSoftmax", new nn.LogSoftmax(-1), randn([2, 3, 4])],
    ["Flatten", new nn.Flatten(), randn([2, 3, 4])],
    ["Flatten dims", new nn.Flatten(0, 1), randn([2, 3, 4])],
    ["Identity", new nn.Identity(), randn([3])],
    ["Sequential", new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Dropout(0.1), new nn.Linear(8, 2), new nn.LogSoftmax(1)), randn([3, 4])],
    ["nested Sequential", new nn.Sequential(new nn.Conv2d(1, 2, 3), new nn.Sequential(new nn.BatchNorm2d(2), new nn.GELU()), new nn.Flatten()), randn([2, 1, 5, 5])],
  ];
}

describe("library layers", () => {
  for (const [label, module, input] of cases()) {
    it(`${label}: scripted == eager`, () => {
      module.eval();
      const scripted = expectSame(module, input, label);
      expect(scripted.graph.toString()).not.toContain("prim::CallFunction");
    });
  }

  it("shares the instance's parameters and buffers", () => {
    const linear = new nn.Linear(3, 2);
    const scripted = script(linear);
    expect(scripted.namedParameters()).toEqual(linear.namedParameters());
    expect(scripted.namedParameters()[0]![1]).toBe(linear.weight);
    nn.init.constant_(linear.weight, 0.5);
    expect((scripted.forward(tensor([[1, 1, 1]])) as Tensor).sub(linear.bias!).tolist()).toEqual([[1.5, 1.5]]);
    const bn = new nn.BatchNorm1d(2).eval();
    expect(script(bn).getBuffer("running_mean")).toBe(bn.getBuffer("running_mean"));
  });

  it("embeds the configuration as constants", () => {
    const graph = script(new nn.Conv2d(1, 1, 3, { stride: 2, padding: 1 })).graph.toString();
    expect(graph).toContain("prim::Constant[value=[2, 2]]()");
    expect(graph).toContain("aten::conv2d(");
  });

  it("Sequential calls each child's forward", () => {
    const scripted = script(new nn.Sequential(new nn.Linear(2, 2), new nn.ReLU()));
    expect(scripted.graph.toString().match(/prim::CallMethod\[name="forward"\]/g)).toHaveLength(2);
  });

  it("Dropout follows the module's training flag at run time", () => {
    manualSeed(1);
    const scripted = script(new nn.Dropout(0.5).eval());
    const x = randn([200]).abs().add(1);
    expect((scripted.forward(x) as Tensor).tolist()).toEqual(x.tolist());
    scripted.train();
    const dropped = (scripted.forward(x) as Tensor).toTypedArray();
    expect(dropped.filter((v) => v === 0).length).toBeGreaterThan(50);
  });

  it("BatchNorm: scripting in training mode is an error; the graph refuses training mode later", () => {
    expectError(() => script(new nn.BatchNorm2d(2)), "NOT_IMPLEMENTED", /BatchNorm2d is in training mode/);
    const scripted = script(new nn.BatchNorm2d(2).eval());
    scripted.train();
    expectError(() => scripted.forward(randn([1, 2, 2, 2])), "GRAPH_RUNTIME", /runs in eval mode only/);
  });

  it("Softmax without dim cannot be scripted", () => {
    expectError(() => script(new nn.Softmax()), "NOT_IMPLEMENTED", /Softmax has no dim/);
  });

  it("a user subclass that overrides forward is not scripted as the library layer", () => {
    class Doubling extends nn.Linear {
      override forward(input: Tensor): Tensor {
        return super.forward(input).mul(2);
      }
    }
    expectError(() => script(new Doubling(2, 2)), "NOT_COMPILED", /module <root> \(Doubling\) has no compiled forward/);
  });
});
