/**
 * Forward graphs of the library layers, for `script(moduleInstance)`: a scripted user
 * model calls `this.fc.forward(x)` as `prim::CallMethod`, so every layer in the tree
 * needs a graph of its own. Each graph is generated per instance from its
 * configuration: IR text with the instance's stride, padding, eps, ... as constants,
 * parameters and buffers read with `prim::GetAttr`, parsed with `parseGraph` (which
 * verifies nothing; the ScriptModule verifies when the method is defined).
 *
 * The graphs compute exactly what the eager `forward` computes (tests check scripted
 * == eager on random inputs), with these documented differences:
 * - BatchNorm1d/2d: the graph is the eval-mode forward (running statistics). Training
 *   mode mutates the running statistics and the batch counter, which a graph cannot
 *   express yet, so scripting a BatchNorm in training mode is an error, and the graph
 *   raises if the ScriptModule is later switched to training mode.
 * - Softmax/LogSoftmax without a dim: the implicit dim depends on the input's rank,
 *   which no graph op reads; scripting one is an error asking for an explicit dim.
 * - The eager rank checks (BatchNorm's "expected 4D input") are left to the ops.
 */
import { fail } from "../../errors.js";
import type { Graph } from "../../ir/Graph.js";
import { parseGraph } from "../../ir/parser.js";
import { GELU, LeakyReLU, LogSoftmax, ReLU, SiLU, Sigmoid, Softmax, Tanh } from "../layers/activation.js";
import { Sequential } from "../layers/containers.js";
import { Conv1d, Conv2d } from "../layers/conv.js";
import { Dropout } from "../layers/dropout.js";
import { Embedding } from "../layers/embedding.js";
import { Flatten } from "../layers/flatten.js";
import { Identity, Linear } from "../layers/linear.js";
import { BatchNorm1d, BatchNorm2d, GroupNorm, LayerNorm } from "../layers/normalization.js";
import { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d } from "../layers/pooling.js";
import type { Module } from "../Module.js";

/** Builds one graph's text: `graph(%self : C, %input : Tensor): ... return (%out)`. */
class GraphText {
  readonly #lines: string[] = [];
  #next = 0;

  constructor(readonly className: string) {}

  fresh(): string {
    return `%v${this.#next++}`;
  }

  line(text: string): void {
    this.#lines.push(`  ${text}`);
  }

  constant(type: string, value: string): string {
    const name = this.fresh();
    this.line(`${name} : ${type} = prim::Constant[value=${value}]()`);
    return name;
  }

  int(value: number): string {
    return this.constant("int", String(value));
  }

  float(value: number): string {
    return this.constant("float", formatFloat(value));
  }

  bool(value: boolean): string {
    return this.constant("bool", String(value));
  }

  ints(values: readonly number[]): string {
    return this.constant("int[]", `[${values.join(", ")}]`);
  }

  none(type = "NoneType"): string {
    return this.constant(type, "None");
  }

  str(value: string): string {
    return this.constant("str", JSON.stringify(value));
  }

  /** `prim::GetAttr` of a parameter/buffer of self, or None when the module holds null there. */
  tensorOrNone(name: string, value: unknown): string {
    if (value === null || value === undefined) return this.none();
    return this.attr(name, "Tensor");
  }

  attr(name: string, type: string): string {
    const out = this.fresh();
    this.line(`${out} : ${type} = prim::GetAttr[name=${JSON.stringify(name)}](%self)`);
    return out;
  }

  op(kind: string, type: string, args: readonly string[]): string {
    const out = this.fresh();
    this.line(`${out} : ${type} = ${kind}(${args.join(", ")})`);
    return out;
  }

  finish(output: string): Graph {
    const text = `graph(%self : ${this.className},\n      %input : Tensor):\n${this.#lines.join("\n")}${this.#lines.length ? "\n" : ""}  return (${output})\n`;
    return parseGraph(text);
  }
}

