/**
 * Classifies an AI-system profile under the EU AI Act with the policy bundle's `classify` entrypoint; the
 * result is checked against the classification contract (contracts/classification.ts).
 */
import { type Classification, classificationSchema } from '../../contracts/classification.ts';
import { QUERY_ENTRYPOINTS } from '../policy/entrypoints.ts';
import type { PolicyEngine } from '../policy/policy-engine.ts';
import type { AiSystemProfile } from './ai-system-profile.ts';

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
