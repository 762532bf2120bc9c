/**
 * Governed GPU Deployments against a real kube-apiserver (with etcd and kube-controller-manager), through the
 * real `@kubernetes/client-node` client: RBAC limits the deployer to Deployments and the one parameter
 * ConfigMap, and the API server itself, through the ValidatingAdmissionPolicy, refuses unapproved or
 * revoked artifact digests and GPU counts above the cap.
 */
import { randomBytes } from 'node:crypto';
import {
  AdmissionregistrationV1Api,
  AppsV1Api,
  CoreV1Api,
  PatchStrategy,
  RbacAuthorizationV1Api,
  setHeaderOptions,
  type V1Deployment,
  type V1Pod,
  type V1PodTemplateSpec,
  type V1ReplicaSet,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import {
  approvedDigestParameters,
  approvedDigestPolicy,
  approvedDigestPolicyBinding,
  digestEntryKey,
  SCALE_UP_REFUSAL,
} from '../../../functions/adapters/kubernetes/admission-policy.ts';
import {
  type KubernetesApiStatus,
  kubernetesApiStatus,
} from '../../../functions/adapters/kubernetes/api-status.ts';
import { ADMISSION_PROPAGATION, kubeConfigFor } from '../../support/kube-cluster.ts';
import { DEPLOYER_USER } from '../../support/kube-credentials.ts';

const suffix = randomBytes(3).toString('hex');
const NAMESPACE = `models-${suffix}`;
const PARAMETERS = 'approved-models';
const POLICY = `approved-digests-${suffix}`;
const ANNOTATION = 'verdict.dev/model-digest';
const GPU_CAP = 4;
const APPROVED = `sha256:${'a'.repeat(64)}`;
const TO_BE_REVOKED = `sha256:${'c'.repeat(64)}`;
const UNAPPROVED = `sha256:${'b'.repeat(64)}`;
const WINDING_DOWN = `sha256:${'e'.repeat(64)}`;
/** Policy activation and parameter changes reach the API server's informers after a short delay. */
const PROPAGATION = ADMISSION_PROPAGATION;

const connection = inject('kubeCluster');
const admin = kubeConfigFor(connection, 'admin');
const deployer = kubeConfigFor(connection, 'deployer');
const adminApps = admin.makeApiClient(AppsV1Api);
const adminCore = admin.makeApiClient(CoreV1Api);
const adminRbac = admin.makeApiClient(RbacAuthorizationV1Api);
const adminAdmission = admin.makeApiClient(AdmissionregistrationV1Api);
const apps = deployer.makeApiClient(AppsV1Api);
const core = deployer.makeApiClient(CoreV1Api);
const admission = deployer.makeApiClient(AdmissionregistrationV1Api);

const policyOptions = {
  name: POLICY,
  digestAnnotation: ANNOTATION,
  parameters: { namespace: NAMESPACE, name: PARAMETERS },
  namespaces: [NAMESPACE],
};

beforeAll(async () => {
  await adminCore.createNamespace({ body: { metadata: { name: NAMESPACE } } });
  // No service-account controller runs: without the default ServiceAccount, no pod would be admitted.
  await adminCore.createNamespacedServiceAccount({
    namespace: NAMESPACE,
    body: { metadata: { name: 'default' } },
  });
  await adminRbac.createNamespacedRole({
    namespace: NAMESPACE,
    body: {
      metadata: { name: 'verdict-deployer' },
      rules: [
        {
          apiGroups: ['apps'],
          resources: ['deployments'],
          verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
        },
        { apiGroups: [''], resources: ['configmaps'], resourceNames: [PARAMETERS], verbs: ['get', 'update'] },
      ],
    },
  });
  await adminRbac.createNamespacedRoleBinding({
    namespace: NAMESPACE,
    body: {
      metadata: { name: 'verdict-deployer' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'verdict-deployer' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: DEPLOYER_USER }],
    },
  });
  await adminCore.createNamespacedConfigMap({
    namespace: NAMESPACE,
    body: approvedDigestParameters({
      namespace: NAMESPACE,
      name: PARAMETERS,
      digests: { [APPROVED]: 'approved', [TO_BE_REVOKED]: 'approved', [WINDING_DOWN]: 'approved' },
      maxGpusPerPod: GPU_CAP,
    }),
  });
  await adminAdmission.createValidatingAdmissionPolicy({ body: approvedDigestPolicy(policyOptions) });
  await adminAdmission.createValidatingAdmissionPolicyBinding({
    body: approvedDigestPolicyBinding(policyOptions),
  });
  // In force once a dry-run create of an unapproved Deployment is refused, even for a cluster admin.
  await vi.waitFor(async () => {
    const refusal = await refusalOf(
      adminApps.createNamespacedDeployment({
        namespace: NAMESPACE,
        body: gpuDeployment('activation-probe', UNAPPROVED, 1),
        dryRun: 'All',
      }),
    );
    expect(refusal?.message).toContain('is not approved');
  }, PROPAGATION);
});

