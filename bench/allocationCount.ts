/** Counting tensor storage allocations (the hook in dtype.ts's `typedArrayFor`). */
import { setStorageAllocationObserver, type DType } from "../runtime/tensor/dtype.js";

export interface AllocationCount {
  readonly buffers: number;
  readonly bytes: number;
}

const BYTES_PER_ELEMENT: Record<DType, number> = { float32: 4, int32: 4, int64: 8, bool: 1 };

/** The storages `body` allocates, and their bytes. */
export function countAllocations(body: () => unknown): AllocationCount {
  let buffers = 0;
  let bytes = 0;
  const previous = setStorageAllocationObserver((dtype, length) => {
    buffers++;
    bytes += length * BYTES_PER_ELEMENT[dtype];
  });
  try {
    body();
  } finally {
    setStorageAllocationObserver(previous);
  }
  return { buffers, bytes };
}
