/**
 * The EKS target on a cluster that serves KServe's InferenceService API: a control plane of its own (so that
 * the other tests keep a cluster without KServe), with a minimal `serving.kserve.io/v1beta1`
 * InferenceService CRD (any spec, a status subresource) and Verdict's cluster setup (RBAC, the admission
 * policy). No KServe controller runs: where one would report progress, the test writes the status
 * subresource as the controller does.
 */
import { randomBytes } from 'node:crypto';
import {
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  NetworkingV1Api,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { digestEntryKey } from '../../../functions/adapters/kubernetes/admission-policy.ts';
import { kubernetesApiStatus } from '../../../functions/adapters/kubernetes/api-status.ts';
import { DEFAULT_POLICY_NAME } from '../../../functions/adapters/kubernetes/cluster-setup.ts';
import { DeploymentRefusedError } from '../../../functions/adapters/kubernetes/deployment-errors.ts';
import { EksDeploymentTarget } from '../../../functions/adapters/kubernetes/eks-deployment-target.ts';
import {
  type InferenceService,
  type InferenceServiceStatus,
  inferenceServiceManifest,
} from '../../../functions/adapters/kubernetes/inference-service-manifest.ts';
import { inferenceServiceApiAvailable } from '../../../functions/adapters/kubernetes/kserve-detection.ts';
import {
  type DeploymentRequest,
  deploymentRequestSchema,
} from '../../../functions/contracts/deployment-request.ts';
import { prepareDeploymentNamespaces } from '../../../functions/local/kube/deployer-access.ts';
import type { ApprovedArtifact } from '../../../functions/ports/deployment-target.ts';
import { ARN, eksRequest } from '../../support/deployment-requests.ts';
import { ADMISSION_PROPAGATION, type KubeCluster, startKubeCluster } from '../../support/kube-cluster.ts';

const suffix = randomBytes(3).toString('hex');
const NAMESPACE = `kserve-${suffix}`;
const PARAMETERS = { namespace: NAMESPACE, name: 'approved-models' };
const GPU_CAP = 4;
const server = {
  image: `registry.example/vllm-openai@sha256:${'e'.repeat(64)}`,
  port: 8000,
  readinessPath: '/health',
};
const KSERVE = { group: 'serving.kserve.io', version: 'v1beta1', plural: 'inferenceservices' } as const;

/**
 * What `kubectl apply -f` of KServe's CRD gives, cut to what an API server needs to serve the kind (the typed
 * client spells `x-kubernetes-preserve-unknown-fields` as `x_kubernetes_preserve_unknown_fields`).
 */
const inferenceServiceCrd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'inferenceservices.serving.kserve.io' },
  spec: {
    group: 'serving.kserve.io',
    scope: 'Namespaced',
    names: {
      kind: 'InferenceService',
      listKind: 'InferenceServiceList',
      plural: 'inferenceservices',
      singular: 'inferenceservice',
      shortNames: ['isvc'],
    },
    versions: [
      {
        name: 'v1beta1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: { type: 'object', x_kubernetes_preserve_unknown_fields: true },
              status: { type: 'object', x_kubernetes_preserve_unknown_fields: true },
            },
          },
        },
      },
    ],
  },
};

let plane: KubeCluster;
let admin: KubeConfig;
let deployer: KubeConfig;
let target: EksDeploymentTarget;

function artifact(letter: string): ApprovedArtifact {
  return { modelPackageArn: ARN, digest: `sha256:${letter.repeat(64)}`, decisionId: `dec-${letter}` };
}

function requestFor(name: string, strategy?: DeploymentRequest['strategy']): DeploymentRequest {
  const base = deploymentRequestSchema.parse(eksRequest);
  return {
    ...base,
    target: { kind: 'eks', cluster: 'ml-prod', namespace: NAMESPACE, name },
    ...(strategy ? { strategy } : {}),
  };
}

const canary: DeploymentRequest['strategy'] = {
  type: 'canary',
  step: { unit: 'percent', value: 10 },
  bakeSeconds: 300,
  alarms: [],
  maxDurationSeconds: 600,
};

