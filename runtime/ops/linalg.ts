/**
 * Matrix products: matmul, mm, bmm, mv, dot, outer, addmm, linear (float32 only), and
 * tsjit::linear_act and tsjit::addmm_act, linear and addmm with an activation, which
 * the fusion pass makes (runtime/jit/passes/fuseActivationEpilogues.ts).
 */
import { check, formatShape } from "../errors.js";
import type { Backend } from "../kernels/Backend.js";
import { resultType, type Scalar } from "../tensor/dtype.js";
import { EPILOGUE_ACTIVATIONS, type EpilogueActivation, type LinearLayer } from "../kernels/linalg.js";
import { broadcastShapes, broadcastStrides, contiguousStrides, type Shape } from "../tensor/shape.js";
import { stridedView, viewOf, type StridedView, type Tensor } from "../tensor/Tensor.js";
import { callTensorOp } from "./dispatch.js";
import { promotionOperand } from "./elementwiseOperands.js";
import { defineOp, type TensorMeta } from "./registry.js";
import { requireFloat32 } from "./requireFloat32.js";

type Pair = [self: Tensor, other: Tensor];

/** A tensor, or the dtype and shape a tensor will have (the hidden result of a linear pair). */
type Operand = Pick<Tensor, "dtype" | "shape">;

function requireSameFloatDType(op: string, a: Operand, b: Operand): void {
  check(
    a.dtype === b.dtype,
    op,
    () => `expected both operands to have the same dtype, got ${a.dtype} ${formatShape(a.shape)} and ${b.dtype} ${formatShape(b.shape)}`,
    "DTYPE_MISMATCH",
  );
  requireFloat32(op, "the operands", a);
}

function requireRank(op: string, argName: string, t: Tensor, rank: number): void {
  check(t.ndim === rank, op, () => `expected ${argName} to be ${rank}-D, got a ${t.ndim}-D tensor of shape ${formatShape(t.shape)}`, "SHAPE_MISMATCH");
}

/** The contracted dims: a's last against b's first (1-D) or second-to-last. */
function requireInnerMatch(op: string, a: Tensor, b: Tensor): void {
  const aDim = a.ndim - 1;
  const bDim = b.ndim === 1 ? 0 : b.ndim - 2;
  check(
    a.shape[aDim] === b.shape[bDim],
    op,
    () => `size mismatch, got ${formatShape(a.shape)} @ ${formatShape(b.shape)} (dim ${aDim} of the first is ${a.shape[aDim]}, dim ${bDim} of the second is ${b.shape[bDim]})`,
    "SHAPE_MISMATCH",
  );
}

function batchOf(t: Tensor): Shape {
  return t.shape.slice(0, Math.max(0, t.ndim - 2));
}

function broadcastBatch(op: string, a: Tensor, b: Tensor): number[] {
  if (a.ndim <= 2 && b.ndim <= 2) return [];
  const aBatch = batchOf(a);
  const bBatch = batchOf(b);
  const rank = Math.max(aBatch.length, bBatch.length);
  const batch: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = aBatch[i - rank + aBatch.length] ?? 1;
    const y = bBatch[i - rank + bBatch.length] ?? 1;
    check(
      x === y || x === 1 || y === 1,
      op,
      () => `batch dimensions ${formatShape(aBatch)} and ${formatShape(bBatch)} of ${formatShape(a.shape)} @ ${formatShape(b.shape)} cannot be broadcast together`,
      "SHAPE_MISMATCH",
    );
    batch.push(x === 1 ? y : x);
  }
  return batch;
}

/** torch.matmul's shape rule: 1-D operands gain a dim for the product and lose it in the result. */
function inferMatmul(op: string, a: Tensor, b: Tensor): TensorMeta {
  check(
    a.ndim >= 1 && b.ndim >= 1,
    op,
    () => `both arguments need to be at least 1-D, got shapes ${formatShape(a.shape)} and ${formatShape(b.shape)}`,
    "SHAPE_MISMATCH",
  );
  requireSameFloatDType(op, a, b);
  requireInnerMatch(op, a, b);
  const batch = broadcastBatch(op, a, b);
  const rows = a.ndim > 1 ? [a.shape[a.ndim - 2]!] : [];
  const cols = b.ndim > 1 ? [b.shape[b.ndim - 1]!] : [];
  return { shape: [...batch, ...rows, ...cols], dtype: a.dtype };
}

