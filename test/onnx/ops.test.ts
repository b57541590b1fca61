/**
 * The op mappings one by one: small functions over tsjit's ops are traced (which
 * records every op with its arguments explicit, as scripting does), exported with
 * their example inputs, run in onnxruntime-node, and compared with tsjit: values
 * within 1e-5 (1 + max|want|), dtypes and shapes equal.
 */
import { describe, expect, it } from "vitest";
import * as T from "../../runtime/index.js";
import { manualSeed, randn, tensor, type Tensor } from "../../runtime/index.js";
import { trace } from "../../runtime/jit/trace.js";
import { toOnnxModel } from "../../runtime/onnx/index.js";
import { quietly } from "../serialize/modelFiles.js";
import { maxAbs, maxAbsDifference, ortSession, runOrt } from "./ortRun.js";

type Case = readonly [name: string, fn: (...inputs: Tensor[]) => Tensor | Tensor[], inputs: () => Tensor[], opset?: number];

const x34 = (): Tensor[] => [randn([3, 4])];
const two34 = (): Tensor[] => [randn([3, 4]), randn([3, 4])];
const image = (): Tensor[] => [randn([2, 4, 6, 6])];
const positive = (): Tensor[] => [randn([3, 4]).abs().add(0.1)];

const CASES: readonly Case[] = [
  ["add with alpha", (a, b) => T.add(a!, b!, { alpha: 2 }), two34],
  ["sub scalar", (a) => T.sub(a!, 1.5), x34],
  ["mul, div", (a, b) => T.div(T.mul(a!, b!), b!.abs().add(1)), two34],
  ["pow scalar and tensor", (a, b) => T.pow(a!, 2).add(T.pow(a!.abs().add(0.5), b!)).add(T.pow(2, b!)), two34],
  ["maximum, minimum", (a, b) => T.maximum(a!, b!).sub(T.minimum(a!, b!)), two34],
  ["remainder (divisor's sign)", (a) => T.remainder(a!, -0.7), x34],
  ["comparisons", (a, b) => [T.eq(a!, b!), T.ne(a!, 0), T.lt(a!, b!), T.le(a!, 0.5), T.gt(a!, b!), T.ge(a!, -0.5)], two34],
  ["logical and, or, not", (a, b) => T.logicalOr(T.logicalAnd(T.gt(a!, 0), T.gt(b!, 0)), T.logicalNot(T.gt(a!, b!))), two34],
  ["where", (a, b) => T.where(T.gt(a!, 0), a!, b!).add(T.where(T.gt(b!, 0), a!, 0.5)), two34],
  ["exp, log, sqrt, rsqrt", (a) => T.exp(a!).add(T.log(a!)).add(T.sqrt(a!)).add(T.rsqrt(a!)), positive],
  ["sin, cos, tanh, sigmoid, erf", (a) => T.sin(a!).add(T.cos(a!)).add(T.tanh(a!)).add(T.sigmoid(a!)).add(T.erf(a!)), x34],
  ["reciprocal, abs, sign, neg, square", (a) => T.reciprocal(a!).add(T.abs(a!)).add(T.sign(a!)).add(T.neg(a!)).add(T.square(a!)), positive],
  ["floor, ceil, round", (a) => T.floor(a!.mul(3)).add(T.ceil(a!.mul(3))).add(T.round(a!.mul(3))), x34],
  ["log1p, expm1", (a) => T.log1p(a!).add(T.expm1(a!)), positive],
  ["relu, silu, gelu, gelu tanh", (a) => T.relu(a!).add(T.silu(a!)).add(T.gelu(a!)).add(T.gelu(a!, { approximate: "tanh" })), x34],
  ["softplus, elu, leaky_relu", (a) => T.softplus(a!.mul(15), { beta: 2 }).add(T.elu(a!, { alpha: 0.5 })).add(T.leakyRelu(a!, 0.2)), x34],
  ["hardtanh, clamp", (a) => T.hardtanh(a!).add(T.clamp(a!, { min: -0.5 })).add(T.clamp(a!, { min: -0.2, max: 0.3 })), x34],
  ["sum, mean, prod over dims", (a) => [T.sum(a!, [1], true), T.mean(a!, [0, 1]), T.prod(a!, 1), T.sum(a!)], x34],
  ["amax, amin, max, min", (a) => [T.amax(a!, [1]), T.amin(a!, [0], true), T.max(a!), T.min(a!)], x34],
  ["max.dim, min.dim", (a) => [...T.max(a!, 1), ...T.min(a!, 0, true)], x34],
  ["argmax, argmin", (a) => [T.argmax(a!, 1), T.argmin(a!), T.argmax(a!, 0, true)], x34],
  ["var, std", (a) => [T.var(a!), T.std(a!, [1], { unbiased: false, keepdim: true }), T.var(a!, [0], { correction: 0 })], x34],
  ["logsumexp, cumsum", (a) => [T.logsumexp(a!, [1]), T.cumsum(a!, 0)], x34],
  ["all, any", (a) => [T.all(T.gt(a!, -1), 1), T.any(T.gt(a!, 1))], x34],
  ["softmax, log_softmax", (a) => [T.softmax(a!, 0), T.logSoftmax(a!, -1)], x34],
  ["conv2d: stride, padding, groups", (x) => T.conv2d(x!, weightOf([6, 2, 3, 3]), weightOf([6]), { stride: 2, padding: 1, groups: 2 }), image],
  ["conv2d padding same", (x) => T.conv2d(x!, weightOf([3, 4, 3, 3]), null, { padding: "same" }), image],
  ["conv1d", (x) => T.conv1d(x!, weightOf([5, 3, 2]), weightOf([5]), { dilation: 2 }), () => [randn([2, 3, 9])]],
  ["max_pool2d, avg_pool2d", (x) => [T.maxPool2d(x!, 3, { stride: 2, padding: 1 }), T.avgPool2d(x!, 2, { countIncludePad: false })], image],
  ["adaptive_avg_pool2d to 1", (x) => T.adaptiveAvgPool2d(x!, 1), image],
  ["batch_norm", (x) => T.batchNorm(x!, weightOf([4]), weightOf([4]).abs().add(0.5), weightOf([4]), null, false, 0.1, 1e-3), image],
  ["layer_norm without weight", (x) => T.layerNorm(x!, [6, 6]), image],
  ["layer_norm at opset 13", (x) => T.layerNorm(x!, [6], weightOf([6]), weightOf([6])), image, 13],
  ["linear on 3-d input", (x) => T.linear(x!, weightOf([5, 6]), weightOf([5])), () => [randn([2, 3, 6])]],
  ["addmm, bmm, mv, dot, outer", (a) => [T.addmm(a!, a!, weightOf([4, 4]), { beta: 0.5, alpha: 2 }), T.bmm(a!.unsqueeze(0), weightOf([1, 4, 2])), T.mv(a!, weightOf([4])), T.dot(weightOf([3]), weightOf([3])), T.outer(weightOf([2]), weightOf([3]))], () => [randn([4, 4])]],
  ["reshape, view, flatten, unflatten", (x) => [x!.reshape(-1, 6), x!.view(2, -1), T.flatten(x!, 0, 1), T.flatten(x!, 1, 2), T.unflatten(x!, 1, [2, 2])], image],
  ["transpose, permute, movedim", (x) => [x!.transpose(1, -1), x!.permute(3, 0, 2, 1), T.movedim(x!, [0, -1], [2, 0])], image],
  ["t", (a) => a!.t(), x34],
  ["squeeze, unsqueeze, expand", (a) => [a!.unsqueeze(-1).squeeze(2), a!.unsqueeze(0).expand(2, -1, -1), a!.unsqueeze(1).squeeze()], x34],
  ["narrow, select, slice", (x) => [T.narrow(x!, 2, 1, 3), T.select(x!, 1, -1), T.slice(x!, 3, 1, null, 2), T.slice(x!, 0, null, -1)], image],
  ["chunk, split, unbind", (a) => [...T.chunk(a!, 2, 1), ...T.split(a!, [1, 2], 0), ...T.split(a!, 3, 1), ...T.unbind(a!, 0)], x34],
  ["cat, stack", (a, b) => [T.cat([a!, b!], 1), T.stack([a!, b!], -1)], two34],
  ["index_select, gather, embedding", (a) => [T.indexSelect(a!, 1, tensor([2, 0], { dtype: "int64" })), T.gather(a!, 0, tensor([[0, 2, 1, 0]], { dtype: "int64" })), T.embedding(tensor([[1, 2], [0, 1]], { dtype: "int64" }), a!)], x34],
  ["repeat, flip, roll", (a) => [a!.repeat(2, 1, 2), T.flip(a!, [0, 1]), T.roll(a!, [1, -5], [0, 1]), T.roll(a!, [7])], x34],
  ["group_norm", (x) => [T.groupNorm(x!, 2, weightOf([4]), weightOf([4])), T.groupNorm(x!, 4)], image],
  ["tril, triu", (a) => [T.tril(a!), T.triu(a!, 1)], x34],
  ["zeros_like, ones_like, full_like, zeros, arange", (a) => [T.zerosLike(a!), T.onesLike(a!), T.fullLike(a!, 2.5), T.zeros([2, a!.size(0)]), T.arange(1, 2, 0.25), T.arange(4)], x34],
  ["clone, to, float, long", (a) => [T.clone(a!), a!.to("int64"), a!.mul(3).long().float()], x34],
  ["numbers: size, item, arithmetic", (a) => a!.mul(a!.size(0) * 2 + 1).div(a!.mean().item() + 3), x34],
];

