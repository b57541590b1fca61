/** fused_pointwise programs over strided float32 operands (runtime/native/bind-fused.cc, f32-fused/). */
import type { Backend } from "../Backend.js";
import { jsBackend } from "../js/index.js";
import type { PointwiseProgram, ProgramOperand } from "../pointwiseProgram.js";
import type { StridedView } from "../../tensor/Tensor.js";
import { numelOf } from "../../tensor/shape.js";
import { BINARY_CODES, UNARY_CODES } from "./elementwise.js";
import { isDense, NATIVE_ELEMENTWISE_MIN, safeAlias, stridedLayout } from "./views.js";

/** runtime/native/kernels.h kMaxFusedInputs, kMaxFusedStatements. */
const MAX_INPUTS = 8;
const MAX_STATEMENTS = 64;

export interface FusedBinding {
  /**
   * code: [inputs, statements, then per statement: kind (0 binary, 1 unary), op code, a, b];
   * numbers: per statement [params[0], params[1]] (a binary op's number operand in params[0]);
   * layout: views.ts stridedLayout over the inputs then out.
   */
  fusedPointwise(code: Int32Array, numbers: Float64Array, layout: Int32Array, inputs: Float32Array[], out: Float32Array): void;
}

interface EncodedProgram {
  readonly code: Int32Array;
  readonly numbers: Float64Array;
}

const encoded = new WeakMap<PointwiseProgram, EncodedProgram>();

/** The program in the addon's encoding: registers are the inputs, then each statement's result. */
function encode(program: PointwiseProgram): EncodedProgram {
  const { inputCount, statements } = program;
  const code = new Int32Array(2 + 4 * statements.length);
  const numbers = new Float64Array(2 * statements.length);
  code[0] = inputCount;
  code[1] = statements.length;
  const register = (o: ProgramOperand) => (o.kind === "input" ? o.index : o.kind === "temp" ? inputCount + o.index : -1);
  statements.forEach((s, k) => {
    const at = 2 + 4 * k;
    if (s.kind === "binary") {
      code.set([0, BINARY_CODES[s.op]!, register(s.a), register(s.b)], at);
      if (s.b.kind === "number") numbers[2 * k] = s.b.value;
    } else {
      code.set([1, UNARY_CODES[s.op]!, register(s.x), -1], at);
      numbers.set(s.params, 2 * k);
    }
  });
  return { code, numbers };
}

function encodedProgram(program: PointwiseProgram): EncodedProgram {
  let e = encoded.get(program);
  if (!e) encoded.set(program, (e = encode(program)));
  return e;
}

export function nativeFusedKernels(binding: FusedBinding): Pick<Backend, "pointwise"> {
  return {
    pointwise(program, inputs, out) {
      const storages = inputs.length <= MAX_INPUTS && program.statements.length <= MAX_STATEMENTS ? nativeStorages(inputs, out) : null;
      if (storages && numelOf(out.shape) >= NATIVE_ELEMENTWISE_MIN && isDense(out)) {
        const layout = stridedLayout(out.shape, [...inputs, out]);
        if (layout) {
          const { code, numbers } = encodedProgram(program);
          binding.fusedPointwise(code, numbers, layout, storages, out.storage as Float32Array);
          return;
        }
      }
      jsBackend.pointwise(program, inputs, out);
    },
  };
}

/** The inputs' storages when every operand is float32 and no input overlaps out other than in place; else null. */
function nativeStorages(inputs: readonly StridedView[], out: StridedView): Float32Array[] | null {
  if (!(out.storage instanceof Float32Array)) return null;
  const storages = new Array<Float32Array>(inputs.length);
  for (let i = 0; i < inputs.length; i++) {
    const v = inputs[i]!;
    if (!(v.storage instanceof Float32Array) || !safeAlias(v, out)) return null;
    storages[i] = v.storage;
  }
  return storages;
}
