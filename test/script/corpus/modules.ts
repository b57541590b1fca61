/**
 * @script corpus: modules, methods and classes (see test/script/frontend/modules.test.ts).
 *
 * Each entry is compiled by the frontend, its payload applied to the class the way
 * TypeScript's decorator lowering applies `@script.compiled(...)`, and
 * `script(instance)` compared with the eager module on generated inputs, then again
 * after save → load.
 *
 * Why the sites are marked with a doc-comment tag and not with the decorator: vitest
 * leaves decorator syntax to Node 20, which cannot parse it, and this file must also
 * run eagerly. `/** @script *\/` on a method is the site `@script forward(...)` would be;
 * on a class, the site `@script class ...` would be. The frontend is handed exactly those
 * declarations, so nothing here depends on the tag beyond finding them.
 * `@scriptError <diagnostic name>` marks an entry that must NOT compile.
 */
import { add, empty, flatten, matmul, maxPool2d, mul, nn, relu, sigmoid, tanh, zerosLike, type Tensor } from "tsjit";

const HIDDEN = 4;

/** A free function called from methods (prim::CallFunction; compiled into the payload's functions). */
export function gateFn(x: Tensor, threshold: number): Tensor {
  return x.mean().item() > threshold ? sigmoid(x) : zerosLike(x);
}

// --- Library layers -----------------------------------------------------------------

export class LinearRelu extends nn.Module {
  fc = new nn.Linear(HIDDEN, 3);

  /** @script */
  override forward(x: Tensor): Tensor {
    return relu(this.fc.forward(x));
  }
}

/** @script */
export class ConvNet extends nn.Module {
  conv = new nn.Conv2d(1, 2, 3, { padding: 1 });
  bn = new nn.BatchNorm2d(2);
  pool = new nn.MaxPool2d(2);
  flat = new nn.Flatten();
  norm = new nn.LayerNorm(8);
  head = new nn.Linear(8, 3);

  override forward(x: Tensor): Tensor {
    const h = this.pool.forward(relu(this.bn.forward(this.conv.forward(x))));
    return this.head.forward(this.norm.forward(this.flat.forward(h)));
  }
}

/** @script */
export class Activations extends nn.Module {
  gelu = new nn.GELU();
  act = new nn.Tanh();
  drop = new nn.Dropout(0.3);
  leaky = new nn.LeakyReLU(0.2);
  soft = new nn.Softmax(-1);

  override forward(x: Tensor): Tensor {
    return this.soft.forward(add(this.act.forward(this.drop.forward(this.gelu.forward(x))), this.leaky.forward(x)));
  }
}

/** @script */
export class SequentialBody extends nn.Module {
  body = new nn.Sequential(new nn.Linear(HIDDEN, 6), new nn.ReLU(), new nn.Linear(6, 2));

  override forward(x: Tensor): Tensor {
    return this.body.forward(x).tanh();
  }
}

// --- Fields: Parameters, numbers, booleans, strings, optional tensors ---------------

export class ParameterRead extends nn.Module {
  weight = new nn.Parameter(nn.init.uniform_(empty([HIDDEN, 3]), -1, 1));
  bias = new nn.Parameter(nn.init.uniform_(empty([3]), -1, 1));
  scale = 0.5;

  /** @script */
  override forward(x: Tensor): Tensor {
    return add(matmul(x, this.weight), this.bias).mul(this.scale);
  }
}

/** @script */
export class FlagBranch extends nn.Module {
  useTanh: boolean;
  offset: number;
  fc = new nn.Linear(HIDDEN, HIDDEN);

  constructor(useTanh = true, offset = 0.25) {
    super();
    this.useTanh = useTanh;
    this.offset = offset;
  }

  override forward(x: Tensor): Tensor {
    const h = this.fc.forward(x).add(this.offset);
    if (this.useTanh) return tanh(h);
    return sigmoid(h);
  }
}

/** @script */
export class StringMode extends nn.Module {
  mode: string;

  constructor(mode = "sum") {
    super();
    this.mode = mode;
  }

  override forward(x: Tensor): Tensor {
    if (this.mode === "sum") return x.sum(1);
    return x.mean(1);
  }
}

/** @script */
export class OptionalBias extends nn.Module {
  weight = new nn.Parameter(nn.init.uniform_(empty([3, HIDDEN]), -1, 1));
  bias: nn.Parameter | null;

  constructor(withBias = true) {
    super();
    this.bias = withBias ? new nn.Parameter(nn.init.uniform_(empty([3]), -1, 1)) : null;
  }

  override forward(x: Tensor): Tensor {
    let y = matmul(x, this.weight.t());
    if (this.bias !== null) y = add(y, this.bias);
    return y;
  }
}

// --- Methods calling methods ----------------------------------------------------------

/** @script */
export class HelperCalls extends nn.Module {
  fc = new nn.Linear(HIDDEN, HIDDEN);
  scale = 1.5;

  override forward(x: Tensor): Tensor {
    return this.activate(this.project(x));
  }

  project(x: Tensor): Tensor {
    return this.fc.forward(x).mul(this.scale);
  }

  activate(h: Tensor): Tensor {
    return add(relu(h), this.project(h));
  }

  /** Not reached from forward: not compiled (it would not compile: closures). */
  unused(xs: Tensor[]): Tensor[] {
    return xs.map((x) => relu(x));
  }
}

/** @script */
export class TupleHelper extends nn.Module {
  override forward(x: Tensor): Tensor {
    const [a, b] = this.split(x);
    return mul(a, b.sigmoid());
  }

