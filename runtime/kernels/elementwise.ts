export interface ElementwiseKernels {}
