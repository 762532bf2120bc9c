/**
 * Personal data in the ledger, erasable by crypto-shredding:
 * - a subject id (an e-mail address, a customer number) never enters the log: its keyed pseudonym does,
 *   HMAC-SHA-256 under a key held outside the log, so nobody without that key can link or guess it;
 * - details that must be kept are sealed with AES-256-GCM under the subject's own data key (held outside
 *   the log, in a SubjectKeyStore), bound to the pseudonym and entry id as associated data;
 * - forgetting the subject destroys that data key: the sealed bytes stay in the log and every hash still
 *   verifies, but the details can no longer be read.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { SealedDetails } from '../contracts/ledger-entry.ts';
import { canonicalJson, type JsonValue } from '../shared/canonical-json.ts';
import type { SubjectKeyStore } from './ports/subject-key-store.ts';
import { erasedLabel, openSealedField, parseSealedField, sealField } from './sealed-field.ts';

/** The details of a forgotten subject (their key is gone). */
export class SubjectForgottenError extends Error {
  override readonly name = 'SubjectForgottenError';
  constructor(readonly subject: string) {
    super(`the data key of subject ${subject} was destroyed: the details cannot be read`);
  }
}

export function pseudonym(pseudonymKey: Uint8Array, subjectId: string): string {
  if (pseudonymKey.length < 32) throw new RangeError('the pseudonym key must be at least 32 bytes');
  return `ps1.${createHmac('sha256', pseudonymKey).update(subjectId, 'utf8').digest('base64url')}`;
}

/**
 * One person, however the systems spell them: `Alice.Smith@Example.com ` and `alice.smith@example.com` are
 * the same subject, so that forgetting one forgets what was recorded under the other.
 */
export function normalizeSubjectId(subjectId: string): string {
  return subjectId.normalize('NFC').trim().toLowerCase();
}

export function seal(dataKey: Uint8Array, details: JsonValue, associatedData: string): SealedDetails {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(canonicalJson(details), 'utf8'), cipher.final()]);
  return {
    alg: 'A256GCM',
    iv: iv.toString('base64url'),
    ciphertext: ciphertext.toString('base64url'),
    tag: cipher.getAuthTag().toString('base64url'),
  };
}

function unseal(dataKey: Uint8Array, sealed: SealedDetails, associatedData: string): JsonValue {
  const decipher = createDecipheriv('aes-256-gcm', dataKey, Buffer.from(sealed.iv, 'base64url'));
  decipher.setAAD(Buffer.from(associatedData, 'utf8'));
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64url'));
  const plain = Buffer.concat([
    decipher.update(Buffer.from(sealed.ciphertext, 'base64url')),
    decipher.final(),
  ]);
  return JSON.parse(plain.toString('utf8')) as JsonValue;
}

/** Pseudonyms and sealing for one deployment: the pseudonym key and the subject key store. */
export class PersonalData {
  constructor(
    readonly pseudonymKey: Uint8Array,
    readonly keys: SubjectKeyStore,
  ) {}

  pseudonym(subjectId: string): string {
    return pseudonym(this.pseudonymKey, normalizeSubjectId(subjectId));
  }

  async pseudonymOf(subjectId: string): Promise<string> {
    return this.pseudonym(subjectId);
  }

  /** `value` sealed under the data key of `ownerId` (default: the value is itself the subject id). */
  async sealField(value: string, ownerId: string = value): Promise<string> {
    const subject = this.pseudonym(ownerId);
    return sealField(await this.keys.getOrCreate(subject), subject, value);
  }

  /**
   * The clear value of a sealed field, or `erased (<pseudonym>)` once its subject was forgotten; a value
   * that is not a sealed field is returned as it is.
   */
  async openField(text: string): Promise<string> {
    return (await this.openFields([text]))[0] as string;
  }

  /** openField for many values, reading each subject's key once (a page of records, say). */
  async openFields(texts: readonly string[]): Promise<string[]> {
    const keys = new Map<string, Promise<Uint8Array | undefined>>();
    return Promise.all(
      texts.map(async (text) => {
        const parsed = parseSealedField(text);
        if (!parsed) return text;
        let key = keys.get(parsed.subject);
        if (!key) {
          key = this.keys.get(parsed.subject);
          keys.set(parsed.subject, key);
        }
        const dataKey = await key;
        return dataKey ? openSealedField(dataKey, parsed) : erasedLabel(parsed.subject);
      }),
    );
  }

  /** The `personal` part of the entry `entryId`: the subject's pseudonym and the sealed details. */
  async seal(subjectId: string, details: JsonValue, entryId: string) {
    const subject = this.pseudonym(subjectId);
    const key = await this.keys.getOrCreate(subject);
    return { subject, details: seal(key, details, `${subject}\n${entryId}`) };
  }

  /** Opens the details of an entry; throws SubjectForgottenError once the subject was forgotten. */
  async open(part: { subject: string; details: SealedDetails }, entryId: string): Promise<JsonValue> {
    const key = await this.keys.get(part.subject);
    if (!key) throw new SubjectForgottenError(part.subject);
    return unseal(key, part.details, `${part.subject}\n${entryId}`);
  }
}
