/**
 * The local control plane with its simulated GPU node (kube-scheduler and kwok): an approved model applied
 * through the EKS target really rolls out (the pod is scheduled on the GPU node and becomes Ready) and the
 * API server still refuses a digest nobody approved. Runs its own control plane beside the project's.
 */
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { digestEntryKey } from '../../../functions/adapters/kubernetes/admission-policy.ts';
import { kubernetesApiStatus } from '../../../functions/adapters/kubernetes/api-status.ts';
import { DeploymentRefusedError } from '../../../functions/adapters/kubernetes/deployment-errors.ts';
import { EksDeploymentTarget } from '../../../functions/adapters/kubernetes/eks-deployment-target.ts';
import {
  type DeploymentRequest,
  deploymentRequestSchema,
} from '../../../functions/contracts/deployment-request.ts';
import { prepareDeploymentNamespaces } from '../../../functions/local/kube/deployer-access.ts';
import {
  type LocalControlPlane,
  localControlPlaneBuilt,
  startLocalControlPlane,
} from '../../../functions/local/kube/local-control-plane.ts';
import type { ApprovedArtifact } from '../../../functions/ports/deployment-target.ts';
import { ARN, eksRequest } from '../../support/deployment-requests.ts';

const NAMESPACE = 'serving';
const PARAMETERS = { namespace: NAMESPACE, name: 'approved-models' };
const server = {
  image: `registry.example/vllm-openai@sha256:${'e'.repeat(64)}`,
  port: 8000,
  readinessPath: '/health',
};
/** A rollout on the simulated node takes a few seconds; this bounds it on a loaded machine. */
const ROLLOUT = { timeout: 60_000, interval: 250 } as const;

let plane: LocalControlPlane;

function artifact(letter: string): ApprovedArtifact {
  return { modelPackageArn: ARN, digest: `sha256:${letter.repeat(64)}`, decisionId: `dec-${letter}` };
}

function requestFor(name: string): DeploymentRequest {
  const request = deploymentRequestSchema.parse(eksRequest);
  return { ...request, target: { kind: 'eks', cluster: 'ml-prod', namespace: NAMESPACE, name } };
}

function targetWith(approvals?: ConstructorParameters<typeof EksDeploymentTarget>[0]['approvals']) {
  return new EksDeploymentTarget({
    clusterName: 'ml-prod',
    kubeConfig: plane.kubeConfig('deployer'),
    server,
    parameters: PARAMETERS,
    ...(approvals ? { approvals } : {}),
  });
}

beforeAll(async () => {
  plane = await startLocalControlPlane({ gpuNode: true });
  await prepareDeploymentNamespaces(plane.kubeConfig('admin'), {
    namespaces: [NAMESPACE],
    parameters: PARAMETERS,
    maxGpusPerPod: 4,
  });
}, 120_000);

afterAll(async () => {
  await plane?.stop();
});

describe('local control plane with a simulated GPU node', () => {
  it('is built, starts, and has one Ready node labelled and tainted like the EKS GPU node pool', async () => {
    expect(localControlPlaneBuilt()).toBe(true);
    const { items } = await plane.kubeConfig('admin').makeApiClient(CoreV1Api).listNode();

    expect(items).toHaveLength(1);
    const [node] = items;
    expect(node?.metadata?.labels).toMatchObject({
      'karpenter.k8s.aws/instance-gpu-manufacturer': 'nvidia',
      'karpenter.k8s.aws/instance-gpu-name': 'l4',
      'node.kubernetes.io/instance-type': 'g6.xlarge',
    });
    expect(node?.spec?.taints).toMatchObject([
      { key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' },
    ]);
    expect(node?.spec?.taints).toHaveLength(1);
    expect(node?.status?.allocatable?.['nvidia.com/gpu']).toBe('4');
    expect(node?.status?.conditions?.find((condition) => condition.type === 'Ready')?.status).toBe('True');
  });

  it('rolls out an approved model as the deployer: the pod runs on the GPU node and observe says promoted', async () => {
    const target = targetWith();
    const request = requestFor('credit-scorer');
    const model = artifact('a');

    const applied = await target.apply(await target.plan('dep-1', request, model), request, model);

    expect(applied).toMatchObject({ revision: `${NAMESPACE}/credit-scorer@1`, status: 'applying' });
    await vi.waitFor(async () => {
      expect(await target.observe(applied)).toMatchObject({
        status: 'promoted',
        targetStatus: 'Progressing=True(NewReplicaSetAvailable) Available=True updated=1/1 available=1/1',
      });
    }, ROLLOUT);
    const { items: pods } = await plane
      .kubeConfig('admin')
      .makeApiClient(CoreV1Api)
      .listNamespacedPod({ namespace: NAMESPACE, labelSelector: 'app.kubernetes.io/name=credit-scorer' });
    expect(pods).toHaveLength(1);
    expect(pods[0]?.spec?.nodeName).toBe('gpu-node-1');
    expect(pods[0]?.status?.phase).toBe('Running');
    expect(pods[0]?.metadata?.annotations?.['verdict.dev/model-digest']).toBe(model.digest);
  });

  it('prepares the namespaces again without changing what is there', async () => {
    const core = plane.kubeConfig('admin').makeApiClient(CoreV1Api);
    const before = await core.readNamespacedConfigMap(PARAMETERS);

    await prepareDeploymentNamespaces(plane.kubeConfig('admin'), {
      namespaces: [NAMESPACE],
      parameters: PARAMETERS,
      maxGpusPerPod: 2,
    });

    const after = await core.readNamespacedConfigMap(PARAMETERS);
    expect(after.metadata?.resourceVersion).toBe(before.metadata?.resourceVersion);
    expect(after.data?.['max-gpus-per-pod']).toBe('4');
  });

  it('is refused by the API server for a digest nobody approved, and nothing is stored', async () => {
    // A deployer that skips the approval, as a client outside Verdict would: the API server is the check.
    const unapproving = targetWith({
      maxGpusPerPod: async () => 4,
      approve: async () => false,
      revoke: async () => false,
    });
    const request = requestFor('unapproved');
    const model = artifact('b');

    const refusal = await unapproving
      .apply(await unapproving.plan('dep-2', request, model), request, model)
      .catch((error: unknown) => error);

    expect(refusal).toBeInstanceOf(DeploymentRefusedError);
    expect((refusal as Error).message).toContain(`artifact digest ${model.digest} is not approved`);
    const apps = plane.kubeConfig('admin').makeApiClient(AppsV1Api);
    const stored = await apps
      .readNamespacedDeployment({ namespace: NAMESPACE, name: 'unapproved' })
      .catch((error: unknown) => kubernetesApiStatus(error));
    expect(stored).toMatchObject({ code: 404 });
    const parameters = await plane
      .kubeConfig('admin')
      .makeApiClient(CoreV1Api)
      .readNamespacedConfigMap(PARAMETERS);
    expect(Object.keys(parameters.data ?? {})).not.toContain(digestEntryKey(model.digest));
  });
});
