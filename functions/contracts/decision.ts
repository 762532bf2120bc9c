/**
 * The decision contract (see README "Decisions"): what a gate's policy entrypoint returns, the decision
 * every gate records and the ledger stores, and the rejection of an event that never reached a policy.
 */
import { z } from 'zod';
import { classificationSchema, riskClassSchema } from './classification.ts';

export const outcomeSchema = z.enum(['allow', 'deny', 'review']);
export type Outcome = z.infer<typeof outcomeSchema>;

const severitySchema = z.enum(['critical', 'high', 'medium', 'low']);
export type Severity = z.infer<typeof severitySchema>;

/** enforce decides; warn reports; dry-run reports for a shadow evaluation. */
const violationModeSchema = z.enum(['enforce', 'warn', 'dry-run']);
export type ViolationMode = z.infer<typeof violationModeSchema>;

const waiverSchema = z.object({
  id: z.string(),
  approver: z.string(),
  reason: z.string(),
  /** RFC 3339; the waiver lapses on its own at this time. */
  expiresAt: z.string(),
});
export type Waiver = z.infer<typeof waiverSchema>;

export const violationSchema = z.object({
  /** Stable rule id, e.g. `bias.disparate_impact`. */
  rule: z.string().min(1),
  severity: severitySchema,
  message: z.string(),
  reference: z.string().meta({ description: 'The article, metric and threshold or category it implements' }),
  remediation: z.string(),
  /** The policy family the rule belongs to: `eu_ai_act`, `bias`, `pii`, `profile`, `evidence`, `input`. */
  family: z.string().min(1).optional(),
  /** Only `enforce` violations (without a waiver) decide the outcome; the others are reported. */
  mode: violationModeSchema.optional(),
  /** The exception in force that waives this violation: it is reported and does not decide. */
  waiver: waiverSchema.optional(),
  /** Why an exception naming this violation was refused, e.g. `ex-1: Art. 5 prohibitions cannot be waived`. */
  waiverRefused: z.string().optional(),
});
export type Violation = z.infer<typeof violationSchema>;

export const obligationSchema = z.looseObject({
  /** The obligation id, the key of its document in the evidence manifest (`risk_management`, `fria`, ...). */
  id: z.string().optional(),
  ref: z.string(),
  title: z.string(),
  holder: z.string().optional(),
  appliesFrom: z.string().optional(),
  /** The obligation applies on the evaluation date. */
  applies: z.boolean().optional(),
  satisfied: z.boolean().optional(),
  /** The document the evidence manifest names for the obligation (s3:// URI). */
  evidence: z.string().optional(),
  /** SHA-256 (hex) of the evidence document's bytes as the gate read them (the deployment gate's). */
  evidenceSha256: z.string().optional(),
});
export type Obligation = z.infer<typeof obligationSchema>;

/** What every gate entrypoint must return; anything else is a policy error and the gate denies. */
export const policyResultSchema = z.object({
  decision: outcomeSchema,
  riskClass: riskClassSchema.optional(),
  violations: z.array(violationSchema),
  obligations: z.array(obligationSchema).default([]),
  /** The EU AI Act classification of the profile; absent when the package has no profile. */
  classification: classificationSchema.optional(),
});
export type PolicyResult = z.infer<typeof policyResultSchema>;

/** What a gate decides on: a model package version, or a dataset version (the data gate). */
export const decisionSubjectKindSchema = z.enum(['model-package', 'dataset-version']);

export const decisionSubjectSchema = z.object({
  kind: decisionSubjectKindSchema,
  id: z.string().meta({ description: 'Model package ARN, or dataset version id' }),
  group: z.string().meta({ description: 'Model package group name, or dataset name' }),
  version: z.string(),
  /**
   * `sha256:` of the version's containers and model artifacts as the gate found them (absent when the package
   * names none): what a deployment of this decision must still run.
   */
  artifactDigest: z
    .string()
    .regex(/^sha256:[0-9a-f]{64}$/)
    .optional()
    .meta({ description: "Digest of the version's images and model artifacts when decided" }),
});
export type DecisionSubject = z.infer<typeof decisionSubjectSchema>;

const policyProvenanceSchema = z.object({
  bundleSha256: z.string().meta({ description: 'SHA-256 of the policy bundle that decided' }),
  version: z.string(),
  entrypoint: z.string(),
});
export type PolicyProvenance = z.infer<typeof policyProvenanceSchema>;

const decisionTriggerSchema = z.object({
  eventId: z.string(),
  source: z.string(),
  detailType: z.string(),
});
export type DecisionTrigger = z.infer<typeof decisionTriggerSchema>;

/** A decision document as recorded, stored and exported. */
export const decisionSchema = policyResultSchema.extend({
  id: z.string().min(1),
  gate: z.string().min(1),
  subject: decisionSubjectSchema,
  policy: policyProvenanceSchema,
  inputSha256: z.string(),
  evaluatedAt: z.string(),
  /**
   * How long the policy evaluation took, in milliseconds (the gate's measure, wall clock). Absent in
   * decisions recorded before it was measured and in those decided without evaluating (bundle or inputs
   * unavailable).
   */
  evaluationMs: z
    .number()
    .nonnegative()
    .optional()
    .meta({ description: 'Duration of the policy evaluation in milliseconds' }),
  trigger: decisionTriggerSchema,
});
export type Decision = z.infer<typeof decisionSchema>;

/** A bad event that never reached a policy: recorded without its payload, which may hold personal data. */
export const rejectionSchema = z.object({
  id: z.string(),
  gate: z.string(),
  eventId: z.string().nullable(),
  code: z.string(),
  message: z.string(),
  rejectedAt: z.string(),
});
export type Rejection = z.infer<typeof rejectionSchema>;

/** Whether a violation decides the outcome: enforced and not waived. Others are reported only. */
export function decidesOutcome(violation: Violation): boolean {
  return (violation.mode ?? 'enforce') === 'enforce' && !violation.waiver;
}
