/**
 * The objects a cluster needs before Verdict deploys to it, in apply order: the deployer gets no more than
 * the EKS target uses, and only read and update of the one parameter ConfigMap where that lives.
 */
import type { KubernetesObject, V1Role, V1RoleBinding } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import {
  approvedDigestParameters,
  approvedDigestPolicy,
  approvedDigestPolicyBinding,
} from '../../../../functions/adapters/kubernetes/admission-policy.ts';
import { clusterSetupObjects } from '../../../../functions/adapters/kubernetes/cluster-setup.ts';

const GROUP = { kind: 'Group', name: 'verdict:deployers' } as const;
const PARAMETERS = { namespace: 'verdict-system', name: 'verdict-approved-models' };

const WORKLOAD_RULES = [
  {
    apiGroups: ['apps'],
    resources: ['deployments'],
    verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
  },
  { apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['get', 'patch'] },
  {
    apiGroups: ['serving.kserve.io'],
    resources: ['inferenceservices'],
    verbs: ['get', 'list', 'create', 'patch', 'delete'],
  },
  {
    apiGroups: ['networking.k8s.io'],
    resources: ['networkpolicies'],
    verbs: ['get', 'create', 'patch', 'delete'],
  },
];
const CONFIGMAP_RULE = {
  apiGroups: [''],
  resources: ['configmaps'],
  resourceNames: ['verdict-approved-models'],
  verbs: ['get', 'update'],
};

const summary = (objects: KubernetesObject[]) =>
  objects.map((object) => [object.kind, object.metadata?.namespace ?? '', object.metadata?.name]);
const roleIn = (objects: KubernetesObject[], namespace: string) =>
  objects.find((object) => object.kind === 'Role' && object.metadata?.namespace === namespace) as V1Role;

describe('clusterSetupObjects', () => {
  const objects = clusterSetupObjects({
    subject: GROUP,
    namespaces: ['serving', 'batch'],
    parameters: PARAMETERS,
    maxGpusPerPod: 4,
  });

  it('lists namespaces, then a Role and RoleBinding per namespace, then the ConfigMap, policy and binding', () => {
    expect(summary(objects)).toEqual([
      ['Namespace', '', 'serving'],
      ['Namespace', '', 'batch'],
      ['Namespace', '', 'verdict-system'],
      ['Role', 'serving', 'verdict-deployer'],
      ['RoleBinding', 'serving', 'verdict-deployer'],
      ['Role', 'batch', 'verdict-deployer'],
      ['RoleBinding', 'batch', 'verdict-deployer'],
      ['Role', 'verdict-system', 'verdict-deployer'],
      ['RoleBinding', 'verdict-system', 'verdict-deployer'],
      ['ConfigMap', 'verdict-system', 'verdict-approved-models'],
      ['ValidatingAdmissionPolicy', '', 'verdict-approved-digests'],
      ['ValidatingAdmissionPolicyBinding', '', 'verdict-approved-digests'],
    ]);
  });

  it('lets the deployer manage workloads where it deploys, and only read and update the ConfigMap where that lives', () => {
    expect(roleIn(objects, 'serving').rules).toEqual(WORKLOAD_RULES);
    expect(roleIn(objects, 'batch').rules).toEqual(WORKLOAD_RULES);
    expect(roleIn(objects, 'verdict-system').rules).toEqual([CONFIGMAP_RULE]);
  });

  it('binds each Role to the subject it is given', () => {
    const bindings = objects.filter((object) => object.kind === 'RoleBinding') as V1RoleBinding[];
    expect(bindings).toHaveLength(3);
    for (const binding of bindings) {
      expect(binding.roleRef).toEqual({
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Role',
        name: 'verdict-deployer',
      });
      expect(binding.subjects).toEqual([
        { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'verdict:deployers' },
      ]);
    }
  });

  it('ends with the parameter ConfigMap (the cap, no digest) and the policy governing the deploy namespaces', () => {
    const policy = {
      name: 'verdict-approved-digests',
      digestAnnotation: 'verdict.dev/model-digest',
      parameters: PARAMETERS,
      namespaces: ['serving', 'batch'],
    };
    expect(objects.slice(-3)).toEqual([
      approvedDigestParameters({ ...PARAMETERS, digests: {}, maxGpusPerPod: 4 }),
      approvedDigestPolicy(policy),
      approvedDigestPolicyBinding(policy),
    ]);
    expect(objects.at(-3)).toMatchObject({ data: { 'max-gpus-per-pod': '4' } });
  });

  it('gives one Role with every rule when the ConfigMap lives where Verdict deploys', () => {
    const local = clusterSetupObjects({
      subject: { kind: 'User', name: 'verdict-deployer' },
      namespaces: ['serving'],
      parameters: { namespace: 'serving', name: 'verdict-approved-models' },
      maxGpusPerPod: 2,
      policyName: 'approved',
    });
    expect(summary(local)).toEqual([
      ['Namespace', '', 'serving'],
      ['Role', 'serving', 'verdict-deployer'],
      ['RoleBinding', 'serving', 'verdict-deployer'],
      ['ConfigMap', 'serving', 'verdict-approved-models'],
      ['ValidatingAdmissionPolicy', '', 'approved'],
      ['ValidatingAdmissionPolicyBinding', '', 'approved'],
    ]);
    expect(roleIn(local, 'serving').rules).toEqual([...WORKLOAD_RULES, CONFIGMAP_RULE]);
    expect((local[2] as V1RoleBinding).subjects).toEqual([
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'verdict-deployer' },
    ]);
  });

  it('refuses no namespace and a negative GPU cap', () => {
    const options = { subject: GROUP, parameters: PARAMETERS, maxGpusPerPod: 1 };
    expect(() => clusterSetupObjects({ ...options, namespaces: [] })).toThrow(
      'at least one namespace to deploy to is needed',
    );
    expect(() => clusterSetupObjects({ ...options, namespaces: ['serving'], maxGpusPerPod: -1 })).toThrow(
      'the GPU cap must be a whole number >= 0, got -1',
    );
  });
});
