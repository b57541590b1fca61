/**
 * Note [Unzeroed outputs]: a new typed array is zero-filled, and for a large one that
 * costs real time: calloc either zeroes reused memory or hands out fresh pages that
 * fault on first touch. For `mm` of two 1024x1024 matrices that was about 0.4 ms of
 * zeroing, or 1.3 ms of faults, on a 10 ms product. An op that writes every element of
 * its output (Note [Overwriting ops]) does not need the zeros, so its fresh outputs from
 * UNZEROED_MIN_BYTES up come from `platform.allocateUnzeroed`: Node's
 * `Buffer.allocUnsafeSlow`, whose malloc reuses the pages the last freed result had. The
 * browser build zero-fills regardless. Smaller outputs keep plain typed arrays, which V8
 * allocates as fast. (Measured with Node 20: a zeroed Float32Array of 1024 floats took
 * 0.34 us against 0.20 unzeroed, of 4096 floats 1.0 against 0.23, of 16384 floats 3.3
 * against 0.35 to 0.74; of 256 floats both 0.2.)
 */
import { platform } from "../platform/index.js";
import { BYTES_PER_ELEMENT, typedArrayFor, typedArrayOn, type DType, type TypedArray } from "../tensor/dtype.js";
import { contiguousStrides, numelOf, type Shape } from "../tensor/shape.js";
import { Tensor } from "../tensor/Tensor.js";

export const UNZEROED_MIN_BYTES = 4 * 1024;

/** Storage for `length` elements that its user will overwrite in full: unzeroed when large. */
export function unzeroedTypedArrayFor(dtype: DType, length: number): TypedArray {
  const bytes = length * BYTES_PER_ELEMENT[dtype];
  return bytes < UNZEROED_MIN_BYTES ? typedArrayFor(dtype, length) : typedArrayOn(dtype, platform.allocateUnzeroed(bytes), length);
}

/** `emptyTensor` for an output its op overwrites in full. */
export function unzeroedTensor(shape: Shape, dtype: DType): Tensor {
  return new Tensor(unzeroedTypedArrayFor(dtype, numelOf(shape)), shape, Object.freeze(contiguousStrides(shape)), 0, dtype);
}
