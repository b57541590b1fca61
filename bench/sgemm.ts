/** SGEMM GFLOP/s on square and skinny shapes (through mm), per backend configuration. */
import { mm, randn } from "tsjit";
import { BENCH_BACKENDS, JS } from "./backends.js";
import { time, type Timing } from "./timing.js";

const SHAPES: [m: number, k: number, n: number][] = [
  [64, 64, 64], [128, 128, 128], [256, 256, 256], [512, 512, 512], [1024, 1024, 1024], [2048, 2048, 2048],
  [1, 512, 512], [1, 784, 512], [1, 1024, 1024], [1, 2048, 2048], [64, 784, 512], [2048, 64, 2048], [64, 2048, 64],
];

/** Above this many multiply-adds the JS reference takes seconds per call; it is left out. */
const JS_MAX_MACS = 1024 ** 3;

export interface SgemmTiming extends Timing {
  readonly shape: string;
  readonly backend: string;
}

export function benchSgemm(): SgemmTiming[] {
  return SHAPES.flatMap(([m, k, n]) => {
    const a = randn(m, k);
    const b = randn(k, n);
    const shape = `${m}x${k}x${n}`;
    return BENCH_BACKENDS.filter((be) => be !== JS || m * k * n <= JS_MAX_MACS).map((be) => ({
      shape,
      backend: be.label,
      ...be.run(() => time(`sgemm ${shape} (${be.label})`, () => mm(a, b), 2 * m * k * n)),
    }));
  });
}
