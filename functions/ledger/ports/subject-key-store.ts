/**
 * Per-subject data keys, kept outside the log in a mutable table: deleting a subject's key is how the
 * ledger forgets a person (crypto-shredding). Locally an SQLite file with secure_delete; in AWS a DynamoDB
 * table of KMS-wrapped keys.
 */
export interface SubjectKeyStore {
  /** The subject's AES-256 data key, created on first use. */
  getOrCreate(subject: string): Promise<Uint8Array>;
  get(subject: string): Promise<Uint8Array | undefined>;
  /** Destroys the key; true if there was one. */
  destroy(subject: string): Promise<boolean>;
}