/** `t` read as [...batch, rows, cols]; a 1-D `t` is a row (the left operand) or a column (the right). */
function asBatchedMatrix(t: Tensor, batch: Shape, vector: "row" | "column"): Tensor {
  if (t.ndim === batch.length + 2 && hasBatch(t, batch)) return t;
  if (t.ndim === 1) {
    const n = t.shape[0]!;
    const s = t.strides[0]!;
    const [shape, strides] = vector === "row" ? [[1, n], [0, s]] : [[n, 1], [s, 0]];
    return viewOf(t, [...batch, ...shape], [...batch.map(() => 0), ...strides], t.offset);
  }
  const batchStrides = broadcastStrides(batchOf(t), t.strides.slice(0, -2), batch);
  return viewOf(t, [...batch, ...t.shape.slice(-2)], [...batchStrides, ...t.strides.slice(-2)], t.offset);
}

/** Whether `t`'s leading dims are `batch`. */
function hasBatch(t: Tensor, batch: Shape): boolean {
  for (let d = 0; d < batch.length; d++) if (t.shape[d] !== batch[d]) return false;
  return true;
}

/** Writes alpha * (a @ b) + beta * out into the contiguous `out`, with matmul's shape rule. */
function runMatmul(a: Tensor, b: Tensor, out: Tensor, backend: Backend, alpha = 1, beta = 0): void {
  // Two matrices are already in the form the backend takes (and `out` is contiguous).
  if (a.ndim === 2 && b.ndim === 2) return backend.matmul(a, b, out, alpha, beta);
  const batch = out.shape.slice(0, out.ndim - (a.ndim > 1 ? 1 : 0) - (b.ndim > 1 ? 1 : 0));
  const left = asBatchedMatrix(a, batch, "row");
  const right = asBatchedMatrix(b, batch, "column");
  if (out.ndim === batch.length + 2) return backend.matmul(left, right, out, alpha, beta);
  const shape = [...batch, left.shape[left.ndim - 2]!, right.shape[right.ndim - 1]!];
  backend.matmul(left, right, viewOf(out, shape, contiguousStrides(shape), out.offset), alpha, beta);
}

defineOp<Pair>({
  schema: "matmul(Tensor self, Tensor other) -> Tensor",
  method: true,
  kind: "kernel",
  infer: ([a, b]) => [inferMatmul("matmul", a, b)],
  run: ([a, b], [out], backend) => runMatmul(a, b, out!, backend),
});

defineOp<Pair>({
  schema: "mm(Tensor self, Tensor mat2) -> Tensor",
  method: true,
  kind: "kernel",
  infer: ([a, b]) => {
    requireRank("mm", "self", a, 2);
    requireRank("mm", "mat2", b, 2);
    return [inferMatmul("mm", a, b)];
  },
  run: ([a, b], [out], backend) => runMatmul(a, b, out!, backend),
});

defineOp<Pair>({
  schema: "bmm(Tensor self, Tensor mat2) -> Tensor",
  method: true,
  kind: "kernel",
  infer: ([a, b]) => {
    requireRank("bmm", "self", a, 3);
    requireRank("bmm", "mat2", b, 3);
    check(
      a.shape[0] === b.shape[0],
      "bmm",
      () => `self and mat2 must have the same batch size, got ${formatShape(a.shape)} and ${formatShape(b.shape)} (${a.shape[0]} vs ${b.shape[0]})`,
      "SHAPE_MISMATCH",
    );
    return [inferMatmul("bmm", a, b)];
  },
  run: ([a, b], [out], backend) => runMatmul(a, b, out!, backend),
});

