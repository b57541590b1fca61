/**
 * The reference `pointwise` kernel: runs a fused program (../pointwiseProgram.ts) over
 * tiles of each row, each statement through the same row loop the unfused op uses,
 * its result parked in a float32 tile, so every intermediate is rounded exactly as the
 * unfused graph rounds it and the results are identical.
 */
import type { TypedArray } from "../../tensor/dtype.js";
import type { StridedView } from "../../tensor/Tensor.js";
import type { PointwiseProgram, ProgramOperand } from "../pointwiseProgram.js";
import { BINARY_ROWS } from "./binaryRows.js";
import { forEachRow } from "./rows.js";
import { UNARY_ROWS } from "./unaryRows.js";

/** Elements per tile: the temporaries of a long chain stay in the L1 cache. */
const TILE = 256;

const tiles: Float32Array[] = [];

function tile(index: number): Float32Array {
  return (tiles[index] ??= new Float32Array(TILE));
}

interface Source {
  readonly storage: TypedArray;
  readonly offset: number;
  readonly stride: number;
}

export function pointwise(program: PointwiseProgram, inputs: readonly StridedView[], out: StridedView): void {
  const { statements } = program;
  const last = statements.length - 1;
  // A number operand of a binary op is a one-element float32 view, as the unfused op's scalar.
  const numbers = statements.map((s) => (s.kind === "binary" ? [s.a, s.b].map((o) => (o.kind === "number" ? Float32Array.of(o.value) : null)) : []));
  forEachRow(out.shape, [...inputs, out], (offsets, strides, n) => {
    const outStride = strides[inputs.length]!;
    for (let start = 0; start < n; start += TILE) {
      const len = Math.min(TILE, n - start);
      const source = (operand: ProgramOperand, number: Float32Array | null | undefined): Source => {
        if (operand.kind === "input") {
          const stride = strides[operand.index]!;
          return { storage: inputs[operand.index]!.storage, offset: offsets[operand.index]! + start * stride, stride };
        }
        if (operand.kind === "temp") return { storage: tile(operand.index), offset: 0, stride: 1 };
        return { storage: number!, offset: 0, stride: 0 };
      };
      for (let k = 0; k <= last; k++) {
        const statement = statements[k]!;
        const target = k === last ? out.storage : tile(k);
        const to = k === last ? offsets[inputs.length]! + start * outStride : 0;
        const toStride = k === last ? outStride : 1;
        if (statement.kind === "binary") {
          const a = source(statement.a, numbers[k]![0]);
          const b = source(statement.b, numbers[k]![1]);
          BINARY_ROWS[statement.op](a.storage, a.offset, a.stride, b.storage, b.offset, b.stride, target, to, toStride, len, 1);
        } else {
          const x = source(statement.x, null);
          UNARY_ROWS[statement.op](x.storage, x.offset, x.stride, target, to, toStride, len, statement.params);
        }
      }
    }
  });
}
