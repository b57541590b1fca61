/**
 * @script corpus, part 2: one function per construct of issue 4's supported subset that
 * basics.ts does not cover (tuples, strings, booleans, number arrays, optionals, Math,
 * nested loops, options objects, tuple-returning ops, int/float inference). Compiled by
 * the frontend and also run eagerly (test/script/frontend/corpus.test.ts).
 */
import { add, clamp, conv2d, gelu, max, mean, mul, relu, sigmoid, stack, sub, sum, tanh, zerosLike, type Tensor } from "tsjit";

// --- Tuples ------------------------------------------------------------------------

export function tupleParam(pair: [Tensor, Tensor]): Tensor {
  const [a, b] = pair;
  return sub(a, mul(b, 2));
}

export function swap(a: Tensor, b: Tensor): [Tensor, Tensor] {
  return [b, a];
}

export function tupleFromCall(x: Tensor): Tensor {
  const [p, q] = swap(relu(x), x);
  return add(p, mul(q, 3));
}

export function mixedTuple(x: Tensor, n: number): [Tensor, number, boolean] {
  return [mul(x, n), n + 1, n > 0];
}

export function maxTuple(x: Tensor): Tensor {
  const [values, indices] = x.max(1);
  return add(values, indices);
}

export function maxFreeFunction(x: Tensor): [Tensor, Tensor] {
  const [values, indices] = max(x, 0, true);
  return [values, indices];
}

// --- string and boolean parameters ---------------------------------------------------

export function modeSwitch(x: Tensor, mode: string): Tensor {
  if (mode === "relu") return relu(x);
  else if (mode === "tanh") return tanh(x);
  else if (mode !== "sigmoid") throw new Error(`unknown mode ${mode}`);
  return sigmoid(x);
}

export function boolParam(x: Tensor, negate: boolean, scale: boolean): Tensor {
  let y = x;
  if (negate) y = mul(y, -1);
  if (scale && !negate) y = mul(y, 2);
  return negate || scale ? y : relu(y);
}

export function boolReturn(a: number, b: number, strict: boolean): boolean {
  return strict ? a < b : a <= b;
}

// --- arrays --------------------------------------------------------------------------

export function numberArray(x: Tensor, scales: number[]): Tensor {
  let y = x;
  for (let i = 0; i < scales.length; i++) y = add(y, mul(x, scales[i]!));
  return y;
}

export function numberArrayOf(xs: number[]): number {
  let total = 0;
  for (const v of xs) total += v * v;
  return total + xs.length;
}

export function tensorArray(xs: Tensor[], x: Tensor): Tensor {
  const ys: Tensor[] = [x];
  for (const t of xs) ys.push(relu(t));
  if (ys.length > 2) return add(ys[1]!, ys[ys.length - 1]!);
  return stack(ys, 0).sum(0);
}

export function arrayLiteral(x: Tensor): Tensor {
  const parts = [x, relu(x), mul(x, 2)];
  let y = parts[0]!;
  for (let i = 1; i < parts.length; i++) y = add(y, parts[i]!);
  return y;
}

export function returnsNumbers(n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < 4; i++) out.push(i * n);
  return out;
}

// --- optionals and defaults ------------------------------------------------------------

export function nullCheck(x: Tensor, bias: Tensor | null): Tensor {
  let y = mul(x, 2);
  if (bias === null) {
    y = relu(y);
  } else {
    y = add(y, bias);
  }
  return y;
}

export function optionalNumber(x: Tensor, k?: number): Tensor {
  if (k == null) return x;
  return mul(x, k);
}

export function defaults(x: Tensor, scale: number = 2, shift: number = -1, clip: boolean = true): Tensor {
  const y = add(mul(x, scale), shift);
  return clip ? relu(y) : y;
}

// --- shapes, int/float inference -------------------------------------------------------

export function shapeLength(x: Tensor): number {
  const last = x.shape[x.shape.length - 1]!;
  return x.shape.length * 10 + last + x.dim();
}

export function reshapeBy(x: Tensor, n: number): Tensor {
  return x.reshape(n, -1);
}

export function intFloat(x: Tensor): number {
  const rows = x.shape[0]!;
  const cols = x.size(1);
  const half = cols / 2; // true division: a float even from ints
  let count = 0;
  for (let i = 0; i < rows; i++) count += 1;
  return half + count * cols - (rows % 2);
}

// --- Math ------------------------------------------------------------------------------

export function mathFunctions(a: number, b: number): number {
  const s = Math.sqrt(Math.abs(a)) + Math.exp(Math.min(b, 3));
  return s + Math.floor(a) - Math.ceil(b) + Math.max(a, b, 0) + Math.trunc(a) + Math.sign(b);
}

export function mathMore(a: number): number {
  return Math.log(Math.abs(a) + 1) + Math.sin(a) * Math.cos(a) + Math.tanh(a) + Math.pow(Math.abs(a), 1.5) + Math.PI + Math.round(a + 0.5) + Math.round(a);
}

export function mathInt(x: Tensor): number {
  const n = x.size(0);
  return Math.max(n, 3) - Math.min(n, 1) + Math.abs(n - 5) + Math.floor(n);
}

// --- loops -----------------------------------------------------------------------------

export function nestedLoops(x: Tensor, n: number): Tensor {
  let y = x;
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < i; j++) {
      if (j > n) break;
      y = add(y, i * j);
    }
  }
  return y;
}

export function whileContinue(x: Tensor, n: number): Tensor {
  let i = 0;
  let y = x;
  while (i < n) {
    i += 1;
    if (i % 2 === 0) continue;
    y = mul(y, 1.25);
  }
  return y;
}

export function nestedReturn(x: Tensor, limit: number): Tensor {
  let y = x;
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 3; j++) {
      y = add(y, 0.5);
      if (y.sum().item() > limit) return mul(y, i + j);
    }
  }
  return y;
}

export function countdown(n: number): number {
  let total = 0;
  for (let i = 10; i > 0; i -= 3) total = total * 2 + i;
  let k = 0;
  while (k * k < n) k++;
  return total + k;
}

// --- errors at run time ------------------------------------------------------------------

export function checkedDiv(a: number, b: number): number {
  if (b === 0) throw new Error("division by zero");
  if (Math.abs(a) > 3) throw new Error(`a is too large: ${a}`);
  return a / b;
}

// --- op calls with options objects -----------------------------------------------------------

export function convStride(x: Tensor, w: Tensor, b: Tensor): Tensor {
  return conv2d(x, w, b, { stride: 2, padding: 1 });
}

export function convMethodless(x: Tensor, w: Tensor): Tensor {
  return conv2d(x, w, null, { padding: 1, dilation: 2 });
}

export function geluTanh(x: Tensor): Tensor {
  return add(gelu(x, { approximate: "tanh" }), gelu(x));
}

export function reductions(x: Tensor): Tensor {
  return add(sum(x, [0], true), mean(x, 1, true).sum());
}

export function clampOptions(x: Tensor): Tensor {
  return clamp(x, { min: -0.5, max: 0.75 });
}

// --- logic, ternaries, compound assignment ---------------------------------------------------

export function logic(a: number, b: number, c: boolean): number {
  let r = 0;
  if ((a > 0 && b > 0) || (c && !(a < b))) r += 1;
  if (!c || a === b) r += 10;
  r *= a > b ? 2 : 3;
  r -= c ? 1 : 0;
  r /= 2;
  return r;
}

export function ternaryTensor(x: Tensor, flag: boolean): Tensor {
  const y = flag ? relu(x) : zerosLike(x);
  return x.mean().item() > 0 ? add(y, 1) : sub(y, 1);
}