defineOp<Pair>({
  schema: "mv(Tensor self, Tensor vec) -> Tensor",
  method: true,
  kind: "kernel",
  infer: ([a, v]) => {
    requireRank("mv", "self", a, 2);
    requireRank("mv", "vec", v, 1);
    return [inferMatmul("mv", a, v)];
  },
  run: ([a, v], [out], backend) => runMatmul(a, v, out!, backend),
});

defineOp<Pair>({
  schema: "dot(Tensor self, Tensor tensor) -> Tensor",
  method: true,
  kind: "kernel",
  infer: ([a, b]) => {
    requireRank("dot", "self", a, 1);
    requireRank("dot", "tensor", b, 1);
    return [inferMatmul("dot", a, b)];
  },
  run: ([a, b], [out], backend) => runMatmul(a, b, out!, backend),
});

defineOp<Pair>({
  schema: "outer(Tensor self, Tensor vec2) -> Tensor",
  method: true,
  kind: "kernel",
  infer: ([a, b]) => {
    requireRank("outer", "self", a, 1);
    requireRank("outer", "vec2", b, 1);
    requireSameFloatDType("outer", a, b);
    return [{ shape: [a.shape[0]!, b.shape[0]!], dtype: a.dtype }];
  },
  run: ([a, b], [out], backend) => {
    const column = viewOf(a, [a.shape[0]!, 1], [a.strides[0]!, 0], a.offset);
    const row = viewOf(b, [1, b.shape[0]!], [0, b.strides[0]!], b.offset);
    backend.matmul(column, row, out!, 1, 0);
  },
});

/** Checks that `t` broadcasts to exactly `shape` (it may not grow it), as expand does. */
function requireBroadcastsTo(op: string, argName: string, t: Tensor, shape: Shape): void {
  const tShape = t.shape;
  const lead = shape.length - tShape.length;
  let fits = lead >= 0;
  for (let i = 0; fits && i < tShape.length; i++) fits = tShape[i] === 1 || tShape[i] === shape[lead + i];
  check(fits, op, () => `${argName} of shape ${formatShape(t.shape)} cannot be broadcast to the result shape ${formatShape(shape)}`, "SHAPE_MISMATCH");
}

function copyBroadcast(src: Tensor, out: Tensor, backend: Backend): void {
  backend.copy(viewOf(src, out.shape, broadcastStrides(src.shape, src.strides, out.shape), src.offset), out);
}

/**
 * `t` as a 1-D [N] view with unit stride when it broadcasts to [..., N] as one row (its
 * leading dims all 1), so a product can add it as it stores; otherwise null.
 */
function asBiasRow(t: Tensor, N: number): StridedView | null {
  const shape = t.shape;
  const last = shape.length - 1;
  if (last < 0 || shape[last] !== N || (N > 1 && t.strides[last] !== 1)) return null;
  for (let d = 0; d < last; d++) if (shape[d] !== 1) return null;
  return stridedView(t, [N], [1], t.offset);
}

/**
 * out2d = activation(a @ b + bias) for 2-D a and b, out2d a contiguous [M, N] view of
 * `out`; a bias that is one row goes to the product's epilogue, any other is copied
 * into `out` first and the product accumulates onto it.
 */
function runFusedProduct(a: StridedView, b: StridedView, bias: Tensor | null, out: Tensor, out2d: StridedView, backend: Backend, activation: EpilogueActivation | null): void {
  const row = bias ? asBiasRow(bias, b.shape[1]!) : null;
  if (bias && !row) copyBroadcast(bias, out, backend);
  backend.matmulFused(a, b, out2d, bias && !row ? 1 : 0, row, activation);
}

function inferAddmm([self, mat1, mat2]: readonly [Tensor, Tensor, Tensor, ...unknown[]]): TensorMeta {
  requireRank("addmm", "mat1", mat1, 2);
  requireRank("addmm", "mat2", mat2, 2);
  const meta = inferMatmul("addmm", mat1, mat2);
  requireSameFloatDType("addmm", self, mat1);
  requireBroadcastsTo("addmm", "self", self, meta.shape);
  return meta;
}

