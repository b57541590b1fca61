/**
 * Convolution and pooling: conv1d, conv2d, max_pool1d/2d, avg_pool1d/2d,
 * adaptive_avg_pool1d/2d (float32 only). Batched [N, C, ...] or unbatched [C, ...]
 * inputs, as in PyTorch. The 1-D ops run the 2-D kernels on views with H = 1.
 */
import { check, formatShape } from "../errors.js";
import type { Backend } from "../kernels/Backend.js";
import { EPILOGUE_ACTIVATIONS, type Conv2dParams, type EpilogueActivation, type MaxPool2dParams } from "../kernels/linalg.js";
import { viewOf, type Tensor } from "../tensor/Tensor.js";
import { isOptionsObject } from "./bind.js";
import { callTensorOp } from "./dispatch.js";
import { defineOp, type TensorMeta } from "./registry.js";
import { requireFloat32 } from "./requireFloat32.js";

/** Spatial rank of the 1-D and 2-D ops. */
type Spatial = 1 | 2;

const KERNEL_DIMS: Record<Spatial, string> = { 1: "kW", 2: "kH, kW" };

function requireInputRank(op: string, input: Tensor, spatial: Spatial): boolean {
  check(
    input.ndim === spatial + 1 || input.ndim === spatial + 2,
    op,
    () => `expected a ${spatial + 1}-D (unbatched) or ${spatial + 2}-D (batched) input, got shape ${formatShape(input.shape)}`,
    "SHAPE_MISMATCH",
  );
  return input.ndim === spatial + 2;
}

function requirePositive(op: string, argName: string, values: readonly number[]): void {
  check(values.every((v) => v > 0), op, () => `${argName} must be positive, got ${formatShape(values)}`);
}

function requireNonNegative(op: string, argName: string, values: readonly number[]): void {
  check(values.every((v) => v >= 0), op, () => `${argName} must be non-negative, got ${formatShape(values)}`);
}

/**
 * `t` as a 4-D [N, C, H, W] view: an unbatched tensor gains N = 1 in front, a 1-D
 * (spatial) tensor gains H = 1 before its last dim. Size-1 dims take stride 0. A
 * batched 2-D tensor is that already, and is returned as it is.
 */
function as4d(t: Tensor, batched: boolean, spatial: Spatial): Tensor {
  if (batched && spatial === 2) return t;
  let shape = [...t.shape];
  let strides = [...t.strides];
  if (!batched) {
    shape = [1, ...shape];
    strides = [0, ...strides];
  }
  if (spatial === 1) {
    shape.splice(2, 0, 1);
    strides.splice(2, 0, 0);
  }
  return viewOf(t, shape, strides, t.offset);
}

// ---- convolution ---------------------------------------------------------

type ConvArgs = [input: Tensor, weight: Tensor, bias: Tensor | null, stride: number[], padding: number[] | string, dilation: number[], groups: number];

/** Padding before and after each spatial dim; "same" puts the odd cell after, as PyTorch does. */
function convPadding(op: string, padding: number[] | string, kernel: readonly number[], stride: number[], dilation: number[]): [number[], number[]] {
  if (Array.isArray(padding)) {
    requireNonNegative(op, "padding", padding);
    return [padding, padding];
  }
  if (padding === "valid") return [kernel.map(() => 0), kernel.map(() => 0)];
  check(padding === "same", op, () => `padding must be an int, a list of ints, "same" or "valid", got ${JSON.stringify(padding)}`);
  check(stride.every((s) => s === 1), op, () => `padding="same" is not supported for strided convolutions (stride ${formatShape(stride)})`);
  const totals = kernel.map((k, i) => dilation[i]! * (k - 1));
  const before = totals.map((t) => Math.floor(t / 2));
  return [before, totals.map((t, i) => t - before[i]!)];
}

