/**
 * A restricted pickle virtual machine: the opcodes of protocols 2-4 that hold
 * data (numbers, strings, tuples, lists, dicts, memo, marks), plus GLOBAL,
 * STACK_GLOBAL, REDUCE, BUILD and BINPERSID, whose meaning the caller supplies
 * through a PickleEnvironment. Nothing from the file is executed: a global is
 * only ever a lookup in the environment's allow-list, and REDUCE/BUILD call the
 * environment's own functions. Python objects become JS values: None is null,
 * bool is boolean, int and float are number, str is string, list is an array,
 * tuple a PickleTuple, dict a Map.
 */
import { fail } from "../../errors.js";

export class PickleTuple {
  constructor(readonly items: readonly unknown[]) {}
}

/** What a GLOBAL resolves to: a callable the environment implements itself. */
export interface PickleCallable {
  /** `module.name`, for messages. */
  readonly qualifiedName: string;
  call(args: readonly unknown[], offset: number): unknown;
}

export interface PickleEnvironment {
  /** The allowed callable for `module.name`; refuses (throws) anything else. */
  findGlobal(module: string, name: string, offset: number): PickleCallable;
  /** The object a BINPERSID id stands for (torch: a storage in the archive). */
  persistentLoad(id: unknown, offset: number): unknown;
  /** BUILD: applies `state` to `instance`, or refuses. */
  build(instance: unknown, state: unknown, offset: number): void;
}

const MARK = Symbol("mark");

/** Runs the pickle program in `bytes` and returns what STOP leaves on the stack. `source` names the entry in messages. */
export function unpickle(bytes: Uint8Array, environment: PickleEnvironment, source: string): unknown {
  return new PickleMachine(bytes, environment, source).run();
}

class PickleMachine {
  private position = 0;
  private readonly stack: unknown[] = [];
  private readonly memo = new Map<number, unknown>();
  private readonly view: DataView;
  /** Offset of the opcode being executed, for messages. */
  private opcodeOffset = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly environment: PickleEnvironment,
    private readonly source: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  run(): unknown {
    for (;;) {
      this.opcodeOffset = this.position;
      const opcode = this.take(1)[0]!;
      if (opcode === 0x2e /* . STOP */) {
        const result = this.pop();
        if (this.stack.length > 0) this.error(`STOP left ${this.stack.length} extra value(s) on the stack`);
        return result;
      }
      this.execute(opcode);
    }
  }

