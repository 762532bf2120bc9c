/**
 * The EU AI Act classification of an AI-system profile, as the policy bundle's `classify` entrypoint
 * returns it. A result that does not have this exact shape is a policy defect, never a classification.
 */
import { z } from 'zod';

export const RISK_CLASSES = ['prohibited', 'high', 'limited', 'minimal'] as const;

/** `unknown` only for a profile outside the schema (the gate's input is not validated by zod). */
export const riskClassSchema = z.enum([...RISK_CLASSES, 'unknown']);

export type RiskClass = z.infer<typeof riskClassSchema>;

const classificationObligationSchema = z.strictObject({
  /** `Art. 9`, `Art. 27`, `Art. 53(1)(a)`, ... */
  ref: z.string().min(1),
  title: z.string().min(1),
  holder: z.enum(['provider', 'deployer']),
  /** The date the obligation applies from, YYYY-MM-DD. */
  appliesFrom: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
});

export const classificationSchema = z.strictObject({
  riskClass: riskClassSchema,
  /** The Annex III point the use falls under, also when derogated: `4(a)`, `2`, or null. */
  annexIII: z.string().nullable(),
  derogated: z.boolean(),
  gpai: z.enum(['none', 'gpai', 'systemic']),
  transparency: z.array(z.enum(['50(1)', '50(2)', '50(3)', '50(4)'])),
  /** The references that decided riskClass and gpai, most decisive first: `Art. 6(2)`, `Annex III 4(a)`. */
  basis: z.array(z.string().min(1)),
  obligations: z.array(classificationObligationSchema),
});

export type Classification = z.infer<typeof classificationSchema>;