defineOp<[self: Tensor, mat1: Tensor, mat2: Tensor, beta: Scalar, alpha: Scalar]>({
  schema: "addmm(Tensor self, Tensor mat1, Tensor mat2, *, Scalar beta=1, Scalar alpha=1) -> Tensor",
  method: true,
  kind: "kernel",
  infer: (args) => [inferAddmm(args)],
  run: ([self, mat1, mat2, beta, alpha], [out], backend) => {
    if (Number(beta) === 1 && Number(alpha) === 1) return runFusedProduct(mat1, mat2, self, out!, out!, backend, null);
    // beta 0 ignores self entirely (NaN in it does not propagate), as in PyTorch.
    if (Number(beta) !== 0) copyBroadcast(self, out!, backend);
    runMatmul(mat1, mat2, out!, backend, Number(alpha), Number(beta));
  },
});

/** linear's checks and result: input [..., in], weight [out, in], bias broadcasting to [..., out]. */
function inferLinear(op: string, input: Operand, weight: Tensor, bias: Tensor | null): TensorMeta {
  check(input.shape.length >= 1, op, () => `input must be at least 1-D, got shape ${formatShape(input.shape)}`, "SHAPE_MISMATCH");
  requireRank(op, "weight", weight, 2);
  requireSameFloatDType(op, input, weight);
  const inFeatures = input.shape[input.shape.length - 1]!;
  check(
    inFeatures === weight.shape[1],
    op,
    () =>
      `input of shape ${formatShape(input.shape)} has ${inFeatures} features in its last dim but weight of shape ${formatShape(weight.shape)} expects in_features = ${weight.shape[1]}`,
    "SHAPE_MISMATCH",
  );
  const shape = input.shape.slice();
  shape[shape.length - 1] = weight.shape[0]!;
  if (bias) {
    requireSameFloatDType(op, input, bias);
    requireBroadcastsTo(op, "bias", bias, shape);
  }
  return { shape, dtype: input.dtype };
}

/** weight [out, in] read as [in, out], in place. */
function transposedWeight(weight: Tensor): StridedView {
  return stridedView(weight, [weight.shape[1]!, weight.shape[0]!], [weight.strides[1]!, weight.strides[0]!], weight.offset);
}

/**
 * `input` [..., K] as one [rows, K] matrix, in place, or null when its leading dims do
 * not merge into one stride.
 */
function asRows(input: Tensor): StridedView | null {
  const K = input.shape[input.ndim - 1]!;
  const kStride = input.strides[input.ndim - 1]!;
  let rows = 1;
  let rowStride = 0;
  for (let d = input.ndim - 2; d >= 0; d--) {
    const size = input.shape[d]!;
    if (size === 1) continue;
    if (rows > 1 && input.strides[d] !== rowStride * rows) return null;
    if (rows === 1) rowStride = input.strides[d]!;
    rows *= size;
  }
  return stridedView(input, [rows, K], [rowStride, kStride], input.offset);
}

/** out = activation(input @ weight^T + bias), activation null for none. */
function runLinear(input: Tensor, weight: Tensor, bias: Tensor | null, out: Tensor, backend: Backend, activation: EpilogueActivation | null): void {
  const rows = asRows(input);
  if (!rows) {
    if (bias) copyBroadcast(bias, out, backend);
    const transposed = transposedWeight(weight);
    runMatmul(input, viewOf(weight, transposed.shape, transposed.strides, transposed.offset), out, backend, 1, bias ? 1 : 0);
    if (activation) backend.unary(activation, out, out, []);
    return;
  }
  const N = weight.shape[0]!;
  const out2d = stridedView(out, [rows.shape[0]!, N], [N, 1], out.offset);
  runFusedProduct(rows, transposedWeight(weight), bias, out, out2d, backend, activation);
}

defineOp<[input: Tensor, weight: Tensor, bias: Tensor | null]>({
  schema: "linear(Tensor input, Tensor weight, Tensor? bias=None) -> Tensor",
  kind: "kernel",
  infer: ([input, weight, bias]) => [inferLinear("linear", input, weight, bias)],
  run: ([input, weight, bias], [out], backend) => runLinear(input, weight, bias, out!, backend, null),
});

