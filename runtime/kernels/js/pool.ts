/** 2-D pooling over each [H, W] plane of an [N, C, H, W] input, one tight loop nest per plane. */
import type { AvgPool2dParams, LinalgKernels, MaxPool2dParams } from "../linalg.js";
import type { StridedView } from "../../tensor/Tensor.js";

/** Calls `visit(inputOffset, outputOffset)` for each of the N * C planes. */
function forEachPlane(input: StridedView, out: StridedView, visit: (inputOffset: number, outputOffset: number) => void): void {
  const [N, C] = input.shape as [number, number];
  const [sN, sC] = input.strides as [number, number];
  const [oN, oC] = out.strides as [number, number];
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) visit(input.offset + n * sN + c * sC, out.offset + n * oN + c * oC);
}

function maxPool2d(input: StridedView, out: StridedView, p: MaxPool2dParams): void {
  const [, , H, W] = input.shape as [number, number, number, number];
  const [, , OH, OW] = out.shape as [number, number, number, number];
  const [, , sH, sW] = input.strides as [number, number, number, number];
  const [, , oH, oW] = out.strides as [number, number, number, number];
  const src = input.storage;
  const dst = out.storage;
  forEachPlane(input, out, (plane, outPlane) => {
    for (let oh = 0; oh < OH; oh++) {
      const h0 = oh * p.strideH - p.padH;
      for (let ow = 0; ow < OW; ow++) {
        const w0 = ow * p.strideW - p.padW;
        let best = -Infinity;
        for (let kh = 0; kh < p.kernelH; kh++) {
          const h = h0 + kh * p.dilationH;
          if (h < 0 || h >= H) continue;
          const row = plane + h * sH;
          for (let kw = 0; kw < p.kernelW; kw++) {
            const w = w0 + kw * p.dilationW;
            if (w < 0 || w >= W) continue;
            const v = src[row + w * sW]!;
            // A NaN wins and then sticks (nothing compares greater), as in PyTorch.
            if (v > best || v !== v) best = v;
          }
        }
        dst[outPlane + oh * oH + ow * oW] = best;
      }
    }
  });
}

function avgPool2d(input: StridedView, out: StridedView, p: AvgPool2dParams): void {
  const [, , H, W] = input.shape as [number, number, number, number];
  const [, , OH, OW] = out.shape as [number, number, number, number];
  const [, , sH, sW] = input.strides as [number, number, number, number];
  const [, , oH, oW] = out.strides as [number, number, number, number];
  const src = input.storage;
  const dst = out.storage;
  forEachPlane(input, out, (plane, outPlane) => {
    for (let oh = 0; oh < OH; oh++) {
      // The window as PyTorch's avg_pool2d computes it: clipped to the padded input for
      // the count_include_pad divisor, then to the input itself for the sum.
      let hStart = oh * p.strideH - p.padH;
      let hEnd = Math.min(hStart + p.kernelH, H + p.padH);
      const paddedH = hEnd - hStart;
      hStart = Math.max(hStart, 0);
      hEnd = Math.min(hEnd, H);
      for (let ow = 0; ow < OW; ow++) {
        let wStart = ow * p.strideW - p.padW;
        let wEnd = Math.min(wStart + p.kernelW, W + p.padW);
        const paddedW = wEnd - wStart;
        wStart = Math.max(wStart, 0);
        wEnd = Math.min(wEnd, W);
        const at = outPlane + oh * oH + ow * oW;
        if (hStart >= hEnd || wStart >= wEnd) {
          dst[at] = 0;
          continue;
        }
        let sum = 0;
        for (let h = hStart; h < hEnd; h++) {
          for (let w = wStart, i = plane + h * sH + wStart * sW; w < wEnd; w++, i += sW) sum += src[i]!;
        }
        const divisor = p.divisorOverride !== 0 ? p.divisorOverride : p.countIncludePad ? paddedH * paddedW : (hEnd - hStart) * (wEnd - wStart);
        dst[at] = sum / divisor;
      }
    }
  });
}

function adaptiveAvgPool2d(input: StridedView, out: StridedView): void {
  const [, , H, W] = input.shape as [number, number, number, number];
  const [, , OH, OW] = out.shape as [number, number, number, number];
  const [, , sH, sW] = input.strides as [number, number, number, number];
  const [, , oH, oW] = out.strides as [number, number, number, number];
  const src = input.storage;
  const dst = out.storage;
  forEachPlane(input, out, (plane, outPlane) => {
    for (let oh = 0; oh < OH; oh++) {
      const hStart = Math.floor((oh * H) / OH);
      const hEnd = Math.ceil(((oh + 1) * H) / OH);
      for (let ow = 0; ow < OW; ow++) {
        const wStart = Math.floor((ow * W) / OW);
        const wEnd = Math.ceil(((ow + 1) * W) / OW);
        let sum = 0;
        for (let h = hStart; h < hEnd; h++) {
          for (let w = wStart, i = plane + h * sH + wStart * sW; w < wEnd; w++, i += sW) sum += src[i]!;
        }
        dst[outPlane + oh * oH + ow * oW] = sum / ((hEnd - hStart) * (wEnd - wStart));
      }
    }
  });
}

export const poolKernels: Pick<LinalgKernels, "maxPool2d" | "avgPool2d" | "adaptiveAvgPool2d"> = { maxPool2d, avgPool2d, adaptiveAvgPool2d };