  private execute(opcode: number): void {
    const at = this.opcodeOffset;
    switch (opcode) {
      case 0x80 /* PROTO */: {
        const version = this.take(1)[0]!;
        if (version > 4) this.error(`pickle protocol ${version} is not supported (tsjit reads protocols 2 to 4)`);
        return;
      }
      case 0x95 /* FRAME */:
        this.take(8);
        return;
      case 0x28 /* ( MARK */:
        this.stack.push(MARK);
        return;
      case 0x30 /* 0 POP */:
        this.pop();
        return;
      case 0x31 /* 1 POP_MARK */:
        this.popToMark();
        return;
      case 0x32 /* 2 DUP */:
        this.stack.push(this.peek());
        return;
      case 0x4e /* N NONE */:
        this.stack.push(null);
        return;
      case 0x88 /* NEWTRUE */:
        this.stack.push(true);
        return;
      case 0x89 /* NEWFALSE */:
        this.stack.push(false);
        return;
      case 0x4a /* J BININT */:
        this.stack.push(this.view.getInt32(this.skip(4), true));
        return;
      case 0x4b /* K BININT1 */:
        this.stack.push(this.take(1)[0]!);
        return;
      case 0x4d /* M BININT2 */:
        this.stack.push(this.view.getUint16(this.skip(2), true));
        return;
      case 0x8a /* LONG1 */:
        this.stack.push(this.long(this.take(1)[0]!));
        return;
      case 0x47 /* G BINFLOAT */:
        this.stack.push(this.view.getFloat64(this.skip(8), false));
        return;
      case 0x58 /* X BINUNICODE */:
        this.stack.push(this.text(this.view.getUint32(this.skip(4), true)));
        return;
      case 0x8c /* SHORT_BINUNICODE */:
        this.stack.push(this.text(this.take(1)[0]!));
        return;
      case 0x29 /* ) EMPTY_TUPLE */:
        this.stack.push(new PickleTuple([]));
        return;
      case 0x85 /* TUPLE1 */:
      case 0x86 /* TUPLE2 */:
      case 0x87 /* TUPLE3 */: {
        const count = opcode - 0x84;
        if (this.stack.length < count) this.error(`TUPLE${count} needs ${count} values, the stack holds ${this.stack.length}`);
        const items = this.stack.splice(this.stack.length - count, count);
        this.stack.push(new PickleTuple(items.map((item) => this.notMark(item))));
        return;
      }
      case 0x74 /* t TUPLE */:
        this.stack.push(new PickleTuple(this.popToMark()));
        return;
      case 0x5d /* ] EMPTY_LIST */:
        this.stack.push([]);
        return;
      case 0x6c /* l LIST */:
        this.stack.push(this.popToMark());
        return;
      case 0x61 /* a APPEND */: {
        const item = this.pop();
        this.listOnTop("APPEND").push(item);
        return;
      }
      case 0x65 /* e APPENDS */: {
        const items = this.popToMark();
        this.listOnTop("APPENDS").push(...items);
        return;
      }
      case 0x7d /* } EMPTY_DICT */:
        this.stack.push(new Map());
        return;
      case 0x64 /* d DICT */:
        this.stack.push(this.setItems(new Map(), this.popToMark()));
        return;
      case 0x73 /* s SETITEM */: {
        const value = this.pop();
        const key = this.pop();
        this.setItems(this.dictOnTop("SETITEM"), [key, value]);
        return;
      }
      case 0x75 /* u SETITEMS */: {
        const items = this.popToMark();
        this.setItems(this.dictOnTop("SETITEMS"), items);
        return;
      }
      case 0x71 /* q BINPUT */:
        this.memo.set(this.take(1)[0]!, this.peek());
        return;
      case 0x72 /* r LONG_BINPUT */:
        this.memo.set(this.view.getUint32(this.skip(4), true), this.peek());
        return;
      case 0x94 /* MEMOIZE */:
        this.memo.set(this.memo.size, this.peek());
        return;
      case 0x68 /* h BINGET */:
        this.stack.push(this.memoGet(this.take(1)[0]!));
        return;
      case 0x6a /* j LONG_BINGET */:
        this.stack.push(this.memoGet(this.view.getUint32(this.skip(4), true)));
        return;
      case 0x63 /* c GLOBAL */: {
        const module = this.line();
        const name = this.line();
        this.stack.push(this.environment.findGlobal(module, name, at));
        return;
      }
      case 0x93 /* STACK_GLOBAL */: {
        const name = this.pop();
        const module = this.pop();
        if (typeof module !== "string" || typeof name !== "string") this.error("STACK_GLOBAL needs two strings (module, name) on the stack");
        this.stack.push(this.environment.findGlobal(module, name, at));
        return;
      }
      case 0x51 /* Q BINPERSID */:
        this.stack.push(this.environment.persistentLoad(this.pop(), at));
        return;
      case 0x52 /* R REDUCE */: {
        const args = this.pop();
        const callable = this.pop();
        if (!(args instanceof PickleTuple)) this.error("REDUCE needs a tuple of arguments on top of the stack");
        if (!isCallable(callable)) this.error(`REDUCE needs a callable from GLOBAL below its arguments, got ${describe(callable)}`);
        this.stack.push(callable.call(args.items, at));
        return;
      }
      case 0x62 /* b BUILD */: {
        const state = this.pop();
        this.environment.build(this.peek(), state, at);
        return;
      }
      default:
        this.error(`unsupported opcode 0x${opcode.toString(16).padStart(2, "0")}${printable(opcode)} (tsjit's unpickler reads only the opcodes a state dict needs)`);
    }
  }