function planConv(op: string, spatial: Spatial, [input, weight, bias, stride, padding, dilation, groups]: ConvArgs): TensorMeta {
  requireFloat32(op, "input", input);
  requireFloat32(op, "weight", weight);
  if (bias) requireFloat32(op, "bias", bias);
  const batched = requireInputRank(op, input, spatial);
  check(
    weight.ndim === spatial + 2,
    op,
    () => `expected weight to be ${spatial + 2}-D [out_channels, in_channels / groups, ${KERNEL_DIMS[spatial]}], got shape ${formatShape(weight.shape)}`,
    "SHAPE_MISMATCH",
  );
  check(Number.isInteger(groups) && groups > 0, op, () => `groups must be a positive integer, got ${groups}`);
  requirePositive(op, "stride", stride);
  requirePositive(op, "dilation", dilation);
  const [outChannels, groupChannels] = weight.shape as [number, number];
  const kernel = weight.shape.slice(2);
  check(
    outChannels % groups === 0,
    op,
    () => `weight of shape ${formatShape(weight.shape)} has ${outChannels} out_channels (dim 0), which is not divisible by groups=${groups}`,
    "SHAPE_MISMATCH",
  );
  const channelDim = batched ? 1 : 0;
  const channels = input.shape[channelDim]!;
  check(
    channels === groupChannels * groups,
    op,
    () =>
      `given groups=${groups} and weight of shape ${formatShape(weight.shape)}, expected input of shape ${formatShape(input.shape)} to have ${groupChannels * groups} channels (weight dim 1 x groups), but got ${channels} channels`,
    "SHAPE_MISMATCH",
  );
  if (bias) {
    check(
      bias.ndim === 1 && bias.shape[0] === outChannels,
      op,
      () => `expected bias of shape [${outChannels}] (out_channels of weight ${formatShape(weight.shape)}), got ${formatShape(bias.shape)}`,
      "SHAPE_MISMATCH",
    );
  }
  const [before, after] = convPadding(op, padding, kernel, stride, dilation);
  const sizes = input.shape.slice(channelDim + 1);
  const padded = sizes.map((s, i) => s + before[i]! + after[i]!);
  const extents = kernel.map((k, i) => dilation[i]! * (k - 1) + 1);
  check(
    padded.every((p, i) => p >= extents[i]!),
    op,
    () =>
      `padded input size per channel (${padded.join(" x ")}) is smaller than the kernel size with dilation (${extents.join(" x ")}); input ${formatShape(input.shape)}, weight ${formatShape(weight.shape)}, padding ${formatShape(before)}, dilation ${formatShape(dilation)}`,
    "SHAPE_MISMATCH",
  );
  const outSizes = padded.map((p, i) => Math.floor((p - extents[i]!) / stride[i]!) + 1);
  const shape = [...input.shape.slice(0, channelDim), outChannels, ...outSizes];
  return { shape, dtype: "float32" };
}

function convParams(op: string, spatial: Spatial, [, weight, , stride, padding, dilation, groups]: ConvArgs, activation?: EpilogueActivation): Conv2dParams {
  const [padBefore] = convPadding(op, padding, weight.shape.slice(2), stride, dilation);
  const [strideH, strideW] = heightWidth(stride, spatial, 1);
  const [padH, padW] = heightWidth(padBefore, spatial, 0);
  const [dilationH, dilationW] = heightWidth(dilation, spatial, 1);
  return { strideH, strideW, padH, padW, dilationH, dilationW, groups, ...(activation ? { activation } : {}) };
}

function runConv(op: string, spatial: Spatial, args: ConvArgs, out: Tensor, backend: Backend, activation?: EpilogueActivation): void {
  const [input, weight, bias] = args;
  const batched = input.ndim === spatial + 2;
  backend.conv2d(as4d(input, batched, spatial), as4d(weight, true, spatial), bias, as4d(out, batched, spatial), convParams(op, spatial, args, activation));
}

function defineConv(name: string, spatial: Spatial): void {
  const list = `int[${spatial}]`;
  const spec = {
    kind: "kernel",
    infer: (args: ConvArgs) => [planConv(name, spatial, args)],
    run: (args: ConvArgs, [out]: Tensor[], backend: Backend) => runConv(name, spatial, args, out!, backend),
  } as const;
  defineOp<ConvArgs>({
    schema: `${name}(Tensor input, Tensor weight, Tensor? bias=None, ${list} stride=1, ${list} padding=0, ${list} dilation=1, int groups=1) -> Tensor`,
    ...spec,
  });
  defineOp<ConvArgs>({
    schema: `${name}.padding(Tensor input, Tensor weight, Tensor? bias=None, ${list} stride=1, str padding="valid", ${list} dilation=1, int groups=1) -> Tensor`,
    ...spec,
  });
}

