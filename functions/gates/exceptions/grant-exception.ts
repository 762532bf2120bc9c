import type { ExceptionStore } from '../../ports/exception-store.ts';
import { deterministicId } from '../../shared/hashing.ts';
import { InvalidInputError, parseOrThrow } from '../../shared/validation.ts';
import { type Exception, exceptionRequestSchema, exceptionWindowProblems } from './exception.ts';

/** Validates and records an exception; the same request granted twice is one exception. */
export async function grantException(request: unknown, store: ExceptionStore, now: Date): Promise<Exception> {
  const valid = parseOrThrow(exceptionRequestSchema, request, 'exception.invalid');
  const problems = exceptionWindowProblems(valid, now);
  if (problems.length) throw new InvalidInputError('exception.invalid', problems);
  const id = deterministicId('exception', valid.rule, valid.subject, valid.approver, valid.expiresAt);
  const { stored } = await store.grant({ id, ...valid, grantedAt: now.toISOString() });
  return stored;
}
