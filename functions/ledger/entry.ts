/**
 * Ledger entries: JSON objects with an `id` (appends are idempotent by it) and a `type`, stored as their
 * RFC 8785 bytes (the leaf), at most 64 KiB. No personal data in clear: a person is a keyed pseudonym and
 * details are sealed under the person's data key (see personal-data.ts).
 */
import type { ActionRecord } from '../contracts/action.ts';
import type { Decision, Rejection } from '../contracts/decision.ts';
import type { Exception } from '../contracts/exception.ts';
import {
  type ActionEntry,
  type DecisionEntry,
  ENTRY_TYPES,
  type ExceptionEntry,
  type ExceptionEvent,
  type LedgerEntry,
  type RejectionEntry,
} from '../contracts/ledger-entry.ts';
import { decisionEntryId } from '../ports/ledger-reader.ts';
import { canonicalJson, type JsonObject, NotCanonicalJsonError } from '../shared/canonical-json.ts';
import { leafHash } from './core/rfc6962.ts';
import { InvalidEntryError } from './errors.ts';
import type { PreparedEntry } from './ports/ledger-store.ts';
import { isSealedField } from './sealed-field.ts';

export const MAX_ENTRY_BYTES = 64 * 1024;
const MAX_ID_LENGTH = 512;

/** Canonical bytes, id and leaf hash of an entry; throws InvalidEntryError. */
export function prepareEntry(entry: LedgerEntry | JsonObject): PreparedEntry {
  const { id, type } = entry as { id?: unknown; type?: unknown };
  if (typeof id !== 'string' || id === '' || id.length > MAX_ID_LENGTH)
    throw new InvalidEntryError(`entry id must be a string of 1 to ${MAX_ID_LENGTH} characters`);
  if (typeof type !== 'string' || !(ENTRY_TYPES as readonly string[]).includes(type))
    throw new InvalidEntryError(`entry ${id}: type must be one of ${ENTRY_TYPES.join(', ')}`);
  const inClear = personalFieldsInClear(entry as LedgerEntry);
  if (inClear.length)
    throw new InvalidEntryError(
      `entry ${id}: personal data in clear (${inClear.join(', ')}): seal it under the person's key first`,
    );
  let text: string;
  try {
    text = canonicalJson(entry);
  } catch (error) {
    if (error instanceof NotCanonicalJsonError) throw new InvalidEntryError(`entry ${id}: ${error.message}`);
    throw error;
  }
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > MAX_ENTRY_BYTES)
    throw new InvalidEntryError(`entry ${id} is ${bytes.length} bytes; the limit is ${MAX_ENTRY_BYTES}`);
  return { id, bytes, leafHash: leafHash(bytes) };
}

/**
 * The fields of an entry that name or quote a person (a waiver's approver and reason) but are not sealed
 * fields. The log is never rewritten, so a person written in clear could never be forgotten: such entries
 * are refused.
 */
function personalFieldsInClear(entry: LedgerEntry): string[] {
  const found: string[] = [];
  const check = (value: unknown, where: string) => {
    if (value !== undefined && !isSealedField(value)) found.push(where);
  };
  if (entry.type === 'exception') {
    check(entry.exception?.approver, 'exception.approver');
    check(entry.exception?.reason, 'exception.reason');
    check(entry.exception?.revokedBy, 'exception.revokedBy');
    check(entry.exception?.revocationReason, 'exception.revocationReason');
  }
  if (entry.type === 'decision' && Array.isArray(entry.decision?.violations)) {
    entry.decision.violations.forEach((v, i) => {
      check(v.waiver?.approver, `decision.violations[${i}].waiver.approver`);
      check(v.waiver?.reason, `decision.violations[${i}].waiver.reason`);
    });
  }
  return found;
}

export function decodeEntry(bytes: Uint8Array): LedgerEntry {
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as LedgerEntry;
}

/** Entry ids are namespaced by type so that a decision and a rejection can never share one. */
export function decisionEntry(decision: Decision, recordedAt: string): DecisionEntry {
  return { id: decisionEntryId(decision.id), type: 'decision', recordedAt, decision };
}

export function rejectionEntry(rejection: Rejection, recordedAt: string): RejectionEntry {
  return { id: `rejection/${rejection.id}`, type: 'rejection', recordedAt, rejection };
}

export function actionEntry(action: ActionRecord, recordedAt: string): ActionEntry {
  return { id: actionEntryId(action.id), type: 'action', recordedAt, action };
}

export function actionEntryId(actionId: string): string {
  return `action/${actionId}`;
}

export function exceptionEntry(
  event: ExceptionEvent,
  exception: Exception,
  recordedAt: string,
): ExceptionEntry {
  return {
    id: `exception/${exception.id}/${event}`,
    type: 'exception',
    recordedAt,
    exception: { event, ...exception },
  };
}
