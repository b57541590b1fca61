/** Note [Unzeroed outputs]: large fresh outputs of overwriting ops skip zero-filling; everything else stays zeroed. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { add, mm, ones, sum } from "../../runtime/index.js";
import { unzeroedTensor, unzeroedTypedArrayFor, UNZEROED_MIN_BYTES } from "../../runtime/ops/unzeroedStorage.js";
import { platform } from "../../runtime/platform/index.js";
import { BYTES_PER_ELEMENT, DTYPES, setStorageAllocationObserver } from "../../runtime/tensor/dtype.js";

afterEach(() => vi.restoreAllMocks());

describe("unzeroed storage (Note [Unzeroed outputs])", () => {
  it.each(DTYPES)("%s: from the threshold up, a storage of its own, exactly as long as asked", (dtype) => {
    const length = UNZEROED_MIN_BYTES / BYTES_PER_ELEMENT[dtype] + 3;
    const storage = unzeroedTypedArrayFor(dtype, length);
    expect(storage.length).toBe(length);
    expect(storage.byteOffset).toBe(0);
    expect(storage.buffer.byteLength).toBe(length * BYTES_PER_ELEMENT[dtype]);
    expect(storage.BYTES_PER_ELEMENT).toBe(BYTES_PER_ELEMENT[dtype]);
  });

  it("below the threshold, a zero-filled typed array without asking the platform", () => {
    const spy = vi.spyOn(platform, "allocateUnzeroed");
    const storage = unzeroedTypedArrayFor("float32", UNZEROED_MIN_BYTES / 4 - 1);
    expect(spy).not.toHaveBeenCalled();
    expect(storage.every((v) => v === 0)).toBe(true);
  });

  it("is counted as an allocation, as zeroed storage is", () => {
    const seen: number[] = [];
    const previous = setStorageAllocationObserver((_, length) => seen.push(length));
    try {
      unzeroedTensor([256, 256], "float32");
      unzeroedTensor([2, 2], "float32");
    } finally {
      setStorageAllocationObserver(previous);
    }
    expect(seen).toEqual([65536, 4]);
  });

  it("eager ops: a large product's output is unzeroed, an accumulating op's is not", () => {
    const spy = vi.spyOn(platform, "allocateUnzeroed");
    const a = ones([128, 8]);
    const b = ones([8, 256]);
    const product = mm(a, b);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy).toHaveBeenCalledWith(128 * 256 * 4);
    expect(product.toTypedArray().every((v) => v === 8)).toBe(true);
    sum(ones([64, 1024]), [0]);
    add(ones([8]), ones([8]));
    expect(spy).toHaveBeenCalledTimes(1);
  });
});
