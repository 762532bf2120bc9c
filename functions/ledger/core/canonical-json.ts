/**
 * RFC 8785 (JSON Canonicalization Scheme): the exact bytes of a ledger entry.
 *
 * The `canonicalize` package does the serialisation (ECMAScript number formatting, keys sorted by UTF-16 code
 * units, JSON.stringify string escaping: all exactly as RFC 8785 specifies) and rejects NaN, Infinity and lone
 * surrogates. It is not strict about what it is given, though, and for such input it returns text that is not
 * JSON or not the JSON of the value: a function or symbol property becomes `"key":undefined`, a hole in a
 * sparse array becomes `[1,,2]`, a boxed string `new String("ab")` becomes `{"0":"a","1":"b"}`, and `toJSON`
 * methods (Date, ...) are called. So `canonicalJson` first checks that the value is plain JSON data (null,
 * booleans, finite numbers, strings, dense arrays and plain objects) and only then delegates.
 */
import canonicalize from 'canonicalize';

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
}

/** The RFC 8785 canonical text of `value`; throws NotCanonicalJsonError for anything that is not JSON data. */
export function canonicalJson(value: unknown): string {
  assertJsonData(value, '$', new Set());
  return canonicalize(value) as string;
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

function assertJsonData(value: unknown, path: string, ancestors: Set<object>): void {
  switch (typeof value) {
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new NotCanonicalJsonError(path, `${value} is not a JSON number`);
      return;
    case 'string':
      if (hasLoneSurrogate(value)) throw new NotCanonicalJsonError(path, 'string has a lone surrogate');
      return;
    case 'object': {
      if (value === null) return;
      if (ancestors.has(value)) throw new NotCanonicalJsonError(path, 'circular reference');
      ancestors.add(value);
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          if (!(i in value)) throw new NotCanonicalJsonError(`${path}[${i}]`, 'hole in a sparse array');
          assertJsonData(value[i], `${path}[${i}]`, ancestors);
        }
      } else {
        const proto = Object.getPrototypeOf(value);
        if (proto !== Object.prototype && proto !== null) {
          const kind = (proto as { constructor?: { name?: string } }).constructor?.name ?? 'object';
          throw new NotCanonicalJsonError(path, `${kind} is not a plain JSON object`);
        }
        if (Object.getOwnPropertySymbols(value).length > 0)
          throw new NotCanonicalJsonError(path, 'symbol-keyed property');
        for (const [key, child] of Object.entries(value)) {
          const at = `${path}.${key}`;
          if (hasLoneSurrogate(key)) throw new NotCanonicalJsonError(at, 'key has a lone surrogate');
          assertJsonData(child, at, ancestors);
        }
      }
      ancestors.delete(value);
      return;
    }
    default:
      throw new NotCanonicalJsonError(path, `${typeof value} is not JSON data`);
  }
}

function hasLoneSurrogate(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
      i++;
    } else if (code >= 0xdc00 && code <= 0xdfff) {
      return true;
    }
  }
  return false;
}