defineConv("conv1d", 1);
defineConv("conv2d", 2);

function requireConvActivation(op: string, activation: string): EpilogueActivation {
  check(
    (EPILOGUE_ACTIVATIONS as readonly string[]).includes(activation),
    op,
    () => `activation must be one of ${EPILOGUE_ACTIVATIONS.join(", ")}, got ${JSON.stringify(activation)}`,
  );
  return activation as EpilogueActivation;
}

/** activation(conv2d(...)), made by the fusion pass (runtime/jit/passes/fuseActivationEpilogues.ts); gelu_tanh: gelu with approximate='tanh'. */
defineOp<[...ConvArgs, activation: string]>({
  schema: "tsjit::conv2d_act(Tensor input, Tensor weight, Tensor? bias, int[2] stride, int[2] padding, int[2] dilation, int groups, str activation) -> Tensor",
  kind: "kernel",
  infer: (args) => {
    requireConvActivation("conv2d_act", args[7]);
    return [planConv("conv2d_act", 2, args.slice(0, 7) as unknown as ConvArgs)];
  },
  run: (args, [out], backend) => runConv("conv2d_act", 2, args.slice(0, 7) as unknown as ConvArgs, out!, backend, requireConvActivation("conv2d_act", args[7])),
});

const CONV_POOL_OP = "conv2d_act_max_pool2x2";

/**
 * The convolution's [OH, OW] and the pooled result's shape for max_pool2d(_, [2, 2],
 * [2, 2]): the convolution at least 2 x 2, as that pooling needs (it drops an odd last
 * row or column).
 */
function convPool2x2Shapes(args: ConvArgs): { convSize: [number, number]; shape: number[] } {
  const { shape } = planConv(CONV_POOL_OP, 2, args);
  const [OH, OW] = shape.slice(-2) as [number, number];
  check(
    OH >= 2 && OW >= 2,
    CONV_POOL_OP,
    () => `the convolution's output ${formatShape(shape)} is smaller than the 2x2 pooling window (input ${formatShape(args[0].shape)}, weight ${formatShape(args[1].shape)})`,
    "SHAPE_MISMATCH",
  );
  return { convSize: [OH, OW], shape: [...shape.slice(0, -2), Math.floor(OH / 2), Math.floor(OW / 2)] };
}

/**
 * max_pool2d(activation(conv2d(...)), [2, 2], [2, 2]), made by the fusion pass
 * (runtime/jit/passes/fuseConvPool.ts): the native kernel pools each image's
 * convolution while it is in cache.
 */
defineOp<[...ConvArgs, activation: string]>({
  schema: "tsjit::conv2d_act_max_pool2x2(Tensor input, Tensor weight, Tensor? bias, int[2] stride, int[2] padding, int[2] dilation, int groups, str activation) -> Tensor",
  kind: "kernel",
  infer: (args) => {
    requireConvActivation(CONV_POOL_OP, args[7]);
    return [{ shape: convPool2x2Shapes(args.slice(0, 7) as unknown as ConvArgs).shape, dtype: "float32" }];
  },
  run: (args, [out], backend) => {
    const convArgs = args.slice(0, 7) as unknown as ConvArgs;
    const [input, weight, bias] = convArgs;
    const batched = input.ndim === 4;
    const params = convParams(CONV_POOL_OP, 2, convArgs, requireConvActivation(CONV_POOL_OP, args[7]));
    backend.conv2dMaxPool2x2(as4d(input, batched, 2), weight, bias, as4d(out!, batched, 2), params, convPool2x2Shapes(convArgs).convSize);
  },
});

// ---- pooling -------------------------------------------------------------

/** [H, W] of a per-spatial-dim list; a 1-D op's H is `h1`. */
function heightWidth(values: readonly number[], spatial: Spatial, h1: number): [number, number] {
  return spatial === 2 ? [values[0]!, values[1]!] : [h1, values[0]!];
}

/** PyTorch's pooling_output_shape: with ceil_mode, a last partial window counts only if it starts inside the input or its left padding. */
function pooledSize(size: number, kernel: number, pad: number, stride: number, dilation: number, ceilMode: boolean): number {
  let out = Math.floor((size + 2 * pad - dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0)) / stride) + 1;
  if (ceilMode && (out - 1) * stride >= size + pad) out--;
  return out;
}