afterAll(async () => {
  await adminAdmission.deleteValidatingAdmissionPolicyBinding({ name: POLICY });
  await adminAdmission.deleteValidatingAdmissionPolicy({ name: POLICY });
  await adminCore.deleteNamespace({ name: NAMESPACE });
});

describe('RBAC for the deployer', () => {
  it('manages Deployments and reads and updates the one parameter ConfigMap', async () => {
    await expect(apps.listNamespacedDeployment({ namespace: NAMESPACE })).resolves.toBeDefined();
    const parameters = await core.readNamespacedConfigMap({ namespace: NAMESPACE, name: PARAMETERS });
    await expect(
      core.replaceNamespacedConfigMap({ namespace: NAMESPACE, name: PARAMETERS, body: parameters }),
    ).resolves.toBeDefined();
  });

  it('may not write another ConfigMap, read Secrets, reach other namespaces or change the policy', async () => {
    const forbidden = [
      () =>
        core.createNamespacedConfigMap({
          namespace: NAMESPACE,
          body: { metadata: { name: 'other' }, data: { [digestEntryKey(UNAPPROVED)]: 'approved' } },
        }),
      () => core.listNamespacedSecret({ namespace: NAMESPACE }),
      () => apps.listNamespacedDeployment({ namespace: 'default' }),
      () => admission.deleteValidatingAdmissionPolicyBinding({ name: POLICY }),
      () =>
        admission.replaceValidatingAdmissionPolicy({
          name: POLICY,
          body: approvedDigestPolicy(policyOptions),
        }),
    ];
    for (const request of forbidden) {
      const refusal = await refusalOf(request());
      expect(refusal).toMatchObject({ code: 403, reason: 'Forbidden' });
      expect(refusal?.message).toContain(`User "${DEPLOYER_USER}" cannot`);
    }
  });
});

