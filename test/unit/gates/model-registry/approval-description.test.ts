import { describe, expect, it } from 'vitest';
import type { Decision, Violation } from '../../../../functions/contracts/decision.ts';
import {
  APPROVAL_DESCRIPTION_MAX,
  approvalDescription,
} from '../../../../functions/gates/model-registry/approval-description.ts';

const violation = (rule: string, extra: Partial<Violation> = {}): Violation => ({
  rule,
  severity: 'high',
  message: 'm',
  reference: 'DI < 0.8',
  remediation: 'r',
  ...extra,
});

const decision = (violations: Violation[]): Decision => ({
  id: 'd-1',
  gate: 'model-registry',
  decision: 'deny',
  subject: { kind: 'model-package', id: 'arn', group: 'g', version: '1' },
  violations,
  obligations: [],
  policy: { bundleSha256: 'f'.repeat(64), version: '0.2.0', entrypoint: 'e' },
  inputSha256: '0'.repeat(64),
  evaluatedAt: '2026-11-28T12:00:00.000Z',
  trigger: { eventId: 'e', source: 'aws.sagemaker', detailType: 'SageMaker Model Package State Change' },
});

describe('approvalDescription', () => {
  it('names the deciding violations and counts the ones only reported', () => {
    const text = approvalDescription(
      decision([
        violation('bias.disparate_impact'),
        violation('bias.statistical_parity', { mode: 'warn' }),
        violation('euaiact.obligation_evidence_missing', {
          reference: 'Art. 9',
          waiver: { id: 'e-1', approver: 'a', reason: 'r', expiresAt: '2027-01-01T00:00:00Z' },
        }),
      ]),
    );
    expect(text).toBe(
      'Verdict deny d-1: bias.disparate_impact (DI < 0.8) (+2 reported, not deciding) | policy 0.2.0 sha256:ffffffffffff',
    );
  });

  it("fits SageMaker's 1,024 characters however many violations there are", () => {
    const text = approvalDescription(
      decision(Array.from({ length: 200 }, (_, i) => violation(`bias.rule_${i}`))),
    );
    expect(text).toHaveLength(APPROVAL_DESCRIPTION_MAX);
    expect(text.endsWith(' | policy 0.2.0 sha256:ffffffffffff')).toBe(true);
    expect(text).toContain('…');
  });
});
