/** Layers' ops: linear algebra, convolution and pooling, normalization, softmax, reductions. */
import { Tensor } from "../../tensor/Tensor.js";
import type { LoweredTensor } from "../lowered.js";
import type { NodeLowering } from "../NodeLowering.js";
import { activation } from "./elementwise.js";
import type { OpMapping, OpMappingTable } from "./OpMapping.js";
import { broadcastRank, castTo, promoted } from "./promotion.js";

function matmulRank(a: LoweredTensor, b: LoweredTensor): number | undefined {
  if (a.rank === undefined || b.rank === undefined) return undefined;
  if (a.rank === 1 && b.rank === 1) return 0;
  if (a.rank === 1) return b.rank - 1;
  if (b.rank === 1) return a.rank - 1;
  return Math.max(a.rank, b.rank);
}

function matmul(n: NodeLowering, a: LoweredTensor, b: LoweredTensor): LoweredTensor {
  return n.op("MatMul", [a, b], a.dtype, matmulRank(a, b));
}

/** Transposed weights are computed once per weight tensor, so a weight used twice is stored once. */
const transposedWeights = new WeakMap<Tensor, Tensor>();

/** `weight`ᵀ: a new initializer when the weight is a constant (the usual case after freezing), else a Transpose node. */
function transposedWeight(n: NodeLowering, index: number): LoweredTensor {
  const weight = n.constant(index);
  if (weight instanceof Tensor && weight.shape.length === 2) {
    let transposed = transposedWeights.get(weight);
    if (!transposed) transposedWeights.set(weight, (transposed = weight.t().contiguous()));
    const input = n.inputs[index]!;
    const name = input.kind === "constant" && input.name !== undefined ? `${input.name}.T` : "weight.T";
    return { kind: "tensor", name: n.builder.tensorConstant(transposed, name), dtype: weight.dtype, rank: 2 };
  }
  const w = n.tensor(index);
  return n.op("Transpose", [w], w.dtype, 2, { perm: { ints: [1, 0] } });
}

/** linear(x, W, b) with W and b the node's inputs at weightIndex and biasIndex: Gemm for a 2-D x, MatMul by Wᵀ (+ Add b) otherwise. */
function linearOf(n: NodeLowering, x: LoweredTensor, weightIndex: number, biasIndex: number): LoweredTensor {
  const bias = n.optionalTensor(biasIndex);
  const weight = () => n.tensor(weightIndex);
  if (x.rank === 2) return n.op("Gemm", bias ? [x, weight(), bias] : [x, weight()], x.dtype, 2, { transB: { int: 1 } });
  const product = matmul(n, x, transposedWeight(n, weightIndex));
  return bias ? n.op("Add", [product, bias], x.dtype, product.rank) : product;
}

function linear(n: NodeLowering): LoweredTensor {
  return linearOf(n, n.tensor(0), 1, 2);
}

/** tsjit::linear_act_linear: each layer as tsjit::linear_act (or aten::linear, for "none") lowers; the hidden result and the output. */
function linearPair(n: NodeLowering): LoweredTensor[] {
  const layer = (x: LoweredTensor, weightIndex: number) => {
    const product = linearOf(n, x, weightIndex, weightIndex + 1);
    return n.str(weightIndex + 2) === "none" ? product : fusedActivation(n, product, weightIndex + 2);
  };
  const hidden = layer(n.tensor(0), 1);
  return [hidden, layer(hidden, 4)];
}

/** Conv's attributes: ONNX pads are all begins, then all ends. */
function convolution(n: NodeLowering, spatial: number): LoweredTensor {
  const x = n.tensor(0);
  const bias = n.optionalTensor(2);
  const padding = n.constant(4);
  const attributes = {
    strides: { ints: n.ints(3) },
    dilations: { ints: n.ints(5) },
    group: { int: n.int(6) },
    ...(typeof padding === "string" ? stringPadding(n, padding) : { pads: { ints: [...n.ints(4), ...n.ints(4)] } }),
  };
  return n.op("Conv", bias ? [x, n.tensor(1), bias] : [x, n.tensor(1)], x.dtype, spatial + 2, attributes);
}

function stringPadding(n: NodeLowering, padding: string): Record<string, { string: string }> {
  if (padding === "valid") return { auto_pad: { string: "VALID" } };
  if (padding === "same") return { auto_pad: { string: "SAME_UPPER" } };
  return n.fail(`with padding=${JSON.stringify(padding)} has no mapping`);
}