  private take(count: number): Uint8Array {
    return this.bytes.subarray(this.skip(count), this.position);
  }

  /** Advances past `count` bytes of operand and returns where they start. */
  private skip(count: number): number {
    const start = this.position;
    if (start + count > this.bytes.length) {
      this.error(`truncated: the opcode needs ${count} more byte(s) at offset ${start}, but the data ends at ${this.bytes.length}`);
    }
    this.position += count;
    return start;
  }

  private line(): string {
    const end = this.bytes.indexOf(0x0a, this.position);
    if (end < 0) this.error("truncated: GLOBAL's module and name must each end with a newline");
    const text = new TextDecoder().decode(this.bytes.subarray(this.position, end));
    this.position = end + 1;
    return text;
  }

  private text(length: number): string {
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(this.take(length));
    } catch (error) {
      if (error instanceof TypeError) this.error(`the string is not valid UTF-8`);
      throw error;
    }
  }

  private long(length: number): number {
    let value = 0n;
    const digits = this.take(length);
    for (let i = digits.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(digits[i]!);
    if (length > 0 && digits[length - 1]! & 0x80) value -= 1n << BigInt(8 * length);
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      this.error(`the integer ${value} is outside the range tsjit represents exactly (±(2^53 - 1))`);
    }
    return Number(value);
  }

  private pop(): unknown {
    if (this.stack.length === 0) this.error("the stack is empty");
    return this.notMark(this.stack.pop());
  }

  private peek(): unknown {
    if (this.stack.length === 0) this.error("the stack is empty");
    return this.notMark(this.stack[this.stack.length - 1]);
  }

  private notMark(value: unknown): unknown {
    if (value === MARK) this.error("found a MARK where a value was expected");
    return value;
  }

  private popToMark(): unknown[] {
    const mark = this.stack.lastIndexOf(MARK);
    if (mark < 0) this.error("no MARK on the stack");
    const items = this.stack.splice(mark);
    items.shift();
    return items;
  }

  private listOnTop(opcode: string): unknown[] {
    const list = this.peek();
    if (!Array.isArray(list)) this.error(`${opcode} needs a list below its items, got ${describe(list)}`);
    return list;
  }

  private dictOnTop(opcode: string): Map<unknown, unknown> {
    const dict = this.peek();
    if (!(dict instanceof Map)) this.error(`${opcode} needs a dict below its items, got ${describe(dict)}`);
    return dict;
  }

  private setItems(dict: Map<unknown, unknown>, flat: readonly unknown[]): Map<unknown, unknown> {
    if (flat.length % 2 !== 0) this.error(`dict items come in key/value pairs, got ${flat.length} values`);
    for (let i = 0; i < flat.length; i += 2) dict.set(flat[i], flat[i + 1]);
    return dict;
  }

  private memoGet(index: number): unknown {
    if (!this.memo.has(index)) this.error(`memo slot ${index} was never stored`);
    return this.memo.get(index);
  }

  private error(message: string): never {
    fail("INVALID_FILE", `${this.source}: pickle opcode at offset ${this.opcodeOffset}: ${message}`);
  }
}

function isCallable(value: unknown): value is PickleCallable {
  return typeof value === "object" && value !== null && typeof (value as PickleCallable).call === "function" && typeof (value as PickleCallable).qualifiedName === "string";
}

function describe(value: unknown): string {
  if (value === null) return "None";
  if (value instanceof PickleTuple) return "a tuple";
  if (value instanceof Map) return "a dict";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? (value.constructor?.name ?? "an object") : `${typeof value} ${JSON.stringify(value)}`;
}

function printable(opcode: number): string {
  return opcode >= 0x20 && opcode < 0x7f ? ` ('${String.fromCharCode(opcode)}')` : "";
}
