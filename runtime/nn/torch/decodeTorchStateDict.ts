/**
 * Reads what `torch.save(model.state_dict(), path)` writes: the zip archive
 * (zipArchive.ts), its data.pkl run by the restricted unpickler (pickle.ts) with
 * only the globals a state dict needs, and the tensors rebuilt as views of the
 * archive's storages (storage.ts). Mirrors PyTorch's own `weights_only=True`
 * unpickler: any other global, and REDUCE or BUILD on anything else, is refused.
 * No Node dependency: loadTorchStateDict.ts adds file access.
 */
import { fail, formatShape } from "../../errors.js";
import { type TypedArray } from "../../tensor/dtype.js";
import { Tensor } from "../../tensor/Tensor.js";
import { PickleTuple, unpickle, type PickleCallable, type PickleEnvironment } from "./pickle.js";
import { decodeStorage, STORAGE_TYPES, type StorageType } from "./storage.js";
import { readTorchArchive, type TorchArchive } from "./zipArchive.js";

/** A storage named by the pickle's persistent id: `('storage', type, key, location, numel)`. */
class StorageRecord {
  constructor(
    readonly type: StorageType,
    readonly key: string,
    readonly numel: number,
    readonly bytes: Uint8Array,
  ) {}
}

/** What `_rebuild_tensor_v2` describes: a strided view of a storage, materialised once the tensor's name is known. */
class TensorRecord {
  constructor(
    readonly storage: StorageRecord,
    readonly offset: number,
    readonly size: readonly number[],
    readonly stride: readonly number[],
  ) {}
}

/** A `torch.<Type>Storage` global: data inside a persistent id, never called. */
class StorageTypeGlobal implements PickleCallable {
  constructor(
    readonly qualifiedName: string,
    readonly storageType: StorageType,
    private readonly where: string,
  ) {}

  call(): never {
    fail("INVALID_FILE", `${this.where}: the storage type ${this.qualifiedName} cannot be called`);
  }
}

/** The OrderedDict a state dict is; its pickled `_metadata` (module versions) is not kept. */
class OrderedDict extends Map<unknown, unknown> {}

/** Globals allowed besides the storage types; each maps to the function tsjit runs in its place. */
type Rebuild = (args: readonly unknown[], refuse: (message: string) => never) => unknown;

const REBUILDERS: ReadonlyMap<string, Rebuild> = new Map<string, Rebuild>([
  ["collections.OrderedDict", (args, refuse) => (args.length === 0 ? new OrderedDict() : refuse(`OrderedDict() with arguments is not part of a state dict`))],
  ["torch._utils._rebuild_tensor_v2", rebuildTensor],
  ["torch._utils._rebuild_parameter", rebuildParameter],
]);

/**
 * Decodes the bytes of a torch.save archive holding a state dict into its
 * tensors, in the dict's order. Tensors that shared a storage in PyTorch share
 * it here too, with PyTorch's offsets and strides. `source` names the file in messages.
 */
export function decodeTorchStateDict(bytes: Uint8Array, source = "state dict"): Map<string, Tensor> {
  const archive = readTorchArchive(bytes, source);
  const pickleSource = `${source}: ${archive.root}/data.pkl`;
  const result = unpickle(archive.entries.get("data.pkl")!, new StateDictEnvironment(archive, source), pickleSource);
  if (!(result instanceof Map)) fail("INVALID_FILE", `${pickleSource}: holds ${result === null ? "None" : typeof result}, not a state dict (a dict of tensors)`);
  const storages = new Map<StorageRecord, TypedArray>();
  const tensors = new Map<string, Tensor>();
  for (const [key, value] of result) {
    if (typeof key !== "string") fail("INVALID_FILE", `${pickleSource}: a state dict key is ${typeof key}, expected a string`);
    if (!(value instanceof TensorRecord)) fail("INVALID_FILE", `${pickleSource}: "${key}" is not a tensor; tsjit reads state dicts of tensors only`);
    tensors.set(key, materialise(key, value, storages, `${source}: ${archive.root}`));
  }
  return tensors;
}

class StateDictEnvironment implements PickleEnvironment {
  private readonly storages = new Map<string, StorageRecord>();

  constructor(
    private readonly archive: TorchArchive,
    private readonly source: string,
  ) {}

