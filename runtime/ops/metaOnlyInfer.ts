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
export const META_ONLY_INFER_OPS: ReadonlySet<string> = new Set([
  "aten::linear",
  "tsjit::linear_act",
  "aten::matmul",
  "aten::mm",
  "aten::bmm",
  "aten::addmm",
  "tsjit::addmm_act",
  "tsjit::matmul_add",
  "tsjit::matmul_add_act",
  "tsjit::stacked_matmul",
  "aten::conv2d",
  "tsjit::conv2d_act",
  "tsjit::conv2d_act_max_pool2x2",
  "aten::max_pool2d",
  "aten::layer_norm",
  "aten::softmax.int",
  "aten::log_softmax.int",
  "tsjit::fused_pointwise",
  "aten::add.Tensor",
  "aten::sub.Tensor",
  "aten::mul.Tensor",
  "aten::mul.Scalar",
  "aten::relu",
  "aten::gelu",
  "aten::tanh",
  "aten::sigmoid",
  "aten::sum.dim_IntList",
  "aten::mean.dim",
]);
