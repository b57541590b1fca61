/** tsjit: the runtime entry. */
export { Tensor, type NestedList, type StridedView } from "./tensor/Tensor.js";
export { tensor, type TensorData, type TensorOptions } from "./tensor/factory.js";
export { manualSeed, Generator } from "./tensor/random.js";
export { promoteTypes, resultType, type DType, type Scalar } from "./tensor/dtype.js";
export { TsjitError, type ErrorCode } from "./errors.js";
export { backend, type BackendInfo } from "./kernels/index.js";
export * from "./ops/index.js";
export * as nn from "./nn/index.js";
export { loadSafetensors, saveSafetensors } from "./nn/safetensors.js";
export { loadTorchStateDict } from "./nn/loadTorchStateDict.js";
export { Graph, parseGraph, printGraph, verifyGraph, graphToJSON, graphFromJSON, type GraphJSON } from "./ir/index.js";
export { ScriptModule } from "./jit/ScriptModule.js";
export { ScriptFunction } from "./jit/ScriptFunction.js";
export { save, load } from "./serialize/index.js";
export { trace, TracerWarning, type TraceOptions } from "./jit/trace.js";
export { freeze, type FreezeOptions } from "./jit/passes/freeze.js";
export { optimizeForInference, type OptimizeOptions } from "./jit/passes/optimizeForInference.js";
export { script, setRuntimeCompiler, type Script, type ScriptDecorator, type ScriptedFunction, type ScriptPayload } from "./jit/script.js";