/** Non-empty channel and spatial dims; the batch dim may be empty. */
function requireNonEmptyFeatures(op: string, self: Tensor, spatial: Spatial): void {
  const features = self.shape.slice(-(spatial + 1));
  check(features.every((d) => d > 0), op, () => `expected an input with non-zero channel and spatial sizes, got shape ${formatShape(self.shape)}`, "SHAPE_MISMATCH");
}

interface PoolWindow {
  readonly kernel: number[];
  readonly stride: number[];
  readonly padding: number[];
  readonly dilation: number[];
  readonly ceilMode: boolean;
}

function planPool(op: string, spatial: Spatial, self: Tensor, w: PoolWindow): TensorMeta {
  requireFloat32(op, "input", self);
  requireInputRank(op, self, spatial);
  requirePositive(op, "kernel_size", w.kernel);
  requirePositive(op, "stride", w.stride);
  requirePositive(op, "dilation", w.dilation);
  requireNonNegative(op, "padding", w.padding);
  check(
    w.padding.every((p, i) => p <= w.kernel[i]! / 2),
    op,
    () => `padding should be at most half of kernel_size, got padding ${formatShape(w.padding)} and kernel_size ${formatShape(w.kernel)}`,
  );
  requireNonEmptyFeatures(op, self, spatial);
  const sizes = self.shape.slice(-spatial);
  const outSizes = sizes.map((s, i) => pooledSize(s, w.kernel[i]!, w.padding[i]!, w.stride[i]!, w.dilation[i]!, w.ceilMode));
  check(
    outSizes.every((o) => o >= 1),
    op,
    () =>
      `output size is too small: input ${formatShape(self.shape)} with kernel_size ${formatShape(w.kernel)}, stride ${formatShape(w.stride)}, padding ${formatShape(w.padding)}, dilation ${formatShape(w.dilation)} gives ${formatShape(outSizes)}`,
    "SHAPE_MISMATCH",
  );
  return { shape: [...self.shape.slice(0, -spatial), ...outSizes], dtype: "float32" };
}

function windowParams(spatial: Spatial, w: PoolWindow): MaxPool2dParams {
  const [kernelH, kernelW] = heightWidth(w.kernel, spatial, 1);
  const [strideH, strideW] = heightWidth(w.stride, spatial, 1);
  const [padH, padW] = heightWidth(w.padding, spatial, 0);
  const [dilationH, dilationW] = heightWidth(w.dilation, spatial, 1);
  return { kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW };
}

function isBatched(self: Tensor, spatial: Spatial): boolean {
  return self.ndim === spatial + 2;
}

type MaxPoolArgs = [self: Tensor, kernelSize: number[], stride: number[] | null, padding: number[], dilation: number[], ceilMode: boolean];

function maxPoolWindow([, kernel, stride, padding, dilation, ceilMode]: MaxPoolArgs): PoolWindow {
  return { kernel, stride: stride ?? kernel, padding, dilation, ceilMode };
}

function defineMaxPool(name: string, spatial: Spatial): void {
  const list = `int[${spatial}]`;
  defineOp<MaxPoolArgs>({
    // PyTorch spells the stride default `[]`; None means the same (stride = kernel_size).
    schema: `${name}(Tensor self, ${list} kernel_size, ${list}? stride=None, ${list} padding=0, ${list} dilation=1, bool ceil_mode=False) -> Tensor`,
    kind: "kernel",
    infer: (args) => [planPool(name, spatial, args[0], maxPoolWindow(args))],
    run: (args, [out], backend) => {
      const batched = isBatched(args[0], spatial);
      backend.maxPool2d(as4d(args[0], batched, spatial), as4d(out!, batched, spatial), windowParams(spatial, maxPoolWindow(args)));
    },
  });
}

defineMaxPool("max_pool1d", 1);
defineMaxPool("max_pool2d", 2);

type AvgPoolArgs = [self: Tensor, kernelSize: number[], stride: number[] | null, padding: number[], ceilMode: boolean, countIncludePad: boolean, divisorOverride: number | null];

function avgPoolWindow([, kernel, stride, padding, ceilMode]: AvgPoolArgs): PoolWindow {
  return { kernel, stride: stride ?? kernel, padding, dilation: kernel.map(() => 1), ceilMode };
}

