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
});
export type Exception = z.infer<typeof exceptionSchema>;
