import { z } from 'zod';
import { classificationSchema } from '../profile/classification.ts';

/** What every gate entrypoint must return; anything else is a policy error and the gate denies. */
export const policyResultSchema = z.object({
  decision: z.enum(['allow', 'deny', 'review']),
  riskClass: z.enum(['prohibited', 'high', 'limited', 'minimal', 'unknown']).optional(),
  violations: z.array(
    z.object({
      rule: z.string().min(1),
      severity: z.enum(['critical', 'high', 'medium', 'low']),
      message: z.string(),
      reference: z.string(),
      remediation: z.string(),
      family: z.string().min(1).optional(),
      mode: z.enum(['enforce', 'warn', 'dry-run']).optional(),
      waiver: z
        .object({ id: z.string(), approver: z.string(), reason: z.string(), expiresAt: z.string() })
        .optional(),
      waiverRefused: z.string().optional(),
    }),
  ),
  obligations: z
    .array(
      z.looseObject({
        id: z.string().optional(),
        ref: z.string(),
        title: z.string(),
        holder: z.string().optional(),
        appliesFrom: z.string().optional(),
        applies: z.boolean().optional(),
        satisfied: z.boolean().optional(),
        evidence: z.string().optional(),
      }),
    )
    .default([]),
  classification: classificationSchema.optional(),
});

export type PolicyResult = z.infer<typeof policyResultSchema>;
