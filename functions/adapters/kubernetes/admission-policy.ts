/**
 * A ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1, CEL) that makes the Kubernetes API server
 * itself refuse a Deployment or a KServe InferenceService (and a GPU ReplicaSet or Pod) unless the artifact digest in one of its annotations is listed as approved in a
 * parameter ConfigMap, and unless each pod asks for no more GPUs than the cap in that same ConfigMap.
 *
 * CEL cannot verify signatures: the trust anchor is RBAC. Only the identity that records approvals may
 * write the parameter ConfigMap, and nobody who deploys may change the policy or its binding. Revoking an
 * approval is one write to the ConfigMap; from then on any change to the spec of a Deployment that runs
 * that digest is refused. Updates that leave the spec and the digest as they are (a controller recording a
 * revision, a label) are not checked, so controllers keep working on a revoked workload until it is removed.
 * ReplicaSets and Pods that ask for a GPU are held to the same rule, and a scale subresource may only scale
 * down (see {@link approvedDigestPolicy}).
 *
 * Every gap fails closed: a missing parameter ConfigMap, a missing cap (read as 0), a GPU quantity that is
 * not a whole number and a CEL error all refuse the request.
 */
import type {
  V1ConfigMap,
  V1ValidatingAdmissionPolicy,
  V1ValidatingAdmissionPolicyBinding,
} from '@kubernetes/client-node';
import { INFERENCE_SERVICES, KSERVE_GROUP } from './kserve-detection.ts';

/** The status of a digest in the parameter ConfigMap. */
export type DigestStatus = 'approved' | 'revoked';

/** Parameter ConfigMap key of the per-pod GPU cap (a decimal integer). */
export const MAX_GPUS_PER_POD_KEY = 'max-gpus-per-pod';

/** The extended resource that GPU device plugins advertise. */
export const GPU_RESOURCE = 'nvidia.com/gpu';

export interface ApprovedDigestPolicyOptions {
  /** Name of the policy and of its binding (cluster-scoped). */
  readonly name: string;
  /** Annotation of the Deployment that names the artifact it runs, e.g. `example.com/model-digest`. */
  readonly digestAnnotation: string;
  /** The parameter ConfigMap (see {@link approvedDigestParameters}). */
  readonly parameters: { readonly namespace: string; readonly name: string };
  /** Namespaces the policy governs. */
  readonly namespaces: readonly string[];
}

export interface ApprovedDigestParametersOptions {
  readonly namespace: string;
  readonly name: string;
  /** Digest (`sha256:<hex>`) -> status. */
  readonly digests: Readonly<Record<string, DigestStatus>>;
  readonly maxGpusPerPod: number;
}

const DIGEST = /^(sha256|sha384|sha512):[0-9a-f]{64,128}$/;
/** Annotation keys: an optional DNS-subdomain prefix and a name (validated by the API server as well). */
const ANNOTATION = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/**
 * The ConfigMap key of a digest. ConfigMap keys may not contain `:`, so `sha256:ab..` is stored as
 * `sha256.ab..`; the policy maps the annotation the same way.
 */
export function digestEntryKey(digest: string): string {
  if (!DIGEST.test(digest)) throw new RangeError(`not a content digest (algorithm:hex): ${digest}`);
  return digest.replace(':', '.');
}

/** The parameter ConfigMap: one entry per digest, and the GPU cap. */
export function approvedDigestParameters(options: ApprovedDigestParametersOptions): V1ConfigMap {
  if (!Number.isSafeInteger(options.maxGpusPerPod) || options.maxGpusPerPod < 0) {
    throw new RangeError(`the GPU cap must be a whole number >= 0, got ${options.maxGpusPerPod}`);
  }
  const data: Record<string, string> = { [MAX_GPUS_PER_POD_KEY]: String(options.maxGpusPerPod) };
  for (const [digest, status] of Object.entries(options.digests)) data[digestEntryKey(digest)] = status;
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { namespace: options.namespace, name: options.name },
    data,
  };
}

