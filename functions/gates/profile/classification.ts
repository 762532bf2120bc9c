/**
 * The EU AI Act classification of an AI-system profile (shared/reference/ai-system-profile.md), computed by
 * the policy bundle's `classify` entrypoint. The schema checks what the policy returns: a result that does
 * not have this exact shape is a policy defect, never a classification.
 */
import { z } from 'zod';
import { QUERY_ENTRYPOINTS } from '../policy/entrypoints.ts';
import type { PolicyEngine } from '../policy/policy-engine.ts';
import type { AiSystemProfile } from './ai-system-profile.ts';

export const RISK_CLASSES = ['prohibited', 'high', 'limited', 'minimal'] as const;

export const classificationObligationSchema = z.strictObject({
  /** `Art. 9`, `Art. 27`, `Art. 53(1)(a)`, ... */
  ref: z.string().min(1),
  title: z.string().min(1),
  holder: z.enum(['provider', 'deployer']),
  /** The date the obligation applies from, YYYY-MM-DD. */
  appliesFrom: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
});

export const classificationSchema = z.strictObject({
  /** `unknown` only for a profile outside the schema (the gate's input is not validated by zod). */
  riskClass: z.enum([...RISK_CLASSES, 'unknown']),
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

/** An ISO calendar date (YYYY-MM-DD) that exists, e.g. not 2026-02-30. */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** Classifies a validated profile on the given date (YYYY-MM-DD) with the bundle's classify entrypoint. */
export function classify(engine: PolicyEngine, profile: AiSystemProfile, asOf: string): Classification {
  return classificationSchema.parse(engine.evaluate(QUERY_ENTRYPOINTS.classify, { profile, asOf }));
}
