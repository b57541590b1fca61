/**
 * Generated bound arguments for the ops the runtime treats specially by kind: those
 * that overwrite their outputs (Note [Overwriting ops]) and those whose infer reads
 * only metas (Note [Remembered metas]). Tensors are random with a seed, so the same
 * shapes come with other values by another seed.
 */
import fc from "fast-check";
import type { Tensor } from "../../runtime/index.js";
import { EPILOGUE_ACTIVATIONS } from "../../runtime/kernels/linalg.js";
import { randomTensor } from "./linalgReference.js";

const dim = (max = 4) => fc.integer({ min: 0, max });
const positive = (max = 4) => fc.integer({ min: 1, max });
const seed = fc.integer({ min: 0, max: 1 << 20 });
const activation = fc.constantFrom(...EPILOGUE_ACTIVATIONS);
const t = (shape: readonly number[], s: number): Tensor => randomTensor(shape, s);

/** A product's operands as matmul takes them: 1-D, 2-D or batched, sharing K. */
const matmulOperands = fc
  .record({ M: dim(), K: dim(), N: dim(), batch: positive(2), left: fc.integer({ min: 1, max: 3 }), right: fc.integer({ min: 1, max: 3 }), s: seed })
  .map(({ M, K, N, batch, left, right, s }) => [
    t(left === 1 ? [K] : left === 2 ? [M, K] : [batch, M, K], s),
    t(right === 1 ? [K] : right === 2 ? [K, N] : [batch, K, N], s + 1),
  ] as [Tensor, Tensor]);

/** The product's shape (matmul's rule) with some of its leading dims, or ones, as an addend. */
function addendFor(a: Tensor, b: Tensor, s: number, keep: number): Tensor {
  const batch = a.ndim > 2 ? [a.shape[0]!] : b.ndim > 2 ? [b.shape[0]!] : [];
  const shape = [...batch, ...(a.ndim > 1 ? [a.shape[a.ndim - 2]!] : []), ...(b.ndim > 1 ? [b.shape[b.ndim - 1]!] : [])];
  return t(shape.map((size, i) => (i < shape.length - keep ? 1 : size)), s);
}

const linearArgs = fc
  .record({ rows: fc.array(dim(3), { maxLength: 2 }), K: dim(), N: dim(), bias: fc.boolean(), s: seed })
  .map(({ rows, K, N, bias, s }) => [t([...rows, K], s), t([N, K], s + 1), bias ? t([N], s + 2) : null] as unknown[]);

/** A linear pair: input [...rows, K], weight1 [H, K], weight2 [N, H], each layer's bias and activation (or "none"). */
const pairActivation = fc.constantFrom("none", ...EPILOGUE_ACTIVATIONS);
const linearPairArgs = fc
  .record({ rows: fc.array(dim(3), { maxLength: 2 }), K: dim(), H: dim(), N: dim(), bias1: fc.boolean(), bias2: fc.boolean(), act1: pairActivation, act2: pairActivation, s: seed })
  .map(({ rows, K, H, N, bias1, bias2, act1, act2, s }) => [
    t([...rows, K], s), t([H, K], s + 1), bias1 ? t([H], s + 2) : null, act1,
    t([N, H], s + 3), bias2 ? t([N], s + 4) : null, act2,
  ] as unknown[]);

const addmmArgs = fc
  .record({ M: dim(), K: dim(), N: dim(), row: fc.boolean(), s: seed })
  .map(({ M, K, N, row, s }) => [t(row ? [N] : [M, N], s), t([M, K], s + 1), t([K, N], s + 2)] as unknown[]);

const convArgs = fc
  .record({
    batch: positive(2), groups: positive(2), perGroupIn: positive(3), perGroupOut: positive(2),
    H: fc.integer({ min: 3, max: 7 }), W: fc.integer({ min: 3, max: 7 }), k: positive(3), stride: positive(2),
    padding: fc.integer({ min: 0, max: 1 }), dilation: positive(2), bias: fc.boolean(), s: seed,
  })
  .filter(({ H, W, k, padding, dilation }) => Math.min(H, W) + 2 * padding - dilation * (k - 1) - 1 >= 0)
  .map(({ batch, groups, perGroupIn, perGroupOut, H, W, k, stride, padding, dilation, bias, s }) => [
    t([batch, groups * perGroupIn, H, W], s),
    t([groups * perGroupOut, perGroupIn, k, k], s + 1),
    bias ? t([groups * perGroupOut], s + 2) : null,
    [stride, stride], [padding, padding], [dilation, dilation], groups,
  ] as unknown[]);

const anyShape = fc.array(dim(3), { maxLength: 3 });
const twoBroadcasting = fc
  .record({ shape: fc.array(positive(3), { minLength: 1, maxLength: 3 }), ones: fc.array(fc.boolean(), { maxLength: 3 }), s: seed })
  .map(({ shape, ones, s }) => [t(shape, s), t(shape.map((size, i) => (ones[i] ? 1 : size)), s + 1)] as [Tensor, Tensor]);

/** A reduction over no dims (None: all of them) or some distinct dims, with or without keepdim. */
const reductionArgs = fc
  .record({ shape: fc.array(positive(3), { maxLength: 3 }), keepdim: fc.boolean(), all: fc.boolean(), s: seed })
  .chain(({ shape, keepdim, all, s }) =>
    fc.subarray([...shape.keys()]).map((dims) => [t(shape, s), all ? null : dims, keepdim, null] as unknown[]),
  );

