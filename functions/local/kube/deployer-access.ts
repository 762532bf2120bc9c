/**
 * What a cluster must hold before Verdict's EKS target deploys to it, set up as the cluster admin on the
 * local control plane: the namespaces, the RBAC of the deployer user (no more than the target needs), the
 * approved-digest parameter ConfigMap and the ValidatingAdmissionPolicy that makes the API server refuse an
 * unapproved digest. Idempotent: what already exists is left as it is.
 */
import {
  AdmissionregistrationV1Api,
  AppsV1Api,
  CoreV1Api,
  type KubeConfig,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node';
import {
  type ApprovedDigestPolicyOptions,
  approvedDigestParameters,
  approvedDigestPolicy,
  approvedDigestPolicyBinding,
} from '../../adapters/kubernetes/admission-policy.ts';
import { kubernetesApiStatus } from '../../adapters/kubernetes/api-status.ts';
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

const ROLE = 'verdict-deployer';
const DEFAULT_POLICY = 'verdict-approved-digests';
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
 * Each namespace with its default ServiceAccount (no service-account controller runs locally) and a Role
 * for the deployer user: Deployments and their scale, NetworkPolicies, and read/update of the parameter
 * ConfigMap only.
 */
export async function grantDeployerAccess(
  admin: KubeConfig,
  options: Pick<DeploymentNamespacesOptions, 'namespaces' | 'parameters'>,
): Promise<void> {
  const core = admin.makeApiClient(CoreV1Api);
  const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
  for (const namespace of options.namespaces) {
    await createUnlessExists(() => core.createNamespace({ body: { metadata: { name: namespace } } }));
    await createUnlessExists(() =>
      core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: 'default' } } }),
    );
    await createUnlessExists(() =>
      rbac.createNamespacedRole({
        namespace,
        body: {
          metadata: { name: ROLE },
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
              resourceNames: [options.parameters.name],
              verbs: ['get', 'update'],
            },
          ],
        },
      }),
    );
    await createUnlessExists(() =>
      rbac.createNamespacedRoleBinding({
        namespace,
        body: {
          metadata: { name: ROLE },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: ROLE },
          subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: DEPLOYER_USER }],
        },
      }),
    );
  }
}

/**
 * The parameter ConfigMap (no digest approved yet), the policy and its binding; returns once the API server
 * refuses an unapproved digest (policies reach admission through informers, a moment later).
 */
export async function installApprovedDigestAdmission(
  admin: KubeConfig,
  options: DeploymentNamespacesOptions,
): Promise<void> {
  const core = admin.makeApiClient(CoreV1Api);
  const admission = admin.makeApiClient(AdmissionregistrationV1Api);
  const policy: ApprovedDigestPolicyOptions = {
    name: options.policyName ?? DEFAULT_POLICY,
    digestAnnotation: DIGEST_ANNOTATION,
    parameters: options.parameters,
    namespaces: options.namespaces,
  };
  await createUnlessExists(() =>
    core.createNamespacedConfigMap({
      namespace: options.parameters.namespace,
      body: approvedDigestParameters({
        ...options.parameters,
        digests: {},
        maxGpusPerPod: options.maxGpusPerPod,
      }),
    }),
  );
  await createUnlessExists(() =>
    admission.createValidatingAdmissionPolicy({ body: approvedDigestPolicy(policy) }),
  );
  await createUnlessExists(() =>
    admission.createValidatingAdmissionPolicyBinding({ body: approvedDigestPolicyBinding(policy) }),
  );
  await untilEnforced(admin, options.parameters.namespace, options.enforcementTimeoutMs ?? 45_000);
}

async function untilEnforced(admin: KubeConfig, namespace: string, timeoutMs: number): Promise<void> {
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
