/**
 * SubjectKeyHasher with node:crypto HMAC-SHA256 (RFC 2104) under a local key (subject-key-file.ts). The
 * inner and outer hashes are primed with the padded key once, then copied per value: the same bytes as
 * createHmac, without re-deriving the pads for every row.
 */
import { createHash, type Hash } from 'node:crypto';
import type { SubjectKeyHasher } from '../../ports/subject-key-hasher.ts';

const BLOCK = 64;

export class HmacSubjectKeyHasher implements SubjectKeyHasher {
  readonly #inner: Hash;
  readonly #outer: Hash;

  constructor(
    key: Buffer,
    readonly keyId: string,
  ) {
    const block = Buffer.alloc(BLOCK);
    (key.length > BLOCK ? createHash('sha256').update(key).digest() : key).copy(block);
    this.#inner = createHash('sha256').update(block.map((b) => b ^ 0x36));
    this.#outer = createHash('sha256').update(block.map((b) => b ^ 0x5c));
  }

  async macs(values: readonly string[]): Promise<Uint8Array[]> {
    return values.map((value) =>
      this.#outer.copy().update(this.#inner.copy().update(value, 'utf8').digest()).digest(),
    );
  }
}
