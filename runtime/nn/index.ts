/** tsjit.nn: Module, Parameter, layers, initialisers and state-dict files. */
export { Module, type LoadStateDictOptions, type LoadStateDictResult, type RegisterBufferOptions, type StateDict, type StateDictInput } from "./Module.js";
export { Parameter } from "./Parameter.js";
export * as init from "./init.js";
export { decodeSafetensors, encodeSafetensors, loadSafetensors, saveSafetensors, type NamedTensors, type SafetensorsContents } from "./safetensors.js";
export { Identity, Linear, type LinearOptions } from "./layers/linear.js";
export { Conv1d, Conv2d, type ConvOptions } from "./layers/conv.js";
export { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d, type AdaptiveOutputSize, type AvgPool2dOptions, type MaxPool2dOptions } from "./layers/pooling.js";
export {
  BatchNorm1d,
  BatchNorm2d,
  GroupNorm,
  LayerNorm,
  type BatchNormOptions,
  type GroupNormOptions,
  type LayerNormOptions,
} from "./layers/normalization.js";
export { GELU, LeakyReLU, LogSoftmax, ReLU, SiLU, Sigmoid, Softmax, Tanh, type GELUOptions } from "./layers/activation.js";
export { Dropout } from "./layers/dropout.js";
export { Embedding, type EmbeddingOptions } from "./layers/embedding.js";
export { Flatten } from "./layers/flatten.js";
export { ModuleList, Sequential } from "./layers/containers.js";
export { loadTorchStateDict } from "./loadTorchStateDict.js";
export { decodeTorchStateDict } from "./torch/decodeTorchStateDict.js";
