/**
 * The GPU Deployment built for an EKS target, as an exact object, and every input it refuses to build from.
 * What the API server does with it is tested in test/integration/kubernetes/eks-deployment-target.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { GpuWorkloadError } from '../../../../functions/adapters/kubernetes/deployment-errors.ts';
import {
  egressDenyingNetworkPolicy,
  gpuDeploymentManifest,
  gpuNodeLabels,
  rollingUpdate,
} from '../../../../functions/adapters/kubernetes/gpu-deployment-manifest.ts';
import {
  type DeploymentRequest,
  deploymentRequestSchema,
} from '../../../../functions/contracts/deployment-request.ts';
import { ARN, eksRequest } from '../../../support/deployment-requests.ts';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const IMAGE = `registry.example/vllm-openai@sha256:${'d'.repeat(64)}`;
const artifact = { modelPackageArn: ARN, digest: DIGEST, decisionId: 'dec-0001' };
const server = { image: IMAGE, port: 8000, readinessPath: '/health' };
const request = deploymentRequestSchema.parse(eksRequest);

function withGpus(gpuCount: number): DeploymentRequest {
  return {
    ...request,
    compute: {
      ...(request.compute as Extract<DeploymentRequest['compute'], { kind: 'gpu-replicas' }>),
      gpuCount,
    },
  };
}

function build(overrides: Partial<Parameters<typeof gpuDeploymentManifest>[0]> = {}) {
  return gpuDeploymentManifest({
    deploymentId: 'dep-0001',
    request,
    artifact,
    server,
    maxGpusPerPod: 4,
    ...overrides,
  });
}

describe('gpuDeploymentManifest', () => {
  it('builds the Deployment: GPU limits, node pool selector and toleration, rolling update, probe, annotations', () => {
    const labels = {
      'app.kubernetes.io/name': 'credit-scorer',
      'app.kubernetes.io/managed-by': 'verdict',
      'verdict.dev/environment': 'prod',
    };
    expect(build()).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'credit-scorer',
        namespace: 'serving',
        labels,
        annotations: {
          'verdict.dev/model-digest': DIGEST,
          'verdict.dev/decision-id': 'dec-0001',
          'verdict.dev/deployment-id': 'dep-0001',
          'verdict.dev/model-package': ARN,
        },
      },
      spec: {
        replicas: 1,
        selector: { matchLabels: { 'app.kubernetes.io/name': 'credit-scorer' } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        minReadySeconds: 0,
        progressDeadlineSeconds: 600,
        template: {
          metadata: { labels, annotations: { 'verdict.dev/model-digest': DIGEST } },
          spec: {
            automountServiceAccountToken: false,
            nodeSelector: {
              'karpenter.k8s.aws/instance-gpu-manufacturer': 'nvidia',
              'karpenter.k8s.aws/instance-gpu-name': 'l4',
              'node.kubernetes.io/instance-type': 'g6.xlarge',
            },
            tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
            securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name: 'model-server',
                image: IMAGE,
                env: [
                  { name: 'VERDICT_MODEL_PACKAGE_ARN', value: ARN },
                  { name: 'VERDICT_MODEL_DIGEST', value: DIGEST },
                ],
                ports: [{ name: 'http', containerPort: 8000 }],
                resources: { limits: { 'nvidia.com/gpu': '1' } },
                readinessProbe: {
                  httpGet: { path: '/health', port: 8000 },
                  periodSeconds: 5,
                  failureThreshold: 3,
                },
                securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
              },
            ],
          },
        },
      },
    });
  });

  it('asks for the GPU count of the request, up to the cap', () => {
    const limits = (gpus: number, cap: number) =>
      build({ request: withGpus(gpus), maxGpusPerPod: cap }).spec?.template.spec?.containers[0]?.resources
        ?.limits;

    expect(limits(1, 1)).toEqual({ 'nvidia.com/gpu': '1' });
    expect(limits(8, 8)).toEqual({ 'nvidia.com/gpu': '8' });
  });

  it('refuses a GPU count above the cap, and a workload without GPUs', () => {
    expect(() => build({ request: withGpus(8), maxGpusPerPod: 4 })).toThrow(
      new GpuWorkloadError('a pod asks for 8 nvidia.com/gpu, above the cap of 4'),
    );
    expect(() => build({ request: withGpus(0), maxGpusPerPod: 4 })).toThrow(
      new GpuWorkloadError('a GPU workload asks for at least one nvidia.com/gpu, got 0'),
    );
    expect(() => build({ request: withGpus(1), maxGpusPerPod: 0 })).toThrow(
      new GpuWorkloadError('a pod asks for 1 nvidia.com/gpu, above the cap of 0'),
    );
  });

  it.each([
    ['name', { target: { kind: 'eks', cluster: 'ml-prod', namespace: 'serving', name: '../kube-system' } }],
    ['name', { target: { kind: 'eks', cluster: 'ml-prod', namespace: 'serving', name: 'Scorer' } }],
    ['name', { target: { kind: 'eks', cluster: 'ml-prod', namespace: 'serving', name: 'a'.repeat(64) } }],
    ['namespace', { target: { kind: 'eks', cluster: 'ml-prod', namespace: 'x\ny', name: 'scorer' } }],
  ])('refuses a hostile %s', (what, change) => {
    const hostile = { ...request, ...change } as DeploymentRequest;
    expect(() => build({ request: hostile })).toThrow(GpuWorkloadError);
    expect(() => build({ request: hostile })).toThrow(`not a valid ${what}`);
  });

  it.each([
    ['deployment id', { deploymentId: 'dep\nx' }],
    ['deployment id', { deploymentId: '' }],
    ['decision id', { artifact: { ...artifact, decisionId: "d'); drop" } }],
    ['model server image (pinned by @sha256)', { server: { ...server, image: 'vllm/vllm-openai:latest' } }],
    ['readiness path', { server: { ...server, readinessPath: 'health' } }],
  ])('refuses a hostile %s', (what, overrides) => {
    expect(() => build(overrides)).toThrow(new RegExp(`^not a valid ${what.replace(/[()@]/g, '\\$&')}`));
  });

  it('refuses an artifact that is not named by a digest, and a target that is not EKS', () => {
    expect(() => build({ artifact: { ...artifact, digest: 'latest' } })).toThrow(
      new GpuWorkloadError('not an artifact digest (sha256:<hex>): "latest"'),
    );
    const sagemaker = {
      ...request,
      target: { kind: 'sagemaker', endpointName: 'scorer' },
    } as DeploymentRequest;
    expect(() => build({ request: sagemaker })).toThrow(new GpuWorkloadError('not an EKS target: sagemaker'));
  });

  it('bakes each new pod for the bake time and keeps the deadline above it', () => {
    const baking = {
      ...request,
      strategy: { ...request.strategy, bakeSeconds: 900, maxDurationSeconds: 600 },
    } as DeploymentRequest;
    const spec = build({ request: baking }).spec;
    expect(spec?.minReadySeconds).toBe(900);
    expect(spec?.progressDeadlineSeconds).toBe(901);
  });
});

describe('rollingUpdate', () => {
  const common = { bakeSeconds: 60, alarms: [], maxDurationSeconds: 600 };
  it.each([
    [
      { type: 'all-at-once', ...common },
      { maxSurge: '100%', maxUnavailable: 0 },
    ],
    [
      { type: 'canary', step: { unit: 'percent', value: 10 }, ...common },
      { maxSurge: '10%', maxUnavailable: 0 },
    ],
    [
      { type: 'linear', step: { unit: 'instances', value: 2 }, ...common },
      { maxSurge: 2, maxUnavailable: 0 },
    ],
    [
      { type: 'rolling', step: { unit: 'percent', value: 25 }, ...common },
      { maxSurge: '25%', maxUnavailable: 0 },
    ],
  ] as const)('%o -> %o', (strategy, expected) => {
    expect(rollingUpdate(strategy)).toEqual(expected);
  });
});

describe('gpuNodeLabels', () => {
  it('maps an NVIDIA GPU type to Karpenter labels and refuses other makes', () => {
    expect(gpuNodeLabels('nvidia-a10g')).toEqual({
      'karpenter.k8s.aws/instance-gpu-manufacturer': 'nvidia',
      'karpenter.k8s.aws/instance-gpu-name': 'a10g',
    });
    expect(() => gpuNodeLabels('amd-mi300x')).toThrow(GpuWorkloadError);
    expect(() => gpuNodeLabels('nvidia-')).toThrow(GpuWorkloadError);
  });
});

describe('egressDenyingNetworkPolicy', () => {
  it("denies all egress of the workload's pods and names the deployment that applied it", () => {
    expect(egressDenyingNetworkPolicy(request, 'dep-1')).toEqual({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: {
        name: 'credit-scorer-deny-egress',
        namespace: 'serving',
        labels: { 'app.kubernetes.io/name': 'credit-scorer', 'app.kubernetes.io/managed-by': 'verdict' },
        annotations: { 'verdict.dev/deployment-id': 'dep-1' },
      },
      spec: {
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'credit-scorer' } },
        policyTypes: ['Egress'],
        egress: [],
      },
    });
  });

  it('refuses a deployment id the annotation could not hold', () => {
    expect(() => egressDenyingNetworkPolicy(request, 'dep 1')).toThrow(
      new GpuWorkloadError('not a valid deployment id: "dep 1"'),
    );
  });
});
