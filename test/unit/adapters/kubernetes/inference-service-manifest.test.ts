/**
 * The KServe InferenceService built for an EKS target where the cluster serves the API, as an exact object.
 * What the API server and the admission policy do with it is tested in
 * test/integration/kubernetes/kserve-inference-service.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { GpuWorkloadError } from '../../../../functions/adapters/kubernetes/deployment-errors.ts';
import {
  canaryTrafficPercent,
  inferenceServiceManifest,
} from '../../../../functions/adapters/kubernetes/inference-service-manifest.ts';
import {
  type DeploymentRequest,
  deploymentRequestSchema,
  type RolloutStrategy,
} from '../../../../functions/contracts/deployment-request.ts';
import { ARN, eksRequest } from '../../../support/deployment-requests.ts';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const IMAGE = `registry.example/vllm-openai@sha256:${'d'.repeat(64)}`;
const artifact = { modelPackageArn: ARN, digest: DIGEST, decisionId: 'dec-0001' };
const server = { image: IMAGE, port: 8000, readinessPath: '/health' };
const request = deploymentRequestSchema.parse(eksRequest);
const common = { bakeSeconds: 300, alarms: [], maxDurationSeconds: 600 };

function build(overrides: Partial<DeploymentRequest> = {}) {
  return inferenceServiceManifest({
    deploymentId: 'dep-0001',
    request: { ...request, ...overrides },
    artifact,
    server,
    maxGpusPerPod: 4,
  });
}

describe('inferenceServiceManifest', () => {
  it('builds the InferenceService: the model server as predictor, GPU limits, node pool, replicas, annotations on it and its pods', () => {
    const labels = {
      'app.kubernetes.io/name': 'credit-scorer',
      'app.kubernetes.io/managed-by': 'verdict',
      'verdict.dev/environment': 'prod',
    };
    const annotations = {
      'verdict.dev/model-digest': DIGEST,
      'verdict.dev/decision-id': 'dec-0001',
      'verdict.dev/deployment-id': 'dep-0001',
      'verdict.dev/model-package': ARN,
    };
    expect(build()).toEqual({
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      metadata: { name: 'credit-scorer', namespace: 'serving', labels, annotations },
      spec: {
        predictor: {
          minReplicas: 1,
          maxReplicas: 2,
          labels,
          annotations,
          automountServiceAccountToken: false,
          nodeSelector: {
            'karpenter.k8s.aws/instance-gpu-manufacturer': 'nvidia',
            'karpenter.k8s.aws/instance-gpu-name': 'l4',
            'node.kubernetes.io/instance-type': 'g6.xlarge',
          },
          tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
          containers: [
            {
              name: 'kserve-container',
              image: IMAGE,
              env: [
                { name: 'VERDICT_MODEL_PACKAGE_ARN', value: ARN },
                { name: 'VERDICT_MODEL_DIGEST', value: DIGEST },
              ],
              ports: [{ containerPort: 8000, protocol: 'TCP' }],
              resources: { limits: { 'nvidia.com/gpu': '1' } },
              readinessProbe: {
                httpGet: { path: '/health', port: 8000 },
                periodSeconds: 5,
                failureThreshold: 3,
              },
              securityContext: {
                runAsNonRoot: true,
                seccompProfile: { type: 'RuntimeDefault' },
                allowPrivilegeEscalation: false,
                capabilities: { drop: ['ALL'] },
              },
            },
          ],
        },
      },
    });
  });

  it('sends a canary step of the traffic to the new revision first', () => {
    const canary: RolloutStrategy = { type: 'canary', step: { unit: 'percent', value: 10 }, ...common };
    expect(build({ strategy: canary }).spec.predictor.canaryTrafficPercent).toBe(10);
  });

  it('sends no share for a rolling or all-at-once strategy: KServe moves all traffic once ready', () => {
    expect(build().spec.predictor).not.toHaveProperty('canaryTrafficPercent');
    expect(build({ strategy: { type: 'all-at-once', ...common } }).spec.predictor).not.toHaveProperty(
      'canaryTrafficPercent',
    );
  });

  it('refuses what the Deployment refuses: a GPU count above the cap', () => {
    const compute = {
      ...(request.compute as Extract<DeploymentRequest['compute'], { kind: 'gpu-replicas' }>),
      gpuCount: 8,
    };
    expect(() => build({ compute })).toThrow(
      new GpuWorkloadError('a pod asks for 8 nvidia.com/gpu, above the cap of 4'),
    );
  });
});

describe('canaryTrafficPercent', () => {
  it('is the step in percent, or the step replicas as a share of all, between 1 and 100', () => {
    const linear = (value: number, unit: 'percent' | 'instances'): RolloutStrategy => ({
      type: 'linear',
      step: { unit, value },
      ...common,
    });
    expect(canaryTrafficPercent(linear(25, 'percent'), 4)).toBe(25);
    expect(canaryTrafficPercent(linear(1, 'instances'), 4)).toBe(25);
    expect(canaryTrafficPercent(linear(1, 'instances'), 300)).toBe(1);
    expect(canaryTrafficPercent(linear(3, 'instances'), 3)).toBe(100);
    expect(canaryTrafficPercent({ type: 'all-at-once', ...common }, 3)).toBeUndefined();
  });
});