function maxPool(n: NodeLowering): LoweredTensor {
  const x = n.tensor(0);
  const kernel = n.ints(1);
  const stride = n.optionalInts(2);
  const padding = n.ints(3);
  return n.op("MaxPool", [x], x.dtype, x.rank, {
    kernel_shape: { ints: kernel },
    strides: { ints: stride === undefined || stride.length === 0 ? kernel : stride },
    pads: { ints: [...padding, ...padding] },
    dilations: { ints: n.ints(4) },
    ceil_mode: { int: n.bool(5) ? 1 : 0 },
  });
}

function avgPool(n: NodeLowering): LoweredTensor {
  const x = n.tensor(0);
  const kernel = n.ints(1);
  const stride = n.optionalInts(2);
  const padding = n.ints(3);
  if (n.inputs.length > 6 && !n.isNone(6)) n.fail("with divisor_override has no mapping");
  return n.op("AveragePool", [x], x.dtype, x.rank, {
    kernel_shape: { ints: kernel },
    strides: { ints: stride === undefined || stride.length === 0 ? kernel : stride },
    pads: { ints: [...padding, ...padding] },
    ceil_mode: { int: n.bool(4) ? 1 : 0 },
    count_include_pad: { int: n.bool(5) ? 1 : 0 },
  });
}

function globalAveragePool(n: NodeLowering): LoweredTensor {
  const x = n.tensor(0);
  if (n.ints(1).some((size) => size !== 1)) n.fail(`with output_size ${JSON.stringify(n.ints(1))} has no mapping (only 1, as GlobalAveragePool)`);
  return n.op("GlobalAveragePool", [x], x.dtype, x.rank);
}

/** Reduce* over `axes` (undefined: every axis). ReduceSum takes axes as an input from opset 13, the others from opset 18. */
export function reduce(n: NodeLowering, onnx: string, x: LoweredTensor, axes: readonly number[] | undefined, keepdim: boolean): LoweredTensor {
  const all = axes === undefined || axes.length === 0;
  const rank = x.rank === undefined ? undefined : keepdim ? x.rank : all ? 0 : x.rank - axes.length;
  const axesAsInput = onnx === "ReduceSum" || n.opset >= 18;
  const inputs = all || !axesAsInput ? [x] : [x, n.int64s(axes)];
  const attributes = { keepdims: { int: keepdim ? 1 : 0 }, ...(all || axesAsInput ? {} : { axes: { ints: [...axes] } }) };
  return n.op(onnx, inputs, x.dtype, rank, attributes);
}

/** sum/mean/prod with `(self, dim, keepdim, dtype)`. */
function reduction(onnx: string): OpMapping["lower"] {
  return (n) => {
    const dtype = n.dtype(3);
    const x = dtype ? castTo(n, n.tensor(0), dtype) : n.tensor(0);
    return reduce(n, onnx, x, n.optionalInts(1), n.bool(2));
  };
}

function extremum(onnx: string): OpMapping {
  return { onnx, lower: (n) => reduce(n, onnx, n.tensor(0), n.ints(1), n.bool(2)) };
}

/** max.dim / min.dim: values and int64 indices. */
function extremumWithIndices(reduceOp: string, argOp: string): OpMapping {
  return {
    onnx: `${reduceOp} and ${argOp}`,
    lower: (n) => {
      const x = n.tensor(0);
      const [dim, keepdim] = [n.int(1), n.bool(2)];
      const values = reduce(n, reduceOp, x, [dim], keepdim);
      return [values, n.op(argOp, [x], "int64", values.rank, { axis: { int: dim }, keepdims: { int: keepdim ? 1 : 0 } })];
    },
  };
}

function argExtremum(onnx: string): OpMapping {
  return {
    onnx,
    lower: (n) => {
      let x = n.tensor(0);
      const dim = n.optionalInt(1);
      const keepdim = n.bool(2);
      if (dim === undefined) {
        if (keepdim) n.fail("with dim=None and keepdim=true has no mapping");
        x = n.op("Reshape", [x, n.int64s([-1])], x.dtype, 1);
      }
      const rank = x.rank === undefined ? undefined : keepdim ? x.rank : x.rank - 1;
      return n.op(onnx, [x], "int64", rank, { axis: { int: dim ?? 0 }, keepdims: { int: keepdim ? 1 : 0 } });
    },
  };
}

/**
 * var/std: ReduceSum((x - mean)²) / (N - correction), N the count of reduced elements
 * (Size(x) / Size(mean), so it follows the input's dims at run time).
 */
