/**
 * One inner loop per unary op: `out[o] = f(x[i])` along a row of n elements, where
 * x starts at `i` stepping `xs` and out starts at `o` stepping `os`. Each loop is
 * written out so the engine compiles the op's arithmetic inline.
 */
import type { TypedArray } from "../../tensor/dtype.js";
import type { UnaryKernelOp } from "../elementwise.js";
import { erf, roundHalfEven } from "./elementwiseMath.js";

export type UnaryRow = (x: TypedArray, i: number, xs: number, out: TypedArray, o: number, os: number, n: number, params: readonly number[]) => void;

const SQRT_2_OVER_PI = 0.7978845608028654;
const SQRT_HALF = 0.7071067811865476;

export const UNARY_ROWS: Record<UnaryKernelOp, UnaryRow> = {
  abs: (x, i, xs, out, o, os, n) => {
    for (let k = 0; k < n; k++, i += xs, o += os) out[o] = Math.abs(x[i]!);
  },
  neg: (x, i, xs, out, o, os, n) => {
    for (let k = 0; k < n; k++, i += xs, o += os) out[o] = -x[i]!;
  },
  exp: (x, i, xs, out, o, os, n) => {
    for (let k = 0; k < n; k++, i += xs, o += os) out[o] = Math.exp(x[i]!);
  },
  log: (x, i, xs, out, o, os, n) => {
    for (let k = 0; k < n; k++, i += xs, o += os) out[o] = Math.log(x[i]!);
  },
  sqrt: (x, i, xs, out, o, os, n) => {
    for (let k = 0; k < n; k++, i += xs, o += os) out[o] = Math.sqrt(x[i]!);
  },
  rsqrt: (x, i, xs, out, o, os, n) => {
    for (let k = 0; k < n; k++, i += xs, o += os) out[o] = 1 / Math.sqrt(x[i]!);
  },
  sin: (x, i, xs, out, o, os, n) => {
    for (let k = 0; k < n; k++, i += xs, o += os) out[o] = Math.sin(x[i]!);
  },
  cos: (x, i, xs, out, o, os, n) => {
    for (let k = 0; k < n; k++, i += xs, o += os) out[o] = Math.cos(x[i]!);
  },
  tanh: (x, i, xs, out, o, os, n) => {
    for (let k = 0; k < n; k++, i += xs, o += os) out[o] = Math.tanh(x[i]!);
  },
  sigmoid: (x, i, xs, out, o, os, n) => {
    for (let k = 0; k < n; k++, i += xs, o += os) out[o] = 1 / (1 + Math.exp(-x[i]!));
  },
  erf: (x, i, xs, out, o, os, n) => {
    for (let k = 0; k < n; k++, i += xs, o += os) out[o] = erf(x[i]!);
  },
  floor: (x, i, xs, out, o, os, n) => {
    for (let k = 0; k < n; k++, i += xs, o += os) out[o] = Math.floor(x[i]!);
  },
  ceil: (x, i, xs, out, o, os, n) => {
    for (let k = 0; k < n; k++, i += xs, o += os) out[o] = Math.ceil(x[i]!);
  },
  round: (x, i, xs, out, o, os, n) => {
    for (let k = 0; k < n; k++, i += xs, o += os) out[o] = roundHalfEven(x[i]!);
  },
  // (0 < v) - (v < 0), as PyTorch: sign(nan) is 0 and sign(-0) is 0.
  sign: (x, i, xs, out, o, os, n) => {
    for (let k = 0; k < n; k++, i += xs, o += os) {
      const v = x[i]!;
      out[o] = (v > 0 ? 1 : 0) - (v < 0 ? 1 : 0);
    }
  },
  reciprocal: (x, i, xs, out, o, os, n) => {
    for (let k = 0; k < n; k++, i += xs, o += os) out[o] = 1 / x[i]!;
  },
  log1p: (x, i, xs, out, o, os, n) => {
    for (let k = 0; k < n; k++, i += xs, o += os) out[o] = Math.log1p(x[i]!);
  },
  expm1: (x, i, xs, out, o, os, n) => {
    for (let k = 0; k < n; k++, i += xs, o += os) out[o] = Math.expm1(x[i]!);
  },
  square: (x, i, xs, out, o, os, n) => {
    for (let k = 0; k < n; k++, i += xs, o += os) out[o] = x[i]! * x[i]!;
  },
  logical_not: (x, i, xs, out, o, os, n) => {
    for (let k = 0; k < n; k++, i += xs, o += os) out[o] = x[i] === 0 ? 1 : 0;
  },
  // NaN propagates, as in PyTorch (Math.max(NaN, 0) is NaN).
  relu: (x, i, xs, out, o, os, n) => {
    for (let k = 0; k < n; k++, i += xs, o += os) out[o] = Math.max(x[i]!, 0);
  },
  gelu: (x, i, xs, out, o, os, n) => {
    for (let k = 0; k < n; k++, i += xs, o += os) {
      const v = x[i]!;
      out[o] = 0.5 * v * (1 + erf(v * SQRT_HALF));
    }
  },
  gelu_tanh: (x, i, xs, out, o, os, n) => {
    for (let k = 0; k < n; k++, i += xs, o += os) {
      const v = x[i]!;
      out[o] = 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v)));
    }
  },
  silu: (x, i, xs, out, o, os, n) => {
    for (let k = 0; k < n; k++, i += xs, o += os) {
      const v = x[i]!;
      out[o] = v / (1 + Math.exp(-v));
    }
  },
  softplus: (x, i, xs, out, o, os, n, params) => {
    const beta = params[0]!;
    const threshold = params[1]!;
    for (let k = 0; k < n; k++, i += xs, o += os) {
      const v = x[i]!;
      out[o] = v * beta > threshold ? v : Math.log1p(Math.exp(v * beta)) / beta;
    }
  },
  elu: (x, i, xs, out, o, os, n, params) => {
    const alpha = params[0]!;
    for (let k = 0; k < n; k++, i += xs, o += os) {
      const v = x[i]!;
      out[o] = v > 0 ? v : alpha * Math.expm1(v);
    }
  },
  leaky_relu: (x, i, xs, out, o, os, n, params) => {
    const slope = params[0]!;
    for (let k = 0; k < n; k++, i += xs, o += os) {
      const v = x[i]!;
      out[o] = v > 0 ? v : v * slope;
    }
  },
  // min > max gives max everywhere, as torch.clamp; NaN propagates.
  clamp: (x, i, xs, out, o, os, n, params) => {
    const lo = params[0]!;
    const hi = params[1]!;
    for (let k = 0; k < n; k++, i += xs, o += os) out[o] = Math.min(Math.max(x[i]!, lo), hi);
  },
};
