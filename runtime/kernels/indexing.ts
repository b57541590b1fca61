export interface IndexingKernels {}
