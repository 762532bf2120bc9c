import { type Exception, revocationRequestSchema } from '../../contracts/exception.ts';
import type { ExceptionStore } from '../../ports/exception-store.ts';
import type { FieldSealer } from '../../ports/field-sealer.ts';
import { parseOrThrow } from '../../shared/validation.ts';
import {
  alreadyRevoked,
  EXCEPTION_NOT_REVOCABLE,
  ExceptionRefusedError,
  unknownException,
} from './errors.ts';

/**
 * Ends an exception before its expiry: from `now` on the gate no longer applies it. The revocation is
 * recorded beside the grant (in the ledger first), never written over it. Who revoked and why are sealed
 * under the revoker's key, as a grant's approver and reason are.
 */
export async function revokeException(
  request: unknown,
  store: ExceptionStore,
  now: Date,
  sealer: FieldSealer,
): Promise<Exception> {
  const valid = parseOrThrow(revocationRequestSchema, request, 'exception.invalid');
  const exception = await store.getException(valid.id);
  if (!exception) throw new ExceptionRefusedError(EXCEPTION_NOT_REVOCABLE, [unknownException(valid.id)]);
  if (exception.revokedAt !== undefined) {
    throw new ExceptionRefusedError(EXCEPTION_NOT_REVOCABLE, [alreadyRevoked(valid.id, exception.revokedAt)]);
  }
  const revoked = await store.revoke(valid.id, {
    revokedAt: now.toISOString(),
    revokedBy: await sealer.sealField(valid.approver),
    revocationReason: await sealer.sealField(valid.reason, valid.approver),
  });
  if (!revoked) throw new ExceptionRefusedError(EXCEPTION_NOT_REVOCABLE, [unknownException(valid.id)]);
  return revoked.stored;
}