const weights = new Map<string, Tensor>();

/** A fixed tensor of `shape`, made on the eager run before tracing, so the trace holds it as a constant. */
function weightOf(shape: number[]): Tensor {
  const key = shape.join(",");
  if (!weights.has(key)) weights.set(key, randn(shape));
  return weights.get(key)!;
}

describe.each(CASES.map((c) => [c[0], c] as const))("%s", (name, [, fn, makeInputs, opset]) => {
  it("runs in ONNX Runtime as in tsjit", async () => {
    manualSeed(3);
    const inputs = makeInputs();
    fn(...inputs);
    const traced = quietly(() => trace(fn, inputs));
    const wants = [traced.call(...inputs)].flat() as Tensor[];
    const session = await ortSession(toOnnxModel(traced, { exampleInputs: inputs, ...(opset ? { opset } : {}) }));
    const gots = await runOrt(session, inputs);
    expect(gots.length).toBe(wants.length);
    gots.forEach((got, i) => {
      expect(got.dtype, `${name}: output ${i} dtype`).toBe(wants[i]!.dtype);
      expect(maxAbsDifference(got, wants[i]!), `${name}: output ${i}`).toBeLessThanOrEqual(1e-5 * (1 + maxAbs(wants[i]!.float())));
    });
  });
});