/** Bound arguments (schema order, defaults explicit) for each op of OVERWRITING_OPS and META_ONLY_INFER_OPS. */
export const OP_ARGUMENTS: Record<string, fc.Arbitrary<unknown[]>> = {
  "aten::linear": linearArgs,
  "tsjit::linear_act": fc.tuple(linearArgs, activation).map(([args, act]) => [...args, act]),
  "tsjit::linear_act_linear": linearPairArgs,
  "aten::matmul": matmulOperands,
  "aten::mm": fc.record({ M: dim(), K: dim(), N: dim(), s: seed }).map(({ M, K, N, s }) => [t([M, K], s), t([K, N], s + 1)]),
  "aten::bmm": fc.record({ B: dim(2), M: dim(), K: dim(), N: dim(), s: seed }).map(({ B, M, K, N, s }) => [t([B, M, K], s), t([B, K, N], s + 1)]),
  "aten::addmm": fc.tuple(addmmArgs, fc.constantFrom(0, 1, 0.5), fc.constantFrom(1, 2)).map(([args, beta, alpha]) => [...args, beta, alpha]),
  "tsjit::addmm_act": fc.tuple(addmmArgs, activation).map(([args, act]) => [...args, act]),
  "tsjit::matmul_add": fc.tuple(matmulOperands, seed, dim(3)).map(([[a, b], s, keep]) => [a, b, addendFor(a, b, s, keep)]),
  "tsjit::matmul_add_act": fc.tuple(matmulOperands, seed, dim(3), activation).map(([[a, b], s, keep, act]) => [a, b, addendFor(a, b, s, keep), act]),
  "tsjit::stacked_matmul": fc
    .record({ T: dim(), rows: fc.array(dim(3), { maxLength: 2 }), K: dim(), N: dim(), bias: fc.boolean(), s: seed })
    .map(({ T, rows, K, N, bias, s }) => [t([T, ...rows, K], s), t([K, N], s + 1), bias ? t([N], s + 2) : null]),
  "aten::conv2d": convArgs,
  "tsjit::conv2d_act": fc.tuple(convArgs, activation).map(([args, act]) => [...args, act]),
  "tsjit::conv2d_act_max_pool2x2": fc
    .tuple(convArgs, activation)
    .filter(([[input, weight, , stride, padding, dilation]]) => {
      const out = (size: number, i: number) => Math.floor((size + 2 * (padding as number[])[i]! - (dilation as number[])[i]! * ((weight as Tensor).shape[2 + i]! - 1) - 1) / (stride as number[])[i]!) + 1;
      return out((input as Tensor).shape[2]!, 0) >= 2 && out((input as Tensor).shape[3]!, 1) >= 2;
    })
    .map(([args, act]) => [...args, act]),
  "aten::max_pool2d": fc
    .record({ shape: fc.tuple(positive(2), positive(3), fc.integer({ min: 3, max: 8 }), fc.integer({ min: 3, max: 8 })), k: positive(3), stride: positive(2), pad: fc.boolean(), ceil: fc.boolean(), s: seed })
    .map(({ shape, k, stride, pad, ceil, s }) => {
      const padding = pad ? Math.floor(k / 2) : 0;
      return [t(shape, s), [k, k], [stride, stride], [padding, padding], [1, 1], ceil];
    }),
  "aten::layer_norm": fc
    .record({ lead: anyShape, D: positive(6), affine: fc.boolean(), s: seed })
    .map(({ lead, D, affine, s }) => [t([...lead, D], s), [D], affine ? t([D], s + 1) : null, affine ? t([D], s + 2) : null, 1e-5]),
  "aten::softmax.int": fc
    .record({ shape: fc.array(dim(4), { minLength: 1, maxLength: 3 }), s: seed })
    .chain(({ shape, s }) => fc.integer({ min: -shape.length, max: shape.length - 1 }).map((d) => [t(shape, s), d, null])),
  "tsjit::fused_pointwise": twoBroadcasting.map(([a, b]) => [[a, b], "t0 = mul(x0, x1); t1 = add(t0, x0); t2 = tanh(t1)"]),
  "aten::add.Tensor": fc.tuple(twoBroadcasting, fc.constantFrom(1, 2)).map(([[a, b], alpha]) => [a, b, alpha]),
  "aten::mul.Tensor": twoBroadcasting,
  "aten::mul.Scalar": fc.tuple(anyShape, seed, fc.double({ min: -4, max: 4, noNaN: true })).map(([shape, s, c]) => [t(shape, s), c]),
  "aten::relu": fc.tuple(anyShape, seed).map(([shape, s]) => [t(shape, s)]),
  "aten::gelu": fc.tuple(anyShape, seed, fc.constantFrom("none", "tanh")).map(([shape, s, approximate]) => [t(shape, s), approximate]),
  "aten::tanh": fc.tuple(anyShape, seed).map(([shape, s]) => [t(shape, s)]),
  "aten::sigmoid": fc.tuple(anyShape, seed).map(([shape, s]) => [t(shape, s)]),
  "aten::sub.Tensor": fc.tuple(twoBroadcasting, fc.constantFrom(1, 2)).map(([[a, b], alpha]) => [a, b, alpha]),
  "aten::sum.dim_IntList": reductionArgs,
  "aten::mean.dim": reductionArgs,
  "aten::log_softmax.int": fc
    .record({ shape: fc.array(dim(4), { minLength: 1, maxLength: 3 }), s: seed })
    .chain(({ shape, s }) => fc.integer({ min: -shape.length, max: shape.length - 1 }).map((d) => [t(shape, s), d, null])),
};
