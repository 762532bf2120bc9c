/**
 * The KServe `InferenceService` (serving.kserve.io/v1beta1) that runs an approved model where the cluster
 * serves that API: its predictor is the pod of the GPU Deployment (gpu-deployment-manifest.ts) — the same
 * model server image pinned by digest, port, readiness probe, `nvidia.com/gpu` limits, node selector and
 * toleration — with KServe's replica bounds and, for a canary or linear strategy, the share of traffic the
 * new revision gets first (`canaryTrafficPercent`). The verdict.dev annotations sit on the InferenceService,
 * which the admission policy checks, and in `spec.predictor.annotations`, which KServe copies onto the
 * predictor pods, which the policy checks too. Pure: the same inputs give the same object.
 */
import type { KubernetesObject, V1PodSpec } from '@kubernetes/client-node';
import type { RolloutStrategy } from '../../contracts/deployment-request.ts';
import { type GpuDeploymentInput, gpuDeploymentManifest } from './gpu-deployment-manifest.ts';
import { KSERVE_GROUP } from './kserve-detection.ts';

export const INFERENCE_SERVICE_API_VERSION = `${KSERVE_GROUP}/v1beta1`;
export const INFERENCE_SERVICE_KIND = 'InferenceService';
/** The container name KServe gives a custom predictor's model server. */
export const KSERVE_CONTAINER = 'kserve-container';

/** `spec.predictor`: a pod spec inlined with KServe's component extension fields. */
export interface PredictorSpec extends Partial<V1PodSpec> {
  minReplicas?: number;
  maxReplicas?: number;
  canaryTrafficPercent?: number;
  /** Copied by KServe onto the predictor pods. */
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
}

export interface InferenceService extends KubernetesObject {
  spec: { predictor: PredictorSpec };
  status?: InferenceServiceStatus;
}

/** The parts of KServe's `InferenceServiceStatus` the target reads. */
export interface InferenceServiceStatus {
  observedGeneration?: number;
  conditions?: KServeCondition[];
  url?: string;
  components?: { predictor?: ComponentStatus };
  modelStatus?: {
    transitionStatus?: string;
    lastFailureInfo?: { reason?: string; message?: string };
  };
}

export interface KServeCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

export interface ComponentStatus {
  latestReadyRevision?: string;
  latestCreatedRevision?: string;
  latestRolledoutRevision?: string;
  previousRolledoutRevision?: string;
  /** Knative's traffic targets: which revision gets which share. */
  traffic?: { revisionName?: string; percent?: number; latestRevision?: boolean; tag?: string }[];
}

/** The InferenceService for `input`; throws GpuWorkloadError for anything it cannot express safely. */
export function inferenceServiceManifest(input: GpuDeploymentInput): InferenceService {
  const deployment = gpuDeploymentManifest(input);
  const { metadata, spec } = deployment;
  const template = spec?.template;
  const pod = template?.spec as V1PodSpec;
  const compute = input.request.compute as Extract<typeof input.request.compute, { kind: 'gpu-replicas' }>;
  const canary = canaryTrafficPercent(input.request.strategy, compute.replicas);
  return {
    apiVersion: INFERENCE_SERVICE_API_VERSION,
    kind: INFERENCE_SERVICE_KIND,
    metadata: {
      name: metadata?.name,
      namespace: metadata?.namespace,
      labels: metadata?.labels,
      annotations: metadata?.annotations,
    },
    spec: {
      predictor: {
        minReplicas: compute.replicas,
        maxReplicas: compute.maxReplicas,
        ...(canary === undefined ? {} : { canaryTrafficPercent: canary }),
        labels: { ...template?.metadata?.labels },
        annotations: { ...metadata?.annotations },
        automountServiceAccountToken: pod.automountServiceAccountToken,
        nodeSelector: pod.nodeSelector,
        tolerations: pod.tolerations,
        // Knative takes a pod-level security context only behind a feature flag: the container carries it.
        containers: pod.containers.map((container) => ({
          ...container,
          name: KSERVE_CONTAINER,
          // Knative names ports http1 or h2c only, and one port is all it routes to.
          ports: [{ containerPort: input.server.port, protocol: 'TCP' }],
          securityContext: { ...pod.securityContext, ...container.securityContext },
        })),
      },
    },
  };
}

/**
 * The share of traffic a canary or linear strategy sends to the new revision first: its step, or the step's
 * replicas as a share of all replicas. Every other strategy moves all traffic once the revision is ready.
 */
export function canaryTrafficPercent(strategy: RolloutStrategy, replicas: number): number | undefined {
  if (strategy.type !== 'canary' && strategy.type !== 'linear') return undefined;
  const { step } = strategy;
  const percent = step.unit === 'percent' ? step.value : Math.round((step.value / replicas) * 100);
  return Math.min(100, Math.max(1, percent));
}
