// Filled in by the reduction op family.
export {};