function formatFloat(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (value === Infinity) return "inf";
  if (value === -Infinity) return "-inf";
  const text = String(value);
  return /[.eE]/.test(text) ? text : `${text}.`;
}

/**
 * The forward graph of library layer `module` (whose ScriptModule class name is
 * `className`), or undefined when `module` is not a library layer. `childClassName`
 * names the classes of a Sequential's children. Throws when the layer's configuration
 * cannot be scripted (see the file comment).
 */
export function libraryForwardGraph(module: Module, className: string, childClassName: (child: Module) => string): Graph | undefined {
  if (!hasLibraryForward(module)) return undefined;
  const g = new GraphText(className);
  const x = "%input";
  const unary = (kind: string): Graph => g.finish(g.op(kind, "Tensor", [x]));

  if (module instanceof Linear) {
    const w = g.attr("weight", "Tensor");
    const b = g.tensorOrNone("bias", module.bias);
    return g.finish(g.op("aten::linear", "Tensor", [x, w, b]));
  }
  if (module instanceof Conv1d || module instanceof Conv2d) {
    const w = g.attr("weight", "Tensor");
    const b = g.tensorOrNone("bias", module.bias);
    const args = [x, w, b, g.ints(module.stride), g.ints(module.padding), g.ints(module.dilation), g.int(module.groups)];
    return g.finish(g.op(module instanceof Conv1d ? "aten::conv1d" : "aten::conv2d", "Tensor", args));
  }
  if (module instanceof MaxPool2d) {
    const args = [x, g.ints(module.kernelSize), g.ints(module.stride), g.ints(module.padding), g.ints(module.dilation), g.bool(module.ceilMode)];
    return g.finish(g.op("aten::max_pool2d", "Tensor", args));
  }
  if (module instanceof AvgPool2d) {
    const divisor = module.divisorOverride === null ? g.none("int?") : g.int(module.divisorOverride);
    const args = [x, g.ints(module.kernelSize), g.ints(module.stride), g.ints(module.padding), g.bool(module.ceilMode), g.bool(module.countIncludePad), divisor];
    return g.finish(g.op("aten::avg_pool2d", "Tensor", args));
  }
  if (module instanceof AdaptiveAvgPool2d) {
    const [h, w] = typeof module.outputSize === "number" ? [module.outputSize, module.outputSize] : module.outputSize;
    let size: string;
    if (h !== null && w !== null) {
      size = g.ints([h, w]);
    } else {
      // A null entry keeps the input's size there: read it from the input, as eager does.
      const entry = (value: number | null, dim: number): string => (value === null ? g.op("aten::size.int", "int", [x, g.int(dim)]) : g.int(value));
      const hv = entry(h, -2);
      const wv = entry(w, -1);
      size = g.op("prim::ListConstruct", "int[]", [hv, wv]);
    }
    return g.finish(g.op("aten::adaptive_avg_pool2d", "Tensor", [x, size]));
  }
  if (module instanceof BatchNorm1d || module instanceof BatchNorm2d) {
    if (module.training) {
      fail("NOT_IMPLEMENTED", `script(): ${className} is in training mode; scripted BatchNorm layers run in eval mode only (call .eval() before script())`);
    }
    const training = g.attr("training", "bool");
    g.line(`prim::If(${training})`);
    g.line("  block0():");
    const message = `${className}: this scripted BatchNorm runs in eval mode only; call .eval() on the ScriptModule`;
    g.line(`    %msg : str = prim::Constant[value=${JSON.stringify(message)}]()`);
    g.line("    prim::RaiseException(%msg)");
    g.line("    -> ()");
    g.line("  block1():");
    g.line("    -> ()");
    const mean = g.tensorOrNone("running_mean", module.runningMean);
    const variance = g.tensorOrNone("running_var", module.runningVar);
    const useBatchStats = module.runningMean === null && module.runningVar === null;
    const args = [
      x,
      mean,
      variance,
      g.tensorOrNone("weight", module.weight),
      g.tensorOrNone("bias", module.bias),
      g.bool(useBatchStats),
      g.float(module.momentum ?? 0),
      g.float(module.eps),
    ];
    return g.finish(g.op("aten::batch_norm", "Tensor", args));
  }
  if (module instanceof LayerNorm) {
    const args = [x, g.ints(module.normalizedShape), g.tensorOrNone("weight", module.weight), g.tensorOrNone("bias", module.bias), g.float(module.eps)];
    return g.finish(g.op("aten::layer_norm", "Tensor", args));
  }
  if (module instanceof GroupNorm) {
    const args = [x, g.int(module.numGroups), g.tensorOrNone("weight", module.weight), g.tensorOrNone("bias", module.bias), g.float(module.eps)];
    return g.finish(g.op("aten::group_norm", "Tensor", args));
  }
  if (module instanceof Embedding) {
    const padding = module.paddingIdx === null ? g.none("int?") : g.int(module.paddingIdx);
    return g.finish(g.op("aten::embedding", "Tensor", [x, g.attr("weight", "Tensor"), padding]));
  }
  if (module instanceof Dropout) {
    // The module's own flag, read at run time: identity in eval mode, as eager.
    return g.finish(g.op("aten::dropout", "Tensor", [x, g.float(module.p), g.attr("training", "bool")]));
  }
  if (module instanceof ReLU) return unary("aten::relu");
  if (module instanceof Tanh) return unary("aten::tanh");
  if (module instanceof Sigmoid) return unary("aten::sigmoid");
  if (module instanceof SiLU) return unary("aten::silu");
  if (module instanceof GELU) return g.finish(g.op("aten::gelu", "Tensor", [x, g.str(module.approximate)]));
  if (module instanceof LeakyReLU) return g.finish(g.op("aten::leaky_relu", "Tensor", [x, g.float(module.negativeSlope)]));
  if (module instanceof Softmax || module instanceof LogSoftmax) {
    if (module.dim === null) {
      fail("NOT_IMPLEMENTED", `script(): ${className} has no dim; the implicit dim depends on the input's rank, which a graph cannot read; pass dim explicitly (new nn.${className}(dim))`);
    }
    const kind = module instanceof Softmax ? "aten::softmax.int" : "aten::log_softmax.int";
    return g.finish(g.op(kind, "Tensor", [x, g.int(module.dim), g.none("ScalarType?")]));
  }
  if (module instanceof Flatten) return g.finish(g.op("aten::flatten.using_ints", "Tensor", [x, g.int(module.startDim), g.int(module.endDim)]));
  if (module instanceof Identity) return g.finish(x);
  if (module instanceof Sequential) {
    let value = x;
    for (const [name, child] of module.namedChildren()) {
      const m = g.fresh();
      g.line(`${m} : ${childClassName(child)} = prim::GetAttr[name=${JSON.stringify(name)}](%self)`);
      value = g.op('prim::CallMethod[name="forward"]', "Tensor", [m, value]);
    }
    return g.finish(value);
  }
  return undefined;
}

const LIBRARY_CLASSES = [Linear, Conv1d, Conv2d, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, BatchNorm1d, BatchNorm2d, LayerNorm, GroupNorm, Embedding, Dropout, ReLU, Tanh, Sigmoid, SiLU, GELU, LeakyReLU, Softmax, LogSoftmax, Flatten, Identity, Sequential];
const LIBRARY_FORWARDS = new Set<unknown>(LIBRARY_CLASSES.map((c) => c.prototype.forward));

/**
 * Whether `module`'s forward is a library layer's own: a user subclass that overrides
 * forward (with or without @script) is not scripted from the library's configuration.
 */
export function hasLibraryForward(module: Module): boolean {
  return LIBRARY_FORWARDS.has(module.forward);
}
