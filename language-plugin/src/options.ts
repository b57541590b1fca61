/**
 * The plugin's options: the tsconfig entry `{ "name": "tsjit/language-plugin", ... }`.
 *
 *   hover      boolean, default true: `@script` quick info (compiled signature, graph
 *              summary, op schemas).
 *   codeFixes  boolean, default true: the quick fixes of codeFixes.ts.
 *   severity   { "TSJ1005": "error" | "warning" | "suggestion" | "message" | "off", ... }:
 *              reports a code with another category in the editor (the build is not
 *              affected). Keys are catalog codes (transformer/frontend/diagnostics.ts).
 *   throwIn    testing only: "create" | "semanticDiagnostics" | "quickInfo" | "codeFixes"
 *              makes that part of the plugin throw, to check it degrades to the plain
 *              language service instead of taking tsserver down.
 *
 * Note [Bad options never disable the plugin]: every problem is collected as a sentence
 * for the tsserver log (`tsjit/language-plugin: option 'hovr' is unknown; ...`) and the
 * offending option falls back to its default; the rest of the entry still applies.
 */
import { DIAGNOSTICS } from "../../transformer/frontend/index.js";

export type Severity = "error" | "warning" | "suggestion" | "message" | "off";
export type ThrowPoint = "create" | "semanticDiagnostics" | "quickInfo" | "codeFixes";

export interface PluginOptions {
  readonly hover: boolean;
  readonly codeFixes: boolean;
  /** By TSJ code number (1005, not "TSJ1005"). */
  readonly severity: ReadonlyMap<number, Severity>;
  readonly throwIn: ReadonlySet<ThrowPoint>;
}

export const DEFAULT_OPTIONS: PluginOptions = { hover: true, codeFixes: true, severity: new Map(), throwIn: new Set() };

const SEVERITIES: readonly Severity[] = ["error", "warning", "suggestion", "message", "off"];
const THROW_POINTS: readonly ThrowPoint[] = ["create", "semanticDiagnostics", "quickInfo", "codeFixes"];
/** Keys tsserver itself puts in a plugin's config entry. */
const HOST_KEYS = new Set(["name", "global", "languageServiceOptions"]);
const KNOWN = ["hover", "codeFixes", "severity", "throwIn"];

export interface ParsedOptions {
  readonly options: PluginOptions;
  /** One sentence per problem, for the log. */
  readonly problems: readonly string[];
}

export function parseOptions(config: unknown): ParsedOptions {
  const problems: string[] = [];
  if (config === undefined || config === null) return { options: DEFAULT_OPTIONS, problems };
  if (typeof config !== "object" || Array.isArray(config)) {
    return { options: DEFAULT_OPTIONS, problems: [`the plugin entry must be an object, got ${describe(config)}; using the defaults`] };
  }
  const entry = config as Record<string, unknown>;
  let hover = DEFAULT_OPTIONS.hover;
  let codeFixes = DEFAULT_OPTIONS.codeFixes;
  const severity = new Map<number, Severity>();
  const throwIn = new Set<ThrowPoint>();

  for (const [key, value] of Object.entries(entry)) {
    if (HOST_KEYS.has(key)) continue;
    switch (key) {
      case "hover":
      case "codeFixes":
        if (typeof value !== "boolean") problems.push(`option '${key}' must be true or false, got ${describe(value)}; using true`);
        else if (key === "hover") hover = value;
        else codeFixes = value;
        break;
      case "severity":
        parseSeverity(value, severity, problems);
        break;
      case "throwIn": {
        const points = Array.isArray(value) ? value : [value];
        for (const point of points) {
          if (THROW_POINTS.includes(point as ThrowPoint)) throwIn.add(point as ThrowPoint);
          else problems.push(`option 'throwIn' takes ${list(THROW_POINTS)}, got ${describe(point)}; ignored`);
        }
        break;
      }
      default:
        problems.push(`option '${key}' is unknown; the options are ${list(KNOWN)}`);
    }
  }
  return { options: { hover, codeFixes, severity, throwIn }, problems };
}

function parseSeverity(value: unknown, into: Map<number, Severity>, problems: string[]): void {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    problems.push(`option 'severity' must be an object like { "TSJ1005": "warning" }, got ${describe(value)}; ignored`);
    return;
  }
  for (const [code, level] of Object.entries(value as Record<string, unknown>)) {
    const match = /^TSJ(\d+)$/.exec(code);
    const number = match ? Number(match[1]) : NaN;
    if (!DIAGNOSTICS.some((d) => d.code === number)) {
      const last = DIAGNOSTICS[DIAGNOSTICS.length - 1]?.code ?? 1001;
      problems.push(`option 'severity': '${code}' is not a tsjit diagnostic code (TSJ1001 to TSJ${last}, see docs/diagnostics.md); ignored`);
      continue;
    }
    if (!SEVERITIES.includes(level as Severity)) {
      problems.push(`option 'severity': ${code} must be ${list(SEVERITIES)}, got ${describe(level)}; ignored`);
      continue;
    }
    into.set(number, level as Severity);
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

function list(items: readonly string[]): string {
  return items.map((i) => `'${i}'`).join(", ");
}
