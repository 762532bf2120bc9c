/**
 * A decision as text for a human reviewer: what was evaluated, the outcome, and each violation with the
 * source it cites and how to fix it.
 */

import { type Decision, decidesOutcome, type Obligation, type Violation } from '../../contracts/decision.ts';
import { fieldLabel } from '../../ledger/sealed-field.ts';

/** A violation with what the gate's modes and exceptions say of it (all in Violation now). */
type Annotated = Violation;

const OUTCOME_TEXT = {
  allow: 'ALLOW: the model version may be approved',
  deny: 'DENY: the model version is rejected',
  review: 'REVIEW: a person must decide; the version stays pending',
} as const;

export function renderDecision(decision: Decision, options: { width?: number } = {}): string {
  const rule = '-'.repeat(Math.min(options.width ?? 78, 120));
  const { subject, policy } = decision;
  const violations = decision.violations as Annotated[];
  const lines = [
    `Decision ${decision.id}`,
    rule,
    `${OUTCOME_TEXT[decision.decision]}`,
    `Model        ${subject.group} version ${subject.version}`,
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
