/**
 * Leaves of a JSON value or Parquet row as (text, path) pairs: strings as they are, integers of 7 or more
 * digits as decimal text (shorter ones hold no PII the recognisers know), other values skipped. Paths are
 * `a.b` for objects and `a[]` for array items; the root of a bare string has the path ''.
 */
const MAX_DEPTH = 64;

export function walkJson(
  value: unknown,
  path: string,
  emit: (text: string, path: string) => void,
  depth = 0,
): void {
  if (typeof value === 'string') {
    emit(value, path);
  } else if (typeof value === 'number') {
    if (Number.isInteger(value) && Math.abs(value) >= 1_000_000) emit(value.toFixed(0), path);
  } else if (typeof value === 'bigint') {
    if (value >= 1_000_000n || value <= -1_000_000n) emit(value.toString(), path);
  } else if (value !== null && typeof value === 'object' && depth < MAX_DEPTH) {
    if (Array.isArray(value)) {
      const itemPath = `${path}[]`;
      for (const item of value) walkJson(item, itemPath, emit, depth + 1);
    } else if (!(value instanceof Date) && !(value instanceof Uint8Array)) {
      for (const key in value) {
        walkJson((value as Record<string, unknown>)[key], path ? `${path}.${key}` : key, emit, depth + 1);
      }
    }
  }
}
