/**
 * The admission-policy manifests refuse to be built from input the API server would misread: what the
 * server does with them is tested against a real kube-apiserver in test/integration/kubernetes/.
 */
import { describe, expect, it } from 'vitest';
import {
  approvedDigestParameters,
  approvedDigestPolicy,
  approvedDigestPolicyBinding,
  digestEntryKey,
  SCALE_UP_REFUSAL,
} from '../../../../functions/adapters/kubernetes/admission-policy.ts';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const options = {
  name: 'approved-digests',
  digestAnnotation: 'example.com/model-digest',
  parameters: { namespace: 'governance', name: 'approved-models' },
  namespaces: ['models'],
};

describe('approved-digest admission policy', () => {
  it('stores a digest under a ConfigMap key without the colon, with its status and the GPU cap', () => {
    const parameters = approvedDigestParameters({
      namespace: 'governance',
      name: 'approved-models',
      digests: { [DIGEST]: 'revoked' },
      maxGpusPerPod: 2,
    });

    expect(parameters.data).toEqual({ [`sha256.${'a'.repeat(64)}`]: 'revoked', 'max-gpus-per-pod': '2' });
  });

  it.each([
    'a'.repeat(64),
    `md5:${'a'.repeat(64)}`,
    `sha256:${'A'.repeat(64)}`,
    'sha256:abc',
    `sha256:${'a'.repeat(64)}\n`,
  ])('refuses %j as a digest', (digest) => {
    expect(() => digestEntryKey(digest)).toThrow(`not a content digest (algorithm:hex): ${digest}`);
  });

  it.each([-1, 1.5, Number.NaN])('refuses a GPU cap of %d', (maxGpusPerPod) => {
    expect(() => approvedDigestParameters({ namespace: 'n', name: 'p', digests: {}, maxGpusPerPod })).toThrow(
      'the GPU cap must be a whole number >= 0',
    );
  });

  it("refuses an annotation key that would break out of the policy's CEL string", () => {
    expect(() => approvedDigestPolicy({ ...options, digestAnnotation: "x' || true || '" })).toThrow(
      "not an annotation key: x' || true || '",
    );
  });

  it('fails closed: Fail on errors, Deny without the parameter ConfigMap, Deny as the only action', () => {
    const policy = approvedDigestPolicy(options);
    const binding = approvedDigestPolicyBinding(options);

    expect(policy.spec?.failurePolicy).toBe('Fail');
    expect(binding.spec?.paramRef?.parameterNotFoundAction).toBe('Deny');
    expect(binding.spec?.validationActions).toEqual(['Deny']);
    expect(() => approvedDigestPolicyBinding({ ...options, namespaces: [] })).toThrow(
      'the policy must govern at least one namespace',
    );
  });

  it('governs Deployments, InferenceServices, GPU ReplicaSets and Pods, and the scale subresources, on create and update', () => {
    const policy = approvedDigestPolicy(options);

    expect(policy.spec?.matchConstraints?.resourceRules).toEqual([
      {
        apiGroups: ['apps'],
        apiVersions: ['v1'],
        operations: ['CREATE', 'UPDATE'],
        resources: ['deployments', 'deployments/scale', 'replicasets', 'replicasets/scale'],
      },
      { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] },
      {
        apiGroups: ['serving.kserve.io'],
        apiVersions: ['v1beta1'],
        operations: ['CREATE', 'UPDATE'],
        resources: ['inferenceservices'],
      },
    ]);
    expect(policy.spec?.validations?.[0]).toEqual({
      expression: '!variables.scale || variables.replicas <= variables.oldReplicas',
      message: SCALE_UP_REFUSAL,
      reason: 'Forbidden',
    });
  });
});
