/**
 * Note [Remembered views]: a view op (reshape, flatten, transpose, chunk, ...) in a plan
 * sees the same layouts call after call, and what it computes (shape, strides and offset
 * of each result over its input's storage) is a function of its input's shape, strides
 * and dtype and its other arguments' values. An instruction for a view or composite op
 * whose first argument is a tensor, whose other arguments are not tensors, and which
 * writes to none of them, remembers the layouts its results had over the input when every
 * result was a view of the input's storage (a reshape that copied is not remembered), and
 * on a run with a matching input and arguments makes those views directly. In the
 * traced attention block the views took 48 us of JS a forward, each a fresh pass through
 * the op's checks and layout arithmetic from cold caches (docs/jit.md, "Cost per node").
 * test/jit/rememberedViews.test.ts checks plans against eager code over changing layouts.
 */
import { runOp, type OutputAllocator } from "../../ops/dispatch.js";
import type { OpDef } from "../../ops/registry.js";
import { sameShape, type Shape } from "../../tensor/shape.js";
import { Tensor } from "../../tensor/Tensor.js";
import type { DType } from "../../tensor/dtype.js";
import { argumentsMatch, rememberArguments, type Remembered } from "./rememberedMetas.js";

interface ViewLayout {
  readonly shape: Shape;
  readonly strides: readonly number[];
  /** The view's offset minus its input's. */
  readonly offsetDelta: number;
}

interface Input {
  readonly dtype: DType;
  readonly shape: Shape;
  readonly strides: readonly number[];
}

/** Whether an instruction for `op` may remember its views (see the Note). */
export function remembersViews(op: OpDef): boolean {
  const { arguments: params, returns } = op.parsed;
  const tensorResults = returns.length === 1 && (returns[0]!.type.kind === "Tensor" || (returns[0]!.type.kind === "List" && returns[0]!.type.element.kind === "Tensor"));
  return op.kind !== "kernel" && tensorResults && params[0]?.type.kind === "Tensor" && params.every((p) => !p.alias?.mutable);
}

export class RememberedView {
  #input: Input | undefined;
  #others: Remembered[] = [];
  /** null: the op returned its input itself. */
  #layouts: readonly ViewLayout[] | null = null;
  #list = false;

  /** The op's result for `args`: made from the remembered layouts when they apply, else by running it (and remembered when it is views). */
  resultFor(op: OpDef, args: unknown[], allocate: OutputAllocator | undefined): unknown {
    const self = args[0];
    if (!(self instanceof Tensor)) return runOp(op, args, allocate);
    const input = this.#input;
    if (input && self.dtype === input.dtype && sameShape(self.shape, input.shape) && sameShape(self.strides, input.strides) && argumentsMatch(this.#others, args, 1)) {
      return this.#make(self);
    }
    this.#input = undefined;
    const result = runOp(op, args, allocate);
    this.#remember(self, args, result);
    return result;
  }

  #make(self: Tensor): unknown {
    const layouts = this.#layouts;
    if (layouts === null) return self;
    const views = layouts.map((l) => new Tensor(self.storage, l.shape, l.strides, self.offset + l.offsetDelta, self.dtype));
    return this.#list ? views : views[0];
  }

  #remember(self: Tensor, args: readonly unknown[], result: unknown): void {
    const others = rememberArguments(args.slice(1));
    if (!others || others.some((o) => o.kind === "tensor" || o.kind === "tensors")) return;
    const list = Array.isArray(result);
    const results: unknown[] = list ? result : [result];
    if (!results.every((r) => r instanceof Tensor && r.storage === self.storage && r.dtype === self.dtype)) return;
    this.#layouts = !list && result === self ? null : (results as Tensor[]).map((r) => ({ shape: r.shape, strides: r.strides, offsetDelta: r.offset - self.offset }));
    this.#list = list;
    this.#others = others;
    this.#input = { dtype: self.dtype, shape: self.shape, strides: self.strides };
  }
}
