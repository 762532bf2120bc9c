/**
 * The local control plane's simulated GPU node is one the GPU Deployment can land on: its labels satisfy the
 * manifest's node selector, the manifest tolerates its taint, and it has the GPUs a pod asks for. That kube-
 * scheduler and kwok then run the pod is tested in test/integration/kubernetes/local-control-plane.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { gpuDeploymentManifest } from '../../../../functions/adapters/kubernetes/gpu-deployment-manifest.ts';
import { deploymentRequestSchema } from '../../../../functions/contracts/deployment-request.ts';
import { fakeGpuNode, kwokConfiguration } from '../../../../functions/local/kube/fake-gpu-node.ts';
import { ARN, eksRequest } from '../../../support/deployment-requests.ts';

const manifest = gpuDeploymentManifest({
  deploymentId: 'dep-0001',
  request: deploymentRequestSchema.parse(eksRequest),
  artifact: { modelPackageArn: ARN, digest: `sha256:${'a'.repeat(64)}`, decisionId: 'dec-0001' },
  server: {
    image: `registry.example/vllm-openai@sha256:${'d'.repeat(64)}`,
    port: 8000,
    readinessPath: '/health',
  },
  maxGpusPerPod: 4,
});
const pod = manifest.spec?.template.spec;

describe('fakeGpuNode', () => {
  it('is selected and tolerated by the GPU Deployment of the default request, with 4 GPUs', () => {
    const node = fakeGpuNode();

    expect(node.metadata?.labels).toMatchObject(pod?.nodeSelector ?? { missing: 'selector' });
    for (const taint of node.spec?.taints ?? []) {
      expect(pod?.tolerations).toContainEqual({ key: taint.key, operator: 'Exists', effect: taint.effect });
    }
    expect(node.spec?.taints).toHaveLength(1);
    expect(node.status?.allocatable?.['nvidia.com/gpu']).toBe('4');
    expect(node.metadata?.annotations).toEqual({ 'kwok.x-k8s.io/node': 'fake' });
  });

  it('takes the GPU type, instance type and GPU count a request names', () => {
    const node = fakeGpuNode({ name: 'a100', gpuType: 'nvidia-a100', instanceType: 'p4d.24xlarge', gpus: 8 });

    expect(node.metadata?.labels).toMatchObject({
      'karpenter.k8s.aws/instance-gpu-manufacturer': 'nvidia',
      'karpenter.k8s.aws/instance-gpu-name': 'a100',
      'node.kubernetes.io/instance-type': 'p4d.24xlarge',
      'kubernetes.io/hostname': 'a100',
    });
    expect(node.status?.capacity?.['nvidia.com/gpu']).toBe('8');
  });

  it('refuses a node without a GPU', () => {
    expect(() => fakeGpuNode({ gpus: 0 })).toThrow(new RangeError('a GPU node has at least 1 GPU: 0'));
  });
});

describe('kwokConfiguration', () => {
  it('is three kwok Stage documents: node initialize, pod ready, pod delete', () => {
    const documents = kwokConfiguration()
      .split('\n---\n')
      .map((document) => JSON.parse(document));

    expect(documents.map((stage) => [stage.kind, stage.metadata.name, stage.spec.resourceRef])).toEqual([
      ['Stage', 'node-initialize', { apiGroup: 'v1', kind: 'Node' }],
      ['Stage', 'pod-ready', { apiGroup: 'v1', kind: 'Pod' }],
      ['Stage', 'pod-delete', { apiGroup: 'v1', kind: 'Pod' }],
    ]);
  });
});
