/** Deployment requests the contract and gate tests start from: a high-risk credit scorer going to prod. */
import { createHash } from 'node:crypto';
import type { Decision } from '../../functions/contracts/decision.ts';
import type { DeploymentRequestInput } from '../../functions/contracts/deployment-request.ts';
import type { EvidenceDocument } from '../../functions/ports/deployment-facts.ts';

export const ARN = 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/credit-scorer/3';

export const sagemakerRequest: DeploymentRequestInput = {
  modelPackageArn: ARN,
  target: { kind: 'sagemaker', endpointName: 'credit-scorer-prod' },
  environment: 'prod',
  region: 'eu-west-1',
  strategy: {
    type: 'canary',
    step: { unit: 'percent', value: 10 },
    bakeSeconds: 600,
    alarms: ['credit-scorer-5xx'],
    maxDurationSeconds: 3600,
  },
  compute: {
    kind: 'sagemaker-instances',
    instanceType: 'ml.m5.xlarge',
    instanceCount: 2,
    maxInstanceCount: 4,
  },
  tags: { owner: 'risk-team', 'cost-centre': 'cc-credit', model: 'credit-scorer', 'risk-class': 'high' },
  networkIsolation: true,
};

export const eksRequest: DeploymentRequestInput = {
  ...sagemakerRequest,
  target: { kind: 'eks', cluster: 'ml-prod', namespace: 'serving', name: 'credit-scorer' },
  strategy: {
    type: 'rolling',
    step: { unit: 'instances', value: 1 },
    bakeSeconds: 0,
    maxDurationSeconds: 600,
  },
  compute: {
    kind: 'gpu-replicas',
    gpuType: 'nvidia-l4',
    gpuCount: 1,
    nodeInstanceType: 'g6.xlarge',
    replicas: 1,
    maxReplicas: 2,
  },
};

export const REGISTRY_DECISION_ID = 'dec-credit-scorer-3';

/** The human-oversight document the registry decision names, and its bytes. */
export const OVERSIGHT_URI = 's3://evidence/oversight.pdf';
export const OVERSIGHT_DOCUMENT = 'Human oversight: the credit risk team reviews every refusal.\n';
export const OVERSIGHT_SHA256 = createHash('sha256').update(OVERSIGHT_DOCUMENT).digest('hex');

/** A facts source's evidence read where only the oversight document exists. */
export async function oversightEvidence(uri: string): Promise<EvidenceDocument | undefined> {
  return uri === OVERSIGHT_URI
    ? { sha256: OVERSIGHT_SHA256, size: Buffer.byteLength(OVERSIGHT_DOCUMENT) }
    : undefined;
}

/** The model-registry allow the deployment gate finds for ARN (high risk, human oversight evidenced). */
export function registryDecision(changes: Partial<Decision> = {}): Decision {
  return {
    id: REGISTRY_DECISION_ID,
    gate: 'model-registry',
    subject: { kind: 'model-package', id: ARN, group: 'credit-scorer', version: '3' },
    decision: 'allow',
    riskClass: 'high',
    violations: [],
    obligations: [
      {
        id: 'human_oversight',
        ref: 'Art. 14',
        title: 'Human oversight',
        evidence: OVERSIGHT_URI,
      },
    ],
    policy: {
      bundleSha256: 'f'.repeat(64),
      version: '0.5.0',
      entrypoint: 'verdict/gates/model_registry/decision',
    },
    inputSha256: 'e'.repeat(64),
    evaluatedAt: '2026-11-27T10:00:00.000Z',
    trigger: {
      eventId: 'evt-1',
      source: 'aws.sagemaker',
      detailType: 'SageMaker Model Package State Change',
    },
    ...changes,
  };
}
