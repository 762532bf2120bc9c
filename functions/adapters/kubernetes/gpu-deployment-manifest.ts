/**
 * The Kubernetes Deployment that runs an approved model on an EKS GPU node pool: `nvidia.com/gpu` limits, the
 * node pool's selector (Karpenter's GPU labels and the instance type the cost was estimated from) and its
 * taint's toleration, a rolling update sized from the neutral strategy, a readiness probe, and the
 * annotations the admission policy and the audit trail read. Pure: the same inputs give the same object.
 */
import type { V1Deployment, V1NetworkPolicy, V1RollingUpdateDeployment } from '@kubernetes/client-node';
import type { DeploymentRequest, RolloutStrategy } from '../../contracts/deployment-request.ts';
import type { ApprovedArtifact } from '../../ports/deployment-target.ts';
import { digestEntryKey, GPU_RESOURCE } from './admission-policy.ts';
import { GpuWorkloadError } from './deployment-errors.ts';

export const DIGEST_ANNOTATION = 'verdict.dev/model-digest';
export const DECISION_ANNOTATION = 'verdict.dev/decision-id';
export const DEPLOYMENT_ID_ANNOTATION = 'verdict.dev/deployment-id';
export const MODEL_PACKAGE_ANNOTATION = 'verdict.dev/model-package';
export const NAME_LABEL = 'app.kubernetes.io/name';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const ENVIRONMENT_LABEL = 'verdict.dev/environment';
export const MANAGED_BY = 'verdict';

/** Karpenter's well-known labels of a GPU node, and the instance type label every node carries. */
export const GPU_MANUFACTURER_LABEL = 'karpenter.k8s.aws/instance-gpu-manufacturer';
export const GPU_NAME_LABEL = 'karpenter.k8s.aws/instance-gpu-name';
export const INSTANCE_TYPE_LABEL = 'node.kubernetes.io/instance-type';

/** The model server the workload runs: an image pinned by digest that loads the model it is told. */
export interface ModelServer {
  /** e.g. `registry.example/vllm-openai@sha256:<hex>`: a tag could change under an approved deployment. */
  readonly image: string;
  /** The port the server listens on and answers readiness on. */
  readonly port: number;
  /** HTTP path that answers 200 once the model is loaded (vLLM: `/health`). */
  readonly readinessPath: string;
}

export interface GpuDeploymentInput {
  readonly deploymentId: string;
  readonly request: DeploymentRequest;
  readonly artifact: ApprovedArtifact;
  readonly server: ModelServer;
  /** GPUs a pod may ask for: the admission policy's cap, checked here too so that a refusal comes early. */
  readonly maxGpusPerPod: number;
}

const CONTAINER = 'model-server';
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DEPLOYMENT_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const DECISION_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,255}$/;
const IMAGE_BY_DIGEST = /^[a-z0-9]([a-z0-9._/:-]*[a-z0-9])?@sha256:[0-9a-f]{64}$/;
const READINESS_PATH = /^\/[A-Za-z0-9._~/-]{0,255}$/;

