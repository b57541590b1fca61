/** Shape and indexing ops, lists of tensors (cat, stack, chunk), creation and dtype conversion. */
import { Node } from "../../ir/Graph.js";
import type { DType } from "../../tensor/dtype.js";
import type { Lowered, LoweredTensor } from "../lowered.js";
import type { NodeLowering } from "../NodeLowering.js";
import type { OpMapping, OpMappingTable } from "./OpMapping.js";
import { castTo } from "./promotion.js";

/** Slice's "to the end": the largest int64 a JavaScript number carries exactly (Slice clamps it to the dim). */
const TO_THE_END = Number.MAX_SAFE_INTEGER;

/** The length of a size argument (`int[]`) when it is known, i.e. the rank of the result. */
function listLength(n: NodeLowering, index: number): number | undefined {
  const input = n.inputs[index]!;
  if (input.kind === "list") return input.items.length;
  const value = n.constant(index);
  return Array.isArray(value) ? value.length : undefined;
}

function reshape(n: NodeLowering): LoweredTensor {
  const x = n.tensor(0);
  return n.op("Reshape", [x, n.tensor(1)], x.dtype, listLength(n, 1), n.opset >= 14 ? { allowzero: { int: 1 } } : {});
}

/** flatten(start, end): Reshape to shape[:start] + [-1] + shape[end+1:], the shape read at run time. */
function flatten(n: NodeLowering): LoweredTensor {
  const x = n.tensor(0);
  let [start, end] = [n.int(1), n.int(2)];
  if (x.rank !== undefined) [start, end] = [n.normalizeDim(start, x.rank), n.normalizeDim(end, x.rank)];
  if (x.rank === 0) return n.op("Reshape", [x, n.int64s([1])], x.dtype, 1);
  if (start === end) return x;
  const shape = n.op("Shape", [x], "int64", 1);
  const head = n.op("Slice", [shape, n.int64s([0]), n.int64s([start])], "int64", 1);
  const pieces = [head, n.int64s([-1])];
  if (end !== -1) {
    if (end < 0) n.normalizeDim(end, x.rank);
    pieces.push(n.op("Slice", [shape, n.int64s([end + 1]), n.int64s([TO_THE_END])], "int64", 1));
  }
  const target = n.op("Concat", pieces, "int64", 1, { axis: { int: 0 } });
  const rank = x.rank === undefined ? undefined : x.rank - (end - start);
  return n.op("Reshape", [x, target], x.dtype, rank);
}

function transpose(n: NodeLowering, x: LoweredTensor, perm: readonly number[]): LoweredTensor {
  return n.op("Transpose", [x], x.dtype, x.rank, { perm: { ints: perm } });
}

function swapDims(n: NodeLowering): LoweredTensor {
  const rank = n.rankOf(0);
  const x = n.tensor(0);
  const [a, b] = [n.normalizeDim(n.int(1), rank), n.normalizeDim(n.int(2), rank)];
  const perm = Array.from({ length: rank }, (_, i) => (i === a ? b : i === b ? a : i));
  return a === b ? x : transpose(n, x, perm);
}

/** An int argument as a 1-d int64 tensor (Slice's starts and ends, which may be computed at run time). */
function asVector(n: NodeLowering, index: number, otherwise: number): LoweredTensor {
  if (n.isNone(index)) return n.int64s([otherwise]);
  const value = n.constant(index);
  if (typeof value === "number") return n.int64s([Math.max(-TO_THE_END, Math.min(TO_THE_END, value))]);
  return n.op("Unsqueeze", [castTo(n, n.tensor(index), "int64"), n.int64s([0])], "int64", 1);
}

/** movedim: the Transpose that puts each source dim at its destination and keeps the other dims in order. */
function movedim(n: NodeLowering): LoweredTensor {
  const rank = n.rankOf(0);
  const [source, destination] = [n.ints(1).map((d) => n.normalizeDim(d, rank)), n.ints(2).map((d) => n.normalizeDim(d, rank))];
  const perm = new Array<number>(rank).fill(-1);
  destination.forEach((d, i) => (perm[d] = source[i]!));
  const rest = Array.from({ length: rank }, (_, i) => i).filter((d) => !source.includes(d));
  return transpose(n, n.tensor(0), perm.map((d) => (d === -1 ? rest.shift()! : d)));
}

/**
 * roll: per rolled dim, the last `shift mod size` elements moved to the front — two
 * Slices and a Concat, the size read at run time. With no dims, the flattened tensor
 * is rolled and reshaped back.
 */
