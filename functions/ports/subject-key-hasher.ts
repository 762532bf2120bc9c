/**
 * Keyed hashing of subject keys: HMAC-SHA256 under a secret key, so that the subject index holds no
 * identifier and a stolen index cannot be reversed by hashing guesses. Locally the key is a 0600 file in
 * the data directory; in AWS, a KMS HMAC key (GenerateMac), the key never leaving KMS. Values come
 * normalised (functions/datasets/subject-key.ts).
 */
export interface SubjectKeyHasher {
  /** Names the key (not secret), recorded with each indexed dataset version. */
  readonly keyId: string;
  /** HMAC-SHA256 of each value (UTF-8), in order: 32 bytes each. Batched: one call per thousands of rows. */
  macs(values: readonly string[]): Promise<Uint8Array[]>;
}

/** The key could not hash a subject key (refused, missing, throttled): names the key, never the value. */
export class SubjectKeyHashingError extends Error {
  override readonly name = 'SubjectKeyHashingError';
  constructor(
    readonly keyId: string,
    reason: string,
  ) {
    super(`key ${keyId} could not hash a subject key: ${reason}`);
  }
}
