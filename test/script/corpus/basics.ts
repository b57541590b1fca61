/** @script corpus: functions compiled by the frontend and also run eagerly (see test/script/frontend/corpus.test.ts). */
import { add, matmul, mul, relu, softmax, zerosLike, sigmoid, tanh, cat, type Tensor } from "tsjit";

export function identityRelu(x: Tensor): Tensor {
  return relu(x);
}

export function methodChain(x: Tensor): Tensor {
  return x.relu().mul(2).add(1).tanh();
}

export function arith(a: number, b: number): number {
  const c = a * 2 + b / 3 - 1;
  let d = c % 2;
  d += 1.5;
  d -= a;
  d *= 2;
  return d ** 2;
}

export function intMath(n: number): number {
  let total = 0;
  for (let i = 0; i < 5; i++) total += i * 2;
  return total + Math.floor(n);
}

export function compare(a: number, b: number): boolean {
  return (a < b && b <= 10) || a === b || !(a >= 3);
}

export function ternary(x: Tensor, t: number): Tensor {
  return x.mean().item() > t ? relu(x) : zerosLike(x);
}

export function branch(x: Tensor): Tensor {
  let y = x;
  if (x.sum().item() > 0) {
    y = mul(x, 2);
  } else {
    y = add(x, 1);
  }
  return y;
}

export function earlyReturn(x: Tensor): Tensor {
  const m = x.mean().item();
  if (m > 0.5) return sigmoid(x);
  if (m < -0.5) {
    return tanh(x);
  }
  return x;
}

export function whileLoop(x: Tensor, n: number): Tensor {
  let i = 0;
  let y = x;
  while (i < n) {
    y = add(y, x);
    i++;
  }
  return y;
}

export function forLoopBreak(x: Tensor): Tensor {
  let y = x;
  for (let i = 0; i < 10; i++) {
    if (i >= 3) break;
    y = mul(y, 1.5);
  }
  return y;
}

export function forLoopContinue(x: Tensor): Tensor {
  let y = x;
  for (let i = 0; i < 6; i += 1) {
    if (i % 2 === 0) continue;
    y = add(y, i);
  }
  return y;
}

export function returnInLoop(x: Tensor): Tensor {
  let y = x;
  for (let i = 0; i < 8; i++) {
    y = add(y, 1);
    if (y.max().item() > 3) return y;
  }
  return mul(y, -1);
}

export function shapes(x: Tensor): Tensor {
  const b = x.shape[0]!;
  const n = x.size(1);
  return x.reshape(b * n).reshape(b, -1).transpose(0, 1);
}

export function softmaxDim(x: Tensor): Tensor {
  return softmax(x, -1);
}

export function matmulT(a: Tensor, b: Tensor): Tensor {
  return matmul(a, b.t());
}

export function lists(x: Tensor): Tensor {
  const parts: Tensor[] = [];
  for (let i = 0; i < 3; i++) parts.push(mul(x, i));
  return cat(parts, 0);
}

export function forOf(x: Tensor): Tensor {
  const scales = [1, 2.5, 3];
  let y = zerosLike(x);
  for (const s of scales) y = add(y, mul(x, s));
  return y;
}

export function tupleReturn(x: Tensor): [Tensor, Tensor] {
  return [relu(x), mul(x, 2)];
}

export function destructure(x: Tensor): Tensor {
  const [a, b] = x.chunk(2, 0);
  return add(a!, b!);
}

export function optionalArg(x: Tensor, b: Tensor | null): Tensor {
  if (b !== null) return add(x, b);
  return x;
}

export function defaultArg(x: Tensor, k: number = 3): Tensor {
  return mul(x, k);
}

export function raise(x: Tensor, n: number): Tensor {
  if (n < 0) throw new Error(`n must be >= 0, got ${n}`);
  return mul(x, n);
}

export function helper(x: Tensor): Tensor {
  return add(relu(x), 1);
}

export function callsHelper(x: Tensor): Tensor {
  return mul(helper(x), 2);
}