function roll(n: NodeLowering): LoweredTensor {
  const x = n.tensor(0);
  const shifts = n.ints(1);
  const dims = n.ints(2);
  if (dims.length === 0) {
    if (shifts.length !== 1) n.fail(`with no dims needs one shift, got ${shifts.length}`);
    const flat = n.op("Reshape", [x, n.int64s([-1])], x.dtype, 1);
    return n.op("Reshape", [rollDim(n, flat, shifts[0]!, 0), n.op("Shape", [x], "int64", 1)], x.dtype, x.rank);
  }
  if (shifts.length !== dims.length) n.fail(`needs as many shifts as dims, got ${shifts.length} and ${dims.length}`);
  return dims.reduce((rolled, dim, i) => rollDim(n, rolled, shifts[i]!, dim), x);
}

function rollDim(n: NodeLowering, x: LoweredTensor, shift: number, dim: number): LoweredTensor {
  const size = n.op("Gather", [n.op("Shape", [x], "int64", 1), n.int64s([dim])], "int64", 1, { axis: { int: 0 } });
  const split = n.op("Sub", [size, n.op("Mod", [n.int64s([shift]), size], "int64", 1)], "int64", 1);
  const axes = n.int64s([dim]);
  const tail = n.op("Slice", [x, split, n.int64s([TO_THE_END]), axes], x.dtype, x.rank);
  const head = n.op("Slice", [x, n.int64s([0]), split, axes], x.dtype, x.rank);
  return n.op("Concat", [tail, head], x.dtype, x.rank, { axis: { int: dim } });
}

/** flip: Slice backwards (step -1) over every flipped dim. */
function flip(n: NodeLowering): LoweredTensor {
  const x = n.tensor(0);
  const dims = n.ints(1);
  const each = (value: number) => n.int64s(dims.map(() => value));
  return n.op("Slice", [x, each(-1), each(-TO_THE_END), n.int64s(dims), each(-1)], x.dtype, x.rank);
}

/** unflatten(dim, sizes): Reshape to shape[:dim] + sizes + shape[dim+1:], the shape read at run time. */
function unflatten(n: NodeLowering): LoweredTensor {
  const x = n.tensor(0);
  const dim = x.rank === undefined ? n.int(1) : n.normalizeDim(n.int(1), x.rank);
  const sizes = n.tensor(2);
  const shape = n.op("Shape", [x], "int64", 1);
  const pieces = [n.op("Slice", [shape, n.int64s([0]), n.int64s([dim])], "int64", 1), sizes];
  if (dim !== -1) pieces.push(n.op("Slice", [shape, n.int64s([dim + 1]), n.int64s([TO_THE_END])], "int64", 1));
  const target = n.op("Concat", pieces, "int64", 1, { axis: { int: 0 } });
  const count = listLength(n, 2);
  return n.op("Reshape", [x, target], x.dtype, x.rank === undefined || count === undefined ? undefined : x.rank + count - 1);
}

/** arange: Range, int64 when every bound is an integer (as PyTorch), float32 otherwise. */
function arange(n: NodeLowering, bounds: readonly number[], dtypeIndex: number): LoweredTensor {
  const known = bounds.map((i) => n.constant(i));
  const dtype = n.dtype(dtypeIndex) ?? (known.every((v) => typeof v === "number" && Number.isInteger(v)) ? "int64" : "float32");
  const value = (i: number) => (n.isNone(i) ? undefined : castTo(n, n.tensor(i), dtype));
  const [start, end, step] = bounds.length === 1 ? [undefined, value(bounds[0]!), undefined] : bounds.map(value);
  const zero = n.builder.scalar(0, dtype);
  const one = n.builder.scalar(1, dtype);
  return n.op("Range", [start?.name ?? zero, end!.name, step?.name ?? one], dtype, 1);
}

function slice(n: NodeLowering): LoweredTensor {
  const x = n.tensor(0);
  const step = n.int(4);
  if (step < 1) n.fail(`with step ${step} has no mapping (PyTorch requires a positive step)`);
  return n.op("Slice", [x, asVector(n, 2, 0), asVector(n, 3, TO_THE_END), n.int64s([n.int(1)]), n.int64s([step])], x.dtype, x.rank);
}

function narrow(n: NodeLowering): LoweredTensor {
  const x = n.tensor(0);
  const [dim, start, length] = [n.int(1), n.int(2), n.int(3)];
  return n.op("Slice", [x, n.int64s([start]), n.int64s([start + length]), n.int64s([dim])], x.dtype, x.rank);
}