describe('the admission policy, enforced by the API server', () => {
  it('refuses a Deployment whose digest is not approved, and stores nothing', async () => {
    const refusal = await refusalOf(
      apps.createNamespacedDeployment({
        namespace: NAMESPACE,
        body: gpuDeployment('unapproved', UNAPPROVED, 1),
      }),
    );

    expect(refusal).toMatchObject({ code: 403, reason: 'Forbidden' });
    expect(refusal?.message).toContain(`ValidatingAdmissionPolicy '${POLICY}'`);
    expect(refusal?.message).toContain(`artifact digest ${UNAPPROVED} is not approved`);
    expect(
      await refusalOf(apps.readNamespacedDeployment({ namespace: NAMESPACE, name: 'unapproved' })),
    ).toMatchObject({ code: 404 });
  });

  it('refuses a Deployment without the digest annotation', async () => {
    const refusal = await refusalOf(
      apps.createNamespacedDeployment({
        namespace: NAMESPACE,
        body: gpuDeployment('anonymous', undefined, 1),
      }),
    );

    expect(refusal).toMatchObject({ code: 403 });
    expect(refusal?.message).toContain(`the Deployment carries no ${ANNOTATION} annotation`);
  });

  it('refuses a pod asking for more GPUs than the cap, even with an approved digest', async () => {
    const refusal = await refusalOf(
      apps.createNamespacedDeployment({ namespace: NAMESPACE, body: gpuDeployment('too-big', APPROVED, 8) }),
    );

    expect(refusal).toMatchObject({ code: 403 });
    expect(refusal?.message).toContain(`a pod asks for 8 nvidia.com/gpu, above the cap of ${GPU_CAP}`);
  });

  it('admits an approved GPU Deployment, which the controller manager rolls out as a ReplicaSet', async () => {
    const created = await apps.createNamespacedDeployment({
      namespace: NAMESPACE,
      body: gpuDeployment('scorer', APPROVED, GPU_CAP),
    });

    expect(created.metadata?.annotations?.[ANNOTATION]).toBe(APPROVED);
    const replicaSet = await vi.waitFor(async () => {
      const { items } = await adminApps.listNamespacedReplicaSet({
        namespace: NAMESPACE,
        labelSelector: 'app=scorer',
      });
      const owned = items.find((item) => item.metadata?.ownerReferences?.[0]?.uid === created.metadata?.uid);
      expect(owned).toBeDefined();
      return owned;
    }, PROPAGATION);
    const pod = replicaSet?.spec?.template?.spec;
    expect(pod?.containers[0]?.resources?.limits?.['nvidia.com/gpu']).toBe(String(GPU_CAP));
    expect(pod?.nodeSelector).toEqual({ 'karpenter.k8s.aws/instance-accelerator-manufacturer': 'nvidia' });
    expect(pod?.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
  });

  it('refuses any change to a running Deployment once its digest is revoked', async () => {
    await apps.createNamespacedDeployment({
      namespace: NAMESPACE,
      body: gpuDeployment('to-be-revoked', TO_BE_REVOKED, 1),
    });
    const parameters = await core.readNamespacedConfigMap({ namespace: NAMESPACE, name: PARAMETERS });
    parameters.data = { ...parameters.data, [digestEntryKey(TO_BE_REVOKED)]: 'revoked' };
    await core.replaceNamespacedConfigMap({ namespace: NAMESPACE, name: PARAMETERS, body: parameters });
    /** The Deployment as it is now (the controller keeps updating it), scaled to two replicas. */
    const scaledUp = async (): Promise<V1Deployment> => {
      const current = await apps.readNamespacedDeployment({ namespace: NAMESPACE, name: 'to-be-revoked' });
      return {
        ...current,
        metadata: unconditional(current),
        spec: { ...(current.spec as NonNullable<V1Deployment['spec']>), replicas: 2 },
      };
    };
    await vi.waitFor(async () => {
      const probe = apps.replaceNamespacedDeployment({
        namespace: NAMESPACE,
        name: 'to-be-revoked',
        body: await scaledUp(),
        dryRun: 'All',
      });
      expect((await refusalOf(probe))?.message).toContain('is revoked');
    }, PROPAGATION);

    const refusal = await refusalOf(
      apps.replaceNamespacedDeployment({
        namespace: NAMESPACE,
        name: 'to-be-revoked',
        body: await scaledUp(),
      }),
    );

    expect(refusal).toMatchObject({ code: 403, reason: 'Forbidden' });
    expect(refusal?.message).toContain(`artifact digest ${TO_BE_REVOKED} is revoked`);
    const unchanged = await apps.readNamespacedDeployment({ namespace: NAMESPACE, name: 'to-be-revoked' });
    expect(unchanged.spec?.replicas).toBe(1);
  });

  it('lets updates through that change neither the spec nor the digest, as controllers make', async () => {
    const current = await apps.readNamespacedDeployment({ namespace: NAMESPACE, name: 'to-be-revoked' });
    const labelled = {
      ...current,
      metadata: { ...unconditional(current), labels: { app: 'to-be-revoked', team: 'risk' } },
    };

    const updated = await apps.replaceNamespacedDeployment({
      namespace: NAMESPACE,
      name: 'to-be-revoked',
      body: labelled,
    });

    expect(updated.metadata?.labels?.team).toBe('risk');
  });
});

describe('the admission policy around the Deployment', () => {
  it('refuses scaling up through the scale subresource, even of an approved Deployment', async () => {
    await adminApps.createNamespacedDeployment({
      namespace: NAMESPACE,
      body: gpuDeployment('scaled', APPROVED, 1),
    });

    const refusal = await refusalOf(
      adminApps.patchNamespacedDeploymentScale(
        { namespace: NAMESPACE, name: 'scaled', body: { spec: { replicas: 3 } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );

    expect(refusal).toMatchObject({ code: 403, reason: 'Forbidden' });
    expect(refusal?.message).toBe(
      `deployments.apps "scaled" is forbidden: ValidatingAdmissionPolicy '${POLICY}' with binding` +
        ` '${POLICY}' denied request: ${SCALE_UP_REFUSAL}`,
    );
    const unchanged = await adminApps.readNamespacedDeployment({ namespace: NAMESPACE, name: 'scaled' });
    expect(unchanged.spec?.replicas).toBe(1);
  });

  it('lets a revoked Deployment be scaled down to 0, and the controller scale its ReplicaSet down', async () => {
    const created = await adminApps.createNamespacedDeployment({
      namespace: NAMESPACE,
      body: gpuDeployment('winding-down', WINDING_DOWN, 1),
    });
    await replicaSetOf(created, 'winding-down');
    await revoke(WINDING_DOWN);

    const scaled = await adminApps.patchNamespacedDeploymentScale(
      { namespace: NAMESPACE, name: 'winding-down', body: { spec: { replicas: 0 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );

    expect(scaled.spec?.replicas ?? 0).toBe(0);
    await vi.waitFor(async () => {
      expect((await replicaSetOf(created, 'winding-down'))?.spec?.replicas ?? 0).toBe(0);
    }, PROPAGATION);
    const scaleUp = await refusalOf(
      adminApps.patchNamespacedDeploymentScale(
        { namespace: NAMESPACE, name: 'winding-down', body: { spec: { replicas: 1 } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );
    expect(scaleUp?.message).toContain(SCALE_UP_REFUSAL);
  });

  it('refuses a GPU Pod or ReplicaSet created directly without an approved digest', async () => {
    const deployment = gpuDeployment('bypass', UNAPPROVED, 1);
    const template = deployment.spec?.template as V1PodTemplateSpec;
    const pod: V1Pod = { metadata: { ...template.metadata, name: 'bypass' }, spec: template.spec };
    const replicaSet: V1ReplicaSet = {
      metadata: deployment.metadata,
      spec: { replicas: 1, selector: { matchLabels: { app: 'bypass' } }, template },
    };
    const anonymousPod: V1Pod = { ...pod, metadata: { name: 'anonymous', labels: { app: 'bypass' } } };

    const podRefusal = await refusalOf(adminCore.createNamespacedPod({ namespace: NAMESPACE, body: pod }));
    const replicaSetRefusal = await refusalOf(
      adminApps.createNamespacedReplicaSet({ namespace: NAMESPACE, body: replicaSet }),
    );
    const anonymousRefusal = await refusalOf(
      adminCore.createNamespacedPod({ namespace: NAMESPACE, body: anonymousPod }),
    );

    expect(podRefusal).toMatchObject({ code: 403, reason: 'Forbidden' });
    expect(podRefusal?.message).toContain(`denied request: artifact digest ${UNAPPROVED} is not approved`);
    expect(replicaSetRefusal?.message).toContain(
      `denied request: artifact digest ${UNAPPROVED} is not approved`,
    );
    expect(anonymousRefusal?.message).toContain(
      `denied request: the Pod carries no ${ANNOTATION} annotation with an artifact digest (sha256:<hex>)`,
    );
    const { items } = await adminCore.listNamespacedPod({
      namespace: NAMESPACE,
      labelSelector: 'app=bypass',
    });
    expect(items).toEqual([]);
  });

  it('admits the pods the controllers create for an approved Deployment, and a Pod made the same way', async () => {
    const created = await adminApps.createNamespacedDeployment({
      namespace: NAMESPACE,
      body: gpuDeployment('served', APPROVED, 1),
    });
    const replicaSet = await replicaSetOf(created, 'served');

    const pod = await vi.waitFor(async () => {
      const { items } = await adminCore.listNamespacedPod({
        namespace: NAMESPACE,
        labelSelector: 'app=served',
      });
      const owned = items.find(
        (item) => item.metadata?.ownerReferences?.[0]?.uid === replicaSet?.metadata?.uid,
      );
      expect(owned).toBeDefined();
      return owned;
    }, PROPAGATION);

    expect(replicaSet?.metadata?.annotations?.[ANNOTATION]).toBe(APPROVED);
    expect(pod?.metadata?.annotations?.[ANNOTATION]).toBe(APPROVED);
    const template = replicaSet?.spec?.template as V1PodTemplateSpec;
    const handMade = await adminCore.createNamespacedPod({
      namespace: NAMESPACE,
      body: { metadata: { ...template.metadata, name: 'served-by-hand' }, spec: template.spec },
    });
    expect(handMade.metadata?.annotations?.[ANNOTATION]).toBe(APPROVED);
  });
});

/** Marks `digest` revoked and waits until the API server refuses it. */
async function revoke(digest: string): Promise<void> {
  const parameters = await core.readNamespacedConfigMap({ namespace: NAMESPACE, name: PARAMETERS });
  parameters.data = { ...parameters.data, [digestEntryKey(digest)]: 'revoked' };
  await core.replaceNamespacedConfigMap({ namespace: NAMESPACE, name: PARAMETERS, body: parameters });
  await vi.waitFor(async () => {
    const refusal = await refusalOf(
      adminApps.createNamespacedDeployment({
        namespace: NAMESPACE,
        body: gpuDeployment('revocation-probe', digest, 1),
        dryRun: 'All',
      }),
    );
    expect(refusal?.message).toContain('is revoked');
  }, PROPAGATION);
}

/** The ReplicaSet the controller manager created for `deployment`, once there is one. */
async function replicaSetOf(deployment: V1Deployment, app: string): Promise<V1ReplicaSet | undefined> {
  return vi.waitFor(async () => {
    const { items } = await adminApps.listNamespacedReplicaSet({
      namespace: NAMESPACE,
      labelSelector: `app=${app}`,
    });
    const owned = items.find((item) => item.metadata?.ownerReferences?.[0]?.uid === deployment.metadata?.uid);
    expect(owned).toBeDefined();
    return owned;
  }, PROPAGATION);
}

/** A vLLM-style GPU Deployment: GPU limits, the GPU node pool's selector and taint, rolling update, readiness. */
function gpuDeployment(name: string, digest: string | undefined, gpus: number): V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name }, annotations: digest ? { [ANNOTATION]: digest } : {} },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels: { app: name }, annotations: digest ? { [ANNOTATION]: digest } : {} },
        spec: {
          nodeSelector: { 'karpenter.k8s.aws/instance-accelerator-manufacturer': 'nvidia' },
          tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
          containers: [
            {
              name: 'server',
              image: `registry.example/vllm-openai@sha256:${'d'.repeat(64)}`,
              ports: [{ containerPort: 8000 }],
              resources: { limits: { 'nvidia.com/gpu': String(gpus), memory: '16Gi' } },
              readinessProbe: { httpGet: { path: '/health', port: 8000 }, periodSeconds: 5 },
            },
          ],
        },
      },
    },
  };
}

/**
 * The Deployment's metadata without its resourceVersion: the replace does not depend on the controller
 * having left the object alone since it was read (a conflict would hide the answer under test).
 */
function unconditional(deployment: V1Deployment): V1Deployment['metadata'] {
  return { ...deployment.metadata, resourceVersion: undefined };
}

/** The API server's refusal of `request`, or undefined when it was accepted. */
async function refusalOf(request: Promise<unknown>): Promise<KubernetesApiStatus | undefined> {
  try {
    await request;
    return undefined;
  } catch (error) {
    const status = kubernetesApiStatus(error);
    if (!status) throw error;
    return status;
  }
}
