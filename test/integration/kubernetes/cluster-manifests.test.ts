/**
 * A cluster set up the way docs/deployments.md says, `verdict cluster manifests --cluster NAME | kubectl
 * apply -f -`, on the local control plane with its simulated GPU node: the printed YAML is applied as the
 * cluster admin (server-side, field manager `kubectl`), and the EKS target then works as a member of the group `verdict:deployers` (what the
 * orchestrator's access entry maps its role to), with the parameter ConfigMap in `verdict-system`, a
 * namespace Verdict does not deploy to. The API server refuses a digest nobody approved, and the group may
 * change neither the policy nor any other ConfigMap. Applying the YAML again keeps what Verdict recorded.
 */
import {
  AdmissionregistrationV1Api,
  AppsV1Api,
  CoreV1Api,
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  loadAllYaml,
  PatchStrategy,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { digestEntryKey } from '../../../functions/adapters/kubernetes/admission-policy.ts';
import { kubernetesApiStatus } from '../../../functions/adapters/kubernetes/api-status.ts';
import { EksDeploymentTarget } from '../../../functions/adapters/kubernetes/eks-deployment-target.ts';
import {
  type DeploymentRequest,
  deploymentRequestSchema,
} from '../../../functions/contracts/deployment-request.ts';
import { untilApprovedDigestEnforced } from '../../../functions/local/kube/deployer-access.ts';
import {
  type LocalControlPlane,
  startLocalControlPlane,
} from '../../../functions/local/kube/local-control-plane.ts';
import type { ApprovedArtifact } from '../../../functions/ports/deployment-target.ts';
import { runCli, userEnv } from '../../support/cli.ts';
import { ARN, eksRequest } from '../../support/deployment-requests.ts';

const CLUSTER = 'ml-prod';
const NAMESPACE = 'serving';
const PARAMETERS = { namespace: 'verdict-system', name: 'verdict-approved-models' };
const server = {
  image: `registry.example/vllm-openai@sha256:${'e'.repeat(64)}`,
  port: 8000,
  readinessPath: '/health',
};
const ROLLOUT = { timeout: 60_000, interval: 250 } as const;

let plane: LocalControlPlane;
let printed: KubernetesObject[];

function artifact(letter: string): ApprovedArtifact {
  return { modelPackageArn: ARN, digest: `sha256:${letter.repeat(64)}`, decisionId: `dec-${letter}` };
}

function requestFor(name: string): DeploymentRequest {
  const request = deploymentRequestSchema.parse(eksRequest);
  return { ...request, target: { kind: 'eks', cluster: CLUSTER, namespace: NAMESPACE, name } };
}

/** `verdict cluster manifests --cluster ml-prod --max-gpus N`, read by another YAML parser, as kubectl would. */
async function printedManifests(maxGpus: number): Promise<KubernetesObject[]> {
  const run = await runCli(['cluster', 'manifests', '--cluster', CLUSTER, '--max-gpus', String(maxGpus)], {
    env: {
      ...userEnv({ allVerdict: true }),
      VERDICT_EKS_CLUSTERS: JSON.stringify([
        { name: CLUSTER, modelServer: server, governedNamespaces: [NAMESPACE] },
      ]),
    },
  });
  expect(run.code, run.stderr).toBe(0);
  return loadAllYaml(run.stdout).filter((document) => document != null) as KubernetesObject[];
}

/** `kubectl apply --server-side -f -` as the cluster admin. */
async function apply(admin: KubeConfig, objects: readonly KubernetesObject[]): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(admin);
  for (const object of objects) {
    await api.patch(object, undefined, undefined, 'kubectl', false, PatchStrategy.ServerSideApply);
  }
}

beforeAll(async () => {
  printed = await printedManifests(4);
  plane = await startLocalControlPlane({ gpuNode: true });
  const admin = plane.kubeConfig('admin');
  await apply(admin, printed);
  // No service-account controller runs locally; in EKS it makes each namespace's default ServiceAccount.
  await admin
    .makeApiClient(CoreV1Api)
    .createNamespacedServiceAccount({ namespace: NAMESPACE, body: { metadata: { name: 'default' } } });
  await untilApprovedDigestEnforced(admin, NAMESPACE, 45_000);
}, 120_000);

afterAll(async () => {
  await plane?.stop();
});