describe("numbers computed at run time (0-d tensors in ONNX)", () => {
  const NUMBERS_IR = `graph(%x : Tensor):
  %zero : int = prim::Constant[value=0]()
  %one : int = prim::Constant[value=1]()
  %none : NoneType = prim::Constant[value=None]()
  %false : bool = prim::Constant[value=false]()
  %rows : int = aten::size.int(%x, %zero)
  %cols : int = aten::size.int(%x, %one)
  %quotient : int = aten::floordiv.int(%cols, %rows)
  %rest : int = aten::remainder.int(%cols, %rows)
  %product : int = aten::mul.int(%quotient, %rest)
  %ratio : float = aten::div.int(%cols, %rows)
  %mean : Tensor = aten::mean.dim(%x, %none, %false, %none)
  %m : float = aten::Float.Tensor(%mean)
  %scale : float = aten::add.float(%m, %ratio)
  %scaled : Tensor = aten::mul.Scalar(%x, %scale)
  %whole : int = aten::round.float(%scale)
  %sum : int = aten::add.int(%whole, %product)
  %wide : bool = aten::gt.int(%cols, %rows)
  %y : Tensor = prim::If(%wide)
    block0():
      %a : Tensor = aten::add.Scalar(%scaled, %sum, %one)
      -> (%a)
    block1():
      %b : Tensor = aten::neg(%scaled)
      -> (%b)
  return (%y)`;

  it("size, floordiv, remainder, Float(item), round, comparisons and an If follow the input's dims", async () => {
    const fn = new T.ScriptFunction("numbers", T.parseGraph(NUMBERS_IR));
    manualSeed(5);
    const session = await ortSession(toOnnxModel(fn, { exampleInputs: [randn([3, 4])], dynamicAxes: { x: { 0: "rows", 1: "cols" } } }));
    for (const shape of [[3, 4], [2, 7], [5, 2]]) {
      const x = randn(shape);
      const want = fn.call(x) as Tensor;
      const [got] = await runOrt(session, [x]);
      expect(maxAbsDifference(got!, want), `shape [${shape}]`).toBeLessThanOrEqual(1e-5 * (1 + maxAbs(want)));
    }
  });
});

