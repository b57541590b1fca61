/**
 * Eager dispatch: pick the overload the arguments bind to, then run it on the
 * current backend. Every free function and Tensor method goes through `callOp`.
 */
import { fail } from "../errors.js";
import { currentBackend } from "../kernels/index.js";
import type { DType } from "../tensor/dtype.js";
import type { Shape } from "../tensor/shape.js";
import { emptyTensor, type Tensor } from "../tensor/Tensor.js";
import { bindArguments, describeValue } from "./bind.js";
import { getOverloads, type OpDef, type TensorMeta } from "./registry.js";
import { unzeroedTensor } from "./unzeroedStorage.js";

/** Sees every op that user code calls (not the ops an op calls internally). The tracer is one. */
export interface OpObserver {
  onOp(op: OpDef, args: readonly unknown[], result: unknown): void;
}

let observer: OpObserver | undefined;
let depth = 0;

/** Installs `next` (or none) and returns the previous observer, for restoring. */
export function setOpObserver(next: OpObserver | undefined): OpObserver | undefined {
  const previous = observer;
  observer = next;
  return previous;
}

/** How many ops are running on the stack: 0 in user code, more inside an op. */
export function opDepth(): number {
  return depth;
}

export interface ResolvedCall {
  readonly op: OpDef;
  readonly args: unknown[];
}

export function resolveCall(name: string, rawArgs: readonly unknown[]): ResolvedCall {
  const overloads = getOverloads(name);
  const reasons: string[] = [];
  for (const op of overloads) {
    const bound = bindArguments(op.parsed, rawArgs);
    if (bound.ok) return { op, args: bound.args };
    reasons.push(bound.reason);
  }
  if (overloads.length === 1) fail("ARGUMENT_TYPE", `${name}(): ${reasons[0]}`);
  const given = rawArgs.filter((a) => a !== undefined).map(describeValue).join(", ");
  const candidates = overloads.map((o, i) => `  ${o.parsed.text}: ${reasons[i]}`).join("\n");
  fail("ARGUMENT_TYPE", `${name}(): no overload accepts (${given}); candidates:\n${candidates}`);
}

/** Where a kernel op's outputs come from: fresh storage (`emptyTensor`), or the executor's arena. */
export type OutputAllocator = (shape: Shape, dtype: DType) => Tensor;

/**
 * Note [Composite outputs]: while a composite op runs, the ops it calls take their
 * outputs from the composite's own allocator, so a composite the executor runs (a
 * reshape that copies) writes into the plan's arena like a kernel op. A buffer such
 * an op makes and drops before returning is never held by a register, so it is not
 * recycled: it costs what a fresh allocation costs.
 */
let nestedAllocator: OutputAllocator | undefined;

/**
 * Runs one overload on bound arguments; without `allocate`, outputs are fresh storage
 * (Note [Unzeroed outputs]). `metas`, when given, is what the op's `infer` returns for
 * these arguments, known already (Note [Remembered metas]).
 */
export function runOp(op: OpDef, args: unknown[], allocate?: OutputAllocator, metas?: readonly TensorMeta[]): unknown {
  switch (op.kind) {
    case "kernel": {
      metas ??= op.infer(args);
      allocate ??= op.overwritesOutputs ? unzeroedTensor : emptyTensor;
      const outputs = new Array<Tensor>(metas.length);
      for (let i = 0; i < metas.length; i++) outputs[i] = allocate(metas[i]!.shape, metas[i]!.dtype);
      op.run(args, outputs, currentBackend());
      return op.returnsOne ? outputs[0] : outputs;
    }
    case "view":
      return op.view(args);
    case "composite": {
      const outer = nestedAllocator;
      nestedAllocator = allocate;
      try {
        return op.compose(args);
      } finally {
        nestedAllocator = outer;
      }
    }
  }
}

export function callOp(name: string, rawArgs: readonly unknown[]): unknown {
  const { op, args } = resolveCall(name, rawArgs);
  depth++;
  let result: unknown;
  try {
    result = runOp(op, args, nestedAllocator);
  } finally {
    depth--;
  }
  if (depth === 0) observer?.onOp(op, args, result);
  return result;
}

/**
 * For a composite's step: runs `op` on arguments already bound (schema order, defaults
 * explicit), as `callOp` would after resolving the name, without resolving it: outputs
 * from the composite's allocator, and no observer sees it (an inner call).
 */
export function runNestedOp(op: OpDef, args: unknown[]): unknown {
  return runOp(op, args, nestedAllocator);
}

/** `callOp` for ops that return one tensor. */
export function callTensorOp(name: string, rawArgs: readonly unknown[]): Tensor {
  return callOp(name, rawArgs) as Tensor;
}
