/**
 * What a cluster must hold before Verdict's EKS target deploys to it, as Kubernetes objects in the order
 * they are applied: the namespaces, a Role and RoleBinding per namespace for the deployer (no more than the
 * target needs), the approved-digest parameter ConfigMap and the ValidatingAdmissionPolicy with its binding,
 * which make the API server refuse an unapproved digest. Pure: `verdict cluster manifests` prints them for
 * `kubectl apply`, and the local control plane creates them.
 */
import type { KubernetesObject, V1PolicyRule, V1Role, V1RoleBinding } from '@kubernetes/client-node';
import {
  type ApprovedDigestPolicyOptions,
  approvedDigestParameters,
  approvedDigestPolicy,
  approvedDigestPolicyBinding,
} from './admission-policy.ts';
import { DIGEST_ANNOTATION } from './gpu-deployment-manifest.ts';
import { INFERENCE_SERVICES, KSERVE_GROUP } from './kserve-detection.ts';

/** Who deploys: in EKS, the group the orchestrator's access entry maps to; locally, a static-token user. */
export interface DeployerSubject {
  readonly kind: 'Group' | 'User';
  readonly name: string;
}

export interface DeployerAccessOptions {
  readonly subject: DeployerSubject;
  /** Namespaces Verdict deploys to. */
  readonly namespaces: readonly string[];
  /** The parameter ConfigMap: the deployer reads and updates it, and nothing else in its namespace. */
  readonly parameters: { readonly namespace: string; readonly name: string };
}

export interface ApprovedDigestAdmissionOptions {
  /** Namespaces the admission policy governs (those Verdict deploys to). */
  readonly namespaces: readonly string[];
  readonly parameters: { readonly namespace: string; readonly name: string };
  /** The GPU cap per pod written into the parameter ConfigMap. */
  readonly maxGpusPerPod: number;
  /** Name of the cluster-scoped policy and its binding; default {@link DEFAULT_POLICY_NAME}. */
  readonly policyName?: string;
}

export type ClusterSetupOptions = DeployerAccessOptions & ApprovedDigestAdmissionOptions;

export const DEPLOYER_ROLE = 'verdict-deployer';
export const DEFAULT_POLICY_NAME = 'verdict-approved-digests';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** Every object, in apply order (namespaces first, the policy binding last). */
export function clusterSetupObjects(options: ClusterSetupOptions): KubernetesObject[] {
  return [...deployerAccessObjects(options), ...approvedDigestAdmissionObjects(options)];
}

/**
 * Each namespace, and in each a Role and RoleBinding for the deployer: Deployments and their scale,
 * InferenceServices and NetworkPolicies where it deploys, read and update of the parameter ConfigMap by name where that lives. The
 * parameter ConfigMap's namespace need not be one Verdict deploys to; then the deployer may do nothing else
 * there.
 */
export function deployerAccessObjects(options: DeployerAccessOptions): KubernetesObject[] {
  if (options.namespaces.length === 0) throw new RangeError('at least one namespace to deploy to is needed');
  const { parameters } = options;
  const namespaces = [...new Set([...options.namespaces, parameters.namespace])];
  const configMapRule: V1PolicyRule = {
    apiGroups: [''],
    resources: ['configmaps'],
    resourceNames: [parameters.name],
    verbs: ['get', 'update'],
  };
  const rulesIn = (namespace: string): V1PolicyRule[] => [
    ...(options.namespaces.includes(namespace) ? WORKLOAD_RULES : []),
    ...(namespace === parameters.namespace ? [configMapRule] : []),
  ];
  return [
    ...namespaces.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })),
    ...namespaces.flatMap((namespace) => [
      role(namespace, rulesIn(namespace)),
      roleBinding(namespace, options.subject),
    ]),
  ];
}

/** The parameter ConfigMap (no digest approved yet), the policy and its binding. */
export function approvedDigestAdmissionObjects(options: ApprovedDigestAdmissionOptions): KubernetesObject[] {
  const policy: ApprovedDigestPolicyOptions = {
    name: options.policyName ?? DEFAULT_POLICY_NAME,
    digestAnnotation: DIGEST_ANNOTATION,
    parameters: options.parameters,
    namespaces: options.namespaces,
  };
  return [
    approvedDigestParameters({ ...options.parameters, digests: {}, maxGpusPerPod: options.maxGpusPerPod }),
    approvedDigestPolicy(policy),
    approvedDigestPolicyBinding(policy),
  ];
}

/**
 * What the EKS target does to workloads: apply, watch, scale down, remove, and fence with a NetworkPolicy;
 * apply, read, end a canary split of and remove InferenceServices (a rule on a resource the cluster does not
 * serve is accepted and grants nothing).
 */
const WORKLOAD_RULES: readonly V1PolicyRule[] = [
  {
    apiGroups: ['apps'],
    resources: ['deployments'],
    verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
  },
  { apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['get', 'patch'] },
  // Where KServe is installed, the model runs as an InferenceService instead (inference-service-workload.ts).
  {
    apiGroups: [KSERVE_GROUP],
    resources: [INFERENCE_SERVICES],
    verbs: ['get', 'list', 'create', 'patch', 'delete'],
  },
  {
    apiGroups: ['networking.k8s.io'],
    resources: ['networkpolicies'],
    verbs: ['get', 'create', 'patch', 'delete'],
  },
];

function role(namespace: string, rules: V1PolicyRule[]): V1Role {
  return {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: 'Role',
    metadata: { namespace, name: DEPLOYER_ROLE },
    rules,
  };
}

function roleBinding(namespace: string, subject: DeployerSubject): V1RoleBinding {
  return {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: 'RoleBinding',
    metadata: { namespace, name: DEPLOYER_ROLE },
    roleRef: { apiGroup: RBAC_GROUP, kind: 'Role', name: DEPLOYER_ROLE },
    subjects: [{ apiGroup: RBAC_GROUP, kind: subject.kind, name: subject.name }],
  };
}
