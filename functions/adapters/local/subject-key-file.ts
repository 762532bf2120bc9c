/**
 * The local subject-index HMAC key: `<dataDir>/datasets/subject-index.key` (32 random bytes, hex, mode 0600
 * in a 0700 directory), created on first use. Whoever holds it can test guesses against the index, so a
 * key file readable by group or others is refused, as for the token signing key.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { join } from 'node:path';
import { alreadyExists, assertPrivate, KeyFileError, writePrivateFileOnce } from './private-file.ts';

export function subjectKeyPath(dataDir: string): string {
  return join(dataDir, 'datasets', 'subject-index.key');
}

export interface SubjectKey {
  path: string;
  key: Buffer;
  /** `local:` and the first 16 hex of the key's SHA-256: names the key, reveals nothing of it. */
  keyId: string;
}

export function loadOrCreateSubjectKey(dataDir: string): SubjectKey {
  const path = subjectKeyPath(dataDir);
  if (!fs.existsSync(path)) {
    try {
      writePrivateFileOnce(path, `${randomBytes(32).toString('hex')}\n`);
    } catch (error) {
      if (!alreadyExists(error)) throw error;
    }
  }
  assertPrivate(path);
  const text = fs.readFileSync(path, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/.test(text)) throw new KeyFileError(`${path} does not hold a 32-byte hex key`);
  const key = Buffer.from(text, 'hex');
  return { path, key, keyId: `local:${createHash('sha256').update(key).digest('hex').slice(0, 16)}` };
}
