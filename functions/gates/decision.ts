/** The decision contract every gate returns and the ledger stores (see README "Decisions"). */
import type { Classification } from './profile/classification.ts';

export type Outcome = 'allow' | 'deny' | 'review';
export type Severity = 'critical' | 'high' | 'medium' | 'low';

export interface Violation {
  /** Stable rule id, e.g. `bias.disparate_impact`. */
  rule: string;
  severity: Severity;
  message: string;
  /** The source the rule implements: an article, a metric and threshold, a PII category. */
  reference: string;
  remediation: string;
  /** The policy family the rule belongs to: `eu_ai_act`, `bias`, `pii`, `profile`, `evidence`, `input`. */
  family?: string;
  /** Only `enforce` violations (without a waiver) decide the outcome; the others are reported. */
  mode?: ViolationMode;
  /** The exception in force that waives this violation: it is reported and does not decide. */
  waiver?: Waiver;
  /** Why an exception naming this violation was refused, e.g. `ex-1: Art. 5 prohibitions cannot be waived`. */
  waiverRefused?: string;
}

/** enforce decides; warn reports; dry-run reports for a shadow evaluation. */
export type ViolationMode = 'enforce' | 'warn' | 'dry-run';

export interface Waiver {
  id: string;
  approver: string;
  reason: string;
  /** RFC 3339; the waiver lapses on its own at this time. */
  expiresAt: string;
}

export interface Obligation {
  /** The obligation id, the key of its document in the evidence manifest (`risk_management`, `fria`, ...). */
  id?: string;
  ref: string;
  title: string;
  holder?: string;
  appliesFrom?: string;
  /** The obligation applies on the evaluation date. */
  applies?: boolean;
  satisfied?: boolean;
  /** The document the evidence manifest names for the obligation (s3:// URI). */
  evidence?: string;
}

export interface DecisionSubject {
  kind: 'model-package';
  /** The model package ARN. */
  id: string;
  /** The model package group name. */
  group: string;
  version: string;
}

export interface PolicyProvenance {
  bundleSha256: string;
  version: string;
  entrypoint: string;
}

export interface DecisionTrigger {
  eventId: string;
  source: string;
  detailType: string;
}

export interface Decision {
  id: string;
  gate: string;
  decision: Outcome;
  subject: DecisionSubject;
  riskClass?: string;
  violations: Violation[];
  obligations: Obligation[];
  /** The EU AI Act classification of the profile; absent when the package has no profile. */
  classification?: Classification;
  policy: PolicyProvenance;
  inputSha256: string;
  evaluatedAt: string;
  trigger: DecisionTrigger;
}

/** A bad event that never reached a policy: recorded without its payload, which may hold personal data. */
export interface Rejection {
  id: string;
  gate: string;
  eventId: string | null;
  code: string;
  message: string;
  rejectedAt: string;
}

/** Whether a violation decides the outcome: enforced and not waived. Others are reported only. */
export function decidesOutcome(violation: Violation): boolean {
  return (violation.mode ?? 'enforce') === 'enforce' && !violation.waiver;
}