/** Scale-ups through a scale subresource are refused with this message (see {@link approvedDigestPolicy}). */
export const SCALE_UP_REFUSAL =
  'scaling up through the scale subresource is refused: a Scale carries no artifact digest to check;' +
  ' change spec.replicas instead';

/**
 * The policy; pair it with {@link approvedDigestPolicyBinding}, which puts it in force.
 *
 * It governs, in the bound namespaces: every Deployment; every KServe InferenceService (its own annotation
 * and the GPUs of its predictor's containers; KServe copies `spec.predictor.annotations` onto the predictor
 * pods, which are then held to the Pod rule as well); every ReplicaSet and Pod whose pods ask for a GPU
 * (so that going around the Deployment changes nothing); and the `scale` subresource of Deployments and
 * ReplicaSets. A scale request's object is an `autoscaling/v1` Scale (name, replicas, selector): no
 * annotations, so the digest of the workload cannot be read there and no policy can tell an approved
 * workload from a revoked one. Scaling down through it (what a revocation does) is allowed; scaling up is
 * refused for every governed workload, so a scale-up has to change `spec.replicas`, which the policy checks.
 *
 * The digest is read from the object's own annotations: a Deployment's, the ReplicaSet's (the deployment
 * controller copies the Deployment's annotations onto it) and the Pod's (the ReplicaSet controller copies
 * the pod template's, so the template must carry the digest too). A ReplicaSet update that only lowers the
 * replicas and leaves the template and digest as they are is let through: that is how the deployment
 * controller scales a revoked workload down.
 */