function variance(sqrt: boolean, dims: boolean): OpMapping {
  return {
    onnx: `ReduceMean, Sub, Mul, ReduceSum, Size, Div${sqrt ? ", Sqrt" : ""}`,
    lower: (n) => {
      const x = castTo(n, n.tensor(0), "float32");
      const axes = dims ? n.optionalInts(1) : undefined;
      const unbiased = n.bool(dims ? 2 : 1);
      const keepdim = dims ? n.bool(3) : false;
      const correction = (dims ? n.optionalInt(4) : undefined) ?? (unbiased ? 1 : 0);
      const mean = reduce(n, "ReduceMean", x, axes, true);
      const centered = n.op("Sub", [x, mean], x.dtype, x.rank);
      const sum = reduce(n, "ReduceSum", n.op("Mul", [centered, centered], x.dtype, x.rank), axes, keepdim);
      const count = castTo(n, n.op("Div", [n.op("Size", [x], "int64", 0), n.op("Size", [mean], "int64", 0)], "int64", 0), "float32");
      const divisor = n.op("Sub", [count, n.scalarLike(correction, count)], "float32", 0);
      const result = n.op("Div", [sum, divisor], "float32", sum.rank);
      return sqrt ? n.op("Sqrt", [result], "float32", result.rank) : result;
    },
  };
}

/** all/any: ReduceMin/ReduceMax of the values as 0/1 (ONNX has no boolean reduction). */
function booleanReduction(onnx: "ReduceMin" | "ReduceMax"): OpMapping {
  return {
    onnx: `Cast, ${onnx}, Cast`,
    lower: (n) => {
      const asInt = castTo(n, castTo(n, n.tensor(0), "bool"), "int64");
      const dim = n.optionalInt(1);
      return castTo(n, reduce(n, onnx, asInt, dim === undefined ? undefined : [dim], n.bool(2)), "bool");
    },
  };
}

function softmax(onnx: string): OpMapping {
  return {
    onnx,
    lower: (n) => {
      const dtype = n.dtype(2);
      const x = dtype ? castTo(n, n.tensor(0), dtype) : n.tensor(0);
      return n.op(onnx, [x], x.dtype, x.rank, { axis: { int: n.int(1) } });
    },
  };
}

/** A tensor of `shape` filled with `value`: Expand of a 0-d constant. */
function filledLike(n: NodeLowering, value: number, shape: LoweredTensor, like: LoweredTensor, rank: number | undefined): LoweredTensor {
  return n.op("Expand", [n.scalarLike(value, like), shape], like.dtype, rank);
}

/** LayerNormalization from opset 17; before it, the mean/variance decomposition. */
function layerNorm(n: NodeLowering): LoweredTensor {
  const x = n.tensor(0);
  const normalizedShape = n.ints(1);
  const eps = n.float(4);
  const weight = n.optionalTensor(2) ?? filledLike(n, 1, n.int64s(normalizedShape), x, normalizedShape.length);
  const bias = n.optionalTensor(3) ?? filledLike(n, 0, n.int64s(normalizedShape), x, normalizedShape.length);
  const axes = normalizedShape.map((_, i) => i - normalizedShape.length);
  if (n.opset >= 17) return n.op("LayerNormalization", [x, weight, bias], x.dtype, x.rank, { axis: { int: axes[0]! }, epsilon: { float: eps } });
  const centered = n.op("Sub", [x, reduce(n, "ReduceMean", x, axes, true)], x.dtype, x.rank);
  const variance = reduce(n, "ReduceMean", n.op("Mul", [centered, centered], x.dtype, x.rank), axes, true);
  const deviation = n.op("Sqrt", [n.op("Add", [variance, n.scalarLike(eps, x)], x.dtype, x.rank)], x.dtype, x.rank);
  const normalized = n.op("Div", [centered, deviation], x.dtype, x.rank);
  return n.op("Add", [n.op("Mul", [normalized, weight], x.dtype, x.rank), bias], x.dtype, x.rank);
}

/**
 * group_norm: x as [N, G, rest] normalized over `rest` (biased variance), back to x's
 * shape, then scaled per channel: weight and bias as [C, 1, ...] (GroupNormalization is
 * opset 18, and scales per group there).
 */
