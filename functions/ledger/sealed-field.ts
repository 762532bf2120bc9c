/**
 * A sealed field: one string of personal data (an approver, a token subject, a free-text reason) kept as
 * `sealed:<pseudonym>:<iv>.<ciphertext>.<tag>`, AES-256-GCM under the data key of the person it is about.
 * It fits wherever a string fits (store columns, decision bodies, ledger entries), so the stores never see
 * the clear value; destroying the person's key leaves only their pseudonym readable.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const SEALED_FIELD =
  /^sealed:(ps1\.[A-Za-z0-9_-]{43}):([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]*)\.([A-Za-z0-9_-]{22})$/;

export interface ParsedSealedField {
  subject: string;
  iv: string;
  ciphertext: string;
  tag: string;
}

function associatedData(subject: string): Buffer {
  return Buffer.from(`verdict:field\n${subject}`, 'utf8');
}

export function sealField(dataKey: Uint8Array, subject: string, value: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
  cipher.setAAD(associatedData(subject));
  const ciphertext = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return `sealed:${subject}:${iv.toString('base64url')}.${ciphertext.toString('base64url')}.${tag.toString('base64url')}`;
}

export function parseSealedField(text: string): ParsedSealedField | undefined {
  const match = SEALED_FIELD.exec(text);
  if (!match) return undefined;
  const [, subject, iv, ciphertext, tag] = match as unknown as [string, string, string, string, string];
  return { subject, iv, ciphertext, tag };
}

export function isSealedField(text: unknown): text is string {
  return typeof text === 'string' && SEALED_FIELD.test(text);
}

/** Throws when the key is not the subject's or the field was altered (GCM authentication). */
export function openSealedField(dataKey: Uint8Array, field: ParsedSealedField): string {
  const decipher = createDecipheriv('aes-256-gcm', dataKey, Buffer.from(field.iv, 'base64url'));
  decipher.setAAD(associatedData(field.subject));
  decipher.setAuthTag(Buffer.from(field.tag, 'base64url'));
  return Buffer.concat([
    decipher.update(Buffer.from(field.ciphertext, 'base64url')),
    decipher.final(),
  ]).toString('utf8');
}

export function erasedLabel(subject: string): string {
  return `erased (${subject})`;
}

/**
 * How a durable artefact (a report, an export) names a sealed field without opening it: the person's
 * pseudonym. Reports are kept write-once, so they never carry the clear value.
 */
export function fieldLabel(text: string): string {
  return parseSealedField(text)?.subject ?? text;
}