describe("tsjit::fused_pointwise: every program statement as its unfused ops map", () => {
  /** Statements on x0, each followed by an add of x1 (broadcast): positive x0 for the ops defined only there. */
  const UNARY_STATEMENTS: readonly (readonly [statement: string, positiveInput: boolean])[] = [
    ["relu(x0)", false], ["neg(x0)", false], ["abs(x0)", false], ["exp(x0)", false], ["log(x0)", true], ["sqrt(x0)", true],
    ["rsqrt(x0)", true], ["sin(x0)", false], ["cos(x0)", false], ["tanh(x0)", false], ["sigmoid(x0)", false], ["erf(x0)", false],
    ["floor(x0)", false], ["ceil(x0)", false], ["round(x0)", false], ["sign(x0)", false], ["reciprocal(x0)", true], ["log1p(x0)", true],
    ["expm1(x0)", false], ["square(x0)", false], ["gelu(x0)", false], ["gelu_tanh(x0)", false], ["silu(x0)", false],
    ["leaky_relu(x0, 0.2)", false], ["elu(x0, 0.5)", false], ["softplus(x0, 2, 1)", false], ["clamp(x0, -0.3, 0.4)", false], ["clamp(x0, -inf, 0.1)", false],
  ];
  const PROGRAMS: readonly (readonly [program: string, positiveInput: boolean])[] = [
    ...UNARY_STATEMENTS.map(([statement, positive]) => [`t0 = ${statement}; t1 = add(t0, x1)`, positive] as const),
    ["t0 = maximum(x0, x1); t1 = minimum(t0, x0); t2 = sub(t1, 0.25); t3 = div(t2, x1); t4 = mul(t3, 3); t5 = add(t4, x0)", false],
  ];

  it.each(PROGRAMS)("%s", async (program, positive) => {
    const fn = new T.ScriptFunction(
      "fused",
      T.parseGraph(`graph(%x : Tensor, %b : Tensor):
  %inputs : Tensor[] = prim::ListConstruct(%x, %b)
  %program : str = prim::Constant[value="${program}"]()
  %y : Tensor = tsjit::fused_pointwise(%inputs, %program)
  return (%y)`),
    );
    manualSeed(7);
    const x = randn([3, 4]).mul(2);
    const inputs = [positive ? x.abs().add(0.1) : x, randn([4]).abs().add(0.5)];
    const want = fn.call(...inputs) as Tensor;
    const [got] = await runOrt(await ortSession(toOnnxModel(fn, { exampleInputs: inputs })), inputs);
    expect(maxAbsDifference(got!, want)).toBeLessThanOrEqual(1e-5 * (1 + maxAbs(want)));
  });
});

