import { type Decision, decidesOutcome } from '../../contracts/decision.ts';

/** SageMaker's limit for `ApprovalDescription`. */
export const APPROVAL_DESCRIPTION_MAX = 1024;

/** "Verdict deny 1b2c…: bias.disparate_impact (DI < 0.8); … | policy 0.1.0 sha256:ab12cd34". */
export function approvalDescription(decision: Decision): string {
  const head = `Verdict ${decision.decision} ${decision.id}`;
  const tail = ` | policy ${decision.policy.version} sha256:${decision.policy.bundleSha256.slice(0, 12)}`;
  const reasons = decision.violations.filter(decidesOutcome).map((v) => `${v.rule} (${v.reference})`);
  const reported = decision.violations.length - reasons.length;
  const also = reported ? ` (+${reported} reported, not deciding)` : '';
  let body = reasons.length ? `: ${reasons.join('; ')}${also}` : `: no deciding violations${also}`;
  const room = APPROVAL_DESCRIPTION_MAX - head.length - tail.length;
  if (body.length > room) body = `${body.slice(0, room - 1)}…`;
  return `${head}${body}${tail}`;
}