function groupNorm(n: NodeLowering): LoweredTensor {
  const x = n.tensor(0);
  const rank = n.rankOf(0);
  const groups = n.int(1);
  const eps = n.float(4);
  const shape = n.op("Shape", [x], "int64", 1);
  const grouped = n.op("Concat", [n.op("Slice", [shape, n.int64s([0]), n.int64s([1])], "int64", 1), n.int64s([groups, -1])], "int64", 1, { axis: { int: 0 } });
  const y = n.op("Reshape", [x, grouped], x.dtype, 3);
  const centered = n.op("Sub", [y, reduce(n, "ReduceMean", y, [2], true)], x.dtype, 3);
  const variance = reduce(n, "ReduceMean", n.op("Mul", [centered, centered], x.dtype, 3), [2], true);
  const deviation = n.op("Sqrt", [n.op("Add", [variance, n.scalarLike(eps, x)], x.dtype, 3)], x.dtype, 3);
  let result = n.op("Reshape", [n.op("Div", [centered, deviation], x.dtype, 3), shape], x.dtype, rank);
  const perChannel = (t: LoweredTensor) => (rank > 2 ? n.op("Unsqueeze", [t, n.int64s(Array.from({ length: rank - 2 }, (_, i) => i + 1))], t.dtype, rank - 1) : t);
  const weight = n.optionalTensor(2);
  const bias = n.optionalTensor(3);
  if (weight) result = n.op("Mul", [result, perChannel(weight)], x.dtype, rank);
  if (bias) result = n.op("Add", [result, perChannel(bias)], x.dtype, rank);
  return result;
}

function batchNorm(n: NodeLowering): LoweredTensor {
  const x = n.tensor(0);
  if (n.bool(5)) n.fail("with training=true has no inference mapping (call .eval() before exporting)");
  const mean = n.optionalTensor(1);
  const variance = n.optionalTensor(2);
  if (!mean || !variance) n.fail("without running statistics has no mapping");
  const channels = n.op("Shape", [mean], "int64", 1);
  const weight = n.optionalTensor(3) ?? filledLike(n, 1, channels, x, 1);
  const bias = n.optionalTensor(4) ?? filledLike(n, 0, channels, x, 1);
  return n.op("BatchNormalization", [x, weight, bias, mean, variance], x.dtype, x.rank, { epsilon: { float: n.float(7) } });
}

/** tsjit::matmul_add and stacked_matmul: MatMul, then Add of the addend (with add's promotion) when there is one. */
function matmulAdd(n: NodeLowering): LoweredTensor {
  const product = matmul(n, n.tensor(0), n.tensor(1));
  const addend = n.optionalTensor(2);
  if (!addend) return product;
  const [a, b] = promoted(n, product, addend);
  return n.op("Add", [a, b], a.dtype, broadcastRank(a, b));
}

function fusedActivation(n: NodeLowering, base: LoweredTensor, activationIndex: number): LoweredTensor {
  return activation(n, n.str(activationIndex), base);
}

/** tsjit::conv2d_act_max_pool2x2: Conv, the activation, then a 2x2 MaxPool of stride 2 (an odd last row or column dropped, as ceil_mode 0 does). */
function convActivationPool2x2(n: NodeLowering): LoweredTensor {
  const activated = fusedActivation(n, convolution(n, 2), 7);
  return n.op("MaxPool", [activated], activated.dtype, activated.rank, { kernel_shape: { ints: [2, 2] }, strides: { ints: [2, 2] } });
}

