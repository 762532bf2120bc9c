import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * SHA-256 of the RFC 8785 canonical form of what `JSON.stringify` writes for `value` (`toJSON` applied, so
 * an exact number counts as its text; undefined properties left out): equal for equal values, whatever the
 * key order. NaN and Infinity have no JSON form and are refused rather than written as null.
 */
export function canonicalSha256(value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'number' && !Number.isFinite(v)) throw new TypeError(`${v} is not a JSON number`);
    return v;
  });
  if (text === undefined) throw new TypeError('value has no JSON form');
  return sha256Hex(canonicalJson(JSON.parse(text)));
}

/** A UUID-shaped id derived from a name, so a redelivered event maps to the same decision id. */
export function deterministicId(...parts: string[]): string {
  const hex = sha256Hex(parts.join('\u0000'));
  const variant = ((Number.parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