async function stored(name: string): Promise<InferenceService | undefined> {
  try {
    return (await admin
      .makeApiClient(CustomObjectsApi)
      .getNamespacedCustomObject({ ...KSERVE, namespace: NAMESPACE, name })) as InferenceService;
  } catch (error) {
    if (kubernetesApiStatus(error)?.code === 404) return undefined;
    throw error;
  }
}

/** Writes the status subresource as the KServe controller would. */
async function reportStatus(name: string, status: InferenceServiceStatus): Promise<void> {
  await admin
    .makeApiClient(CustomObjectsApi)
    .patchNamespacedCustomObjectStatus(
      { ...KSERVE, namespace: NAMESPACE, name, body: { status } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
}

/** The API server's answer to an InferenceService created directly (a dry run), not through Verdict. */
async function admission(service: InferenceService) {
  return admin
    .makeApiClient(CustomObjectsApi)
    .createNamespacedCustomObject({ ...KSERVE, namespace: NAMESPACE, body: service, dryRun: 'All' })
    .then(
      () => 'admitted' as const,
      (error: unknown) => kubernetesApiStatus(error),
    );
}

async function parameters(): Promise<Record<string, string>> {
  const map = await admin.makeApiClient(CoreV1Api).readNamespacedConfigMap(PARAMETERS);
  return map.data ?? {};
}

const ready = (type: string) => ({ type, status: 'True' as const });

beforeAll(async () => {
  plane = await startKubeCluster();
  admin = plane.kubeConfig('admin');
  deployer = plane.kubeConfig('deployer');
  const extensions = admin.makeApiClient(ApiextensionsV1Api);
  await extensions.createCustomResourceDefinition({ body: inferenceServiceCrd });
  await vi.waitFor(async () => {
    const crd = await extensions.readCustomResourceDefinition({ name: inferenceServiceCrd.metadata.name });
    expect(crd.status?.conditions?.find((entry) => entry.type === 'Established')?.status).toBe('True');
  }, ADMISSION_PROPAGATION);
  await prepareDeploymentNamespaces(admin, {
    namespaces: [NAMESPACE],
    parameters: PARAMETERS,
    maxGpusPerPod: GPU_CAP,
  });
  target = new EksDeploymentTarget({
    clusterName: 'ml-prod',
    kubeConfig: deployer,
    server,
    parameters: PARAMETERS,
  });
  // The policy reaches InferenceServices through the same informers: wait until it refuses one.
  const probe = inferenceServiceManifest({
    deploymentId: 'probe',
    request: requestFor('probe'),
    artifact: artifact('0'),
    server,
    maxGpusPerPod: GPU_CAP,
  });
  await vi.waitFor(
    async () => expect(await admission(probe)).toMatchObject({ code: 403 }),
    ADMISSION_PROPAGATION,
  );
});

afterAll(async () => {
  await plane?.stop();
});

describe('EKS target on a cluster with KServe', () => {
  it('finds the InferenceService API through discovery, as the deployer', async () => {
    expect(await inferenceServiceApiAvailable(deployer)).toBe(true);
  });

  it('deploys a Deployment all the same when told to', async () => {
    const deployments = new EksDeploymentTarget({
      clusterName: 'ml-prod',
      kubeConfig: deployer,
      server,
      parameters: PARAMETERS,
      workload: 'deployment',
    });
    const plan = await deployments.plan('dep-d', requestFor('plain'), artifact('a'));
    expect(plan.changes).toEqual([`create Deployment ${NAMESPACE}/plain running ${artifact('a').digest}`]);
  });

  it('plans a create and applies an InferenceService with the exact spec, under the verdict field manager', async () => {
    const request = requestFor('scorer', canary);
    const model = artifact('a');

    const plan = await target.plan('dep-1', request, model);
    expect(plan).toEqual({
      deploymentId: 'dep-1',
      action: 'create',
      changes: [`create InferenceService ${NAMESPACE}/scorer running ${model.digest}`],
      previousSpec: null,
    });
    const applied = await target.apply(plan, request, model);

    expect(applied).toEqual({
      deploymentId: 'dep-1',
      revision: `inferenceservice/${NAMESPACE}/scorer@1`,
      status: 'applying',
    });
    const expected = inferenceServiceManifest({
      deploymentId: 'dep-1',
      request,
      artifact: model,
      server,
      maxGpusPerPod: GPU_CAP,
    });
    const service = await stored('scorer');
    expect(service?.spec).toEqual(expected.spec);
    expect(service?.spec.predictor.canaryTrafficPercent).toBe(10);
    expect(service?.metadata?.annotations).toEqual(expected.metadata?.annotations);
    expect(service?.metadata?.managedFields?.map((field) => field.manager)).toContain('verdict');
    expect((await parameters())[digestEntryKey(model.digest)]).toBe('approved');
  });

  it('observes the status the KServe controller reports: applying, baking on a canary split, promoted', async () => {
    const applied = {
      deploymentId: 'dep-1',
      revision: `inferenceservice/${NAMESPACE}/scorer@1`,
      status: 'applying' as const,
    };
    expect(await target.observe(applied)).toMatchObject({ status: 'applying' });

    await reportStatus('scorer', {
      observedGeneration: 1,
      conditions: ['LatestDeploymentReady', 'PredictorReady', 'Ready'].map(ready),
      components: {
        predictor: {
          latestCreatedRevision: 'scorer-predictor-00002',
          latestReadyRevision: 'scorer-predictor-00002',
          traffic: [
            { tag: 'latest', revisionName: 'scorer-predictor-00002', percent: 10, latestRevision: true },
            { tag: 'prev', revisionName: 'scorer-predictor-00001', percent: 90, latestRevision: false },
          ],
        },
      },
    });
    expect(await target.observe(applied)).toMatchObject({
      deploymentId: 'dep-1',
      status: 'baking',
      targetStatus:
        'Ready=True PredictorReady=True LatestDeploymentReady=True created=scorer-predictor-00002' +
        ' ready=scorer-predictor-00002 traffic=scorer-predictor-00002:10%,scorer-predictor-00001:90%',
    });

    // Promoting ends the split; the controller then reports all traffic on the latest revision.
    expect(await target.promote({ ...applied, status: 'baking' })).toMatchObject({ status: 'applying' });
    const promoted = await stored('scorer');
    expect(promoted?.spec.predictor).not.toHaveProperty('canaryTrafficPercent');
    expect(promoted?.metadata?.generation).toBe(2);
    await reportStatus('scorer', {
      observedGeneration: 2,
      components: {
        predictor: {
          traffic: [
            { tag: 'latest', revisionName: 'scorer-predictor-00002', percent: 100, latestRevision: true },
          ],
        },
      },
    });
    expect(await target.observe({ ...applied, status: 'baking' })).toMatchObject({ status: 'promoted' });
  });

  it('is refused by the API server for a digest nobody approved, and nothing is stored', async () => {
    const unapproving = new EksDeploymentTarget({
      clusterName: 'ml-prod',
      kubeConfig: deployer,
      server,
      parameters: PARAMETERS,
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
      `the cluster refused InferenceService ${NAMESPACE}/unapproved: inferenceservices.serving.kserve.io "unapproved" is forbidden: ` +
        `ValidatingAdmissionPolicy '${DEFAULT_POLICY_NAME}' with binding '${DEFAULT_POLICY_NAME}' denied request: ` +
        `artifact digest ${artifact('b').digest} is not approved`,
    );
    expect(await stored('unapproved')).toBeUndefined();
  });

  it('admits an approved digest, and refuses predictor GPUs above the cap', async () => {
    const approved = inferenceServiceManifest({
      deploymentId: 'dep-y',
      request: requestFor('direct'),
      artifact: artifact('a'),
      server,
      maxGpusPerPod: GPU_CAP,
    });
    expect(await admission(approved)).toBe('admitted');

    const container = approved.spec.predictor.containers?.[0];
    const tooMany = structuredClone(approved);
    (tooMany.spec.predictor.containers ?? [])[0] = {
      ...container,
      name: 'kserve-container',
      resources: { limits: { 'nvidia.com/gpu': '8' } },
    };
    expect(await admission(tooMany)).toMatchObject({
      code: 403,
      message: expect.stringContaining('a pod asks for 8 nvidia.com/gpu, above the cap of 4'),
    });
    const modelGpus = structuredClone(approved);
    modelGpus.spec.predictor = {
      ...modelGpus.spec.predictor,
      containers: undefined,
      model: { modelFormat: { name: 'huggingface' }, resources: { limits: { 'nvidia.com/gpu': '5' } } },
    } as InferenceService['spec']['predictor'];
    expect(await admission(modelGpus)).toMatchObject({
      code: 403,
      message: expect.stringContaining('a pod asks for 5 nvidia.com/gpu, above the cap of 4'),
    });
  });

  it('rolls back an update by applying the recorded spec again, and a create by deleting it', async () => {
    const request = requestFor('scorer', canary);
    const plan = await target.plan('dep-2', request, artifact('c'));
    expect(plan.action).toBe('update');
    expect(plan.changes).toEqual([
      `model digest ${artifact('a').digest} -> ${artifact('c').digest}`,
      'canary traffic % (none) -> 10',
    ]);
    const applied = await target.apply(plan, request, artifact('c'));
    expect((await stored('scorer'))?.metadata?.annotations?.['verdict.dev/model-digest']).toBe(
      artifact('c').digest,
    );

    expect(await target.rollback(applied, plan)).toMatchObject({
      deploymentId: 'dep-2',
      status: 'rolling-back',
    });
    const restored = await stored('scorer');
    expect(restored?.metadata?.annotations).toMatchObject({
      'verdict.dev/model-digest': artifact('a').digest,
      'verdict.dev/deployment-id': 'dep-1',
    });
    expect(restored?.spec.predictor.annotations?.['verdict.dev/model-digest']).toBe(artifact('a').digest);
    expect(restored?.spec.predictor).not.toHaveProperty('canaryTrafficPercent');

    const created = requestFor('short-lived');
    const createPlan = await target.plan('dep-3', created, artifact('a'));
    const createdApplied = await target.apply(createPlan, created, artifact('a'));
    expect(await target.rollback(createdApplied, createPlan)).toMatchObject({
      status: 'rolled-back',
      targetStatus: 'Deleted',
    });
    await vi.waitFor(async () => expect(await stored('short-lived')).toBeUndefined(), ADMISSION_PROPAGATION);
    // The egress-denying NetworkPolicy the create applied for the predictor pods goes with it.
    const policies = await admin
      .makeApiClient(NetworkingV1Api)
      .listNamespacedNetworkPolicy({ namespace: NAMESPACE });
    expect(policies.items.map((policy) => policy.metadata?.name)).not.toContain('short-lived-deny-egress');
    expect(policies.items.map((policy) => policy.metadata?.name)).toContain('scorer-deny-egress');
  });

  it('revokes: the digest is marked revoked, the InferenceService deleted, and bringing it back refused', async () => {
    const request = requestFor('to-revoke');
    const model = artifact('f');
    const applied = await target.apply(await target.plan('dep-4', request, model), request, model);

    const revoked = await target.revoke(model, request);

    expect(revoked).toMatchObject({
      deploymentId: 'dep-4',
      status: 'revoked',
      targetStatus: `Revoked replicas=0 (none) InferenceServices deleted (${NAMESPACE}/to-revoke)`,
    });
    expect((await parameters())[digestEntryKey(model.digest)]).toBe('revoked');
    await vi.waitFor(async () => expect(await stored('to-revoke')).toBeUndefined(), ADMISSION_PROPAGATION);
    expect(await target.observe({ ...applied, status: 'revoked' })).toMatchObject({
      status: 'revoked',
      targetStatus: 'Deleted',
    });
    const again = inferenceServiceManifest({
      deploymentId: 'dep-5',
      request,
      artifact: model,
      server,
      maxGpusPerPod: GPU_CAP,
    });
    await vi.waitFor(async () => {
      expect(await admission(again)).toMatchObject({
        code: 403,
        message: expect.stringContaining(`artifact digest ${model.digest} is revoked`),
      });
    }, ADMISSION_PROPAGATION);
  });
});