export const NN_MAPPINGS: OpMappingTable = {
  "aten::linear": { onnx: "Gemm (2-D input) or MatMul + Add", lower: linear },
  "tsjit::linear_act": { onnx: "linear's mapping, then the activation's", lower: (n) => fusedActivation(n, linear(n), 3) },
  "tsjit::linear_act_linear": { onnx: "linear_act's mapping twice (linear's for \"none\")", lower: linearPair },
  "aten::matmul": { onnx: "MatMul", lower: (n) => matmul(n, n.tensor(0), n.tensor(1)) },
  "aten::mm": { onnx: "MatMul", lower: (n) => matmul(n, n.tensor(0), n.tensor(1)) },
  "aten::bmm": { onnx: "MatMul", lower: (n) => matmul(n, n.tensor(0), n.tensor(1)) },
  "aten::mv": { onnx: "MatMul", lower: (n) => matmul(n, n.tensor(0), n.tensor(1)) },
  "aten::dot": { onnx: "MatMul", lower: (n) => matmul(n, n.tensor(0), n.tensor(1)) },
  "aten::outer": {
    onnx: "Unsqueeze, Mul",
    lower: (n) => {
      const a = n.tensor(0);
      return n.op("Mul", [n.op("Unsqueeze", [a, n.int64s([1])], a.dtype, 2), n.tensor(1)], a.dtype, 2);
    },
  },
  "aten::addmm": {
    onnx: "Gemm",
    lower: (n) => n.op("Gemm", [n.tensor(1), n.tensor(2), n.tensor(0)], n.tensor(1).dtype, 2, { beta: { float: n.float(3) }, alpha: { float: n.float(4) } }),
  },
  "tsjit::addmm_act": {
    onnx: "Gemm, then the activation's mapping",
    lower: (n) => fusedActivation(n, n.op("Gemm", [n.tensor(1), n.tensor(2), n.tensor(0)], n.tensor(1).dtype, 2), 3),
  },
  "tsjit::matmul_add": { onnx: "MatMul, Add", lower: matmulAdd },
  "tsjit::matmul_add_act": { onnx: "MatMul, Add, then the activation's mapping", lower: (n) => fusedActivation(n, matmulAdd(n), 3) },
  "tsjit::stacked_matmul": { onnx: "MatMul (+ Add)", lower: matmulAdd },
  "aten::conv1d": { onnx: "Conv", lower: (n) => convolution(n, 1) },
  "aten::conv1d.padding": { onnx: "Conv (auto_pad)", lower: (n) => convolution(n, 1) },
  "aten::conv2d": { onnx: "Conv", lower: (n) => convolution(n, 2) },
  "aten::conv2d.padding": { onnx: "Conv (auto_pad)", lower: (n) => convolution(n, 2) },
  "tsjit::conv2d_act": { onnx: "Conv, then the activation's mapping", lower: (n) => fusedActivation(n, convolution(n, 2), 7) },
  "tsjit::conv2d_act_max_pool2x2": { onnx: "Conv, the activation's mapping, then MaxPool 2x2 stride 2", lower: convActivationPool2x2 },
  "aten::max_pool1d": { onnx: "MaxPool", lower: maxPool },
  "aten::max_pool2d": { onnx: "MaxPool", lower: maxPool },
  "aten::avg_pool1d": { onnx: "AveragePool", lower: avgPool },
  "aten::avg_pool2d": { onnx: "AveragePool", lower: avgPool },
  "aten::adaptive_avg_pool1d": { onnx: "GlobalAveragePool (output size 1 only)", lower: globalAveragePool },
  "aten::adaptive_avg_pool2d": { onnx: "GlobalAveragePool (output size 1 only)", lower: globalAveragePool },
  "aten::layer_norm": { onnx: "LayerNormalization (opset 17; ReduceMean, Sub, Mul, Sqrt, Div before)", lower: layerNorm },
  "aten::group_norm": { onnx: "Reshape to groups, ReduceMean, Sub, Mul, Sqrt, Div, Reshape back, Mul and Add per channel", lower: groupNorm },
  "aten::batch_norm": { onnx: "BatchNormalization (inference)", lower: batchNorm },
  "aten::softmax.int": softmax("Softmax"),
  "aten::log_softmax.int": softmax("LogSoftmax"),
  "aten::sum.dim_IntList": { onnx: "ReduceSum", lower: reduction("ReduceSum") },
  "aten::mean.dim": { onnx: "ReduceMean", lower: reduction("ReduceMean") },
  "aten::prod.dim_int": {
    onnx: "ReduceProd",
    lower: (n) => {
      const dtype = n.dtype(3);
      const x = dtype ? castTo(n, n.tensor(0), dtype) : n.tensor(0);
      const dim = n.optionalInt(1);
      return reduce(n, "ReduceProd", x, dim === undefined ? undefined : [dim], n.bool(2));
    },
  },
  "aten::amax": extremum("ReduceMax"),
  "aten::amin": extremum("ReduceMin"),
  "aten::max": { onnx: "ReduceMax", lower: (n) => reduce(n, "ReduceMax", n.tensor(0), undefined, false) },
  "aten::min": { onnx: "ReduceMin", lower: (n) => reduce(n, "ReduceMin", n.tensor(0), undefined, false) },
  "aten::max.dim": extremumWithIndices("ReduceMax", "ArgMax"),
  "aten::min.dim": extremumWithIndices("ReduceMin", "ArgMin"),
  "aten::argmax": argExtremum("ArgMax"),
  "aten::argmin": argExtremum("ArgMin"),
  "aten::var": variance(false, false),
  "aten::var.dim": variance(false, true),
  "aten::std": variance(true, false),
  "aten::std.dim": variance(true, true),
  "aten::all.dim": booleanReduction("ReduceMin"),
  "aten::any.dim": booleanReduction("ReduceMax"),
  "aten::logsumexp": { onnx: "ReduceLogSumExp", lower: (n) => reduce(n, "ReduceLogSumExp", n.tensor(0), n.ints(1), n.bool(2)) },
  "aten::cumsum": {
    onnx: "CumSum",
    lower: (n) => {
      const dtype = n.dtype(2);
      const x = dtype ? castTo(n, n.tensor(0), dtype) : n.tensor(0);
      return n.op("CumSum", [x, n.builder.scalar(n.int(1), "int64")], x.dtype, x.rank);
    },
  },
};
