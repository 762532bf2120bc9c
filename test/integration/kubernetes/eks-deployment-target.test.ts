/**
 * The EKS deployment target against a real kube-apiserver (RBAC, the approved-digest admission policy) and
 * kube-controller-manager, as the verdict-deployer user: plan and apply, the API server's refusals,
 * observe, rollback, revoke and an idempotent re-apply. No scheduler and no kubelet run, so the test marks
 * pods ready itself where a rollout must finish.
 */
import { randomBytes } from 'node:crypto';
import {
  AdmissionregistrationV1Api,
  AppsV1Api,
  CoreV1Api,
  NetworkingV1Api,
  PatchStrategy,
  RbacAuthorizationV1Api,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import {
  approvedDigestParameters,
  approvedDigestPolicy,
  approvedDigestPolicyBinding,
  digestEntryKey,
} from '../../../functions/adapters/kubernetes/admission-policy.ts';
import { kubernetesApiStatus } from '../../../functions/adapters/kubernetes/api-status.ts';
import {
  DeploymentRefusedError,
  DigestRevokedError,
  GpuWorkloadError,
} from '../../../functions/adapters/kubernetes/deployment-errors.ts';
import { EksDeploymentTarget } from '../../../functions/adapters/kubernetes/eks-deployment-target.ts';
import { gpuDeploymentManifest } from '../../../functions/adapters/kubernetes/gpu-deployment-manifest.ts';
import { inferenceServiceApiAvailable } from '../../../functions/adapters/kubernetes/kserve-detection.ts';
import {
  type DeploymentRequest,
  deploymentRequestSchema,
} from '../../../functions/contracts/deployment-request.ts';
import type { ApprovedArtifact } from '../../../functions/ports/deployment-target.ts';
import { ARN, eksRequest } from '../../support/deployment-requests.ts';
import { ADMISSION_PROPAGATION, kubeConfigFor } from '../../support/kube-cluster.ts';
import { DEPLOYER_USER } from '../../support/kube-credentials.ts';

const suffix = randomBytes(3).toString('hex');
const NAMESPACE = `serving-${suffix}`;
/** A second namespace the policy binds, where a revocation must reach too. */
const OTHER_NAMESPACE = `batch-${suffix}`;
const PARAMETERS = 'approved-models';
const POLICY = `verdict-digests-${suffix}`;
const GPU_CAP = 4;
const PROPAGATION = ADMISSION_PROPAGATION;
const server = {
  image: `registry.example/vllm-openai@sha256:${'e'.repeat(64)}`,
  port: 8000,
  readinessPath: '/health',
};

const connection = inject('kubeCluster');
const admin = kubeConfigFor(connection, 'admin');
const deployerConfig = kubeConfigFor(connection, 'deployer');
const adminApps = admin.makeApiClient(AppsV1Api);
const adminCore = admin.makeApiClient(CoreV1Api);
const adminRbac = admin.makeApiClient(RbacAuthorizationV1Api);
const adminAdmission = admin.makeApiClient(AdmissionregistrationV1Api);
const deployerApps = deployerConfig.makeApiClient(AppsV1Api);

const target = new EksDeploymentTarget({
  clusterName: 'ml-prod',
  kubeConfig: deployerConfig,
  server,
  parameters: { namespace: NAMESPACE, name: PARAMETERS },
});

function artifact(letter: string, decision = `dec-${letter}`): ApprovedArtifact {
  return { modelPackageArn: ARN, digest: `sha256:${letter.repeat(64)}`, decisionId: decision };
}

function requestFor(name: string, gpuCount = 1): DeploymentRequest {
  const base = deploymentRequestSchema.parse(eksRequest);
  return {
    ...base,
    target: { kind: 'eks', cluster: 'ml-prod', namespace: NAMESPACE, name },
    compute: {
      ...(base.compute as Extract<DeploymentRequest['compute'], { kind: 'gpu-replicas' }>),
      gpuCount,
    },
  };
}

async function parameters(): Promise<Record<string, string>> {
  return (await adminCore.readNamespacedConfigMap({ namespace: NAMESPACE, name: PARAMETERS })).data ?? {};
}

async function networkPolicyOrUndefined(name: string) {
  try {
    return await admin
      .makeApiClient(NetworkingV1Api)
      .readNamespacedNetworkPolicy({ namespace: NAMESPACE, name });
  } catch (error) {
    if (kubernetesApiStatus(error)?.code === 404) return undefined;
    throw error;
  }
}

async function deploymentOrUndefined(name: string) {
  try {
    return await adminApps.readNamespacedDeployment({ namespace: NAMESPACE, name });
  } catch (error) {
    if (kubernetesApiStatus(error)?.code === 404) return undefined;
    throw error;
  }
}

/** Does what a kubelet would: marks the workload's pods Running and Ready, so that the rollout can finish. */
async function markPodsReady(name: string): Promise<void> {
  const { items } = await adminCore.listNamespacedPod({
    namespace: NAMESPACE,
    labelSelector: `app.kubernetes.io/name=${name}`,
  });
  const now = new Date();
  for (const pod of items) {
    if (pod.metadata?.deletionTimestamp) continue;
    await adminCore.replaceNamespacedPodStatus({
      namespace: NAMESPACE,
      name: pod.metadata?.name as string,
      body: {
        ...pod,
        status: {
          phase: 'Running',
          conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }],
        },
      },
    });
  }
}

