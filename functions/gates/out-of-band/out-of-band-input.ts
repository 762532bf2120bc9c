/**
 * The out-of-band check's policy input (policies/gates/out_of_band.rego): the CloudTrail call (the caller as
 * `callerOf` names it: a role ARN or an identity type, never a user name), the endpoint's live Verdict
 * deployments, what it serves now, and what the remediation mode will do about it. Plain data in, plain data out.
 */
import type { DecisionSubject } from '../../contracts/decision.ts';
import type { Deployment } from '../../contracts/deployment.ts';
import type { OutOfBandMode } from '../../contracts/deployment-events.ts';

/** What the mode does on this endpoint: `none` when there is nothing left to change. */
export type OutOfBandRemedy = 'alert' | 'restore' | 'delete' | 'none';

export interface OutOfBandFinding {
  call: { eventId: string; eventName: string; eventTime: string; caller: string };
  orchestratorRoleArn: string | undefined;
  target: string;
  /** The promoted deployment and the rollouts under way on the target, newest first; empty when ungoverned. */
  live: readonly Deployment[];
  /** Undefined when the endpoint was deleted. */
  servedArtifacts: readonly string[] | undefined;
  servesLiveDeployment: boolean;
  remediation: { mode: OutOfBandMode; action: OutOfBandRemedy; restores?: string };
}

/** The model package ARN SageMaker records for a registered version. */
const PACKAGE_ARN = /^arn:aws[\w-]*:sagemaker:[\w-]+:\d{12}:model-package\/([^/]+)\/(\d+)$/;

/**
 * What the decision is about: the registered version the endpoint serves now when it names one, otherwise the
 * version of the live deployment the change displaced.
 */
export function outOfBandSubject(finding: OutOfBandFinding): DecisionSubject | undefined {
  for (const artifact of finding.servedArtifacts ?? []) {
    const [, group, version] = PACKAGE_ARN.exec(artifact) ?? [];
    if (group && version) return { kind: 'model-package', id: artifact, group, version };
  }
  return finding.live[0]?.decision.subject;
}

export function buildOutOfBandInput(finding: OutOfBandFinding, subject: DecisionSubject, now: Date) {
  const [displaced] = finding.live;
  return {
    gate: 'deployment',
    environment: displaced?.request.environment ?? null,
    now: now.toISOString(),
    subject,
    riskClass: displaced?.decision.riskClass ?? null,
    call: finding.call,
    orchestratorRoleArn: finding.orchestratorRoleArn ?? null,
    target: finding.target,
    governed: finding.live.length > 0,
    liveDeployments: finding.live.map((d) => d.id),
    serving: {
      deleted: finding.servedArtifacts === undefined,
      artifacts: finding.servedArtifacts ?? [],
      servesLiveDeployment: finding.servesLiveDeployment,
    },
    remediation: { ...finding.remediation, restores: finding.remediation.restores ?? null },
  };
}