function requireEpilogueActivation(op: string, activation: string): EpilogueActivation {
  check(
    (EPILOGUE_ACTIVATIONS as readonly string[]).includes(activation),
    op,
    () => `activation must be one of ${EPILOGUE_ACTIVATIONS.join(", ")}, got ${JSON.stringify(activation)}`,
  );
  return activation as EpilogueActivation;
}

/** activation(linear(input, weight, bias)), the result written once (gelu_tanh: gelu with approximate='tanh'). */
defineOp<[input: Tensor, weight: Tensor, bias: Tensor | null, activation: string]>({
  schema: "tsjit::linear_act(Tensor input, Tensor weight, Tensor? bias, str activation) -> Tensor",
  kind: "kernel",
  infer: ([input, weight, bias, activation]) => {
    requireEpilogueActivation("linear_act", activation);
    return [inferLinear("linear_act", input, weight, bias)];
  },
  run: ([input, weight, bias, activation], [out], backend) =>
    runLinear(input, weight, bias, out!, backend, requireEpilogueActivation("linear_act", activation)),
});

/** A linear pair's activation: an epilogue activation, or "none". */
function requirePairActivation(name: string, activation: string): EpilogueActivation | null {
  check(
    activation === "none" || (EPILOGUE_ACTIVATIONS as readonly string[]).includes(activation),
    "linear_act_linear",
    () => `${name} must be "none" or one of ${EPILOGUE_ACTIVATIONS.join(", ")}, got ${JSON.stringify(activation)}`,
  );
  return activation === "none" ? null : (activation as EpilogueActivation);
}

/** One layer of a pair for the backend, or null when its bias is not one row of [rows, N]. */
function pairLayer(weight: Tensor, bias: Tensor | null, activation: EpilogueActivation | null): LinearLayer | null {
  const biasRow = bias ? asBiasRow(bias, weight.shape[0]!) : null;
  if (bias && !biasRow) return null;
  return { weight, bias: biasRow, activation };
}

/**
 * Note [Linear pairs]: `tsjit::linear_act_linear(input, weight1, bias1, activation1,
 * weight2, bias2, activation2)` is two linear layers in a row, each with its activation
 * or "none": hidden = activation1(linear(input, weight1, bias1)) and output =
 * activation2(linear(hidden, weight2, bias2)), with linear's checks on each, and returns
 * both. The graph reads only the output; the hidden result is where the kernel puts the
 * layer between, so the executor's arena recycles it as it would the first layer's
 * output. fuseLinearPairs makes it, so that the native backend can stream both weights
 * of a one-row pair in one pass (runtime/native/linear-pair.cc).
 */
defineOp<[input: Tensor, weight1: Tensor, bias1: Tensor | null, activation1: string, weight2: Tensor, bias2: Tensor | null, activation2: string]>({
  schema:
    "tsjit::linear_act_linear(Tensor input, Tensor weight1, Tensor? bias1, str activation1, Tensor weight2, Tensor? bias2, str activation2) -> (Tensor hidden, Tensor output)",
  kind: "kernel",
  infer: ([input, weight1, bias1, activation1, weight2, bias2, activation2]) => {
    requirePairActivation("activation1", activation1);
    requirePairActivation("activation2", activation2);
    const hidden = inferLinear("linear_act_linear", input, weight1, bias1);
    return [hidden, inferLinear("linear_act_linear", hidden, weight2, bias2)];
  },
  run: ([input, weight1, bias1, activation1, weight2, bias2, activation2], [hidden, out], backend) => {
    const act1 = requirePairActivation("activation1", activation1);
    const act2 = requirePairActivation("activation2", activation2);
    const rows = asRows(input);
    const first = pairLayer(weight1, bias1, act1);
    const second = pairLayer(weight2, bias2, act2);
    if (rows && first && second) {
      const M = rows.shape[0]!;
      const [H, N] = [weight1.shape[0]!, weight2.shape[0]!];
      backend.linearPair(rows, first, second, stridedView(hidden!, [M, H], [H, 1], hidden!.offset), stridedView(out!, [M, N], [N, 1], out!.offset));
      return;
    }
    runLinear(input, weight1, bias1, hidden!, backend, act1);
    runLinear(hidden!, weight2, bias2, out!, backend, act2);
  },
});