beforeAll(async () => {
  await adminCore.createNamespace({ body: { metadata: { name: NAMESPACE } } });
  await adminCore.createNamespace({ body: { metadata: { name: OTHER_NAMESPACE } } });
  // No service-account controller runs: without the default ServiceAccount, no pod would be admitted.
  await adminCore.createNamespacedServiceAccount({
    namespace: NAMESPACE,
    body: { metadata: { name: 'default' } },
  });
  for (const namespace of [NAMESPACE, OTHER_NAMESPACE]) {
    await adminRbac.createNamespacedRole({
      namespace,
      body: {
        metadata: { name: 'verdict-deployer' },
        rules: [
          {
            apiGroups: ['apps'],
            resources: ['deployments'],
            verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
          },
          { apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['get', 'patch'] },
          {
            apiGroups: ['networking.k8s.io'],
            resources: ['networkpolicies'],
            verbs: ['get', 'create', 'patch', 'delete'],
          },
          {
            apiGroups: [''],
            resources: ['configmaps'],
            resourceNames: [PARAMETERS],
            verbs: ['get', 'update'],
          },
        ],
      },
    });
    await adminRbac.createNamespacedRoleBinding({
      namespace,
      body: {
        metadata: { name: 'verdict-deployer' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'verdict-deployer' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: DEPLOYER_USER }],
      },
    });
  }
  await adminCore.createNamespacedConfigMap({
    namespace: NAMESPACE,
    body: approvedDigestParameters({
      namespace: NAMESPACE,
      name: PARAMETERS,
      digests: {},
      maxGpusPerPod: GPU_CAP,
    }),
  });
  const policy = {
    name: POLICY,
    digestAnnotation: 'verdict.dev/model-digest',
    parameters: { namespace: NAMESPACE, name: PARAMETERS },
    namespaces: [NAMESPACE, OTHER_NAMESPACE],
  };
  await adminAdmission.createValidatingAdmissionPolicy({ body: approvedDigestPolicy(policy) });
  await adminAdmission.createValidatingAdmissionPolicyBinding({ body: approvedDigestPolicyBinding(policy) });
  await vi.waitFor(async () => {
    const probe = adminApps.createNamespacedDeployment({
      namespace: NAMESPACE,
      body: {
        metadata: { name: 'probe', annotations: { 'verdict.dev/model-digest': artifact('0').digest } },
        spec: {
          selector: { matchLabels: { app: 'probe' } },
          template: {
            metadata: { labels: { app: 'probe' } },
            spec: { containers: [{ name: 'c', image: 'x' }] },
          },
        },
      },
      dryRun: 'All',
    });
    const refusal = await probe.then(
      () => undefined,
      (error: unknown) => kubernetesApiStatus(error),
    );
    expect(refusal?.message).toContain('is not approved');
  }, PROPAGATION);
});

afterAll(async () => {
  await adminAdmission.deleteValidatingAdmissionPolicyBinding({ name: POLICY });
  await adminAdmission.deleteValidatingAdmissionPolicy({ name: POLICY });
  await adminCore.deleteNamespace({ name: NAMESPACE });
  await adminCore.deleteNamespace({ name: OTHER_NAMESPACE });
});

