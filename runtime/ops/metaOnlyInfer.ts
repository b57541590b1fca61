/**
 * Note [Remembered metas]: an op's `infer` checks its arguments and computes its
 * outputs' shapes and dtypes. For the ops below it reads nothing of a tensor argument
 * but its dtype and shape (no strides, no values: unlike integer division, which looks
 * for zero divisors, or index_select, which checks every index), so its answer is a
 * function of the tensors' metas and the other arguments' values. A plan runs the same
 * shapes call after call, so each of its instructions for these ops remembers the last
 * arguments it inferred for and the metas it got, and skips `infer` when the next run's
 * arguments match (runtime/jit/executor/rememberedMetas.ts). For a one-row linear layer
 * that is about 200 of 1,500 ns a call. test/jit/rememberedMetas.test.ts checks each op
 * gives the same metas for arguments of equal metas and different values.
 */
import { OVERWRITING_OPS } from "./overwritingOps.js";

export const META_ONLY_INFER_OPS: ReadonlySet<string> = new Set([
  // The ops that overwrite their outputs are products, convolutions, pooling,
  // normalizations and pointwise ops: all infer from metas alone too.
  ...OVERWRITING_OPS,
  "aten::log_softmax.int",
  "aten::sub.Tensor",
  "aten::sigmoid",
  "aten::sum.dim_IntList",
  "aten::mean.dim",
]);