/**
 * activation(addmm(self, mat1, mat2)) with beta and alpha 1, the result written once:
 * addmm's checks (mat1 and mat2 2-D, self broadcasting to the product), so the fused
 * node fails exactly where the addmm it replaces would.
 */
defineOp<[self: Tensor, mat1: Tensor, mat2: Tensor, activation: string]>({
  schema: "tsjit::addmm_act(Tensor self, Tensor mat1, Tensor mat2, str activation) -> Tensor",
  kind: "kernel",
  infer: ([self, mat1, mat2, activation]) => {
    requireEpilogueActivation("addmm_act", activation);
    return [inferAddmm([self, mat1, mat2])];
  },
  run: ([self, mat1, mat2, activation], [out], backend) =>
    runFusedProduct(mat1, mat2, self, out!, out!, backend, requireEpilogueActivation("addmm_act", activation)),
});

/**
 * Note [matmul_add]: `tsjit::matmul_add(input, other, addend)` is exactly
 * `add(matmul(input, other), addend)`, with matmul's and add's checks, shapes and
 * dtype promotion; `matmul_add_act` applies an epilogue activation to that.
 * fuseMatmulAdd makes them (and stackMatmuls makes `stacked_matmul`), so
 * nothing about an input is known when the pass runs: the product of two matrices
 * with a float32 addend that fits the product runs as one GEMM that starts from the
 * addend (or adds it as a row in its epilogue); anything else runs matmul, then add.
 */
function inferMatmulAdd(op: string, input: Tensor, other: Tensor, addend: Tensor | null): TensorMeta {
  const product = inferMatmul(op, input, other);
  if (!addend) return product;
  const productOperand = { dtype: product.dtype, kind: product.shape.length === 0 ? "zeroDim" : "tensor" } as const;
  return { shape: broadcastShapes(op, product.shape, addend.shape), dtype: resultType([productOperand, promotionOperand(addend)]) };
}

/**
 * `input` as the [rows, K] left operand of one GEMM writing `out`, when the result is
 * the product's own shape and float32 (the addend fits in it); otherwise null.
 */
function productRows(input: Tensor, other: Tensor, addend: Tensor | null, out: Tensor): StridedView | null {
  if (other.ndim !== 2 || input.ndim < 2 || out.ndim !== input.ndim || out.dtype !== "float32") return null;
  if (addend && addend.dtype !== "float32") return null;
  for (let d = 0; d < out.ndim - 1; d++) if (out.shape[d] !== input.shape[d]) return null;
  return input.ndim === 2 ? input : asRows(input);
}

function runMatmulAdd(input: Tensor, other: Tensor, addend: Tensor | null, out: Tensor, backend: Backend, activation: EpilogueActivation | null): void {
  const rows = productRows(input, other, addend, out);
  if (rows) {
    const N = other.shape[1]!;
    runFusedProduct(rows, other, addend, out, stridedView(out, [rows.shape[0]!, N], [N, 1], out.offset), backend, activation);
    return;
  }
  const product = callTensorOp("matmul", [input, other]);
  backend.copy(addend ? callTensorOp("add", [product, addend]) : product, out);
  if (activation) backend.unary(activation, out, out, []);
}

defineOp<[input: Tensor, other: Tensor, addend: Tensor]>({
  schema: "tsjit::matmul_add(Tensor input, Tensor other, Tensor addend) -> Tensor",
  kind: "kernel",
  infer: ([input, other, addend]) => [inferMatmulAdd("matmul_add", input, other, addend)],
  run: ([input, other, addend], [out], backend) => runMatmulAdd(input, other, addend, out!, backend, null),
});