/** The tensors of a `Tensor[]` argument (a list built in the graph). */
function tensorList(n: NodeLowering, index: number): LoweredTensor[] {
  const list = n.inputs[index]!;
  if (list.kind !== "list") n.fail(`needs argument ${n.argumentName(index)} as a list built in the graph`);
  return list.items.map((item, i) => (item.kind === "tensor" ? item : n.fail(`needs item ${i} of ${n.argumentName(index)} to be a tensor`)));
}

/** Split into `count` pieces along `dim`: equal ones, or of `sizes` (known, or a tensor computed at run time). */
function splitInto(n: NodeLowering, x: LoweredTensor, count: number, dim: number, sizes?: readonly number[] | LoweredTensor): LoweredTensor[] {
  const inputs = sizes === undefined ? [x.name] : [x.name, Array.isArray(sizes) ? n.int64s(sizes).name : (sizes as LoweredTensor).name];
  return n.builder.emit("Split", inputs, { axis: { int: dim } }, count).map((name) => ({ kind: "tensor", name, dtype: x.dtype, rank: x.rank }));
}

function listOf(items: readonly Lowered[]): Lowered {
  return { kind: "list", items };
}

/**
 * How many tensors a list-returning op gives, read from the `prim::ListUnpack` that
 * takes its list apart: ONNX needs the count at export time, and only the unpack
 * says it when it depends on a dim's size (unbind, split by size).
 */
function unpackedCount(n: NodeLowering): number {
  const uses = n.node.outputs[0]!.uses;
  const counts = new Set(uses.map((use) => (use.user instanceof Node && use.user.kind === "prim::ListUnpack" ? use.user.outputs.length : -1)));
  if (counts.size !== 1 || counts.has(-1)) n.fail("needs its list unpacked into variables (`const [a, b] = ...`) so the number of pieces is known at export time");
  return [...counts][0]!;
}

/** unbind: Split into size-1 pieces along dim, each squeezed. */
function unbind(n: NodeLowering): Lowered {
  const x = n.tensor(0);
  const dim = n.int(1);
  const axes = n.int64s([dim]);
  const rank = x.rank === undefined ? undefined : x.rank - 1;
  return listOf(splitInto(n, x, unpackedCount(n), dim).map((piece) => n.op("Squeeze", [piece, axes], x.dtype, rank)));
}

/** split(split_size, dim): pieces of split_size, the last one what remains (its size computed at run time). */
function splitBySize(n: NodeLowering): Lowered {
  const x = n.tensor(0);
  const [size, dim] = [n.int(1), n.int(2)];
  const count = unpackedCount(n);
  const dimSize = n.op("Gather", [n.op("Shape", [x], "int64", 1), n.int64s([dim])], "int64", 1, { axis: { int: 0 } });
  const last = n.op("Sub", [dimSize, n.int64s([size * (count - 1)])], "int64", 1);
  const sizes = n.op("Concat", [n.int64s(new Array<number>(count - 1).fill(size)), last], "int64", 1, { axis: { int: 0 } });
  return listOf(splitInto(n, x, count, dim, sizes));
}

/** zeros/ones/full: a 0-d constant expanded to the size. */
function filled(value: (n: NodeLowering) => number, fillIndex?: number): OpMapping {
  return {
    onnx: "Expand of a 0-d constant",
    lower: (n) => {
      const dtypeIndex = fillIndex === undefined ? 1 : 2;
      const fill = value(n);
      // torch.full infers bool from a bool fill value; every other default is float32.
      const dtype: DType = n.dtype(dtypeIndex) ?? (fillIndex !== undefined && typeof n.constant(fillIndex) === "boolean" ? "bool" : "float32");
      return n.op("Expand", [n.builder.scalar(fill, dtype), n.tensor(0)], dtype, listLength(n, 0));
    },
  };
}

function filledLike(value: (n: NodeLowering) => number, dtypeIndex: number): OpMapping {
  return {
    onnx: "Expand of a 0-d constant to Shape(self)",
    lower: (n) => {
      const x = n.tensor(0);
      const dtype = n.dtype(dtypeIndex) ?? x.dtype;
      return n.op("Expand", [n.builder.scalar(value(n), dtype), n.op("Shape", [x], "int64", 1)], dtype, x.rank);
    },
  };
}

