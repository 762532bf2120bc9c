/**
 * What a cluster must hold before Verdict's EKS target deploys to it (adapters/kubernetes/cluster-setup.ts),
 * created as the cluster admin on the local control plane for the static-token deployer user. Idempotent:
 * what already exists is left as it is.
 */
import { AppsV1Api, type KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import { kubernetesApiStatus } from '../../adapters/kubernetes/api-status.ts';
import {
  approvedDigestAdmissionObjects,
  deployerAccessObjects,
} from '../../adapters/kubernetes/cluster-setup.ts';
import { DIGEST_ANNOTATION } from '../../adapters/kubernetes/gpu-deployment-manifest.ts';
import { DEPLOYER_USER } from './local-cluster-credentials.ts';

export interface DeploymentNamespacesOptions {
  /** Namespaces Verdict deploys to; the admission policy governs each of them. */
  readonly namespaces: readonly string[];
  /** The parameter ConfigMap (its namespace must be one of `namespaces`). */
  readonly parameters: { readonly namespace: string; readonly name: string };
  /** Name of the cluster-scoped policy and its binding; default `verdict-approved-digests`. */
  readonly policyName?: string;
  /** The GPU cap per pod written into a new parameter ConfigMap. */
  readonly maxGpusPerPod: number;
  /** How long to wait for the API server to enforce the policy; default 45 s. */
  readonly enforcementTimeoutMs?: number;
}

/** A digest nobody approves: the probe that shows the policy is in force. */
const PROBE_DIGEST = `sha256:${'0'.repeat(64)}`;

/** Namespaces, deployer RBAC and the approved-digest admission policy, enforced when this returns. */
export async function prepareDeploymentNamespaces(
  admin: KubeConfig,
  options: DeploymentNamespacesOptions,
): Promise<void> {
  if (!options.namespaces.includes(options.parameters.namespace)) {
    throw new RangeError(
      `the parameter ConfigMap's namespace ${options.parameters.namespace} is not governed`,
    );
  }
  await grantDeployerAccess(admin, options);
  await installApprovedDigestAdmission(admin, options);
}

/**
 * The deployer user's access (cluster-setup.ts), and each namespace's default ServiceAccount, which no
 * service-account controller makes locally.
 */
export async function grantDeployerAccess(
  admin: KubeConfig,
  options: Pick<DeploymentNamespacesOptions, 'namespaces' | 'parameters'>,
): Promise<void> {
  const objects = KubernetesObjectApi.makeApiClient(admin);
  const subject = { kind: 'User', name: DEPLOYER_USER } as const;
  for (const object of deployerAccessObjects({ ...options, subject })) {
    await createUnlessExists(() => objects.create(object));
    if (object.kind === 'Namespace') {
      const namespace = object.metadata?.name as string;
      await createUnlessExists(() =>
        objects.create({
          apiVersion: 'v1',
          kind: 'ServiceAccount',
          metadata: { namespace, name: 'default' },
        }),
      );
    }
  }
}

/**
 * The parameter ConfigMap (no digest approved yet), the policy and its binding; returns once the API server
 * refuses an unapproved digest.
 */
export async function installApprovedDigestAdmission(
  admin: KubeConfig,
  options: DeploymentNamespacesOptions,
): Promise<void> {
  const objects = KubernetesObjectApi.makeApiClient(admin);
  for (const object of approvedDigestAdmissionObjects(options)) {
    await createUnlessExists(() => objects.create(object));
  }
  await untilApprovedDigestEnforced(
    admin,
    options.parameters.namespace,
    options.enforcementTimeoutMs ?? 45_000,
  );
}

/**
 * Returns once the API server refuses, in `namespace`, a Deployment whose digest nobody approved (a dry
 * run): policies reach admission through informers, a moment after they are created.
 */
export async function untilApprovedDigestEnforced(
  admin: KubeConfig,
  namespace: string,
  timeoutMs: number,
): Promise<void> {
  const apps = admin.makeApiClient(AppsV1Api);
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    const refusal = await apps
      .createNamespacedDeployment({ namespace, body: probeDeployment(), dryRun: 'All' })
      .then(
        () => undefined,
        (error: unknown) =>
          kubernetesApiStatus(error) ?? { code: 0, reason: undefined, message: String(error) },
      );
    if (refusal?.code === 403 && refusal.message.includes('is not approved')) return;
    last = refusal ? refusal.message : 'an unapproved digest was admitted';
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the approved-digest admission policy is not enforced after ${timeoutMs} ms (${last})`);
}

function probeDeployment() {
  return {
    metadata: { name: 'verdict-policy-probe', annotations: { [DIGEST_ANNOTATION]: PROBE_DIGEST } },
    spec: {
      selector: { matchLabels: { app: 'verdict-policy-probe' } },
      template: {
        metadata: { labels: { app: 'verdict-policy-probe' } },
        spec: { containers: [{ name: 'probe', image: 'probe' }] },
      },
    },
  };
}

async function createUnlessExists(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (error) {
    if (kubernetesApiStatus(error)?.code !== 409) throw error;
  }
}
