/** Decision and rejection fixtures for the decision stores and the API: one deny with one violation. */
import type { Decision, Rejection } from '../../functions/contracts/decision.ts';

/** The subject of a decision about a model package in the local registry. */
export function modelPackage(group: string, version: string | number): Decision['subject'] {
  return {
    kind: 'model-package',
    id: `arn:aws:sagemaker:local-1:000000000000:model-package/${group}/${version}`,
    group,
    version: String(version),
  };
}

/** A high-risk deny of `credit` v3 for disparate impact, evaluated at `evaluatedAt`. */
export function decision(id: string, evaluatedAt: string, overrides: Partial<Decision> = {}): Decision {
  return {
    id,
    gate: 'model-approval',
    decision: 'deny',
    subject: modelPackage('credit', 3),
    riskClass: 'high',
    violations: [
      {
        rule: 'bias.disparate_impact',
        severity: 'high',
        message: 'disparate impact 0.71 is below 0.8',
        reference: 'DI >= 0.8 (four-fifths rule)',
        remediation: 'rebalance the training data',
      },
    ],
    obligations: [{ ref: 'art-10', title: 'Data governance' }],
    policy: { bundleSha256: 'a'.repeat(64), version: '1.0.0', entrypoint: 'verdict/model_approval' },
    inputSha256: 'b'.repeat(64),
    evaluatedAt,
    trigger: {
      eventId: `event-${id}`,
      source: 'aws.sagemaker',
      detailType: 'SageMaker Model Package State Change',
    },
    ...overrides,
  };
}

/** An event rejected before any policy ran, with no event id. */
export function rejection(id: string, rejectedAt: string, overrides: Partial<Rejection> = {}): Rejection {
  return {
    id,
    gate: 'model-approval',
    eventId: null,
    code: 'invalid-event',
    message: 'bad detail',
    rejectedAt,
    ...overrides,
  };
}
