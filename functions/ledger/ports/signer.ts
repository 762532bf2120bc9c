/**
 * Signs checkpoints. Locally an Ed25519 key in a file; in AWS a KMS key. Signatures are C2SP signed-note
 * signatures, so a signer has a key name and a key id, and publishes its verifier key (vkey).
 */
export interface Signer {
  /** The key name in signature lines; by convention the log's origin. */
  readonly name: string;
  /** The 4-byte signed-note key id, as a big-endian unsigned integer. */
  readonly keyId: number;
  /** `<name>+<hex key id>+<base64(algorithm || public key)>`. */
  readonly verifierKey: string;
  /** The raw signature of `message` (64 bytes for Ed25519). */
  sign(message: Uint8Array): Promise<Uint8Array>;
}
