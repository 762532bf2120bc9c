/**
 * What the EKS target's two kinds of workload (a Deployment, a KServe InferenceService) share: how one is
 * named, recorded for a rollback, checked when it is restored, and described to an approver.
 */
import type { V1ObjectMeta } from '@kubernetes/client-node';
import { GpuWorkloadError } from './deployment-errors.ts';

export interface Workload {
  readonly namespace: string;
  readonly name: string;
}

export interface WorkloadKind {
  readonly apiVersion: string;
  readonly kind: string;
  /** Annotations the API server and controllers keep: never recorded as part of a spec to restore. */
  readonly systemAnnotation: RegExp;
}

interface KubernetesResource {
  apiVersion?: string;
  kind?: string;
  metadata?: V1ObjectMeta;
  spec?: unknown;
}

export function workloadLabel({ namespace, name }: Workload): string {
  return `${namespace}/${name}`;
}

/** The running object as it can be applied again: `spec`, its labels and its own annotations. */
export function recordedResource<S>(current: KubernetesResource, kind: WorkloadKind, spec: S) {
  const annotations = Object.fromEntries(
    Object.entries(current.metadata?.annotations ?? {}).filter(([key]) => !kind.systemAnnotation.test(key)),
  );
  return {
    apiVersion: kind.apiVersion,
    kind: kind.kind,
    metadata: {
      name: current.metadata?.name,
      namespace: current.metadata?.namespace,
      labels: { ...current.metadata?.labels },
      annotations,
    },
    spec,
  };
}

/** The recorded previous spec, checked to be an object of this kind for the workload being rolled back. */
export function checkedPrevious<T extends KubernetesResource>(
  previousSpec: unknown,
  workload: Workload,
  kind: WorkloadKind,
  hasSpec: (previous: T) => boolean,
): T {
  const previous = previousSpec as T | null | undefined;
  const metadata = previous?.metadata;
  if (
    !previous ||
    previous.kind !== kind.kind ||
    previous.apiVersion !== kind.apiVersion ||
    metadata?.namespace !== workload.namespace ||
    metadata?.name !== workload.name ||
    !hasSpec(previous)
  ) {
    throw new GpuWorkloadError(`the recorded previous spec is not ${kind.kind} ${workloadLabel(workload)}`);
  }
  return previous;
}

/** What an apply would change, in words an approver reads: each named value that differs. */
export function describedChanges<K extends string>(
  before: Readonly<Record<K, string | undefined>>,
  after: Readonly<Record<K, string | undefined>>,
): string[] {
  const differences = (Object.keys(after) as K[])
    .filter((key) => before[key] !== after[key])
    .map((key) => `${key} ${before[key] ?? '(none)'} -> ${after[key] ?? '(none)'}`);
  return differences.length > 0 ? differences : ['no change to the model, image, GPUs or replicas'];
}
