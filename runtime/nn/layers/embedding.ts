/** Embedding: a lookup table of numEmbeddings vectors of size embeddingDim. */
import { fail } from "../../errors.js";
import { embedding, empty } from "../../ops/index.js";
import type { Tensor } from "../../tensor/Tensor.js";
import { normal_ } from "../init.js";
import { Module } from "../Module.js";
import { Parameter } from "../Parameter.js";
import { checkNonNegativeInt } from "./validate.js";

export interface EmbeddingOptions {
  /** A row that is initialised to zeros (negative values count from the end). */
  readonly paddingIdx?: number | null;
}

export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  /** Normalised to [0, numEmbeddings), or null. */
  readonly paddingIdx: number | null;
  weight: Parameter;

  constructor(numEmbeddings: number, embeddingDim: number, options: EmbeddingOptions = {}) {
    super();
    checkNonNegativeInt("Embedding", "num_embeddings", numEmbeddings);
    checkNonNegativeInt("Embedding", "embedding_dim", embeddingDim);
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.paddingIdx = normalizePaddingIdx(options.paddingIdx ?? null, numEmbeddings);
    this.weight = new Parameter(empty([numEmbeddings, embeddingDim]));
    this.resetParameters();
  }

  /** PyTorch's default: N(0, 1), with the padding row zeroed. */
  resetParameters(): void {
    normal_(this.weight);
    if (this.paddingIdx !== null) {
      const row = this.weight.offset + this.paddingIdx * this.weight.strides[0]!;
      for (let j = 0; j < this.embeddingDim; j++) this.weight.storage[row + j * this.weight.strides[1]!] = 0;
    }
  }

  override forward(input: Tensor): Tensor {
    return embedding(input, this.weight, { paddingIdx: this.paddingIdx });
  }
}

function normalizePaddingIdx(paddingIdx: number | null, numEmbeddings: number): number | null {
  if (paddingIdx === null) return null;
  if (!Number.isInteger(paddingIdx) || paddingIdx >= numEmbeddings || paddingIdx < -numEmbeddings) {
    fail("INVALID_ARGUMENT", `Embedding: padding_idx (${paddingIdx}) must be an integer within num_embeddings (${numEmbeddings})`);
  }
  return paddingIdx < 0 ? paddingIdx + numEmbeddings : paddingIdx;
}
