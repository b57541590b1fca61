export interface ReductionKernels {}