  findGlobal(module: string, name: string, offset: number): PickleCallable {
    const qualifiedName = `${module}.${name}`;
    const where = `${this.source}: ${this.archive.root}/data.pkl at offset ${offset}`;
    const storageType = module === "torch" ? STORAGE_TYPES.get(name) : undefined;
    if (storageType !== undefined) return new StorageTypeGlobal(qualifiedName, storageType, where);
    const rebuild = REBUILDERS.get(qualifiedName);
    if (rebuild === undefined) {
      fail(
        "INVALID_FILE",
        `${where}: refused global ${qualifiedName}: a state dict needs only collections.OrderedDict, torch._utils._rebuild_tensor_v2, torch._utils._rebuild_parameter and torch.*Storage types, and nothing from the file is executed`,
      );
    }
    return { qualifiedName, call: (args, at) => rebuild(args, (message) => fail("INVALID_FILE", `${this.source}: ${this.archive.root}/data.pkl at offset ${at}: ${qualifiedName}: ${message}`)) };
  }

  persistentLoad(id: unknown, offset: number): StorageRecord {
    const where = `${this.source}: ${this.archive.root}/data.pkl at offset ${offset}`;
    const items = id instanceof PickleTuple ? id.items : [];
    const [kind, typeGlobal, key, , numel] = items;
    const type = typeGlobal instanceof StorageTypeGlobal ? typeGlobal.storageType : undefined;
    if (items.length !== 5 || kind !== "storage" || type === undefined || typeof key !== "string" || !isCount(numel)) {
      fail("INVALID_FILE", `${where}: a persistent id must be ('storage', torch.<Type>Storage, key, location, numel)`);
    }
    const known = this.storages.get(key);
    if (known !== undefined) {
      if (known.type !== type) fail("INVALID_FILE", `${where}: storage ${key} is read as ${type.name} here and as ${known.type.name} before`);
      return known;
    }
    const bytes = this.archive.entries.get(`data/${key}`);
    if (bytes === undefined) fail("INVALID_FILE", `${where}: missing storage: the archive has no entry ${this.archive.root}/data/${key}`);
    if (bytes.length !== numel * type.itemSize) {
      fail("INVALID_FILE", `${this.source}: ${this.archive.root}/data/${key} holds ${bytes.length} bytes, but ${numel} elements of ${type.name} need ${numel * type.itemSize}`);
    }
    const storage = new StorageRecord(type, key, numel, bytes);
    this.storages.set(key, storage);
    return storage;
  }

  build(instance: unknown, state: unknown, offset: number): void {
    // PyTorch's weights_only unpickler allows BUILD on an OrderedDict (a state dict's `_metadata`) and nothing else.
    if (instance instanceof OrderedDict && (state instanceof Map || state === null)) return;
    fail("INVALID_FILE", `${this.source}: ${this.archive.root}/data.pkl at offset ${offset}: BUILD is allowed only on an OrderedDict`);
  }
}

function rebuildTensor(args: readonly unknown[], refuse: (message: string) => never): TensorRecord {
  const [storage, offset, size, stride] = args;
  if (args.length < 6 || args.length > 7) refuse(`expected (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata]), got ${args.length} arguments`);
  if (!(storage instanceof StorageRecord)) refuse("the first argument is not a storage from the archive");
  const sizes = countTuple(size);
  const strides = countTuple(stride);
  if (!isCount(offset) || sizes === undefined || strides === undefined || sizes.length !== strides.length) {
    refuse(`storage_offset, size and stride must be a non-negative integer and two tuples of equal length`);
  }
  const lastIndex = offset + sizes.reduce((sum, n, i) => sum + (n - 1) * strides[i]!, 0);
  if (!sizes.includes(0) && lastIndex >= storage.numel) {
    refuse(`a tensor of size ${formatShape(sizes)}, stride ${formatShape(strides)} at offset ${offset} reaches element ${lastIndex} of storage ${storage.key}, which has ${storage.numel}`);
  }
  return new TensorRecord(storage, offset, sizes, strides);
}

function rebuildParameter(args: readonly unknown[], refuse: (message: string) => never): TensorRecord {
  if (args.length !== 3 || !(args[0] instanceof TensorRecord)) refuse("expected (tensor, requires_grad, backward_hooks)");
  return args[0];
}

function materialise(key: string, record: TensorRecord, storages: Map<StorageRecord, TypedArray>, where: string): Tensor {
  const { type } = record.storage;
  const dtype = type.dtype;
  if (dtype === undefined) {
    fail("INVALID_FILE", `${where}: "${key}" has unsupported dtype ${type.torchDType} (torch.${type.name}); tsjit holds float32, int32, int64 and bool, so convert it before saving, e.g. tensor.float()`);
  }
  let storage = storages.get(record.storage);
  if (storage === undefined) {
    storage = decodeStorage({ ...type, dtype }, record.storage.bytes, `${where}/data/${record.storage.key} ("${key}")`);
    storages.set(record.storage, storage);
  }
  return new Tensor(storage, record.size, record.stride, record.offset, dtype);
}

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

function countTuple(value: unknown): number[] | undefined {
  return value instanceof PickleTuple && value.items.every(isCount) ? (value.items as number[]) : undefined;
}
