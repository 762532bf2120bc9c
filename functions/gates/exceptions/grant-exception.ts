import {
  type Exception,
  type ExceptionRequest,
  exceptionRequestSchema,
  MAX_EXCEPTION_DAYS,
} from '../../contracts/exception.ts';
import type { ExceptionStore } from '../../ports/exception-store.ts';
import type { FieldSealer } from '../../ports/field-sealer.ts';
import { deterministicId } from '../../shared/hashing.ts';
import { InvalidInputError, parseOrThrow } from '../../shared/validation.ts';

/**
 * Validates and records an exception; the same request granted twice is one exception. The approver and
 * the free-text reason are personal data: they are sealed under the approver's key before the store sees
 * them, and the id is derived from the approver's pseudonym, never from who they are.
 */
export async function grantException(
  request: unknown,
  store: ExceptionStore,
  now: Date,
  sealer: FieldSealer,
): Promise<Exception> {
  const valid = parseOrThrow(exceptionRequestSchema, request, 'exception.invalid');
  const problems = exceptionWindowProblems(valid, now);
  if (problems.length) throw new InvalidInputError('exception.invalid', problems);
  const approver = await sealer.pseudonymOf(valid.approver);
  const id = deterministicId('exception', valid.rule, valid.subject, approver, valid.expiresAt);
  const { stored } = await store.grant({
    id,
    ...valid,
    approver: await sealer.sealField(valid.approver),
    reason: await sealer.sealField(valid.reason, valid.approver),
    grantedAt: now.toISOString(),
  });
  return stored;
}

/** An exception as a person reads it: approver and reason opened (or `erased (…)` once forgotten). */
export async function openException(exception: Exception, sealer: FieldSealer): Promise<Exception> {
  return {
    ...exception,
    approver: await sealer.openField(exception.approver),
    reason: await sealer.openField(exception.reason),
  };
}

/** Checks the window: an exception starts now and ends after at most MAX_EXCEPTION_DAYS. */
function exceptionWindowProblems(request: ExceptionRequest, now: Date): string[] {
  const expires = Date.parse(request.expiresAt);
  if (expires <= now.getTime()) return [`expiresAt: ${request.expiresAt} is not in the future`];
  if (expires - now.getTime() > MAX_EXCEPTION_DAYS * 86_400_000) {
    return [`expiresAt: an exception lasts at most ${MAX_EXCEPTION_DAYS} days`];
  }
  return [];
}