  split(x: Tensor): [Tensor, Tensor] {
    const [first, second] = x.chunk(2, 1);
    return [first, second];
  }
}

/** @script */
export class DefaultArgs extends nn.Module {
  override forward(x: Tensor): Tensor {
    return add(this.scaled(x), this.scaled(x, 3));
  }

  scaled(x: Tensor, factor = 2): Tensor {
    return x.mul(factor);
  }
}

export class CallsFunction extends nn.Module {
  threshold = 0.1;

  /** @script */
  override forward(x: Tensor): Tensor {
    return add(gateFn(x, this.threshold), gateFn(x.neg(), this.threshold));
  }
}

/** @script */
export class LoopOverField extends nn.Module {
  cell = new nn.Linear(HIDDEN, HIDDEN);
  steps: number;

  constructor(steps = 3) {
    super();
    this.steps = steps;
  }

  override forward(x: Tensor): Tensor {
    let h = x;
    for (let i = 0; i < this.steps; i++) h = tanh(add(this.cell.forward(h), x));
    return h;
  }
}

// --- ModuleList (unrolled) -----------------------------------------------------------

/** @script */
export class StackedLayers extends nn.Module {
  layers = new nn.ModuleList([new nn.Linear(HIDDEN, HIDDEN), new nn.Linear(HIDDEN, HIDDEN), new nn.Linear(HIDDEN, HIDDEN)]);

  override forward(x: Tensor): Tensor {
    let h = x;
    for (const layer of this.layers) h = relu(layer.forward(h));
    return h;
  }
}

/** @script */
export class CtorModuleList extends nn.Module {
  readonly blocks: nn.ModuleList;

  constructor() {
    super();
    this.blocks = new nn.ModuleList([new nn.Linear(HIDDEN, 5), new nn.Tanh(), new nn.Linear(5, 2)]);
  }

  override forward(x: Tensor): Tensor {
    let h = x;
    for (const block of this.blocks) h = block.forward(h) as Tensor;
    return h;
  }
}

/** @script */
export class SequentialLoop extends nn.Module {
  seq = new nn.Sequential(new nn.Linear(HIDDEN, HIDDEN), new nn.Linear(HIDDEN, HIDDEN));

  override forward(x: Tensor): Tensor {
    let h = x;
    let i = 0;
    for (const m of this.seq) {
      h = add(m.forward(h) as Tensor, h.mul(i));
      i += 1;
    }
    return h;
  }
}

// --- User submodules: scripted, inherited, traced -------------------------------------

/** @script */
export class Block extends nn.Module {
  fc = new nn.Linear(HIDDEN, HIDDEN);
  gain: number;

  constructor(gain = 1) {
    super();
    this.gain = gain;
  }

  override forward(x: Tensor): Tensor {
    return add(x, relu(this.fc.forward(x)).mul(this.gain));
  }
}

/** @script */
export class ListOfBlocks extends nn.Module {
  blocks = new nn.ModuleList([new Block(0.5), new Block(1), new Block(2)]);

  override forward(x: Tensor): Tensor {
    let h = x;
    for (const block of this.blocks) h = block.forward(h);
    return h;
  }
}

/** @script */
export class Outer extends nn.Module {
  inner = new LinearRelu();
  block = new Block(0.5);
  head = new nn.Linear(3, 2);

  override forward(x: Tensor): Tensor {
    return this.head.forward(this.inner.forward(this.block.forward(x)));
  }
}

/** Inherits LinearRelu's compiled forward; its own fields differ only in size. */
export class WideLinearRelu extends LinearRelu {
  constructor() {
    super();
    this.fc = new nn.Linear(HIDDEN, 7);
  }
}

/** Not scripted: in the test it is traced and put in Hybrid's `encoder` field (script calls trace). */
export class Encoder extends nn.Module {
  fc = new nn.Linear(HIDDEN, HIDDEN);

  override forward(x: Tensor): Tensor {
    return this.fc.forward(x).relu();
  }
}

/** @script */
export class Hybrid extends nn.Module {
  encoder = new Encoder();
  head = new nn.Linear(HIDDEN, 2);

  override forward(x: Tensor): Tensor {
    const h = this.encoder.forward(x);
    if (h.sum().item() > 1) return this.head.forward(h);
    return this.head.forward(h.neg());
  }
}

/** @script */
export class MaxPoolFunctional extends nn.Module {
  conv = new nn.Conv2d(1, 2, 3);

  override forward(x: Tensor): Tensor {
    return flatten(maxPool2d(relu(this.conv.forward(x)), 2), 1);
  }
}

// --- Must not compile ----------------------------------------------------------------

/**
 * @script
 * @scriptError moduleListLength
 */
export class UnknownListLength extends nn.Module {
  layers = new nn.ModuleList(Array.from({ length: 3 }, () => new nn.Linear(HIDDEN, HIDDEN)));

  override forward(x: Tensor): Tensor {
    let h = x;
    for (const layer of this.layers) h = layer.forward(h);
    return h;
  }
}

/**
 * @script
 * @scriptError moduleListLength
 */
export class GrowingList extends nn.Module {
  layers = new nn.ModuleList([new nn.Linear(HIDDEN, HIDDEN)]);

  constructor() {
    super();
    this.layers.append(new nn.Linear(HIDDEN, HIDDEN));
  }

  override forward(x: Tensor): Tensor {
    let h = x;
    for (const layer of this.layers) h = layer.forward(h);
    return h;
  }
}

/**
 * @script
 * @scriptError moduleMutation
 */
export class MutatesField extends nn.Module {
  count = 0;

  override forward(x: Tensor): Tensor {
    this.count = this.count + 1;
    return x;
  }
}
