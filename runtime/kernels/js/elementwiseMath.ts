/** Scalar functions JavaScript's Math lacks, with the semantics PyTorch's CPU kernels give them. */

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;
/** Below this |x| the power series converges fast; above it the continued fraction does. */
const SERIES_LIMIT = 2.5;
const CONTINUED_FRACTION_TERMS = 60;

/**
 * The error function to about 1e-15 absolute. For small |x|, the series
 * erf(x) = 2/sqrt(pi) * exp(-x^2) * sum_n (2x^2)^n x / (1*3*...*(2n+1)) has only
 * positive terms, so nothing cancels; for large |x|, erfc(x) comes from its
 * Laplace continued fraction, which converges quickly there.
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax >= 6) return x > 0 ? 1 : -1;
  if (ax < SERIES_LIMIT) {
    const twoX2 = 2 * x * x;
    let term = x;
    let sum = x;
    for (let n = 1; Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
      term *= twoX2 / (2 * n + 1);
      sum += term;
    }
    return TWO_OVER_SQRT_PI * Math.exp(-x * x) * sum;
  }
  // erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + (2/2)/(x + (3/2)/(x + ...)))), evaluated bottom-up.
  let f = ax;
  for (let k = CONTINUED_FRACTION_TERMS; k >= 1; k--) f = ax + k / 2 / f;
  const erfc = (ONE_OVER_SQRT_PI * Math.exp(-ax * ax)) / f;
  return x > 0 ? 1 - erfc : erfc - 1;
}

/** Round half to even, as torch.round (Math.round rounds halves up). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** C's pow, which PyTorch uses: unlike Math.pow, pow(1, y) and pow(-1, +-inf) are 1. */
export function powC(a: number, b: number): number {
  if (a === 1 || b === 0) return 1;
  if (a === -1 && !Number.isFinite(b) && !Number.isNaN(b)) return 1;
  return Math.pow(a, b);
}

/** Python-style modulo: the result takes the sign of the divisor (torch.remainder). */
export function remainder(a: number, b: number): number {
  const mod = a % b;
  return mod !== 0 && mod < 0 !== b < 0 ? mod + b : mod;
}

/** torch.div(..., rounding_mode="floor") for floats: exact for a multiple of b, signed zeros kept. */
export function floorDivide(a: number, b: number): number {
  if (b === 0) return a / b;
  const mod = a % b;
  let div = (a - mod) / b;
  if (mod !== 0 && b < 0 !== mod < 0) div -= 1;
  if (div === 0) return Math.sign(a / b) * 0;
  const floored = Math.floor(div);
  return div - floored > 0.5 ? floored + 1 : floored;
}
