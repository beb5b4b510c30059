import { ImportError } from './errors';

/**
 * A 4000-layer tf.js model.json is about 4 MB; 32 MB leaves room for ten times that while refusing
 * a runaway file before JSON.parse holds it all in memory several times over.
 */
export const MAX_MODEL_JSON_BYTES = 32 * 1024 * 1024;
/** Keras configs nest a few levels per nested model; anything this deep is not a model. */
const MAX_DEPTH = 200;
/** Keys that would reach Object.prototype if some consumer copied the value by assignment. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** JSON text → value, or an ImportError naming the file and the place (line, column, key path). */
export function parseModelJsonText(text: string, source: string, maxBytes = MAX_MODEL_JSON_BYTES): unknown {
  if (text.length > maxBytes) {
    throw new ImportError([{ message: `the file is ${(text.length / 1048576).toFixed(1)} MB; model files are read up to ${maxBytes / 1048576} MB` }], source);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const truncated = /end of (JSON|data) input|Unterminated|Unexpected end/i.test(detail);
    throw new ImportError([{ message: `not valid JSON${truncated ? ' (the file looks truncated)' : ''}: ${detail}${position(text, detail)}` }], source);
  }
  const bad = findForbiddenKey(value);
  if (bad) throw new ImportError([{ message: bad }], source);
  return value;
}

function position(text: string, detail: string): string {
  const match = /position (\d+)/.exec(detail);
  if (!match || /line \d+/.test(detail)) return '';
  const before = text.slice(0, Number(match[1]));
  return ` (line ${before.split('\n').length}, column ${Number(match[1]) - before.lastIndexOf('\n')})`;
}

/** Walks with an explicit stack, so a hostile 100 000-deep nesting cannot overflow ours. */
function findForbiddenKey(root: unknown): string | null {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: root, path: '', depth: 0 }];
  while (stack.length) {
    const { value, path, depth } = stack.pop() as { value: unknown; path: string; depth: number };
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_DEPTH) return `${path || 'document'}: nested more than ${MAX_DEPTH} levels deep`;
    if (Array.isArray(value)) {
      value.forEach((v, i) => stack.push({ value: v, path: `${path}[${i}]`, depth: depth + 1 }));
      continue;
    }
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) return `${path ? `${path}.` : ''}${key}: the key "${key}" is not allowed in a model file`;
      stack.push({ value: (value as Record<string, unknown>)[key], path: path ? `${path}.${key}` : key, depth: depth + 1 });
    }
  }
  return null;
}