describe('EKS deployment target, as the verdict-deployer user', () => {
  it('plans a create, approves the digest in one write, applies a GPU Deployment that the cluster rolls out', async () => {
    const request = requestFor('scorer');
    const model = artifact('a');

    const plan = await target.plan('dep-1', request, model);
    expect(plan).toEqual({
      deploymentId: 'dep-1',
      action: 'create',
      changes: [`create Deployment ${NAMESPACE}/scorer running ${model.digest}`],
      previousSpec: null,
    });
    const applied = await target.apply(plan, request, model);

    expect(applied).toEqual({ deploymentId: 'dep-1', revision: `${NAMESPACE}/scorer@1`, status: 'applying' });
    expect(await parameters()).toEqual({
      'max-gpus-per-pod': '4',
      [digestEntryKey(model.digest)]: 'approved',
    });
    const stored = await deploymentOrUndefined('scorer');
    expect(stored?.metadata?.annotations).toMatchObject({
      'verdict.dev/model-digest': model.digest,
      'verdict.dev/decision-id': 'dec-a',
      'verdict.dev/deployment-id': 'dep-1',
    });
    expect(stored?.spec?.template.spec?.containers[0]?.resources?.limits).toEqual({ 'nvidia.com/gpu': '1' });
    expect(stored?.metadata?.managedFields?.map((field) => field.manager)).toContain('verdict');
    // The request asks for network isolation: the pods may not send anything out.
    const isolation = await admin
      .makeApiClient(NetworkingV1Api)
      .readNamespacedNetworkPolicy({ namespace: NAMESPACE, name: 'scorer-deny-egress' });
    expect(isolation.spec?.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'scorer' } });
    expect(isolation.spec?.policyTypes).toEqual(['Egress']);
    expect(isolation.spec?.egress ?? []).toEqual([]); // the API server stores no list for an empty one

    // The controller manager creates the ReplicaSet; its pods stay Pending without nodes.
    await vi.waitFor(async () => {
      const { items } = await adminApps.listNamespacedReplicaSet({
        namespace: NAMESPACE,
        labelSelector: 'app.kubernetes.io/name=scorer',
      });
      expect(items).toHaveLength(1);
    }, PROPAGATION);
    await vi.waitFor(async () => {
      const observed = await target.observe(applied);
      expect(observed).toMatchObject({ deploymentId: 'dep-1', status: 'applying' });
      expect(observed.targetStatus).toContain('updated=1/1 available=0/1');
    }, PROPAGATION);

    await vi.waitFor(async () => {
      await markPodsReady('scorer');
      const observed = await target.observe(applied);
      expect(observed).toMatchObject({
        status: 'promoted',
        targetStatus: 'Progressing=True(NewReplicaSetAvailable) Available=True updated=1/1 available=1/1',
      });
    }, PROPAGATION);
  });

  it('applies the same deployment again without changing anything', async () => {
    const request = requestFor('scorer');
    const before = await deploymentOrUndefined('scorer');
    const parametersBefore = await adminCore.readNamespacedConfigMap({
      namespace: NAMESPACE,
      name: PARAMETERS,
    });

    const plan = await target.plan('dep-1', request, artifact('a'));
    const again = await target.apply(plan, request, artifact('a'));

    expect(plan.changes).toEqual(['no change to the model, image, GPUs or replicas']);
    expect(again.revision).toBe(`${NAMESPACE}/scorer@1`);
    const after = await deploymentOrUndefined('scorer');
    expect(after?.metadata?.generation).toBe(before?.metadata?.generation);
    const parametersAfter = await adminCore.readNamespacedConfigMap({
      namespace: NAMESPACE,
      name: PARAMETERS,
    });
    expect(parametersAfter.metadata?.resourceVersion).toBe(parametersBefore.metadata?.resourceVersion);
  });

  it('is refused by the API server for a digest nobody approved, and nothing is stored', async () => {
    // A deployer that skips the approval, as a client outside Verdict would: the API server is the check.
    const unapproving = new EksDeploymentTarget({
      clusterName: 'ml-prod',
      kubeConfig: deployerConfig,
      server,
      parameters: { namespace: NAMESPACE, name: PARAMETERS },
      approvals: {
        maxGpusPerPod: async () => GPU_CAP,
        approve: async () => false,
        revoke: async () => false,
      },
    });
    const request = requestFor('unapproved');
    const plan = await unapproving.plan('dep-x', request, artifact('b'));

    const refusal = await unapproving.apply(plan, request, artifact('b')).catch((error: unknown) => error);

    expect(refusal).toBeInstanceOf(DeploymentRefusedError);
    expect((refusal as Error).message).toBe(
      `the cluster refused Deployment ${NAMESPACE}/unapproved: deployments.apps "unapproved" is forbidden: ` +
        `ValidatingAdmissionPolicy '${POLICY}' with ` +
        `binding '${POLICY}' denied request: artifact digest ${artifact('b').digest} is not approved`,
    );
    expect(await deploymentOrUndefined('unapproved')).toBeUndefined();
    expect(Object.keys(await parameters())).not.toContain(digestEntryKey(artifact('b').digest));
  });

  it('refuses a GPU count above the cap before writing anything', async () => {
    const request = requestFor('too-big', 8);
    const before = await parameters();

    await expect(target.plan('dep-big', request, artifact('c'))).rejects.toThrow(
      new GpuWorkloadError('a pod asks for 8 nvidia.com/gpu, above the cap of 4'),
    );
    await expect(
      target.apply(
        { deploymentId: 'dep-big', action: 'create', changes: [], previousSpec: null },
        request,
        artifact('c'),
      ),
    ).rejects.toThrow(GpuWorkloadError);
    expect(await parameters()).toEqual(before);
    expect(await deploymentOrUndefined('too-big')).toBeUndefined();
  });

  it('plans an update with the previous spec, and rolls back to it', async () => {
    const request = requestFor('scorer');
    const next = artifact('d');
    const plan = await target.plan('dep-2', request, next);

    expect(plan.action).toBe('update');
    expect(plan.changes).toEqual([`model digest ${artifact('a').digest} -> ${next.digest}`]);
    expect(plan.previousSpec).toMatchObject({
      metadata: { name: 'scorer', annotations: { 'verdict.dev/deployment-id': 'dep-1' } },
    });
    const applied = await target.apply(plan, request, next);
    expect(applied.revision).toBe(`${NAMESPACE}/scorer@2`);
    expect((await deploymentOrUndefined('scorer'))?.metadata?.annotations?.['verdict.dev/model-digest']).toBe(
      next.digest,
    );

    const rollingBack = await target.rollback(applied, plan);

    expect(rollingBack).toMatchObject({ deploymentId: 'dep-2', status: 'rolling-back' });
    const restored = await deploymentOrUndefined('scorer');
    expect(restored?.metadata?.annotations).toMatchObject({
      'verdict.dev/model-digest': artifact('a').digest,
      'verdict.dev/deployment-id': 'dep-1',
    });
    expect(restored?.spec?.template.spec?.containers[0]?.env).toContainEqual({
      name: 'VERDICT_MODEL_DIGEST',
      value: artifact('a').digest,
    });
    await vi.waitFor(async () => {
      await markPodsReady('scorer');
      expect(await target.observe({ ...applied, status: 'rolling-back' })).toMatchObject({
        status: 'rolled-back',
      });
    }, PROPAGATION);
  });

  it('rolls back a create by deleting the Deployment it created', async () => {
    const request = requestFor('short-lived');
    const plan = await target.plan('dep-3', request, artifact('a'));
    const applied = await target.apply(plan, request, artifact('a'));

    expect(await target.rollback(applied, plan)).toMatchObject({
      status: 'rolled-back',
      targetStatus: 'Deleted',
    });
    await vi.waitFor(
      async () => expect(await deploymentOrUndefined('short-lived')).toBeUndefined(),
      PROPAGATION,
    );
    expect(await networkPolicyOrUndefined('short-lived-deny-egress')).toBeUndefined();
    expect(await target.observe({ ...applied, status: 'rolling-back' })).toMatchObject({
      status: 'rolled-back',
    });
  });

  it('rolls back a create without deleting a NetworkPolicy another deployment applied since', async () => {
    const request = requestFor('kept-isolated');
    const plan = await target.plan('dep-8', request, artifact('a'));
    const applied = await target.apply(plan, request, artifact('a'));
    await admin.makeApiClient(NetworkingV1Api).patchNamespacedNetworkPolicy(
      {
        namespace: NAMESPACE,
        name: 'kept-isolated-deny-egress',
        body: { metadata: { annotations: { 'verdict.dev/deployment-id': 'dep-9' } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );

    await target.rollback(applied, plan);

    expect(await networkPolicyOrUndefined('kept-isolated-deny-egress')).toBeDefined();
  });

  it('revokes in every governed namespace: each Deployment running the digest is scaled to 0', async () => {
    const model = artifact('9');
    const request = requestFor('revoked-here');
    await target.apply(await target.plan('dep-10', request, model), request, model);
    const elsewhere = gpuDeploymentManifest({
      deploymentId: 'dep-11',
      request: {
        ...request,
        target: { kind: 'eks', cluster: 'ml-prod', namespace: OTHER_NAMESPACE, name: 'revoked-there' },
      },
      artifact: model,
      server,
      maxGpusPerPod: GPU_CAP,
    });
    await adminApps.createNamespacedDeployment({ namespace: OTHER_NAMESPACE, body: elsewhere });
    const governing = new EksDeploymentTarget({
      clusterName: 'ml-prod',
      kubeConfig: deployerConfig,
      server,
      parameters: { namespace: NAMESPACE, name: PARAMETERS },
      governedNamespaces: [NAMESPACE, OTHER_NAMESPACE],
    });

    const revoked = await governing.revoke(model, request);

    expect(revoked).toMatchObject({
      deploymentId: 'dep-10',
      status: 'revoked',
      targetStatus: `Revoked replicas=0 (${NAMESPACE}/revoked-here, ${OTHER_NAMESPACE}/revoked-there)`,
    });
    expect((await deploymentOrUndefined('revoked-here'))?.spec?.replicas).toBe(0);
    const there = await adminApps.readNamespacedDeployment({
      namespace: OTHER_NAMESPACE,
      name: 'revoked-there',
    });
    expect(there.spec?.replicas ?? 0).toBe(0);
  });

  it('revokes: the digest is marked revoked, the workload scaled to 0, and later changes refused', async () => {
    const request = requestFor('to-revoke');
    const model = artifact('f');
    const applied = await target.apply(await target.plan('dep-4', request, model), request, model);

    const revoked = await target.revoke(model, request);

    expect(revoked).toMatchObject({
      deploymentId: 'dep-4',
      status: 'revoked',
      targetStatus: `Revoked replicas=0 (${NAMESPACE}/to-revoke)`,
    });
    expect((await parameters())[digestEntryKey(model.digest)]).toBe('revoked');
    expect((await deploymentOrUndefined('to-revoke'))?.spec?.replicas).toBe(0);
    expect(await target.observe({ ...applied, status: 'revoked' })).toMatchObject({ status: 'revoked' });
    // Verdict does not deploy it again...
    await expect(target.apply(await target.plan('dep-5', request, model), request, model)).rejects.toThrow(
      new DigestRevokedError(model.digest),
    );
    // ...and the API server refuses anyone's change to the workload's spec.
    await vi.waitFor(async () => {
      const current = await deployerApps.readNamespacedDeployment({
        namespace: NAMESPACE,
        name: 'to-revoke',
      });
      const scaledUp = {
        ...current,
        metadata: { ...current.metadata, resourceVersion: undefined },
        spec: { ...(current.spec as NonNullable<typeof current.spec>), replicas: 3 },
      };
      const refusal = await deployerApps
        .replaceNamespacedDeployment({ namespace: NAMESPACE, name: 'to-revoke', body: scaledUp })
        .then(
          () => undefined,
          (error: unknown) => kubernetesApiStatus(error),
        );
      expect(refusal).toMatchObject({ code: 403 });
      expect(refusal?.message).toContain(`artifact digest ${model.digest} is revoked`);
    }, PROPAGATION);
    expect((await deploymentOrUndefined('to-revoke'))?.spec?.replicas).toBe(0);
  });

  it('promotes by ending the per-pod bake', async () => {
    const base = requestFor('baked');
    const request = { ...base, strategy: { ...base.strategy, bakeSeconds: 300 } } as DeploymentRequest;
    const applied = await target.apply(
      await target.plan('dep-7', request, artifact('a')),
      request,
      artifact('a'),
    );
    expect((await deploymentOrUndefined('baked'))?.spec?.minReadySeconds).toBe(300);

    const promoted = await target.promote(applied);

    expect(promoted).toMatchObject({ deploymentId: 'dep-7', status: 'applying' });
    const after = await deploymentOrUndefined('baked');
    expect(after?.spec?.minReadySeconds ?? 0).toBe(0); // 0 is the default: the API server omits it
    expect(after?.metadata?.generation).toBe(2);
  });

  it('refuses a request for another cluster', async () => {
    const request = {
      ...requestFor('scorer'),
      target: { kind: 'eks', cluster: 'ml-staging', namespace: NAMESPACE, name: 'scorer' },
    } as DeploymentRequest;
    await expect(target.plan('dep-6', request, artifact('a'))).rejects.toThrow(
      'this target deploys to cluster ml-prod, not ml-staging',
    );
  });
});

describe('KServe detection', () => {
  it('finds no InferenceService API on a cluster without KServe, so the target deploys a Deployment', async () => {
    expect(await inferenceServiceApiAvailable(deployerConfig)).toBe(false);
  });

  it('refuses to plan an InferenceService where the cluster does not serve the API', async () => {
    const forced = new EksDeploymentTarget({
      clusterName: 'ml-prod',
      kubeConfig: deployerConfig,
      server,
      parameters: { namespace: NAMESPACE, name: PARAMETERS },
      workload: 'inference-service',
    });
    await expect(forced.plan('dep-k', requestFor('kserve-less'), artifact('a'))).rejects.toThrow(
      new GpuWorkloadError('cluster ml-prod serves no serving.kserve.io/v1beta1 InferenceService API'),
    );
  });
});
