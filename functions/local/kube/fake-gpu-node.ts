/**
 * One simulated GPU node for the local control plane: a Node object labelled and tainted like the EKS GPU
 * node pool that gpu-deployment-manifest.ts selects, which kwok keeps Ready and whose pods kwok marks Running
 * and Ready once kube-scheduler binds them. No container runs: the node exists so that a GPU Deployment
 * really rolls out (scheduling, readiness, minReadySeconds, the rollout's conditions).
 */
import type { V1Node } from '@kubernetes/client-node';
import { GPU_RESOURCE } from '../../adapters/kubernetes/admission-policy.ts';
import { gpuNodeLabels, INSTANCE_TYPE_LABEL } from '../../adapters/kubernetes/gpu-deployment-manifest.ts';

export interface FakeGpuNodeOptions {
  /** Node name; default `gpu-node-1`. */
  readonly name?: string;
  /** As in a deployment request's compute, e.g. `nvidia-l4` (the default). */
  readonly gpuType?: string;
  /** As in a deployment request's compute, e.g. `g6.xlarge` (the default). */
  readonly instanceType?: string;
  /** `nvidia.com/gpu` capacity; default 4. */
  readonly gpus?: number;
}

/** The annotation that tells kwok to manage a node (`--manage-nodes-with-annotation-selector`). */
export const KWOK_NODE_ANNOTATION = 'kwok.x-k8s.io/node';
export const KWOK_NODE_SELECTOR = `${KWOK_NODE_ANNOTATION}=fake`;

export function fakeGpuNode(options: FakeGpuNodeOptions = {}): V1Node {
  const name = options.name ?? 'gpu-node-1';
  const gpus = options.gpus ?? 4;
  if (!Number.isSafeInteger(gpus) || gpus < 1) throw new RangeError(`a GPU node has at least 1 GPU: ${gpus}`);
  const resources = { cpu: '8', memory: '32Gi', pods: '110', [GPU_RESOURCE]: String(gpus) };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { [KWOK_NODE_ANNOTATION]: 'fake' },
      labels: {
        ...gpuNodeLabels(options.gpuType ?? 'nvidia-l4'),
        [INSTANCE_TYPE_LABEL]: options.instanceType ?? 'g6.xlarge',
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        type: 'kwok',
      },
    },
    // The EKS GPU node pool's taint; the workload tolerates it (key nvidia.com/gpu, Exists, NoSchedule).
    spec: { taints: [{ key: GPU_RESOURCE, value: 'true', effect: 'NoSchedule' }] },
    status: { capacity: resources, allocatable: resources },
  };
}

/**
 * kwok's configuration: the node and pod stages of kwok v0.8.0's `kustomize/stage/node/fast` and
 * `kustomize/stage/pod/fast` (Apache-2.0), without the Job completion stage. A standalone kwok has no
 * stages of its own. JSON is YAML, and kwok reads `---`-separated documents.
 */
export function kwokConfiguration(): string {
  return [NODE_INITIALIZE, POD_READY, POD_DELETE].map((stage) => JSON.stringify(stage)).join('\n---\n');
}

const NODE_INITIALIZE = stage('node-initialize', 'Node', {
  selector: {
    matchExpressions: [
      {
        key: '.status.conditions.[] | select( .type == "Ready" ) | .status',
        operator: 'NotIn',
        values: ['True'],
      },
    ],
  },
  next: {
    statusTemplate: [
      '{{ $now := Now }}',
      '{{ $lastTransitionTime := or .metadata.creationTimestamp $now }}',
      'conditions:',
      '{{ range NodeConditions }}',
      '- lastHeartbeatTime: {{ $now | Quote }}',
      '  lastTransitionTime: {{ $lastTransitionTime | Quote }}',
      '  message: {{ .message | Quote }}',
      '  reason: {{ .reason | Quote }}',
      '  status: {{ .status | Quote }}',
      '  type: {{ .type | Quote }}',
      '{{ end }}',
      'addresses:',
      '{{ with NodeIP }}',
      '- address: {{ . | Quote }}',
      '  type: InternalIP',
      '{{ end }}',
      'allocatable:',
      '{{ with .status.allocatable }}',
      '{{ YAML . 1 }}',
      '{{ end }}',
      'capacity:',
      '{{ with .status.capacity }}',
      '{{ YAML . 1 }}',
      '{{ end }}',
      'nodeInfo:',
      '  architecture: amd64',
      '  operatingSystem: linux',
      '  kubeletVersion: {{ printf "kwok-%s" Version }}',
      'phase: Running',
    ].join('\n'),
  },
});

const POD_READY = stage('pod-ready', 'Pod', {
  selector: {
    matchExpressions: [
      { key: '.metadata.deletionTimestamp', operator: 'DoesNotExist' },
      { key: '.status.phase', operator: 'In', values: ['Pending'] },
      {
        key: '.status.conditions.[] | select( .type == "Ready" ) | .status',
        operator: 'NotIn',
        values: ['True'],
      },
    ],
  },
  next: {
    statusTemplate: [
      '{{ $now := Now }}',
      'conditions:',
      '- lastTransitionTime: {{ $now | Quote }}',
      '  status: "True"',
      '  type: Initialized',
      '- lastTransitionTime: {{ $now | Quote }}',
      '  status: "True"',
      '  type: Ready',
      '- lastTransitionTime: {{ $now | Quote }}',
      '  status: "True"',
      '  type: ContainersReady',
      'containerStatuses:',
      '{{ range .spec.containers }}',
      '- image: {{ .image | Quote }}',
      '  name: {{ .name | Quote }}',
      '  ready: true',
      '  restartCount: 0',
      '  state:',
      '    running:',
      '      startedAt: {{ $now | Quote }}',
      '{{ end }}',
      '{{ $hostIPs := NodeIPsWith .spec.nodeName }}',
      '{{ with $hostIPs }}',
      'hostIP: {{ index . 0 | Quote }}',
      '{{ end }}',
      '{{ $podIPs := PodIPsWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) }}',
      '{{ with $podIPs }}',
      'podIP: {{ index . 0 | Quote }}',
      '{{ end }}',
      'phase: Running',
      'startTime: {{ $now | Quote }}',
    ].join('\n'),
  },
});

const POD_DELETE = stage('pod-delete', 'Pod', {
  selector: { matchExpressions: [{ key: '.metadata.deletionTimestamp', operator: 'Exists' }] },
  next: { delete: true },
});

function stage(name: string, kind: 'Node' | 'Pod', spec: Record<string, unknown>) {
  return {
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'Stage',
    metadata: { name },
    spec: { resourceRef: { apiGroup: 'v1', kind }, ...spec },
  };
}
