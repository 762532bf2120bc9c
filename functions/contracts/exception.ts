/**
 * An exception (waiver): a named person accepts one rule's violation for one model, for a reason, until
 * an expiry. It is recorded like a decision, never edited, and lapses on its own: the policy compares
 * `expiresAt` with the evaluation time.
 */
import { z } from 'zod';

/** A waiver longer than this is a policy change, not an exception. */
export const MAX_EXCEPTION_DAYS = 365;

export const exceptionRequestSchema = z.strictObject({
  rule: z
    .string()
    .regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/, { message: 'expected a rule id like bias.disparate_impact' }),
  /** A model package group name (every version) or one model package ARN. */
  subject: z.string().min(1).max(256),
  reason: z.string().trim().min(10, { message: 'say why, in at least 10 characters' }).max(2000),
  approver: z.string().trim().min(1).max(200),
  expiresAt: z.iso.datetime({ offset: true }),
});
export type ExceptionRequest = z.infer<typeof exceptionRequestSchema>;

/**
 * A granted exception as stored and returned: the request, its id and when it was granted. The stores hold
 * the approver and the reason as sealed fields (personal data), so here they are only strings.
 */
export const exceptionSchema = z.object({
  id: z.string(),
  rule: z.string(),
  subject: z.string().meta({ description: 'Model package group name or package ARN' }),
  reason: z.string(),
  approver: z.string(),
  expiresAt: z.string(),
  grantedAt: z.string(),
  /** When the exception was revoked; from then on it waives nothing. */
  revokedAt: z.string().optional(),
  /** Who revoked it (sealed, as the approver is). */
  revokedBy: z.string().optional(),
  /** Why it was revoked (sealed under the revoker's key). */
  revocationReason: z.string().optional(),
});
export type Exception = z.infer<typeof exceptionSchema>;

/** Ending an exception before its expiry: who, why. The time is when it is recorded. */
export const revocationRequestSchema = z.strictObject({
  id: z.string().min(1).max(200),
  reason: z.string().trim().min(10, { message: 'say why, in at least 10 characters' }).max(2000),
  approver: z.string().trim().min(1).max(200),
});
export type RevocationRequest = z.infer<typeof revocationRequestSchema>;

/** The revocation a store records: the fields it adds to the exception, approver and reason sealed. */
export type Revocation = Required<Pick<Exception, 'revokedAt' | 'revokedBy' | 'revocationReason'>>;

export type ExceptionStatus = 'active' | 'expired' | 'revoked';

/** What an exception is at `now`: revoked from its revocation on, else active until it expires. */
export function exceptionStatusAt(exception: Exception, now: Date): ExceptionStatus {
  if (exception.revokedAt !== undefined && Date.parse(exception.revokedAt) <= now.getTime()) return 'revoked';
  return Date.parse(exception.expiresAt) > now.getTime() ? 'active' : 'expired';
}
