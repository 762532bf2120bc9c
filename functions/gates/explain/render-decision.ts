/**
 * A decision as text for a human reviewer: what was evaluated, the outcome, and each violation with the
 * source it cites and how to fix it.
 */

import { type Decision, decidesOutcome, type Obligation, type Violation } from '../../contracts/decision.ts';
import { fieldLabel } from '../../ledger/sealed-field.ts';

/** A violation with what the gate's modes and exceptions say of it (all in Violation now). */
type Annotated = Violation;

type OutcomeText = Readonly<Record<Decision['decision'], string>>;

const MODEL_VERSION_OUTCOME: OutcomeText = {
  allow: 'ALLOW: the model version may be approved',
  deny: 'DENY: the model version is rejected',
  review: 'REVIEW: a person must decide; the version stays pending',
};

/** What each gate's outcome means; a gate not listed decides on a model version. */
const OUTCOME_TEXT: Readonly<Record<string, OutcomeText>> = {
  deployment: {
    allow: 'ALLOW: the deployment may proceed',
    deny: 'DENY: the deployment is refused (or the change undone)',
    review: 'REVIEW: a person must decide; nothing is applied meanwhile',
  },
  monitoring: {
    allow: 'ALLOW: the live deployment is kept',
    deny: 'DENY: the live deployment is rolled back or its approval revoked',
    review: 'REVIEW: the live deployment is kept and the finding recorded for review',
  },
  data: {
    allow: 'ALLOW: the dataset version may be used for training',
    deny: 'DENY: the dataset version may not be used for training',
    review: 'REVIEW: a person must decide before the dataset version is used',
  },
};

const SUBJECT_LABEL: Readonly<Record<Decision['subject']['kind'], string>> = {
  'model-package': 'Model',
  'dataset-version': 'Dataset',
};

export function renderDecision(decision: Decision, options: { width?: number } = {}): string {
  const rule = '-'.repeat(Math.min(options.width ?? 78, 120));
  const { subject, policy } = decision;
  const violations = decision.violations as Annotated[];
  const lines = [
    `Decision ${decision.id}`,
    rule,
    (OUTCOME_TEXT[decision.gate] ?? MODEL_VERSION_OUTCOME)[decision.decision],
    `${SUBJECT_LABEL[subject.kind].padEnd(12)} ${subject.group} version ${subject.version}`,
    `             ${subject.id}`,
    `Risk class   ${decision.riskClass ?? 'not classified'}`,
    `Gate         ${decision.gate}, evaluated ${decision.evaluatedAt}`,
    `Trigger      ${decision.trigger.detailType} (${decision.trigger.source}, event ${decision.trigger.eventId})`,
    `Policy       version ${policy.version}, bundle sha256:${policy.bundleSha256}`,
    `             entrypoint ${policy.entrypoint}`,
    `Input        sha256:${decision.inputSha256}`,
    '',
    ...renderViolations(violations),
    ...renderObligations(decision.obligations),
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}

/** One violation: rule, severity and reference on the first line, then message and remediation. */
export function renderViolation(v: Annotated, indent = '  '): string[] {
  const status = v.waiver
    ? ` waived by ${fieldLabel(v.waiver.approver)} until ${v.waiver.expiresAt} (${v.waiver.id})`
    : '';
  const mode = v.mode && v.mode !== 'enforce' ? ` [${v.mode}]` : '';
  return [
    `${indent}x ${v.rule} [${v.severity}] ${v.reference}${mode}${status}`,
    `${indent}    ${v.message}`,
    `${indent}    remediation: ${v.remediation}`,
    ...(v.waiver ? [`${indent}    waiver reason: ${v.waiver.reason}`] : []),
    ...(v.waiverRefused ? [`${indent}    waiver refused: ${v.waiverRefused}`] : []),
  ];
}

function renderViolations(violations: Annotated[]): string[] {
  if (!violations.length) return ['No violations.', ''];
  const deciding = violations.filter(decidesOutcome).length;
  return [
    `Violations (${violations.length}; ${deciding} decide the outcome)`,
    ...violations.flatMap((v) => renderViolation(v)),
    '',
  ];
}

function renderObligations(obligations: Obligation[]): string[] {
  if (!obligations.length) return [];
  return [
    `Obligations (${obligations.length})`,
    ...obligations.map((o) => {
      const state = o.satisfied === undefined ? '' : o.satisfied ? 'evidenced' : 'NO EVIDENCE';
      const when = o.appliesFrom ? `applies from ${o.appliesFrom}` : '';
      return `  - ${o.ref} ${o.title}${o.holder ? ` (${o.holder})` : ''}: ${[state, when].filter(Boolean).join(', ')}`;
    }),
    '',
  ];
}
