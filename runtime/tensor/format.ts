/**
 * `toString()` in PyTorch's layout: 4 decimals, columns aligned to the widest
 * element, integral floats as `1.`, scientific notation when magnitudes span more
 * than 1000x or leave [1e-4, 1e8), and `...` summaries past 1000 elements.
 */
import type { StridedView } from "./Tensor.js";
import { numelOf } from "./shape.js";

const PRECISION = 4;
const SUMMARY_THRESHOLD = 1000;
const EDGE_ITEMS = 3;
const LINE_WIDTH = 80;
const PREFIX = "tensor(";

type ElementFormatter = (value: number) => string;

export function formatTensor(t: StridedView): string {
  const numel = numelOf(t.shape);
  const summarize = numel > SUMMARY_THRESHOLD;
  const suffixes: string[] = [];
  if (numel === 0 && t.shape.length !== 1) suffixes.push(`size=(${t.shape.join(", ")}${t.shape.length === 1 ? "," : ""})`);
  if (t.dtype === "int32") suffixes.push("dtype=torch.int32");
  let body: string;
  if (numel === 0) body = "[]";
  else {
    const format = makeFormatter(t, summarize);
    body = formatDims(t, 0, t.offset, PREFIX.length, format, summarize);
  }
  return `${PREFIX}${[body, ...suffixes].join(", ")})`;
}

/** Every element that will be printed, so the formatter sees the same values the output shows. */
function shownValues(t: StridedView, summarize: boolean): number[] {
  const values: number[] = [];
  const walk = (dim: number, offset: number): void => {
    if (dim === t.shape.length) {
      values.push(t.storage[offset]!);
      return;
    }
    for (const i of shownIndices(t.shape[dim]!, summarize)) walk(dim + 1, offset + i * t.strides[dim]!);
  };
  walk(0, t.offset);
  return values;
}

function shownIndices(size: number, summarize: boolean): number[] {
  if (!summarize || size <= 2 * EDGE_ITEMS) return Array.from({ length: size }, (_, i) => i);
  return [0, 1, 2, size - 3, size - 2, size - 1];
}

/** PyTorch's _Formatter: the column width comes from the nonzero finite values only. */
function makeFormatter(t: StridedView, summarize: boolean): ElementFormatter {
  const values = shownValues(t, summarize);
  if (t.dtype === "bool") return padded((v) => (v ? "True" : "False"), values);
  if (t.dtype !== "float32") return padded(String, values);
  const finite = values.filter((v) => Number.isFinite(v) && v !== 0);
  if (finite.length === 0) return integralFloat;
  const magnitudes = finite.map(Math.abs);
  const max = Math.max(...magnitudes);
  const min = Math.min(...magnitudes);
  const intMode = finite.every((v) => Number.isInteger(v));
  const sciMode = max / min > 1000 || max > 1e8 || (!intMode && min < 1e-4);
  const format = sciMode ? scientific : intMode ? integralFloat : fixed;
  return padded(format, finite);
}

function padded(format: ElementFormatter, widthFrom: number[]): ElementFormatter {
  const width = Math.max(1, ...widthFrom.map((v) => format(v).length));
  return (v) => format(v).padStart(width);
}

function special(v: number): string | undefined {
  return Number.isNaN(v) ? "nan" : v === Infinity ? "inf" : v === -Infinity ? "-inf" : undefined;
}

function integralFloat(v: number): string {
  return special(v) ?? `${Object.is(v, -0) ? "-0" : v.toFixed(0)}.`;
}

function fixed(v: number): string {
  return special(v) ?? v.toFixed(PRECISION);
}

/** Python's `{:.4e}`: at least two exponent digits. */
function scientific(v: number): string {
  const nonFinite = special(v);
  if (nonFinite) return nonFinite;
  const [mantissa, exponent] = v.toExponential(PRECISION).split("e") as [string, string];
  const sign = exponent.startsWith("-") ? "-" : "+";
  return `${mantissa}e${sign}${exponent.replace(/^[+-]/, "").padStart(2, "0")}`;
}

function formatDims(t: StridedView, dim: number, offset: number, indent: number, format: ElementFormatter, summarize: boolean): string {
  const rank = t.shape.length;
  if (rank === 0) return format(t.storage[offset]!);
  const size = t.shape[dim]!;
  const indices = shownIndices(size, summarize);
  const elided = indices.length < size;
  if (dim === rank - 1) {
    const items = indices.map((i) => format(t.storage[offset + i * t.strides[dim]!]!));
    const itemWidth = Math.max(...items.map((s) => s.length)) + 2;
    if (elided) items.splice(EDGE_ITEMS, 0, " ...");
    return `[${wrapRow(items, itemWidth, indent)}]`;
  }
  const parts = indices.map((i) => formatDims(t, dim + 1, offset + i * t.strides[dim]!, indent + 1, format, summarize));
  if (elided) parts.splice(EDGE_ITEMS, 0, "...");
  const separator = "," + "\n".repeat(rank - dim - 1) + " ".repeat(indent + 1);
  return `[${parts.join(separator)}]`;
}

/** Fits a row into the line width as PyTorch does, continuing on lines indented under the bracket. */
function wrapRow(items: string[], itemWidth: number, indent: number): string {
  const perLine = Math.max(1, Math.floor((LINE_WIDTH - indent) / itemWidth));
  if (items.length <= perLine) return items.join(", ");
  const lines: string[] = [];
  for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(", "));
  return lines.join(",\n" + " ".repeat(indent + 1));
}
