/** One entry of the op mapping table: how a registry op kind becomes ONNX. */
import type { Lowered } from "../lowered.js";
import type { NodeLowering } from "../NodeLowering.js";

export interface OpMapping {
  /** The ONNX ops it becomes, as docs/onnx.md lists them. */
  readonly onnx: string;
  /** Emits the ONNX nodes and returns the node's outputs, in order. */
  readonly lower: (n: NodeLowering) => Lowered | readonly Lowered[];
}

export type OpMappingTable = Readonly<Record<string, OpMapping>>;
