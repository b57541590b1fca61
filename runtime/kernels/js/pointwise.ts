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

export function pointwise(program: PointwiseProgram, inputs: readonly StridedView[], out: StridedView): void {
  const { statements } = program;
  const last = statements.length - 1;
  const outIndex = inputs.length;
  // A number operand of a binary op is a one-element float32 view, as the unfused op's scalar.
  const numbers = statements.map((s) => (s.kind === "binary" && s.b.kind === "number" ? Float32Array.of(s.b.value) : null));
  forEachRow(out.shape, [...inputs, out], (offsets, strides, n) => {
    const outStride = strides[outIndex]!;
    for (let start = 0; start < n; start += TILE) {
      const len = Math.min(TILE, n - start);
      const storage = (o: ProgramOperand, k: number): TypedArray => (o.kind === "input" ? inputs[o.index]!.storage : o.kind === "temp" ? tile(o.index) : numbers[k]!);
      const offset = (o: ProgramOperand): number => (o.kind === "input" ? offsets[o.index]! + start * strides[o.index]! : 0);
      const stride = (o: ProgramOperand): number => (o.kind === "input" ? strides[o.index]! : o.kind === "temp" ? 1 : 0);
      for (let k = 0; k <= last; k++) {
        const statement = statements[k]!;
        const target = k === last ? out.storage : tile(k);
        const to = k === last ? offsets[outIndex]! + start * outStride : 0;
        const toStride = k === last ? outStride : 1;
        if (statement.kind === "unary") {
          const x = statement.x;
          UNARY_ROWS[statement.op](storage(x, k), offset(x), stride(x), target, to, toStride, len, statement.params);
          continue;
        }
        const { a, b } = statement;
        BINARY_ROWS[statement.op](storage(a, k), offset(a), stride(a), storage(b, k), offset(b), stride(b), target, to, toStride, len, 1);
      }
    }
  });
}
