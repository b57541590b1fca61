/**
 * TracerWarning: emitted exactly when user code turns a tensor into a JS value
 * while tracing, once per read site per trace, naming the user's file:line:col.
 */
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { mean, nn, randn, relu, softmax, type Tensor } from "../../runtime/index.js";
import { setOpObserver } from "../../runtime/ops/dispatch.js";
import { setTensorObserver } from "../../runtime/tensor/Tensor.js";
import { trace, TracerWarning } from "../../runtime/jit/trace.js";

let emitWarning: MockInstance<typeof process.emitWarning>;

beforeEach(() => {
  emitWarning = vi.spyOn(process, "emitWarning").mockImplementation(() => {});
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** The messages of the TracerWarnings emitted so far. */
function tracerWarnings(): string[] {
  return emitWarning.mock.calls
    .filter((call) => (call[1] as { type?: string } | undefined)?.type === "TracerWarning")
    .map((call) => String(call[0]));
}

const THIS_FILE = /test\/jit\/tracerWarning\.test\.ts:(\d+):\d+\)$/;

describe("TracerWarning", () => {
  it("is emitted for item(), naming this file and line", () => {
    const line = Number(new Error().stack!.split("\n")[1]!.match(/:(\d+):\d+\)?$/)![1]) + 2;
    trace(function f(x: Tensor) {
      return x.sum().item() > 0 ? relu(x) : x;
    }, [randn([3])]);
    const warnings = tracerWarnings();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^Converting a tensor to a JavaScript number\/boolean \(item\(\)\) might cause the trace to be incorrect\./);
    expect(warnings[0]).toMatch(/this value will be treated as a constant in the future.*might not generalize to other inputs!/);
    expect(Number(warnings[0]!.match(THIS_FILE)![1])).toBe(line);
  });

  it("is emitted for tolist() and toTypedArray()", () => {
    trace((x: Tensor) => {
      x.tolist();
      return x;
    }, [randn([2])]);
    trace((x: Tensor) => {
      x.toTypedArray();
      return x;
    }, [randn([2])]);
    const warnings = tracerWarnings();
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/to a JavaScript array \(tolist\(\)\)/);
    expect(warnings[1]).toMatch(/to a TypedArray \(toTypedArray\(\)\)/);
    for (const w of warnings) expect(w).toMatch(THIS_FILE);
  });

  it("is emitted for a comparison through Symbol.toPrimitive", () => {
    trace((x: Tensor) => ((mean(x) as unknown as number) > 0.5 ? relu(x) : x), [randn([4])]);
    const warnings = tracerWarnings();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/Symbol\.toPrimitive/);
    expect(warnings[0]).toMatch(THIS_FILE);
  });

  it("is emitted once per read site per trace", () => {
    const f = function loop(x: Tensor) {
      let y = x;
      for (let i = 0; i < 3; i++) if (y.sum().item() !== 0) y = relu(y);
      return y;
    };
    trace(f, [randn([2])]);
    expect(tracerWarnings()).toHaveLength(1);
    trace(f, [randn([2])]);
    expect(tracerWarnings()).toHaveLength(2);
  });

  it("is not emitted when no value is read, nor for reads inside ops", () => {
    class Model extends nn.Module {
      fc = new nn.Linear(4, 3);
      override forward(x: Tensor): Tensor {
        return softmax(relu(this.fc.forward(x)), -1);
      }
    }
    trace(new Model(), [randn([2, 4])]);
    trace((x: Tensor) => x.reshape(x.size(0), -1), [randn([2, 2])]);
    expect(tracerWarnings()).toEqual([]);
  });

  it("is not emitted outside tracing", () => {
    const x = randn([1]);
    x.item();
    x.tolist();
    void ((x as unknown as number) > 0);
    trace((t: Tensor) => relu(t), [x]);
    x.item();
    expect(tracerWarnings()).toEqual([]);
  });

  it("leaves no observer behind after a throwing forward", () => {
    class Throws extends nn.Module {
      override forward(x: Tensor): Tensor {
        if (x.sum().item() > -Infinity) throw new Error("boom");
        return x;
      }
    }
    expect(() => trace(new Throws(), [randn([2])])).toThrow("boom");
    expect(tracerWarnings()).toHaveLength(1);
    expect(setOpObserver(undefined)).toBeUndefined();
    expect(setTensorObserver(undefined)).toBeUndefined();
    randn([1]).item();
    expect(tracerWarnings()).toHaveLength(1);
  });

  it("recognises the emitted warning as a TracerWarning", () => {
    emitWarning.mockRestore();
    const seen: Error[] = [];
    const listener = (warning: Error) => seen.push(warning);
    process.on("warning", listener);
    try {
      trace((x: Tensor) => (x.sum().item() > 0 ? x : relu(x)), [randn([2])]);
      return new Promise<void>((resolve) =>
        setImmediate(() => {
          const ours = seen.filter((w) => w instanceof TracerWarning);
          expect(ours).toHaveLength(1);
          expect(ours[0]!.name).toBe("TracerWarning");
          expect(ours[0]!.message).toMatch(THIS_FILE);
          expect(new TracerWarning("x")).toBeInstanceOf(Error);
          expect(new Error("y") instanceof TracerWarning).toBe(false);
          resolve();
        }),
      );
    } finally {
      setImmediate(() => process.off("warning", listener));
    }
  });
});