function conversion(dtype: (n: NodeLowering) => DType | undefined): OpMapping {
  return {
    onnx: "Cast (Identity when the dtype is unchanged)",
    lower: (n) => {
      const x = n.tensor(0);
      const target = dtype(n) ?? x.dtype;
      return target === x.dtype ? n.op("Identity", [x], x.dtype, x.rank) : castTo(n, x, target);
    },
  };
}

function triangle(upper: boolean): OpMapping {
  return {
    onnx: "Trilu (opset 14)",
    lower: (n) => {
      if (n.opset < 14) n.fail(`has no mapping before opset 14 (Trilu); exporting for opset ${n.opset}`);
      const x = n.tensor(0);
      return n.op("Trilu", [x, n.builder.scalar(n.int(1), "int64")], x.dtype, x.rank, { upper: { int: upper ? 1 : 0 } });
    },
  };
}

function repeat(n: NodeLowering): LoweredTensor {
  let x = n.tensor(0);
  const repeats = n.ints(1);
  const rank = n.rankOf(0);
  if (repeats.length < rank) n.fail(`needs at least as many repeats (${repeats.length}) as dims (${rank})`);
  if (repeats.length > rank) {
    const added = repeats.length - rank;
    x = n.op("Unsqueeze", [x, n.int64s(Array.from({ length: added }, (_, i) => i))], x.dtype, repeats.length);
  }
  return n.op("Tile", [x, n.int64s(repeats)], x.dtype, repeats.length);
}

const identity: OpMapping = { onnx: "Identity", lower: (n) => n.op("Identity", [n.tensor(0)], n.tensor(0).dtype, n.tensor(0).rank) };

