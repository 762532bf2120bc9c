import {
  type Exception,
  type ExceptionRequest,
  exceptionRequestSchema,
  MAX_EXCEPTION_DAYS,
} from '../../contracts/exception.ts';
import type { ExceptionStore } from '../../ports/exception-store.ts';
import type { FieldSealer } from '../../ports/field-sealer.ts';
import { closestMatch } from '../../shared/closest-match.ts';
import { deterministicId } from '../../shared/hashing.ts';
import { InvalidInputError, parseOrThrow } from '../../shared/validation.ts';
import {
  EXCEPTION_REFUSED,
  type ExceptionProblem,
  ExceptionRefusedError,
  notWaivable,
  unknownModel,
  unknownRule,
} from './errors.ts';
import type { RuleCatalogue } from './rule-catalogue.ts';

/** What a grant is checked against: the rules the policies report, and the models that exist. */
export interface ExceptionAdmission {
  rules: RuleCatalogue;
  /** Whether a package group name or package ARN exists here (known-models.ts). */
  isKnownModel(subject: string): Promise<boolean>;
  /** Every name a model goes by here, to suggest the one meant when `isKnownModel` says no. */
  modelNames(): Promise<ReadonlySet<string>>;
}

/**
 * Validates and records an exception; the same request granted twice is one exception. A rule that can
 * never be waived, a rule no policy reports, or a model that does not exist is refused before anything is
 * written. The approver and the free-text reason are personal data: they are sealed under the approver's
 * key before the store sees them, and the id is derived from the approver's pseudonym, never from who they are.
 */
export async function grantException(
  request: unknown,
  store: ExceptionStore,
  now: Date,
  sealer: FieldSealer,
  admission: ExceptionAdmission,
): Promise<Exception> {
  const valid = parseOrThrow(exceptionRequestSchema, request, 'exception.invalid');
  const problems = exceptionWindowProblems(valid, now);
  if (problems.length) throw new InvalidInputError('exception.invalid', problems);
  const refusals = await admissionProblems(valid, admission);
  if (refusals.length) throw new ExceptionRefusedError(EXCEPTION_REFUSED, refusals);
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

/** Why the rule or the model of a well-formed request cannot be granted an exception. */
async function admissionProblems(
  request: ExceptionRequest,
  admission: ExceptionAdmission,
): Promise<ExceptionProblem[]> {
  const problems: ExceptionProblem[] = [];
  const refusal = admission.rules.refusal(request.rule);
  if (refusal !== undefined) problems.push(notWaivable(request.rule, refusal));
  else if (!admission.rules.has(request.rule)) {
    problems.push(unknownRule(request.rule, admission.rules.closestTo(request.rule)));
  }
  if (!(await admission.isKnownModel(request.subject))) {
    const closest = closestMatch(request.subject, await admission.modelNames());
    problems.push(unknownModel(request.subject, closest));
  }
  return problems;
}

/** An exception as a person reads it: approver and reasons opened (or `erased (…)` once forgotten). */
export async function openException(exception: Exception, sealer: FieldSealer): Promise<Exception> {
  return {
    ...exception,
    approver: await sealer.openField(exception.approver),
    reason: await sealer.openField(exception.reason),
    ...(exception.revokedBy !== undefined && { revokedBy: await sealer.openField(exception.revokedBy) }),
    ...(exception.revocationReason !== undefined && {
      revocationReason: await sealer.openField(exception.revocationReason),
    }),
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
