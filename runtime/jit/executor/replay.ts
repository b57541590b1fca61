/**
 * Note [Replayed plans]: a forward whose kernels stream more than L2 (the mlp model's
 * 2.6 MB of weights at batch 1) finds the executor's code evicted every time: the
 * instruction loop, remembered metas, `runOp`, each op's `run` and the arena's
 * bookkeeping each cost their cache misses again (docs/jit.md, "Cost per node":
 * 6 to 16 us a forward, mostly code). Yet a plan given inputs of the same dtypes,
 * shapes and strides makes the same backend calls every run, on the same intermediate
 * storages, as long as nothing it computes depends on tensor values. So such a plan
 * records the backend calls of one run, with their arguments and the zero-fills its
 * storage pool made, and later runs with matching inputs replay that list: the
 * backend's methods on the recorded views, the inputs' storages and fresh output
 * storages put where the recorded run had its own. Outside the backend, a replay
 * runs one short loop.
 *
 * Which plans: every op one that computes through the backend and its allocator from
 * its arguments' metas (`isReplayableOp`): a view op, a kernel op whose infer reads
 * only metas (Note [Remembered metas]) or one listed below, a composite listed below,
 * or an op on scalars alone (no tensor in its schema: `aten::lt.int`, `aten::add.int`).
 * None of them reads a tensor's values, so every scalar such a plan computes, and so
 * every If it takes and every Loop's trip count, follows from the inputs' signature:
 * If and Loop are allowed, and a replay is the run unrolled. Not allowed: module
 * attribute reads, calls and prints (their effects are not backend calls). A recording
 * is kept only if every storage its calls touch is an input's, a constant's, one the
 * run's pool handed out or a scalar operand's (read-only: elementwiseOperands.ts):
 * anything else (a temporary an op made itself) and the plan runs normally instead,
 * for good.
 *
 * When: a run records when the run before it had the same signature (so a plan whose
 * shapes change every call never pays for recording), and replays while the inputs
 * match it and the backend is the one recorded on. The intermediate storages stay
 * the plan's pool's: a run that does not match drops the replay before it takes from
 * the pool, so no storage a caller holds is ever written by a replay. A replay whose
 * backend call throws is dropped and the run made normally, which reports the error
 * with its node.
 */
import type { Backend } from "../../kernels/Backend.js";
import { currentBackend, withBackend } from "../../kernels/index.js";
import { isScalarOperandStorage } from "../../ops/elementwiseOperands.js";
import { META_ONLY_INFER_OPS } from "../../ops/metaOnlyInfer.js";
import type { OpDef } from "../../ops/registry.js";
import type { SchemaType } from "../../ops/schema.js";
import { unzeroedTypedArrayFor } from "../../ops/unzeroedStorage.js";
import type { TypedArray } from "../../tensor/dtype.js";
import { Tensor } from "../../tensor/Tensor.js";
import { environmentVariable } from "../../util/environment.js";
import type { StoragePool } from "./arena.js";
import { InputSignature } from "./inputSignature.js";
import { bind, isFixed, snapshot, storagesOf, templateOf, type Fixed, type SlotSource, type StorageTemplate, type Template } from "./replayArguments.js";

/** The kernel ops a replay can stand for: those whose infer reads only metas, and a few whose run is one backend call on its output. */
const REPLAYABLE_KERNELS: ReadonlySet<string> = new Set([
  ...META_ONLY_INFER_OPS,
  "aten::_to_copy",
  "aten::zeros",
  "aten::zeros_like",
  "aten::ones",
  "aten::ones_like",
]);

/** Composites made of views, `_to_copy` and shape arithmetic. */
const REPLAYABLE_COMPOSITES: ReadonlySet<string> = new Set([
  "aten::reshape",
  "aten::flatten.using_ints",
  "aten::chunk",
  "aten::size.int",
  "aten::contiguous",
  "aten::clone",
]);

let enabledFromEnv: boolean | undefined;

/** Whether plans replay: yes unless TSJIT_REPLAY=0 is in the environment (read once), for ruling replays out when debugging. */
export function replaysEnabled(): boolean {
  enabledFromEnv ??= environmentVariable("TSJIT_REPLAY") !== "0";
  return enabledFromEnv;
}

export function isReplayableOp(op: OpDef, kind: string): boolean {
  if (op.kind === "view" || onScalarsAlone(op)) return true;
  return (op.kind === "kernel" ? REPLAYABLE_KERNELS : REPLAYABLE_COMPOSITES).has(kind);
}

/** No tensor among the op's arguments and results. */
function onScalarsAlone(op: OpDef): boolean {
  const mentionsTensor = (type: SchemaType): boolean =>
    type.kind === "Tensor" || ((type.kind === "Optional" || type.kind === "List") && mentionsTensor(type.kind === "Optional" ? type.inner : type.element));
  return !op.parsed.arguments.some((argument) => mentionsTensor(argument.type)) && !op.parsed.returns.some((result) => mentionsTensor(result.type));
}

/** The replay state of one plan. */
export class PlanReplays {
  #replay: Replay | undefined;
  /** The signature of the last run made normally, if it could have been recorded. */
  #lastRun: InputSignature | undefined;
  #givenUp = false;

  /** `constants`: the storages of the plan's constant tensors. */
  constructor(private readonly constants: ReadonlySet<TypedArray>) {}

  /** Whether a recorded run is ready to replay. */
  get recorded(): boolean {
    return this.#replay !== undefined;
  }