function defineAvgPool(name: string, spatial: Spatial): void {
  const list = `int[${spatial}]`;
  const divisor = spatial === 2 ? ", int? divisor_override=None" : "";
  defineOp<AvgPoolArgs>({
    schema: `${name}(Tensor self, ${list} kernel_size, ${list}? stride=None, ${list} padding=0, bool ceil_mode=False, bool count_include_pad=True${divisor}) -> Tensor`,
    kind: "kernel",
    infer: (args) => {
      const divisorOverride = args[6] ?? null;
      check(divisorOverride !== 0, name, () => "divisor_override must be nonzero");
      return [planPool(name, spatial, args[0], avgPoolWindow(args))];
    },
    run: (args, [out], backend) => {
      const [self, , , , , countIncludePad, divisorOverride] = args;
      const batched = isBatched(self, spatial);
      const params = { ...windowParams(spatial, avgPoolWindow(args)), countIncludePad, divisorOverride: divisorOverride ?? 0 };
      backend.avgPool2d(as4d(self, batched, spatial), as4d(out!, batched, spatial), params);
    },
  });
}

defineAvgPool("avg_pool1d", 1);
defineAvgPool("avg_pool2d", 2);

function defineAdaptiveAvgPool(name: string, spatial: Spatial): void {
  defineOp<[self: Tensor, outputSize: number[]]>({
    schema: `${name}(Tensor self, int[${spatial}] output_size) -> Tensor`,
    kind: "kernel",
    infer: ([self, outputSize]) => {
      requireFloat32(name, "input", self);
      requireInputRank(name, self, spatial);
      requireNonEmptyFeatures(name, self, spatial);
      requireNonNegative(name, "output_size", outputSize);
      return [{ shape: [...self.shape.slice(0, -spatial), ...outputSize], dtype: "float32" }];
    },
    run: ([self], [out], backend) => {
      const batched = isBatched(self, spatial);
      backend.adaptiveAvgPool2d(as4d(self, batched, spatial), as4d(out!, batched, spatial));
    },
  });
}

defineAdaptiveAvgPool("adaptive_avg_pool1d", 1);
defineAdaptiveAvgPool("adaptive_avg_pool2d", 2);

// ---- free functions --------------------------------------------------------

/** One int for every spatial dim, or one per dim. */
export type IntList = number | readonly number[];
export type ConvPadding = IntList | "same" | "valid";

export interface ConvOptions {
  readonly stride?: IntList;
  readonly padding?: ConvPadding;
  readonly dilation?: IntList;
  readonly groups?: number;
}

export interface MaxPoolOptions {
  readonly stride?: IntList | null;
  readonly padding?: IntList;
  readonly dilation?: IntList;
  readonly ceilMode?: boolean;
}

export interface AvgPoolOptions {
  readonly stride?: IntList | null;
  readonly padding?: IntList;
  readonly ceilMode?: boolean;
  readonly countIncludePad?: boolean;
  readonly divisorOverride?: number | null;
}

/**
 * The optional trailing parameters as one keyword object: either the caller's own
 * options object, or the positional values by name, so that an `undefined` in the
 * middle means "the default" as an omitted argument does in PyTorch.
 */
function keywords(op: string, names: readonly string[], rest: readonly unknown[]): Record<string, unknown> {
  if (rest.length === 1 && isOptionsObject(rest[0])) return rest[0];
  check(rest.length <= names.length, op, () => `expected at most ${names.length} optional arguments (${names.join(", ")}), got ${rest.length}`, "ARGUMENT_COUNT");
  return Object.fromEntries(names.map((name, i) => [name, rest[i]]));
}

const CONV_KEYWORDS = ["stride", "padding", "dilation", "groups"];
const MAX_POOL_KEYWORDS = ["stride", "padding", "dilation", "ceilMode"];
const AVG_POOL_KEYWORDS = ["stride", "padding", "ceilMode", "countIncludePad", "divisorOverride"];

