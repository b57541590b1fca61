/**
 * The names of a function's parameters, read from its source text, so that traced
 * graphs name their inputs as the user did (`%x`, `%input`). Anything that is not a
 * plain identifier (destructuring, rest parameters, minified code) falls back to
 * `input0`, `input1`, ...
 */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function parameterNames(fn: (...args: never[]) => unknown, count: number): string[] {
  const declared = declaredParameters(fn);
  return Array.from({ length: count }, (_, i) => {
    const name = declared[i];
    return name !== undefined && IDENTIFIER.test(name) && name !== "self" ? name : `input${i}`;
  });
}

function declaredParameters(fn: (...args: never[]) => unknown): string[] {
  let text: string;
  try {
    text = Function.prototype.toString.call(fn);
  } catch {
    return [];
  }
  const arrow = /^\s*(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>/.exec(text);
  if (arrow) return [arrow[1]!];
  const open = text.indexOf("(");
  if (open < 0) return [];
  let depth = 0;
  let start = open + 1;
  const parts: string[] = [];
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") {
      depth--;
      if (depth === 0) {
        parts.push(text.slice(start, i));
        break;
      }
    } else if (c === "," && depth === 1) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  return parts.map((part) => part.trim().split(/[\s=:]/)[0] ?? "").filter((_, i, all) => !(i === all.length - 1 && all[i] === ""));
}
