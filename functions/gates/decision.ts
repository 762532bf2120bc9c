/** The decision contract every gate returns and the ledger stores (see README "Decisions"). */
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
}

export interface Obligation {
  ref: string;
  title: string;
  holder?: string;
  appliesFrom?: string;
  satisfied?: boolean;
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