/** Cross-correlation of [N, C, L] (or [C, L]) with weight [O, C / groups, K]. */
export function conv1d(input: Tensor, weight: Tensor, bias?: Tensor | null, stride?: IntList, padding?: ConvPadding, dilation?: IntList, groups?: number): Tensor;
export function conv1d(input: Tensor, weight: Tensor, bias: Tensor | null | undefined, options: ConvOptions): Tensor;
export function conv1d(input: Tensor, weight: Tensor, bias?: Tensor | null, ...rest: unknown[]): Tensor {
  return callTensorOp("conv1d", [input, weight, bias ?? null, keywords("conv1d", CONV_KEYWORDS, rest)]);
}

/** Cross-correlation of [N, C, H, W] (or [C, H, W]) with weight [O, C / groups, KH, KW]. */
export function conv2d(input: Tensor, weight: Tensor, bias?: Tensor | null, stride?: IntList, padding?: ConvPadding, dilation?: IntList, groups?: number): Tensor;
export function conv2d(input: Tensor, weight: Tensor, bias: Tensor | null | undefined, options: ConvOptions): Tensor;
export function conv2d(input: Tensor, weight: Tensor, bias?: Tensor | null, ...rest: unknown[]): Tensor {
  return callTensorOp("conv2d", [input, weight, bias ?? null, keywords("conv2d", CONV_KEYWORDS, rest)]);
}

/** Max over each window; stride defaults to kernelSize. */
export function maxPool1d(input: Tensor, kernelSize: IntList, stride?: IntList | null, padding?: IntList, dilation?: IntList, ceilMode?: boolean): Tensor;
export function maxPool1d(input: Tensor, kernelSize: IntList, options: MaxPoolOptions): Tensor;
export function maxPool1d(input: Tensor, kernelSize: IntList, ...rest: unknown[]): Tensor {
  return callTensorOp("max_pool1d", [input, kernelSize, keywords("max_pool1d", MAX_POOL_KEYWORDS, rest)]);
}

/** Max over each window; stride defaults to kernelSize. */
export function maxPool2d(input: Tensor, kernelSize: IntList, stride?: IntList | null, padding?: IntList, dilation?: IntList, ceilMode?: boolean): Tensor;
export function maxPool2d(input: Tensor, kernelSize: IntList, options: MaxPoolOptions): Tensor;
export function maxPool2d(input: Tensor, kernelSize: IntList, ...rest: unknown[]): Tensor {
  return callTensorOp("max_pool2d", [input, kernelSize, keywords("max_pool2d", MAX_POOL_KEYWORDS, rest)]);
}

/** Mean over each window; stride defaults to kernelSize. */
export function avgPool1d(input: Tensor, kernelSize: IntList, stride?: IntList | null, padding?: IntList, ceilMode?: boolean, countIncludePad?: boolean): Tensor;
export function avgPool1d(input: Tensor, kernelSize: IntList, options: Omit<AvgPoolOptions, "divisorOverride">): Tensor;
export function avgPool1d(input: Tensor, kernelSize: IntList, ...rest: unknown[]): Tensor {
  return callTensorOp("avg_pool1d", [input, kernelSize, keywords("avg_pool1d", AVG_POOL_KEYWORDS.slice(0, -1), rest)]);
}

/** Mean over each window; stride defaults to kernelSize. */
export function avgPool2d(
  input: Tensor,
  kernelSize: IntList,
  stride?: IntList | null,
  padding?: IntList,
  ceilMode?: boolean,
  countIncludePad?: boolean,
  divisorOverride?: number | null,
): Tensor;
export function avgPool2d(input: Tensor, kernelSize: IntList, options: AvgPoolOptions): Tensor;
export function avgPool2d(input: Tensor, kernelSize: IntList, ...rest: unknown[]): Tensor {
  return callTensorOp("avg_pool2d", [input, kernelSize, keywords("avg_pool2d", AVG_POOL_KEYWORDS, rest)]);
}

/** Mean over windows [floor(i*L/out), ceil((i+1)*L/out)) that give exactly outputSize outputs. */
export function adaptiveAvgPool1d(input: Tensor, outputSize: IntList): Tensor {
  return callTensorOp("adaptive_avg_pool1d", [input, outputSize]);
}

/** Mean over windows [floor(i*H/out), ceil((i+1)*H/out)) per dim that give exactly outputSize outputs. */
export function adaptiveAvgPool2d(input: Tensor, outputSize: IntList): Tensor {
  return callTensorOp("adaptive_avg_pool2d", [input, outputSize]);
}