describe("tsjit::addmm_act: Gemm, then the activation", () => {
  it.each(["relu", "tanh", "sigmoid", "silu", "gelu", "gelu_tanh"])("%s", async (activation) => {
    const fn = new T.ScriptFunction(
      "addmm_act",
      T.parseGraph(`graph(%bias : Tensor, %a : Tensor, %w : Tensor):
  %activation : str = prim::Constant[value="${activation}"]()
  %y : Tensor = tsjit::addmm_act(%bias, %a, %w, %activation)
  return (%y)`),
    );
    manualSeed(8);
    const inputs = [randn([5]), randn([3, 4]), randn([4, 5])];
    const want = fn.call(...inputs) as Tensor;
    const [got] = await runOrt(await ortSession(toOnnxModel(fn, { exampleInputs: inputs })), inputs);
    expect(maxAbsDifference(got!, want)).toBeLessThanOrEqual(1e-5 * (1 + maxAbs(want)));
  });
});

describe("tsjit::conv2d_act_max_pool2x2: Conv, the activation, then MaxPool", () => {
  it.each([
    ["relu, an odd 7 x 5 convolution", "relu", [1, 1], [0, 0], [2, 3, 9, 7]],
    ["sigmoid, stride 2 and padding 1", "sigmoid", [2, 2], [1, 1], [1, 3, 10, 11]],
  ])("%s", async (_label, activation, stride, padding, inputShape) => {
    const fn = new T.ScriptFunction(
      "conv_pool",
      T.parseGraph(`graph(%x : Tensor, %w : Tensor, %b : Tensor):
  %stride : int[] = prim::Constant[value=[${stride.join(", ")}]]()
  %padding : int[] = prim::Constant[value=[${padding.join(", ")}]]()
  %one : int[] = prim::Constant[value=[1, 1]]()
  %groups : int = prim::Constant[value=1]()
  %activation : str = prim::Constant[value="${activation}"]()
  %y : Tensor = tsjit::conv2d_act_max_pool2x2(%x, %w, %b, %stride, %padding, %one, %groups, %activation)
  return (%y)`),
    );
    manualSeed(9);
    const inputs = [randn(inputShape as number[]), randn([4, 3, 3, 3]), randn([4])];
    const want = fn.call(...inputs) as Tensor;
    const [got] = await runOrt(await ortSession(toOnnxModel(fn, { exampleInputs: inputs })), inputs);
    expect(got!.shape).toEqual(want.shape);
    expect(maxAbsDifference(got!, want)).toBeLessThanOrEqual(1e-5 * (1 + maxAbs(want)));
  });
});

describe("tsjit::matmul_add, matmul_add_act and stacked_matmul: MatMul, Add, then the activation", () => {
  it.each([
    ["matmul_add with a [2, 3, 5] addend over a 1-D input", "tsjit::matmul_add(%a, %w, %c)", [randn([4]), randn([4, 5]), randn([2, 3, 5])]],
    ["matmul_add_act (tanh) over a batch", `tsjit::matmul_add_act(%a, %w, %c, %tanh)`, [randn([2, 3, 4]), randn([4, 5]), randn([3, 5])]],
    ["stacked_matmul with an addend", "tsjit::stacked_matmul(%a, %w, %c)", [randn([6, 2, 4]), randn([4, 5]), randn([5])]],
    ["stacked_matmul without", "tsjit::stacked_matmul(%a, %w, %none)", [randn([6, 4]), randn([4, 5]), randn([5])]],
  ])("%s", async (_label, call, inputs) => {
    const fn = new T.ScriptFunction(
      "fused_product",
      T.parseGraph(`graph(%a : Tensor, %w : Tensor, %c : Tensor):
  %tanh : str = prim::Constant[value="tanh"]()
  %none : NoneType = prim::Constant[value=None]()
  %y : Tensor = ${call}
  return (%y)`),
    );
    const want = fn.call(...inputs) as Tensor;
    const [got] = await runOrt(await ortSession(toOnnxModel(fn, { exampleInputs: inputs })), inputs);
    expect([...got!.shape]).toEqual([...want.shape]);
    expect(maxAbsDifference(got!, want)).toBeLessThanOrEqual(1e-5 * (1 + maxAbs(want)));
  });
});
