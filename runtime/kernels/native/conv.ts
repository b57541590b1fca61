/** conv2d, max_pool2d, avg_pool2d and adaptive_avg_pool2d over float32 [N, C, H, W] views, any strides. */
import type { Backend } from "../Backend.js";
import type { Conv2dParams } from "../linalg.js";
import { jsBackend } from "../js/index.js";
import { UNARY_CODES } from "./elementwise.js";
import type { StridedView } from "../../tensor/Tensor.js";

/** A 4-D view as the addon takes it: storage, offset, the 4 sizes, the 4 strides. */
type ViewArgs = [storage: Float32Array, offset: number, d0: number, d1: number, d2: number, d3: number, s0: number, s1: number, s2: number, s3: number];
type WindowArgs = [kernelH: number, kernelW: number, strideH: number, strideW: number, padH: number, padW: number];

export interface ConvBinding {
  /** PyTorch's conv2d; bias O floats biasStride apart, or null. out's [OH, OW] must be one run and overlap no input. */
  conv2d(
    ...args: [...input: ViewArgs, ...weight: ViewArgs, bias: Float32Array | null, biasOffset: number, biasStride: number, ...out: ViewArgs,
      strideH: number, strideW: number, padH: number, padW: number, dilationH: number, dilationW: number, groups: number]
  ): void;
  /** conv2d with its result through activation (a UNARY_CODES code without parameters); out's last stride must be 1. */
  conv2dActivation(
    ...args: [...input: ViewArgs, ...weight: ViewArgs, bias: Float32Array | null, biasOffset: number, biasStride: number, ...out: ViewArgs,
      strideH: number, strideW: number, padH: number, padW: number, dilationH: number, dilationW: number, groups: number, activation: number]
  ): void;
  /** conv2dActivation's result, [N, O, convH, convW], max-pooled over 2x2 windows with stride 2 into out [N, O, convH / 2, convW / 2] (any strides). */
  conv2dActivationMaxPool2x2(
    ...args: [...input: ViewArgs, ...weight: ViewArgs, bias: Float32Array | null, biasOffset: number, biasStride: number, ...out: ViewArgs,
      strideH: number, strideW: number, padH: number, padW: number, dilationH: number, dilationW: number, groups: number, activation: number,
      convH: number, convW: number]
  ): void;
  maxPool2d(...args: [...input: ViewArgs, ...out: ViewArgs, ...window: WindowArgs, dilationH: number, dilationW: number]): void;
  /** countIncludePad 0 or 1; divisorOverride 0 for none. */
  avgPool2d(...args: [...input: ViewArgs, ...out: ViewArgs, ...window: WindowArgs, countIncludePad: number, divisorOverride: number]): void;
  adaptiveAvgPool2d(...args: [...input: ViewArgs, ...out: ViewArgs]): void;
}

type F32View = StridedView & { storage: Float32Array };

const isF32 = (v: StridedView): v is F32View => v.storage instanceof Float32Array;

function viewArgs(v: F32View): ViewArgs {
  const [d0, d1, d2, d3] = v.shape as [number, number, number, number];
  const [s0, s1, s2, s3] = v.strides as [number, number, number, number];
  return [v.storage, v.offset, d0, d1, d2, d3, s0, s1, s2, s3];
}

/** out is written while the inputs are read: only buffers out does not share go native. */
const apart = (out: StridedView, ...inputs: (StridedView | null)[]): boolean => inputs.every((v) => v === null || v.storage.buffer !== out.storage.buffer);

/** The GEMM writes out's [OH, OW] as one run of stride out.strides[3]. */
const spatialRun = (out: StridedView): boolean => out.shape[2]! <= 1 || out.strides[2] === out.shape[3]! * out.strides[3]!;

/** conv2d's arguments up to groups: the three operands, out and the params. */
function convArgs(input: F32View, weight: F32View, bias: F32View | null, out: F32View, p: Conv2dParams) {
  return [
    ...viewArgs(input), ...viewArgs(weight),
    bias ? bias.storage : null, bias?.offset ?? 0, bias?.strides[0] ?? 0,
    ...viewArgs(out), p.strideH, p.strideW, p.padH, p.padW, p.dilationH, p.dilationW, p.groups,
  ] as const;
}

export function nativeConvKernels(binding: ConvBinding): Pick<Backend, "conv2d" | "conv2dMaxPool2x2" | "maxPool2d" | "avgPool2d" | "adaptiveAvgPool2d"> {
  return {
    conv2d(input, weight, bias, out, p) {
      if (isF32(input) && isF32(weight) && isF32(out) && (bias === null || isF32(bias)) && apart(out, input, weight, bias) && spatialRun(out)) {
        const args = convArgs(input, weight, bias, out, p);
        if (!p.activation) {
          binding.conv2d(...args);
          return;
        }
        if (out.strides[3] === 1) {
          binding.conv2dActivation(...args, UNARY_CODES[p.activation]!);
          return;
        }
      }
      jsBackend.conv2d(input, weight, bias, out, p);
    },
    conv2dMaxPool2x2(input, weight, bias, out, p, convSize) {
      if (p.activation && isF32(input) && isF32(weight) && isF32(out) && (bias === null || isF32(bias)) && apart(out, input, weight, bias)) {
        binding.conv2dActivationMaxPool2x2(...convArgs(input, weight, bias, out, p), UNARY_CODES[p.activation]!, ...convSize);
        return;
      }
      jsBackend.conv2dMaxPool2x2(input, weight, bias, out, p, convSize);
    },
    maxPool2d(input, out, p) {
      if (isF32(input) && isF32(out) && apart(out, input)) {
        binding.maxPool2d(...viewArgs(input), ...viewArgs(out), p.kernelH, p.kernelW, p.strideH, p.strideW, p.padH, p.padW, p.dilationH, p.dilationW);
        return;
      }
      jsBackend.maxPool2d(input, out, p);
    },
    avgPool2d(input, out, p) {
      if (isF32(input) && isF32(out) && apart(out, input)) {
        binding.avgPool2d(...viewArgs(input), ...viewArgs(out), p.kernelH, p.kernelW, p.strideH, p.strideW, p.padH, p.padW, p.countIncludePad ? 1 : 0, p.divisorOverride);
        return;
      }
      jsBackend.avgPool2d(input, out, p);
    },
    adaptiveAvgPool2d(input, out) {
      if (isF32(input) && isF32(out) && apart(out, input)) {
        binding.adaptiveAvgPool2d(...viewArgs(input), ...viewArgs(out));
        return;
      }
      jsBackend.adaptiveAvgPool2d(input, out);
    },
  };
}