export function approvedDigestPolicy(options: ApprovedDigestPolicyOptions): V1ValidatingAdmissionPolicy {
  const annotation = checkedAnnotation(options.digestAnnotation);
  const annotationOf = (object: string) =>
    `(has(${object}.metadata.annotations) && '${annotation}' in ${object}.metadata.annotations` +
    ` ? ${object}.metadata.annotations['${annotation}'] : '')`;
  const gpusOf = (containers: string) =>
    `${containers}.map(c, has(c.resources) && has(c.resources.limits) && '${GPU_RESOURCE}' in c.resources.limits` +
    ` ? quantity(c.resources.limits['${GPU_RESOURCE}']).asInteger() : 0).sum()`;
  // Init containers are added rather than maxed: an over-count can only refuse, never admit.
  const podGpusOf = (pod: string) =>
    `${gpusOf(`${pod}.containers`)} + (has(${pod}.initContainers) ? ${gpusOf(`${pod}.initContainers`)} : 0)`;
  const podSpecOf = (object: string) =>
    `(request.resource.resource == 'pods' ? ${object}.spec : ${object}.spec.template.spec)`;
  // An InferenceService's predictor is a pod spec (containers optional) plus, optionally, a model container.
  const predictor = 'object.spec.predictor';
  const predictorGpus =
    `(has(${predictor}.containers) ? ${gpusOf(`${predictor}.containers`)} : 0)` +
    ` + (has(${predictor}.initContainers) ? ${gpusOf(`${predictor}.initContainers`)} : 0)` +
    ` + (has(${predictor}.model) ? ${gpusOf(`[${predictor}.model]`)} : 0)`;
  const inferenceService = `request.resource.resource == '${INFERENCE_SERVICES}'`;
  const replicasOf = (object: string) =>
    `(has(${object}.spec) && has(${object}.spec.replicas) ? ${object}.spec.replicas : 0)`;
  const scale = `has(request.subResource) && request.subResource == 'scale'`;
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name: options.name },
    spec: {
      failurePolicy: 'Fail',
      paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
      matchConstraints: {
        resourceRules: [
          {
            apiGroups: ['apps'],
            apiVersions: ['v1'],
            operations: ['CREATE', 'UPDATE'],
            resources: ['deployments', 'deployments/scale', 'replicasets', 'replicasets/scale'],
          },
          { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] },
          // Matches nothing where KServe is not installed; the API server accepts the rule all the same.
          {
            apiGroups: [KSERVE_GROUP],
            apiVersions: ['v1beta1'],
            operations: ['CREATE', 'UPDATE'],
            resources: [INFERENCE_SERVICES],
          },
        ],
      },
      matchConditions: [
        {
          name: 'spec-or-digest-changes',
          expression:
            `request.operation != 'UPDATE' || object.spec != oldObject.spec` +
            ` || ${annotationOf('object')} != ${annotationOf('oldObject')}`,
        },
        {
          name: 'deployments-scales-and-gpu-pods',
          expression:
            `request.resource.resource == 'deployments' || ${inferenceService} || ${scale}` +
            ` || ${podGpusOf(podSpecOf('object'))} > 0`,
        },
      ],
      variables: [
        { name: 'scale', expression: scale },
        { name: 'replicas', expression: replicasOf('object') },
        { name: 'oldReplicas', expression: replicasOf('oldObject') },
        { name: 'digest', expression: annotationOf('object') },
        {
          name: 'shrinksOnly',
          expression:
            `request.operation == 'UPDATE' && request.resource.resource == 'replicasets'` +
            ` && object.spec.template == oldObject.spec.template` +
            ` && variables.digest == ${annotationOf('oldObject')}` +
            ` && variables.replicas <= variables.oldReplicas`,
        },
        { name: 'wellFormed', expression: `variables.digest.matches('${DIGEST.source}')` },
        {
          name: 'status',
          expression:
            `variables.wellFormed && has(params.data) && variables.digest.replace(':', '.') in params.data` +
            ` ? params.data[variables.digest.replace(':', '.')] : ''`,
        },
        {
          name: 'gpus',
          expression: `${inferenceService} ? ${predictorGpus} : ${podGpusOf(podSpecOf('object'))}`,
        },
        {
          name: 'cap',
          expression:
            `has(params.data) && '${MAX_GPUS_PER_POD_KEY}' in params.data` +
            ` ? int(params.data['${MAX_GPUS_PER_POD_KEY}']) : 0`,
        },
      ],
      validations: [
        {
          expression: '!variables.scale || variables.replicas <= variables.oldReplicas',
          message: SCALE_UP_REFUSAL,
          reason: 'Forbidden',
        },
        {
          expression: 'variables.scale || variables.shrinksOnly || variables.wellFormed',
          messageExpression:
            `'the ' + request.kind.kind + ' carries no ${annotation} annotation with an artifact digest` +
            ` (sha256:<hex>)'`,
          reason: 'Forbidden',
        },
        {
          expression: `variables.scale || variables.shrinksOnly || !variables.wellFormed || variables.status == 'approved'`,
          messageExpression:
            `'artifact digest ' + variables.digest + ` +
            `(variables.status == 'revoked' ? ' is revoked' : ' is not approved')`,
          reason: 'Forbidden',
        },
        {
          expression: 'variables.scale || variables.shrinksOnly || variables.gpus <= variables.cap',
          messageExpression:
            `'a pod asks for ' + string(variables.gpus) + ' ${GPU_RESOURCE}, above the cap of '` +
            ` + string(variables.cap)`,
          reason: 'Forbidden',
        },
      ],
    },
  };
}

/** The binding that enforces the policy (Deny) in the given namespaces with the parameter ConfigMap. */
export function approvedDigestPolicyBinding(
  options: ApprovedDigestPolicyOptions,
): V1ValidatingAdmissionPolicyBinding {
  if (options.namespaces.length === 0) throw new RangeError('the policy must govern at least one namespace');
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name: options.name },
    spec: {
      policyName: options.name,
      validationActions: ['Deny'],
      paramRef: {
        namespace: options.parameters.namespace,
        name: options.parameters.name,
        parameterNotFoundAction: 'Deny',
      },
      matchResources: {
        namespaceSelector: {
          matchExpressions: [
            { key: 'kubernetes.io/metadata.name', operator: 'In', values: [...options.namespaces] },
          ],
        },
      },
    },
  };
}

function checkedAnnotation(annotation: string): string {
  if (!ANNOTATION.test(annotation)) throw new RangeError(`not an annotation key: ${annotation}`);
  return annotation;
}
