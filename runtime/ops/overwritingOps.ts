/**
 * Note [Overwriting ops]: a kernel may accumulate into its output, so outputs start
 * zero-filled, as a fresh allocation gives. The ops below write every element of their
 * outputs whatever the storage held, so they skip that: the executor hands them
 * recycled storage as it is (for a batch of 32 through the cnn model, 8.7 MB less to
 * zero per forward), and their large fresh outputs are not zeroed either (Note
 * [Unzeroed outputs] in unzeroedStorage.ts). Each op's `overwritesOutputs` says
 * whether it is listed. test/ops/overwritingOps.test.ts runs each of them, on every
 * backend, into storage filled with NaN and checks the result is the one a zeroed
 * output gives; an op belongs here only with a case there.
 */
export const OVERWRITING_OPS: ReadonlySet<string> = new Set([
  "aten::linear",
  "tsjit::linear_act",
  "tsjit::linear_act_linear",
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
  "tsjit::fused_pointwise",
  "aten::add.Tensor",
  "aten::mul.Tensor",
  "aten::mul.Scalar",
  "aten::relu",
  "aten::gelu",
  "aten::tanh",
]);