describe('a cluster set up with verdict cluster manifests', () => {
  it('holds the printed objects, the parameter ConfigMap outside the namespaces Verdict deploys to', () => {
    expect(printed.map((object) => object.kind)).toEqual([
      'Namespace',
      'Namespace',
      'Role',
      'RoleBinding',
      'Role',
      'RoleBinding',
      'ConfigMap',
      'ValidatingAdmissionPolicy',
      'ValidatingAdmissionPolicyBinding',
    ]);
  });

  it('lets a member of verdict:deployers roll out an approved model, recorded in the ConfigMap, and revoke it', async () => {
    const target = new EksDeploymentTarget({
      clusterName: CLUSTER,
      kubeConfig: plane.kubeConfig('groupDeployer'),
      server,
      parameters: PARAMETERS,
      governedNamespaces: [NAMESPACE],
    });
    const request = requestFor('credit-scorer');
    const model = artifact('a');

    const applied = await target.apply(await target.plan('dep-1', request, model), request, model);

    await vi.waitFor(async () => {
      expect(await target.observe(applied)).toMatchObject({ status: 'promoted' });
    }, ROLLOUT);
    const core = plane.kubeConfig('admin').makeApiClient(CoreV1Api);
    const parameters = await core.readNamespacedConfigMap(PARAMETERS);
    expect(parameters.data).toEqual({ 'max-gpus-per-pod': '4', [digestEntryKey(model.digest)]: 'approved' });

    expect(await target.revoke(model, request)).toMatchObject({
      status: 'revoked',
      targetStatus: `Revoked replicas=0 (${NAMESPACE}/credit-scorer)`,
    });
    const workload = await plane
      .kubeConfig('admin')
      .makeApiClient(AppsV1Api)
      .readNamespacedDeployment({ namespace: NAMESPACE, name: 'credit-scorer' });
    expect(workload.spec?.replicas).toBe(0);
  });

  it('keeps the recorded approvals and revocations when the manifests are applied again with another cap', async () => {
    await apply(plane.kubeConfig('admin'), await printedManifests(2));

    const parameters = await plane
      .kubeConfig('admin')
      .makeApiClient(CoreV1Api)
      .readNamespacedConfigMap(PARAMETERS);
    expect(parameters.data).toEqual({
      'max-gpus-per-pod': '2',
      [digestEntryKey(artifact('a').digest)]: 'revoked',
    });
  });

  it('refuses, at the API server, a Deployment a member of the group makes with a digest nobody approved', async () => {
    const apps = plane.kubeConfig('groupDeployer').makeApiClient(AppsV1Api);
    const digest = `sha256:${'b'.repeat(64)}`;

    const refusal = await apps
      .createNamespacedDeployment({
        namespace: NAMESPACE,
        body: {
          metadata: { name: 'unapproved', annotations: { 'verdict.dev/model-digest': digest } },
          spec: {
            selector: { matchLabels: { app: 'unapproved' } },
            template: {
              metadata: {
                labels: { app: 'unapproved' },
                annotations: { 'verdict.dev/model-digest': digest },
              },
              spec: { containers: [{ name: 'server', image: server.image }] },
            },
          },
        },
      })
      .then(
        () => undefined,
        (error: unknown) => kubernetesApiStatus(error),
      );

    expect(refusal).toMatchObject({ code: 403 });
    expect(refusal?.message).toContain(`artifact digest ${digest} is not approved`);
  });

  it('gives the group no way around the policy: not the policy, its binding or another ConfigMap', async () => {
    const member = plane.kubeConfig('groupDeployer');
    const admission = member.makeApiClient(AdmissionregistrationV1Api);
    const core = member.makeApiClient(CoreV1Api);
    const codeOf = (call: Promise<unknown>) =>
      call.then(
        () => 200,
        (error: unknown) => kubernetesApiStatus(error)?.code,
      );

    expect(
      await codeOf(admission.deleteValidatingAdmissionPolicyBinding({ name: 'verdict-approved-digests' })),
    ).toBe(403);
    expect(
      await codeOf(admission.deleteValidatingAdmissionPolicy({ name: 'verdict-approved-digests' })),
    ).toBe(403);
    expect(
      await codeOf(
        core.createNamespacedConfigMap({
          namespace: PARAMETERS.namespace,
          body: { metadata: { name: 'other' }, data: {} },
        }),
      ),
    ).toBe(403);
    expect(await codeOf(core.deleteNamespacedConfigMap(PARAMETERS))).toBe(403);
    expect(
      await codeOf(
        core.createNamespacedConfigMap({ namespace: NAMESPACE, body: { metadata: { name: 'x' } } }),
      ),
    ).toBe(403);
  });
});
