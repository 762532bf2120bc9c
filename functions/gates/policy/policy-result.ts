import { z } from 'zod';

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
    }),
  ),
  obligations: z
    .array(
      z.looseObject({
        ref: z.string(),
        title: z.string(),
        holder: z.string().optional(),
        appliesFrom: z.string().optional(),
        satisfied: z.boolean().optional(),
      }),
    )
    .default([]),
});

export type PolicyResult = z.infer<typeof policyResultSchema>;
