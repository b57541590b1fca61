/**
 * In-place initialisers (torch.nn.init), drawing from the default generator so
 * `manualSeed` makes layer construction repeatable. Elements are filled in
 * row-major order.
 */
import { check } from "../errors.js";
import { defaultGenerator } from "../tensor/random.js";
import { forEachOffset, type Tensor } from "../tensor/Tensor.js";

function fillWith(tensor: Tensor, sample: () => number): Tensor {
  const storage = tensor.storage;
  forEachOffset(tensor, (offset) => {
    storage[offset] = sample();
  });
  return tensor;
}

/** Fills `tensor` with samples from U(low, high). */
export function uniform_(tensor: Tensor, low = 0, high = 1): Tensor {
  check(low <= high, "uniform_", () => `expects low <= high, got low ${low} and high ${high}`);
  return fillWith(tensor, () => low + (high - low) * defaultGenerator.uniform());
}

/** Fills `tensor` with samples from N(mean, std²). */
export function normal_(tensor: Tensor, mean = 0, std = 1): Tensor {
  check(std >= 0, "normal_", () => `expects std >= 0, got ${std}`);
  return fillWith(tensor, () => mean + std * defaultGenerator.normal());
}

export function constant_(tensor: Tensor, value: number): Tensor {
  return fillWith(tensor, () => value);
}

export function zeros_(tensor: Tensor): Tensor {
  return constant_(tensor, 0);
}

export function ones_(tensor: Tensor): Tensor {
  return constant_(tensor, 1);
}

/** fan_in and fan_out of a Linear ([out, in]) or Conv ([out, in/groups, ...kernel]) weight. */
export function calculateFanInAndFanOut(tensor: Tensor): { fanIn: number; fanOut: number } {
  check(tensor.ndim >= 2, "calculateFanInAndFanOut", () => `fan in and fan out can not be computed for a tensor with fewer than 2 dimensions (got shape [${tensor.shape.join(", ")}])`);
  const receptiveField = tensor.shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: tensor.shape[1]! * receptiveField, fanOut: tensor.shape[0]! * receptiveField };
}

export interface KaimingOptions {
  /** Negative slope of the rectifier after this layer (only used with leaky_relu). */
  readonly a?: number;
  readonly mode?: "fan_in" | "fan_out";
  readonly nonlinearity?: "leaky_relu" | "relu" | "linear";
}

/**
 * He initialisation: U(-bound, bound) with bound = gain * sqrt(3 / fan). Linear and
 * Conv layers use a = sqrt(5), which makes the bound 1 / sqrt(fan_in).
 */
export function kaimingUniform_(tensor: Tensor, options: KaimingOptions = {}): Tensor {
  const { a = 0, mode = "fan_in", nonlinearity = "leaky_relu" } = options;
  const { fanIn, fanOut } = calculateFanInAndFanOut(tensor);
  const fan = mode === "fan_in" ? fanIn : fanOut;
  if (fan === 0) return tensor;
  const gain = nonlinearity === "linear" ? 1 : nonlinearity === "relu" ? Math.SQRT2 : Math.sqrt(2 / (1 + a * a));
  const bound = gain * Math.sqrt(3 / fan);
  return uniform_(tensor, -bound, bound);
}
