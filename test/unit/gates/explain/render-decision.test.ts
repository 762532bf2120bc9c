import { describe, expect, it } from 'vitest';
import type { Decision } from '../../../../functions/contracts/decision.ts';
import { renderDecision } from '../../../../functions/gates/explain/render-decision.ts';

const decision: Decision = {
  id: 'd-1',
  gate: 'model-registry',
  decision: 'deny',
  subject: {
    kind: 'model-package',
    id: 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/cv/3',
    group: 'cv',
    version: '3',
  },
  riskClass: 'high',
  violations: [
    {
      rule: 'bias.disparate_impact',
      severity: 'high',
      message: 'DI for gender=female is 0.62.',
      reference: 'DI < 0.8',
      remediation: 'Reweight and retrain.',
    },
    Object.assign(
      {
        rule: 'bias.statistical_parity',
        severity: 'medium' as const,
        message: 'DPPL for gender=female is 0.19.',
        reference: '|DPPL| > 0.1',
        remediation: 'Review the selection threshold.',
      },
      {
        mode: 'warn' as const,
        waiver: { id: 'e-9', approver: 'model-risk', reason: 'Known gap', expiresAt: '2027-01-31T00:00:00Z' },
      },
    ),
  ],
  obligations: [
    {
      ref: 'Art. 9',
      title: 'Risk management system',
      holder: 'provider',
      appliesFrom: '2027-12-02',
      satisfied: false,
    },
  ],
  policy: {
    bundleSha256: 'ab'.repeat(32),
    version: '1.2.0',
    entrypoint: 'verdict/gates/model_registry/decision',
  },
  inputSha256: 'cd'.repeat(32),
  evaluatedAt: '2026-11-28T12:00:00.000Z',
  trigger: { eventId: 'evt-1', source: 'aws.sagemaker', detailType: 'SageMaker Model Package State Change' },
};

describe('renderDecision', () => {
  it('says what was evaluated, the outcome, each violation with its source and fix, and the obligations', () => {
    expect(renderDecision(decision, { width: 20 })).toBe(
      [
        'Decision d-1',
        '--------------------',
        'DENY: the model version is rejected',
        'Model        cv version 3',
        '             arn:aws:sagemaker:eu-west-1:123456789012:model-package/cv/3',
        'Risk class   high',
        'Gate         model-registry, evaluated 2026-11-28T12:00:00.000Z',
        'Trigger      SageMaker Model Package State Change (aws.sagemaker, event evt-1)',
        `Policy       version 1.2.0, bundle sha256:${'ab'.repeat(32)}`,
        '             entrypoint verdict/gates/model_registry/decision',
        `Input        sha256:${'cd'.repeat(32)}`,
        '',
        'Violations (2; 1 decide the outcome)',
        '  x bias.disparate_impact [high] DI < 0.8',
        '      DI for gender=female is 0.62.',
        '      remediation: Reweight and retrain.',
        '  x bias.statistical_parity [medium] |DPPL| > 0.1 [warn] waived by model-risk until 2027-01-31T00:00:00Z (e-9)',
        '      DPPL for gender=female is 0.19.',
        '      remediation: Review the selection threshold.',
        '      waiver reason: Known gap',
        '',
        'Obligations (1)',
        '  - Art. 9 Risk management system (provider): NO EVIDENCE, applies from 2027-12-02',
        '',
      ].join('\n'),
    );
  });

  it('says so when nothing was violated', () => {
    const text = renderDecision({ ...decision, decision: 'allow', violations: [], obligations: [] });
    expect(text).toContain('ALLOW: the model version may be approved');
    expect(text).toContain('No violations.');
    expect(text).not.toContain('Obligations');
  });

  it('says what the outcome means for the gate that decided, and names a dataset as a dataset', () => {
    const lines = (changes: Partial<Decision>) => renderDecision({ ...decision, ...changes }).split('\n');
    expect(lines({ gate: 'deployment' })[2]).toBe('DENY: the deployment is refused (or the change undone)');
    expect(lines({ gate: 'monitoring', decision: 'allow' })[2]).toBe('ALLOW: the live deployment is kept');
    const dataset = lines({
      gate: 'data',
      subject: {
        kind: 'dataset-version',
        id: 'credit-applications@ab.cd',
        group: 'credit-applications',
        version: 'ab.cd',
      },
    });
    expect(dataset[2]).toBe('DENY: the dataset version may not be used for training');
    expect(dataset[3]).toBe('Dataset      credit-applications version ab.cd');
  });
});