export const SHAPE_MAPPINGS: OpMappingTable = {
  "aten::reshape": { onnx: "Reshape", lower: reshape },
  "aten::view": { onnx: "Reshape", lower: reshape },
  "aten::flatten.using_ints": { onnx: "Shape, Slice, Concat, Reshape", lower: flatten },
  "aten::transpose.int": { onnx: "Transpose", lower: swapDims },
  "aten::t": {
    onnx: "Transpose",
    lower: (n) => (n.rankOf(0) < 2 ? n.op("Identity", [n.tensor(0)], n.tensor(0).dtype, n.tensor(0).rank) : transpose(n, n.tensor(0), [1, 0])),
  },
  "aten::permute": {
    onnx: "Transpose",
    lower: (n) => {
      const dims = n.ints(1);
      return transpose(n, n.tensor(0), dims.map((d) => (d < 0 ? d + dims.length : d)));
    },
  },
  "aten::squeeze.dim": {
    onnx: "Squeeze",
    lower: (n) => n.op("Squeeze", [n.tensor(0), n.int64s([n.int(1)])], n.tensor(0).dtype, n.tensor(0).rank === undefined ? undefined : n.tensor(0).rank! - 1),
  },
  "aten::squeeze.dims": {
    onnx: "Squeeze",
    lower: (n) => n.op("Squeeze", [n.tensor(0), n.int64s(n.ints(1))], n.tensor(0).dtype, n.tensor(0).rank === undefined ? undefined : n.tensor(0).rank! - n.ints(1).length),
  },
  "aten::squeeze": { onnx: "Squeeze", lower: (n) => n.op("Squeeze", [n.tensor(0)], n.tensor(0).dtype, undefined) },
  "aten::unsqueeze": {
    onnx: "Unsqueeze",
    lower: (n) => n.op("Unsqueeze", [n.tensor(0), n.int64s([n.int(1)])], n.tensor(0).dtype, n.tensor(0).rank === undefined ? undefined : n.tensor(0).rank! + 1),
  },
  "aten::expand": {
    onnx: "Expand",
    lower: (n) => {
      const size = n.inputs[1]!;
      // -1 keeps a dim; Expand keeps a dim where the target says 1.
      const target: Lowered = size.kind === "list" ? { kind: "list", items: size.items.map((item) => (item.kind === "constant" && item.value === -1 ? { ...item, value: 1 } : item)) } : size;
      const sizes = n.constant(1);
      const shape = Array.isArray(sizes) ? n.int64s(sizes.map((s) => (s === -1 ? 1 : s))) : n.tensorOf(target, "size");
      return n.op("Expand", [n.tensor(0), shape], n.tensor(0).dtype, listLength(n, 1));
    },
  },
  "aten::expand_as": { onnx: "Shape, Expand", lower: (n) => n.op("Expand", [n.tensor(0), n.op("Shape", [n.tensor(1)], "int64", 1)], n.tensor(0).dtype, n.tensor(1).rank) },
  "aten::narrow": { onnx: "Slice", lower: narrow },
  "aten::flip": { onnx: "Slice (step -1)", lower: flip },
  "aten::roll": { onnx: "Shape, Gather, Mod, Slice, Concat", lower: roll },
  "aten::movedim.intlist": { onnx: "Transpose", lower: movedim },
  "aten::unflatten.int": { onnx: "Shape, Slice, Concat, Reshape", lower: unflatten },
  "aten::arange": { onnx: "Range", lower: (n) => arange(n, [0], 1) },
  "aten::arange.start_step": { onnx: "Range", lower: (n) => arange(n, [0, 1, 2], 3) },
  "aten::select.int": {
    onnx: "Gather (0-d index)",
    lower: (n) => {
      const x = n.tensor(0);
      return n.op("Gather", [x, castTo(n, n.tensor(2), "int64")], x.dtype, x.rank === undefined ? undefined : x.rank - 1, { axis: { int: n.int(1) } });
    },
  },
  "aten::slice.Tensor": { onnx: "Slice", lower: slice },
  "aten::chunk": { onnx: "Split into equal parts (the dim must divide evenly)", lower: (n) => listOf(splitInto(n, n.tensor(0), n.int(1), n.int(2))) },
  "aten::split.sizes": { onnx: "Split", lower: (n) => listOf(splitInto(n, n.tensor(0), n.ints(1).length, n.int(2), n.ints(1))) },
  "aten::split.Tensor": { onnx: "Split (the count from the ListUnpack of its result; the last size at run time)", lower: splitBySize },
  "aten::unbind.int": { onnx: "Split, Squeeze (the count from the ListUnpack of its result)", lower: unbind },
  "aten::cat": {
    onnx: "Concat",
    lower: (n) => {
      const items = tensorList(n, 0);
      return n.op("Concat", items, items[0]?.dtype ?? "float32", items[0]?.rank, { axis: { int: n.int(1) } });
    },
  },
  "aten::stack": {
    onnx: "Unsqueeze, Concat",
    lower: (n) => {
      const dim = n.int(1);
      const axes = n.int64s([dim]);
      const items = tensorList(n, 0).map((t) => n.op("Unsqueeze", [t, axes], t.dtype, t.rank === undefined ? undefined : t.rank + 1));
      return n.op("Concat", items, items[0]?.dtype ?? "float32", items[0]?.rank, { axis: { int: dim } });
    },
  },
  "aten::index_select": {
    onnx: "Gather",
    lower: (n) => n.op("Gather", [n.tensor(0), castTo(n, n.tensor(2), "int64")], n.tensor(0).dtype, n.tensor(0).rank, { axis: { int: n.int(1) } }),
  },
  "aten::gather": {
    onnx: "GatherElements",
    lower: (n) => n.op("GatherElements", [n.tensor(0), castTo(n, n.tensor(2), "int64")], n.tensor(0).dtype, n.tensor(0).rank, { axis: { int: n.int(1) } }),
  },
  "aten::embedding": {
    onnx: "Gather (axis 0)",
    lower: (n) => {
      const indices = castTo(n, n.tensor(0), "int64");
      return n.op("Gather", [n.tensor(1), indices], n.tensor(1).dtype, indices.rank === undefined ? undefined : indices.rank + 1, { axis: { int: 0 } });
    },
  },
  "aten::repeat": { onnx: "Tile (Unsqueeze first for new leading dims)", lower: repeat },
  "aten::tril": triangle(false),
  "aten::triu": triangle(true),
  "aten::zeros": filled(() => 0),
  "aten::empty": filled(() => 0),
  "aten::ones": filled(() => 1),
  "aten::full": filled((n) => Number(n.constant(1) ?? n.fail("needs fill_value known at export time")), 1),
  "aten::zeros_like": filledLike(() => 0, 1),
  "aten::ones_like": filledLike(() => 1, 1),
  "aten::full_like": filledLike((n) => n.float(1), 2),
  "aten::clone": identity,
  "aten::contiguous": identity,
  "aten::_to_copy": conversion((n) => n.dtype(1)),
  "aten::to.dtype": conversion((n) => n.dtype(1)),
  "tsjit::float": conversion(() => "float32"),
  "tsjit::int": conversion(() => "int32"),
  "tsjit::long": conversion(() => "int64"),
  "tsjit::bool": conversion(() => "bool"),
};
