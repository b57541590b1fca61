export interface LinalgKernels {}
