import { describe, expect, it } from "vitest";
import { nn, tensor, Tensor, TsjitError, zeros } from "../../runtime/index.js";

class Block extends nn.Module {
  scale = new nn.Parameter(tensor([1, 2]));
  fc = new nn.Linear(2, 3);
  norm = new nn.BatchNorm2d(3);
}

class Net extends nn.Module {
  first = new nn.Linear(4, 2);
  blocks = new nn.ModuleList([new Block(), new Block()]);
  head = new nn.Sequential(new nn.ReLU(), new nn.Linear(3, 1));
  notAParameter = tensor([5]);
  bias = new nn.Parameter(zeros(1));
}

function expectStateDictError(body: () => unknown, ...fragments: string[]): void {
  let error: unknown;
  try {
    body();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(TsjitError);
  expect((error as TsjitError).code).toBe("STATE_DICT_MISMATCH");
  for (const fragment of fragments) expect((error as TsjitError).message).toContain(fragment);
}

describe("Module registration", () => {
  it("finds class-field parameters and submodules in definition order with dotted names", () => {
    const names = new Net().namedParameters().map(([name]) => name);
    // PyTorch order: the module's own parameters first, then each submodule's, pre-order.
    expect(names).toEqual([
      "bias",
      "first.weight",
      "first.bias",
      "blocks.0.scale",
      "blocks.0.fc.weight",
      "blocks.0.fc.bias",
      "blocks.0.norm.weight",
      "blocks.0.norm.bias",
      "blocks.1.scale",
      "blocks.1.fc.weight",
      "blocks.1.fc.bias",
      "blocks.1.norm.weight",
      "blocks.1.norm.bias",
      "head.1.weight",
      "head.1.bias",
    ]);
  });

  it("finds constructor-assigned members too", () => {
    class Assigned extends nn.Module {
      a: nn.Linear;
      b: nn.Parameter;
      constructor() {
        super();
        this.a = new nn.Linear(1, 1, { bias: false });
        this.b = new nn.Parameter(zeros(2));
      }
    }
    expect(new Assigned().namedParameters().map(([n]) => n)).toEqual(["b", "a.weight"]);
  });

  it("lists modules, children and buffers with PyTorch's names", () => {
    const net = new Net();
    expect(net.namedModules().map(([n]) => n)).toEqual([
      "",
      "first",
      "blocks",
      "blocks.0",
      "blocks.0.fc",
      "blocks.0.norm",
      "blocks.1",
      "blocks.1.fc",
      "blocks.1.norm",
      "head",
      "head.0",
      "head.1",
    ]);
    expect(net.namedChildren().map(([n]) => n)).toEqual(["first", "blocks", "head"]);
    expect(net.children()).toHaveLength(3);
    expect(net.namedBuffers().map(([n]) => n)).toEqual([
      "blocks.0.norm.running_mean",
      "blocks.0.norm.running_var",
      "blocks.0.norm.num_batches_tracked",
      "blocks.1.norm.running_mean",
      "blocks.1.norm.running_var",
      "blocks.1.norm.num_batches_tracked",
    ]);
    expect(net.namedParameters("model", false).map(([n]) => n)).toEqual(["model.bias"]);
  });

  it("lists a shared parameter or module once", () => {
    const shared = new nn.Linear(2, 2);
    const seq = new nn.Sequential(shared, new nn.ReLU(), shared);
    expect(seq.namedParameters().map(([n]) => n)).toEqual(["0.weight", "0.bias"]);
    expect(seq.modules()).toHaveLength(3);
    // The state dict, like PyTorch's, names it under both keys.
    expect([...seq.stateDict().keys()]).toEqual(["0.weight", "0.bias", "2.weight", "2.bias"]);
  });

  it("makes Parameter a Tensor sharing its data's storage", () => {
    const data = tensor([1, 2, 3]);
    const p = new nn.Parameter(data);
    expect(p).toBeInstanceOf(Tensor);
    expect(p.storage).toBe(data.storage);
    expect(p.requiresGrad).toBe(true);
    expect(new nn.Parameter(data, false).requiresGrad).toBe(false);
  });

  it("validates buffer names", () => {
    const m = new nn.Linear(1, 1);
    expect(() => m.registerBuffer("a.b", null)).toThrow(/registerBuffer\(\).*"a\.b"/);
    expect(() => m.registerBuffer("weight", null)).toThrow(/attribute "weight" already exists/);
    expect(() => m.getBuffer("nope")).toThrow(/no buffer named "nope"/);
  });

  it("throws NOT_IMPLEMENTED when forward is missing", () => {
    expect(() => new nn.Module().forward()).toThrow(/Module is missing the required forward\(\)/);
  });
});

describe("ModuleList and Sequential", () => {
  it("indexes, appends and iterates", () => {
    const list = new nn.ModuleList<nn.Linear>();
    list.append(new nn.Linear(1, 2)).append(new nn.Linear(2, 3));
    expect(list.length).toBe(2);
    expect(list.get(-1).outFeatures).toBe(3);
    expect([...list].map((m) => m.inFeatures)).toEqual([1, 2]);
    expect(list.namedChildren().map(([n]) => n)).toEqual(["0", "1"]);
    expect(() => list.get(2)).toThrow(/index 2 is out of range for 2 modules/);
  });

  it("Sequential chains forward", () => {
    class AddOne extends nn.Module {
      override forward(x: Tensor): Tensor {
        return tensor(Array.from(x.toTypedArray(), (v) => v + 1));
      }
    }
    class Double extends nn.Module {
      override forward(x: Tensor): Tensor {
        return tensor(Array.from(x.toTypedArray(), (v) => v * 2));
      }
    }
    expect(new nn.Sequential(new AddOne(), new Double()).forward(tensor([1, 2])).tolist()).toEqual([4, 6]);
  });
});

describe("train and eval", () => {
  it("recurse into every submodule and return the module", () => {
    const net = new Net();
    expect(net.modules().every((m) => m.training)).toBe(true);
    expect(net.eval()).toBe(net);
    expect(net.modules().every((m) => !m.training)).toBe(true);
    net.blocks.train();
    expect(net.training).toBe(false);
    expect(net.blocks.modules().every((m) => m.training)).toBe(true);
    expect(net.train().modules().every((m) => m.training)).toBe(true);
  });
});

describe("stateDict and loadStateDict", () => {
  it("orders own parameters, own buffers, then children, and skips non-persistent buffers", () => {
    class WithBuffers extends nn.Module {
      w = new nn.Parameter(zeros(1));
      child = new nn.BatchNorm2d(2);
      constructor() {
        super();
        this.registerBuffer("stat", zeros(3));
        this.registerBuffer("scratch", zeros(3), { persistent: false });
        this.registerBuffer("absent", null);
      }
    }
    const m = new WithBuffers();
    expect([...m.stateDict().keys()]).toEqual([
      "w",
      "stat",
      "child.weight",
      "child.bias",
      "child.running_mean",
      "child.running_var",
      "child.num_batches_tracked",
    ]);
    expect(m.namedBuffers().map(([n]) => n)).toContain("scratch");
    expect(m.stateDict().get("child.num_batches_tracked")!.dtype).toBe("int64");
  });

  it("shares storage with the module's tensors", () => {
    const m = new nn.Linear(2, 2);
    expect(m.stateDict().get("weight")!.storage).toBe(m.weight.storage);
  });

  it("copies into the existing storage so held references see the new values", () => {
    const source = new nn.Linear(3, 2);
    const target = new nn.Linear(3, 2);
    const held = target.weight;
    const result = target.loadStateDict(source.stateDict());
    expect(result).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(target.weight).toBe(held);
    expect(held.tolist()).toEqual(source.weight.tolist());
    expect(held.storage).not.toBe(source.weight.storage);
    expect(target.bias!.tolist()).toEqual(source.bias!.tolist());
  });

  it("accepts a plain record and converts dtypes as copy_ does", () => {
    const m = new nn.BatchNorm2d(2);
    m.loadStateDict({
      weight: tensor([1, 2], { dtype: "int32" }),
      bias: tensor([0.5, -0.5]),
      running_mean: tensor([1.5, 2.5]),
      running_var: tensor([3, 4]),
      num_batches_tracked: tensor([7.9], { shape: [] }),
    });
    expect(m.weight!.dtype).toBe("float32");
    expect(m.weight!.tolist()).toEqual([1, 2]);
    expect(m.numBatchesTracked!.dtype).toBe("int64");
    expect(m.numBatchesTracked!.item()).toBe(7);
  });

  it("loads non-contiguous sources", () => {
    const m = new nn.Linear(2, 3, { bias: false });
    // A [3, 2] view of a row-major [2, 3] storage, i.e. its transpose.
    const transposed = new Tensor(new Float32Array([1, 2, 3, 4, 5, 6]), [3, 2], [1, 3], 0, "float32");
    m.loadStateDict({ weight: transposed });
    expect(m.weight.tolist()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
  });

  it("lists every missing key, unexpected key and shape mismatch in one error and changes nothing", () => {
    const m = new Net();
    const before = m.first.weight.tolist();
    const sd = m.stateDict();
    sd.delete("first.bias");
    sd.delete("head.1.weight");
    sd.set("extra.weight", zeros(1));
    sd.set("first.weight", zeros(2, 5));
    sd.set("blocks.1.fc.bias", zeros(4));
    expectStateDictError(
      () => m.loadStateDict(sd),
      "Error(s) in loading state_dict for Net:",
      'Missing key(s) in state_dict: "first.bias", "head.1.weight".',
      'Unexpected key(s) in state_dict: "extra.weight".',
      "size mismatch for first.weight: copying a param with shape [2, 5] from checkpoint, the shape in current model is [2, 4].",
      "size mismatch for blocks.1.fc.bias: copying a param with shape [4] from checkpoint, the shape in current model is [3].",
    );
    expect(m.first.weight.tolist()).toEqual(before);
  });

  it("with strict false reports key differences but still rejects shape mismatches", () => {
    const m = new nn.Linear(2, 2);
    const result = m.loadStateDict({ weight: zeros(2, 2), other: zeros(1) }, { strict: false });
    expect(result).toEqual({ missingKeys: ["bias"], unexpectedKeys: ["other"] });
    expect(m.weight.tolist()).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expectStateDictError(() => m.loadStateDict({ weight: zeros(3) }, { strict: false }), "size mismatch for weight");
  });

  it("rejects a value that is not a tensor", () => {
    const m = new nn.Linear(1, 1);
    expectStateDictError(() => m.loadStateDict({ weight: [[1]], bias: zeros(1) }), 'parameter named "weight"');
  });
});