defineOp<[input: Tensor, other: Tensor, addend: Tensor, activation: string]>({
  schema: "tsjit::matmul_add_act(Tensor input, Tensor other, Tensor addend, str activation) -> Tensor",
  kind: "kernel",
  infer: ([input, other, addend, activation]) => {
    requireEpilogueActivation("matmul_add_act", activation);
    return [inferMatmulAdd("matmul_add_act", input, other, addend)];
  },
  run: ([input, other, addend, activation], [out], backend) =>
    runMatmulAdd(input, other, addend, out!, backend, requireEpilogueActivation("matmul_add_act", activation)),
});

/**
 * `stacked_matmul(input, other, addend)` is `matmul(input, other) (+ addend)` for an
 * input of at least 2 dims: the product of every `input[i] @ other` at once, which
 * stackMatmuls makes of the graph's `matmul(select(input, 0, i), other)`. A 1-D
 * input fails, as the selected 0-d operand would have.
 */
defineOp<[input: Tensor, other: Tensor, addend: Tensor | null]>({
  schema: "tsjit::stacked_matmul(Tensor input, Tensor other, Tensor? addend) -> Tensor",
  kind: "kernel",
  infer: ([input, other, addend]) => {
    check(
      input.ndim >= 2,
      "matmul",
      () => `input of shape ${formatShape(input.shape)} is multiplied one slice along dim 0 at a time, so it needs at least 2 dims (a slice of it would be 0-d)`,
      "SHAPE_MISMATCH",
    );
    return [inferMatmulAdd("matmul", input, other, addend)];
  },
  run: ([input, other, addend], [out], backend) => runMatmulAdd(input, other, addend, out!, backend, null),
});

export interface AddmmOptions {
  readonly beta?: Scalar;
  readonly alpha?: Scalar;
}

/** torch.matmul: dot, matrix-vector, matrix-matrix or batched (batch dims broadcast) product. */
export function matmul(input: Tensor, other: Tensor): Tensor {
  return callTensorOp("matmul", [input, other]);
}

export function mm(input: Tensor, mat2: Tensor): Tensor {
  return callTensorOp("mm", [input, mat2]);
}

export function bmm(input: Tensor, mat2: Tensor): Tensor {
  return callTensorOp("bmm", [input, mat2]);
}

export function mv(input: Tensor, vec: Tensor): Tensor {
  return callTensorOp("mv", [input, vec]);
}

export function dot(input: Tensor, other: Tensor): Tensor {
  return callTensorOp("dot", [input, other]);
}

export function outer(input: Tensor, vec2: Tensor): Tensor {
  return callTensorOp("outer", [input, vec2]);
}

/** beta * input + alpha * (mat1 @ mat2), input broadcast to the product's shape. */
export function addmm(input: Tensor, mat1: Tensor, mat2: Tensor, options?: AddmmOptions): Tensor {
  return callTensorOp("addmm", [input, mat1, mat2, options]);
}

/** input @ weight^T + bias: input [..., in_features], weight [out_features, in_features]. */
export function linear(input: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  return callTensorOp("linear", [input, weight, bias]);
}

declare module "../tensor/Tensor.js" {
  interface Tensor {
    /** `matmul(this, other)` */
    matmul(other: Tensor): Tensor;
    /** `mm(this, mat2)`: 2-D @ 2-D. */
    mm(mat2: Tensor): Tensor;
    /** `bmm(this, mat2)`: [B, M, K] @ [B, K, N]. */
    bmm(mat2: Tensor): Tensor;
    /** `mv(this, vec)`: 2-D @ 1-D. */
    mv(vec: Tensor): Tensor;
    /** `dot(this, other)`: the 0-dim inner product of two 1-D tensors. */
    dot(other: Tensor): Tensor;
    /** `outer(this, vec2)`: [M] x [N] -> [M, N]. */
    outer(vec2: Tensor): Tensor;
    /** `addmm(this, mat1, mat2, options)`: beta * this + alpha * (mat1 @ mat2). */
    addmm(mat1: Tensor, mat2: Tensor, options?: AddmmOptions): Tensor;
  }
}
