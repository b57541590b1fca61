/** ONNX export: exportOnnx (with the file), toOnnxModel (bytes only), the op mapping table. */
export { exportOnnx } from "./exportOnnx.js";
export { DEFAULT_OPSET, MAX_OPSET, MIN_OPSET, toOnnxModel, type DynamicAxes, type ExportOnnxOptions, type ExportTarget } from "./onnxModel.js";
export { OP_MAPPINGS, type OpMapping } from "./ops/index.js";
