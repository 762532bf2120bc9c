/**
 * RFC 8785 (JSON Canonicalization Scheme): the exact bytes of a ledger entry, a report manifest and the
 * hashed policy input of a decision. The project's only canonical JSON serialiser.
 *
 * RFC 8785 serialises numbers as ECMAScript's Number.prototype.toString does, strings as JSON.stringify does
 * (U+2028, U+2029 and non-ASCII left as they are), and sorts object keys by their UTF-16 code units, which is
 * what Array.prototype.sort does. So the canonical form of plain JSON data is JSON.stringify of its leaves
 * with the keys sorted.
 *
 * Why not the `canonicalize` package (4.0.0): it gets exactly that right for JSON data and rejects NaN,
 * Infinity and lone surrogates, but it is not strict about what it is given, and for such input it returns
 * text that is not JSON, or not the JSON of the value: a function property becomes `"key":undefined`, a hole
 * in a sparse array `[1,,2]`, a boxed string `new String("ab")` becomes `{"0":"a","1":"b"}`, and `toJSON`
 * methods (Date, ...) are called. It is also slow on long strings (it scans for surrogates character by
 * character in JavaScript). This module accepts only plain JSON data (null, booleans, finite numbers,
 * well-formed strings, dense arrays, plain objects) and serialises it in one pass. The tests hold it to the
 * RFC's examples and to the RFC's reference formulation on arbitrary JSON values.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** A value that RFC 8785 cannot represent; `path` says where it is (`$.a[2]`). */
export class NotCanonicalJsonError extends TypeError {
  override readonly name = 'NotCanonicalJsonError';
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
  }

  /** The same problem one level further down: `$.x` within `.a` is `$.a.x`. */
  within(segment: string): NotCanonicalJsonError {
    return new NotCanonicalJsonError(`$${segment}${this.path.slice(1)}`, this.problem);
  }
}

/** In a `u` regular expression a surrogate pair is one code point, so this matches lone surrogates only. */
const LONE_SURROGATE = /\p{Cs}/u;

/** The RFC 8785 canonical text of `value`; throws NotCanonicalJsonError for anything that is not JSON data. */
export function canonicalJson(value: unknown): string {
  return serialise(value, new Set());
}

/** True when `text` is JSON whose canonical form is `text` itself (no whitespace, sorted keys, ...). */
export function isCanonicalJson(text: string): boolean {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return false;
  }
  try {
    return canonicalJson(value) === text;
  } catch {
    return false;
  }
}

function serialise(value: unknown, ancestors: Set<object>): string {
  const path = '$';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new NotCanonicalJsonError(path, `${value} is not a JSON number`);
      return JSON.stringify(value);
    case 'string':
      if (LONE_SURROGATE.test(value)) throw new NotCanonicalJsonError(path, 'string has a lone surrogate');
      return JSON.stringify(value);
    case 'object': {
      if (value === null) return 'null';
      if (ancestors.has(value)) throw new NotCanonicalJsonError(path, 'circular reference');
      ancestors.add(value);
      const text = Array.isArray(value)
        ? serialiseArray(value, ancestors)
        : serialiseObject(value, ancestors);
      ancestors.delete(value);
      return text;
    }
    default:
      throw new NotCanonicalJsonError(path, `${typeof value} is not JSON data`);
  }
}

function serialiseArray(value: unknown[], ancestors: Set<object>): string {
  const parts: string[] = [];
  for (let i = 0; i < value.length; i++) {
    if (!(i in value)) throw new NotCanonicalJsonError(`$[${i}]`, 'hole in a sparse array');
    try {
      parts.push(serialise(value[i], ancestors));
    } catch (error) {
      throw error instanceof NotCanonicalJsonError ? error.within(`[${i}]`) : error;
    }
  }
  return `[${parts.join(',')}]`;
}

function serialiseObject(value: object, ancestors: Set<object>): string {
  const path = '$';
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    const kind = (proto as { constructor?: { name?: string } }).constructor?.name ?? 'object';
    throw new NotCanonicalJsonError(path, `${kind} is not a plain JSON object`);
  }
  if (Object.getOwnPropertySymbols(value).length > 0)
    throw new NotCanonicalJsonError(path, 'symbol-keyed property');
  const record = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(record).sort()) {
    if (LONE_SURROGATE.test(key)) throw new NotCanonicalJsonError(`$.${key}`, 'key has a lone surrogate');
    try {
      parts.push(`${JSON.stringify(key)}:${serialise(record[key], ancestors)}`);
    } catch (error) {
      throw error instanceof NotCanonicalJsonError ? error.within(`.${key}`) : error;
    }
  }
  return `{${parts.join(',')}}`;
}
