/**
 * Parameter names of a compiled function, read once from its source at decoration time (for
 * `@Trace(..., { capture: [...] })` and `@Capture()`). Handles default values with commas,
 * brackets and strings, comments, rest parameters and async/computed method forms.
 * A destructured parameter has no name: it is reported as null and cannot be captured by name.
 */
export interface ParameterName {
  name: string | null;
  rest: boolean;
}

export function parameterNames(fn: (...args: never[]) => unknown): ParameterName[] {
  let source: string;
  try {
    source = Function.prototype.toString.call(fn);
  } catch {
    return [];
  }
  const list = parameterListOf(source);
  return list === null ? [] : splitTopLevel(list).map(describeParameter).filter((p): p is ParameterName => p !== undefined);
}

/** The text between the parameter list's parentheses, or a lone arrow parameter. */
function parameterListOf(source: string): string | null {
  let i = 0;
  // A computed method name `[expr](…)` comes before the list: skip it whole.
  const firstNonSpace = source.search(/\S/);
  if (source[firstNonSpace] === '[') i = skipBalanced(source, firstNonSpace);
  for (; i < source.length; i++) {
    const ch = source[i];
    if (ch === '/' && (source[i + 1] === '/' || source[i + 1] === '*')) {
      i = skipComment(source, i) - 1;
      continue;
    }
    if (ch === '(') {
      const end = skipBalanced(source, i);
      return source.slice(i + 1, end - 1);
    }
    if (ch === '=' && source[i + 1] === '>') {
      // `x => …`: the single parameter precedes the arrow.
      return source.slice(0, i).replace(/^\s*async\s+/, '');
    }
  }
  return null;
}

/** Index just past the bracket that closes the one at `start`, skipping strings and comments. */
function skipBalanced(source: string, start: number): number {
  let depth = 0;
  for (let i = start; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === '"' || ch === "'" || ch === '`') {
      i = skipString(source, i) - 1;
    } else if (ch === '/' && (source[i + 1] === '/' || source[i + 1] === '*')) {
      i = skipComment(source, i) - 1;
    } else if (ch === '(' || ch === '[' || ch === '{') {
      depth++;
    } else if (ch === ')' || ch === ']' || ch === '}') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return source.length;
}

function skipString(source: string, start: number): number {
  const quote = source[start];
  for (let i = start + 1; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\\') i++;
    else if (quote === '`' && ch === '$' && source[i + 1] === '{') i = skipBalanced(source, i + 1) - 1;
    else if (ch === quote) return i + 1;
  }
  return source.length;
}

function skipComment(source: string, start: number): number {
  if (source[start + 1] === '/') {
    const end = source.indexOf('\n', start);
    return end < 0 ? source.length : end + 1;
  }
  const end = source.indexOf('*/', start + 2);
  return end < 0 ? source.length : end + 2;
}

function splitTopLevel(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = 0; i < list.length; i++) {
    const ch = list[i]!;
    if (ch === '"' || ch === "'" || ch === '`') {
      const end = skipString(list, i);
      current += list.slice(i, end);
      i = end - 1;
    } else if (ch === '/' && (list[i + 1] === '/' || list[i + 1] === '*')) {
      i = skipComment(list, i) - 1;
      current += ' ';
    } else {
      if (ch === '(' || ch === '[' || ch === '{') depth++;
      else if (ch === ')' || ch === ']' || ch === '}') depth--;
      if (ch === ',' && depth === 0) {
        parts.push(current);
        current = '';
      } else {
        current += ch;
      }
    }
  }
  parts.push(current);
  return parts;
}

function describeParameter(text: string): ParameterName | undefined {
  let trimmed = text.trim();
  if (trimmed === '') return undefined;
  const rest = trimmed.startsWith('...');
  if (rest) trimmed = trimmed.slice(3).trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return { name: null, rest };
  const match = /^[\p{L}\p{Nl}$_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}$_\u200c\u200d]*/u.exec(trimmed);
  return { name: match ? match[0] : null, rest };
}