  /** The outputs of a replay of this run, or undefined when there is none to make. */
  replay(self: unknown, inputs: readonly unknown[]): unknown[] | undefined {
    const replay = this.#replay;
    if (!replay) return undefined;
    if (replay.backend !== currentBackend() || !replay.signature.matches(self, inputs)) {
      this.#replay = undefined;
      return undefined;
    }
    try {
      return replay.run(inputs);
    } catch {
      this.#replay = undefined;
      return undefined;
    }
  }

  /**
   * Runs `run` (a normal run of the plan on `pool`), recording it when the last
   * normal run had the same signature; returns its outputs.
   */
  runNormally(self: unknown, inputs: readonly unknown[], pool: StoragePool | undefined, run: () => unknown[]): unknown[] {
    const signature = this.#givenUp || !pool ? undefined : InputSignature.of(self, inputs);
    const previous = this.#lastRun;
    this.#lastRun = signature;
    if (!signature || !previous?.equals(signature)) return run();
    const recorder = new Recorder(currentBackend());
    pool!.onTake = recorder.onTake;
    let outputs: unknown[];
    try {
      outputs = withBackend(recorder.backend, run);
    } finally {
      pool!.onTake = undefined;
    }
    this.#replay = recorder.finish(signature, inputs, outputs, this.constants);
    if (!this.#replay) this.#givenUp = true;
    return outputs;
  }
}

/** A backend call as recorded: the method, and its arguments with views copied. */
interface RecordedCall {
  readonly method: (...args: unknown[]) => unknown;
  readonly args: unknown[];
}

type RecordedStep = RecordedCall | { readonly zero: TypedArray };

/** Records one run: the outermost backend calls, and the storages its pool hands out. */
class Recorder {
  readonly backend: Backend;
  readonly #steps: RecordedStep[] = [];
  readonly #taken = new Map<TypedArray, Tensor["dtype"]>();
  #depth = 0;

  constructor(private readonly target: Backend) {
    this.backend = new Proxy(target, {
      get: (backend, key) => {
        const member = (backend as unknown as Record<PropertyKey, unknown>)[key];
        if (typeof member !== "function") return member;
        const method = member as (...args: unknown[]) => unknown;
        return (...args: unknown[]) => {
          if (this.#depth === 0) this.#steps.push({ method, args: args.map(snapshot) });
          this.#depth++;
          try {
            return method.apply(backend, args);
          } finally {
            this.#depth--;
          }
        };
      },
    });
  }

  readonly onTake = (storage: TypedArray, dtype: Tensor["dtype"], zeroed: boolean): void => {
    this.#taken.set(storage, dtype);
    if (zeroed) this.#steps.push({ zero: storage });
  };

  /** The replay of the recorded run, or undefined when a call touched a storage it cannot account for. */
  finish(signature: InputSignature, inputs: readonly unknown[], outputs: readonly unknown[], constants: ReadonlySet<TypedArray>): Replay | undefined {
    const slots = new Map<TypedArray, number>();
    const sources: SlotSource[] = [];
    inputs.forEach((input, i) => {
      if (input instanceof Tensor && !slots.has(input.storage)) {
        slots.set(input.storage, sources.length);
        sources.push({ input: i });
      }
    });
    const fresh = (value: unknown): void => {
      if (value instanceof Tensor && this.#taken.has(value.storage) && !slots.has(value.storage)) {
        slots.set(value.storage, sources.length);
        sources.push({ dtype: this.#taken.get(value.storage)!, length: value.storage.length });
      } else if (Array.isArray(value)) {
        value.forEach(fresh);
      }
    };
    outputs.forEach(fresh);
    const known = (storage: TypedArray) => slots.has(storage) || constants.has(storage) || this.#taken.has(storage) || isScalarOperandStorage(storage);
    const steps: ReplayStep[] = [];
    for (const step of this.#steps) {
      if ("zero" in step) {
        steps.push({ zero: templateOf(step.zero, slots) as StorageTemplate | Fixed });
        continue;
      }
      if (!storagesOf(step.args).every(known)) return undefined;
      const args = step.args.map((arg) => templateOf(arg, slots));
      steps.push({ method: step.method, args, fixed: args.every(isFixed) ? args.map((arg) => (arg as Fixed).fixed) : undefined });
    }
    // An output that is an input (an op returning its argument) is that input again on every run.
    const outputTemplate = (value: unknown): Template => {
      const input = inputs.indexOf(value);
      if (input >= 0 && value instanceof Tensor) return { input };
      return Array.isArray(value) ? { items: value.map(outputTemplate) } : templateOf(value, slots);
    };
    return new Replay(this.target, signature, sources, steps, outputs.map(outputTemplate));
  }
}

type ReplayStep =
  | { readonly method: (...args: unknown[]) => unknown; readonly args: readonly Template[]; readonly fixed: unknown[] | undefined }
  | { readonly zero: StorageTemplate | Fixed };

class Replay {
  constructor(
    readonly backend: Backend,
    readonly signature: InputSignature,
    private readonly sources: readonly SlotSource[],
    private readonly steps: readonly ReplayStep[],
    private readonly outputs: readonly Template[],
  ) {}

  run(inputs: readonly unknown[]): unknown[] {
    const storages = this.sources.map((source) => ("input" in source ? (inputs[source.input] as Tensor).storage : unzeroedTypedArrayFor(source.dtype, source.length)));
    for (const step of this.steps) {
      if ("zero" in step) (bind(step.zero, storages) as TypedArray).fill(0);
      else step.method.apply(this.backend, step.fixed ?? step.args.map((arg) => bind(arg, storages)));
    }
    return this.outputs.map((output) => bind(output, storages, inputs));
  }
}
