/**
 * Hand-written payloads for the runtime tests of @script: what the transformer would
 * embed, built from IR text (parseGraph → graphToJSON), so these tests do not depend
 * on the frontend. Also: applying TypeScript 5 standard decorators by hand (vitest's
 * transform leaves decorator syntax to Node, which cannot parse it).
 */
import { expect } from "vitest";
import { graphToJSON, parseGraph, TsjitError, type ScriptPayload } from "tsjit";
import { thrownTsjitError } from "../../utils/errors.js";

export function payload(kind: ScriptPayload["kind"], name: string, graphs: Record<string, string>, functions: Record<string, string> = {}): ScriptPayload {
  const encode = (texts: Record<string, string>) => Object.fromEntries(Object.entries(texts).map(([n, text]) => [n, graphToJSON(parseGraph(text))]));
  return { version: 1, kind, name, graphs: encode(graphs), functions: encode(functions) };
}

export function payloadJSON(kind: ScriptPayload["kind"], name: string, graphs: Record<string, string>, functions: Record<string, string> = {}): string {
  return JSON.stringify(payload(kind, name, graphs, functions));
}

/** What TypeScript's `__esDecorate` does for a method decorator that returns nothing. */
export function decorateMethod(cls: { prototype: object }, name: string, decorator: (value: never, context: never) => unknown): void {
  const value = (cls.prototype as Record<string, unknown>)[name];
  const context = { kind: "method", name, static: false, private: false, access: { has: () => true, get: (o: Record<string, unknown>) => o[name] }, metadata: undefined, addInitializer() {} };
  (decorator as (v: unknown, c: unknown) => unknown)(value, context);
}

/** What TypeScript's `__esDecorate` does for a class decorator that returns nothing. */
export function decorateClass(cls: Function, decorator: (value: never, context: never) => unknown): void {
  const context = { kind: "class", name: cls.name, metadata: undefined, addInitializer() {} };
  (decorator as (v: unknown, c: unknown) => unknown)(cls, context);
}

export function expectError(f: () => unknown, code: string, message?: string | RegExp): TsjitError {
  const thrown = thrownTsjitError(f, code);
  if (message !== undefined) expect(thrown.message).toMatch(message);
  return thrown;
}

/** gate(x) = mean(x) > 0 ? tanh(x) : zeros_like(x) */
export const GATE_IR = `graph(%x : Tensor):
  %none : NoneType = prim::Constant[value=None]()
  %false : bool = prim::Constant[value=false]()
  %m : Tensor = aten::mean.dim(%x, %none, %false, %none)
  %zero : float = prim::Constant[value=0.]()
  %g : Tensor = aten::gt.Scalar(%m, %zero)
  %c : bool = aten::Bool.Tensor(%g)
  %r : Tensor = prim::If(%c) # gate.ts:3:5
    block0():
      %t : Tensor = aten::tanh(%x)
      -> (%t)
    block1():
      %z : Tensor = aten::zeros_like(%x, %none)
      -> (%z)
  return (%r)
`;

/** twice(x) = gate(x) + gate(x) */
export const TWICE_IR = `graph(%x : Tensor):
  %a : Tensor = prim::CallFunction[name="gate"](%x)
  %one : int = prim::Constant[value=1]()
  %b : Tensor = aten::add.Tensor(%a, %a, %one)
  return (%b)
`;
