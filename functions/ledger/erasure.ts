/**
 * Forgetting a person (crypto-shredding): record the erasure in the log, then destroy the subject's data key.
 * The erasure entry carries only the pseudonym and a fingerprint of the destroyed key, never who it was.
 * Recording first means the act is in the log before it happens; a retry after a crash finds the same
 * entry id (same key fingerprint) and just finishes the destruction.
 */
import { createHash } from 'node:crypto';
import type { ErasureEntry } from '../contracts/ledger-entry.ts';
import type { AppendResult, Ledger } from './ledger.ts';
import type { PersonalData } from './personal-data.ts';

export interface ErasureResult {
  subject: string;
  /** False when the subject had no data key (nothing was ever sealed for them, or already forgotten). */
  keyDestroyed: boolean;
  entry: AppendResult;
}

export async function forgetSubject(
  ledger: Ledger,
  personal: PersonalData,
  subjectId: string,
  now: () => Date = () => new Date(),
): Promise<ErasureResult> {
  const subject = personal.pseudonym(subjectId);
  const key = await personal.keys.get(subject);
  const dataKey = key
    ? `sha256:${createHash('sha256').update(key).digest('base64url').slice(0, 22)}`
    : 'none';
  const at = now().toISOString();
  const entry: ErasureEntry = {
    id: `erasure/${subject}/${dataKey}`,
    type: 'erasure',
    recordedAt: at,
    erasure: { subject, dataKey, requestedAt: at },
  };
  const appended = await ledger.append(entry);
  const keyDestroyed = key ? await personal.keys.destroy(subject) : false;
  return { subject, keyDestroyed, entry: appended };
}
