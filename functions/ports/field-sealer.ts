/**
 * Seals personal data before a store sees it (ledger/personal-data.ts): a person is named by a keyed
 * pseudonym, and a value is sealed under that person's data key, which `verdict forget` destroys.
 */
export interface FieldSealer {
  pseudonymOf(subjectId: string): Promise<string>;
  /** `value` sealed under the data key of `ownerId` (default: the value is itself the subject id). */
  sealField(value: string, ownerId?: string): Promise<string>;
  /** The clear value, `erased (<pseudonym>)` once forgotten, or the text itself when it is not sealed. */
  openField(text: string): Promise<string>;
  /** openField for many values, reading each subject's key once. */
  openFields(texts: readonly string[]): Promise<string[]>;
}

/** A sealer opened on first use (a Lambda function's, whose keys live behind KMS); a failed open is retried. */
export function lazyFieldSealer(open: () => Promise<FieldSealer>): FieldSealer {
  return {
    pseudonymOf: async (subjectId) => (await open()).pseudonymOf(subjectId),
    sealField: async (value, ownerId) => (await open()).sealField(value, ownerId),
    openField: async (text) => (await open()).openField(text),
    openFields: async (texts) => (await open()).openFields(texts),
  };
}