/** The Deployment for `input`; throws {@link GpuWorkloadError} for anything it cannot express safely. */
export function gpuDeploymentManifest(input: GpuDeploymentInput): V1Deployment {
  const { request, artifact, server, deploymentId } = input;
  const { target, compute } = request;
  if (target.kind !== 'eks') throw new GpuWorkloadError(`not an EKS target: ${target.kind}`);
  if (compute.kind !== 'gpu-replicas') throw new GpuWorkloadError(`not GPU replicas: ${compute.kind}`);
  checked('namespace', target.namespace, LABEL, 63);
  checked('name', target.name, LABEL, 63);
  checked('deployment id', deploymentId, DEPLOYMENT_ID);
  checked('decision id', artifact.decisionId, DECISION_ID);
  checked('model server image (pinned by @sha256)', server.image, IMAGE_BY_DIGEST, 512);
  checked('readiness path', server.readinessPath, READINESS_PATH);
  if (!Number.isInteger(server.port) || server.port < 1 || server.port > 65535) {
    throw new GpuWorkloadError(`not a port: ${server.port}`);
  }
  try {
    digestEntryKey(artifact.digest);
  } catch {
    throw new GpuWorkloadError(`not an artifact digest (sha256:<hex>): ${JSON.stringify(artifact.digest)}`);
  }
  const gpus = compute.gpuCount;
  if (!Number.isSafeInteger(gpus) || gpus < 1) {
    throw new GpuWorkloadError(`a GPU workload asks for at least one ${GPU_RESOURCE}, got ${gpus}`);
  }
  if (gpus > input.maxGpusPerPod) {
    throw new GpuWorkloadError(
      `a pod asks for ${gpus} ${GPU_RESOURCE}, above the cap of ${input.maxGpusPerPod}`,
    );
  }
  const selector = { [NAME_LABEL]: target.name };
  const labels = { ...selector, [MANAGED_BY_LABEL]: MANAGED_BY, [ENVIRONMENT_LABEL]: request.environment };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: target.name,
      namespace: target.namespace,
      labels,
      annotations: {
        [DIGEST_ANNOTATION]: artifact.digest,
        [DECISION_ANNOTATION]: artifact.decisionId,
        [DEPLOYMENT_ID_ANNOTATION]: deploymentId,
        [MODEL_PACKAGE_ANNOTATION]: artifact.modelPackageArn,
      },
    },
    spec: {
      replicas: compute.replicas,
      selector: { matchLabels: selector },
      strategy: { type: 'RollingUpdate', rollingUpdate: rollingUpdate(request.strategy) },
      // Each new pod must stay ready for the bake before the rollout counts it and goes on.
      minReadySeconds: request.strategy.bakeSeconds,
      // The API server wants the deadline above minReadySeconds; the contract lets a bake outlast it.
      progressDeadlineSeconds: Math.max(
        request.strategy.maxDurationSeconds,
        request.strategy.bakeSeconds + 1,
      ),
      template: {
        metadata: { labels, annotations: { [DIGEST_ANNOTATION]: artifact.digest } },
        spec: {
          automountServiceAccountToken: false,
          nodeSelector: {
            ...gpuNodeLabels(compute.gpuType),
            [INSTANCE_TYPE_LABEL]: compute.nodeInstanceType,
          },
          tolerations: [{ key: GPU_RESOURCE, operator: 'Exists', effect: 'NoSchedule' }],
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: CONTAINER,
              image: server.image,
              env: [
                { name: 'VERDICT_MODEL_PACKAGE_ARN', value: artifact.modelPackageArn },
                { name: 'VERDICT_MODEL_DIGEST', value: artifact.digest },
              ],
              ports: [{ name: 'http', containerPort: server.port }],
              resources: { limits: { [GPU_RESOURCE]: String(gpus) } },
              readinessProbe: {
                httpGet: { path: server.readinessPath, port: server.port },
                periodSeconds: 5,
                failureThreshold: 3,
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                capabilities: { drop: ['ALL'] },
              },
            },
          ],
        },
      },
    },
  };
}

/**
 * How many pods a step adds while none is taken away before its replacement is ready: a canary's first
 * step, a linear or rolling batch, or everything at once.
 */
export function rollingUpdate(strategy: RolloutStrategy): V1RollingUpdateDeployment {
  if (strategy.type === 'all-at-once') return { maxSurge: '100%', maxUnavailable: 0 };
  const { step } = strategy;
  return { maxSurge: step.unit === 'percent' ? `${step.value}%` : step.value, maxUnavailable: 0 };
}

/** `nvidia-l4` -> Karpenter's manufacturer and GPU name labels. Only NVIDIA has the `nvidia.com/gpu` plugin. */
export function gpuNodeLabels(gpuType: string): Record<string, string> {
  const match = /^nvidia-([a-z0-9]+(?:-[a-z0-9]+)*)$/.exec(gpuType);
  if (!match?.[1] || match[1].length > 63) {
    throw new GpuWorkloadError(`not an NVIDIA GPU type like nvidia-l4: ${JSON.stringify(gpuType)}`);
  }
  return { [GPU_MANUFACTURER_LABEL]: 'nvidia', [GPU_NAME_LABEL]: match[1] };
}

function checked(what: string, value: string, pattern: RegExp, maxLength = Number.POSITIVE_INFINITY): void {
  if (typeof value !== 'string' || value.length > maxLength || !pattern.test(value)) {
    throw new GpuWorkloadError(`not a valid ${what}: ${JSON.stringify(value)}`);
  }
}

/**
 * For a request with network isolation: a NetworkPolicy that denies the workload's pods all egress (the
 * model is in the image or mounted; nothing it computes can leave). Applied before the Deployment, so no pod
 * of an isolated workload runs without it. It names the deployment that applied it, so that rolling back a
 * create removes it only if that deployment is the one that put it there.
 */
export function egressDenyingNetworkPolicy(
  request: DeploymentRequest,
  deploymentId: string,
): V1NetworkPolicy {
  const { target } = request;
  if (target.kind !== 'eks') throw new GpuWorkloadError(`not an EKS target: ${target.kind}`);
  checked('namespace', target.namespace, LABEL, 63);
  checked('name', target.name, LABEL, 63);
  checked('deployment id', deploymentId, DEPLOYMENT_ID);
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name: egressDenyingNetworkPolicyName(target.name),
      namespace: target.namespace,
      labels: { [NAME_LABEL]: target.name, [MANAGED_BY_LABEL]: MANAGED_BY },
      annotations: { [DEPLOYMENT_ID_ANNOTATION]: deploymentId },
    },
    spec: {
      podSelector: { matchLabels: { [NAME_LABEL]: target.name } },
      policyTypes: ['Egress'],
      egress: [],
    },
  };
}

/** The name of the NetworkPolicy that isolates workload `name`. */
export function egressDenyingNetworkPolicyName(name: string): string {
  return `${name}-deny-egress`;
}
