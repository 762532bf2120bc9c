/**
 * The EKS target's steps on a KServe InferenceService (where the cluster serves the API): read, plan,
 * observe, promote (end the canary split), roll back (re-apply the recorded spec, or delete what the
 * deployment created) and find and delete every InferenceService running a revoked digest. Approvals and
 * the apply itself stay with the target (eks-deployment-target.ts), which is shared with Deployments.
 *
 * A revocation deletes the InferenceService rather than scaling it down: KServe reads `maxReplicas: 0` as "no
 * upper bound" and `minReplicas: 0` as scale-to-zero, which the next request scales up again, so only a
 * deletion takes the model out of service. The admission policy then refuses any InferenceService that
 * brings the revoked digest back.
 */
import { CustomObjectsApi, type KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { DeploymentStatus } from '../../contracts/deployment-status.ts';
import type { AppliedDeployment, DeploymentPlan } from '../../ports/deployment-target.ts';
import { GPU_RESOURCE } from './admission-policy.ts';
import { kubernetesApiStatus } from './api-status.ts';
import { clusterFailure } from './cluster-failure.ts';
import type { KubernetesObservation } from './deployment-status-mapping.ts';
import {
  DEPLOYMENT_ID_ANNOTATION,
  DIGEST_ANNOTATION,
  GPU_NAME_LABEL,
  INSTANCE_TYPE_LABEL,
} from './gpu-deployment-manifest.ts';
import {
  INFERENCE_SERVICE_API_VERSION,
  INFERENCE_SERVICE_KIND,
  type InferenceService,
} from './inference-service-manifest.ts';
import { deploymentStatusFromInferenceService } from './inference-service-status-mapping.ts';
import { INFERENCE_SERVICES, KSERVE_GROUP } from './kserve-detection.ts';
import {
  checkedPrevious,
  describedChanges,
  recordedResource,
  type Workload,
  type WorkloadKind,
  workloadLabel,
} from './workload-spec.ts';

const VERSION = 'v1beta1';
const REVISION = /^inferenceservice\/([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-a-z0-9]*[a-z0-9])?)@\d+$/;
/** Annotations KServe and kubectl keep are never recorded as part of a spec to restore. */
const INFERENCE_SERVICE: WorkloadKind = {
  apiVersion: INFERENCE_SERVICE_API_VERSION,
  kind: INFERENCE_SERVICE_KIND,
  systemAnnotation: /^(serving\.kserve\.io\/|kubectl\.kubernetes\.io\/)/,
};

export class InferenceServiceWorkloads {
  private readonly custom: CustomObjectsApi;

  constructor(
    kubeConfig: KubeConfig,
    private readonly fieldManager: string,
  ) {
    this.custom = kubeConfig.makeApiClient(CustomObjectsApi);
  }

  async read(workload: Workload): Promise<InferenceService | undefined> {
    try {
      return (await this.custom.getNamespacedCustomObject(this.path(workload))) as InferenceService;
    } catch (error) {
      if (kubernetesApiStatus(error)?.code === 404) return undefined;
      throw failure(error, workload);
    }
  }

  async plan(
    deploymentId: string,
    workload: Workload,
    manifest: InferenceService,
    digest: string,
  ): Promise<DeploymentPlan> {
    const current = await this.read(workload);
    if (!current) {
      return {
        deploymentId,
        action: 'create',
        changes: [`create InferenceService ${workloadLabel(workload)} running ${digest}`],
        previousSpec: null,
      };
    }
    return {
      deploymentId,
      action: 'update',
      changes: changes(current, manifest),
      previousSpec: recorded(current),
    };
  }

  async observe(applied: AppliedDeployment, workload: Workload): Promise<KubernetesObservation> {
    const current = await this.read(workload);
    const restoring = applied.status === 'rolling-back' || applied.status === 'rolled-back';
    if (!current) {
      if (restoring) return { status: 'rolled-back', targetStatus: 'Deleted' };
      if (applied.status === 'revoked') return { status: 'revoked', targetStatus: 'Deleted' };
      return {
        status: 'failed',
        targetStatus: 'NotFound',
        reason: `InferenceService ${workloadLabel(workload)} no longer exists`,
      };
    }
    const runs = current.metadata?.annotations?.[DEPLOYMENT_ID_ANNOTATION];
    if (runs !== applied.deploymentId && !restoring && applied.status !== 'revoked') {
      return {
        status: 'failed',
        targetStatus: 'Superseded',
        reason: `InferenceService ${workloadLabel(workload)} now runs deployment ${runs ?? '(none)'}`,
      };
    }
    return deploymentStatusFromInferenceService(current, applied.status);
  }

  /** Ends a canary split: without `canaryTrafficPercent`, KServe sends all traffic to the latest ready revision. */
  async promote(applied: AppliedDeployment, workload: Workload): Promise<KubernetesObservation> {
    const current = await this.read(workload);
    if (current?.spec?.predictor?.canaryTrafficPercent !== undefined) {
      await this.call(workload, () =>
        this.custom.patchNamespacedCustomObject(
          {
            ...this.path(workload),
            body: { spec: { predictor: { canaryTrafficPercent: null } } },
            fieldManager: this.fieldManager,
          },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        ),
      );
    }
    return this.observe(applied, workload);
  }

  /**
   * Deletes the InferenceService the deployment created (one another deployment applied since stays), or
   * returns the recorded previous spec, checked, for the target to apply again.
   */
  async rollback(
    applied: AppliedDeployment,
    plan: DeploymentPlan,
    workload: Workload,
  ): Promise<{ restore: InferenceService } | { done: KubernetesObservation }> {
    if (plan.previousSpec !== null && plan.previousSpec !== undefined) {
      return { restore: previousInferenceService(plan.previousSpec, workload) };
    }
    const current = await this.read(workload);
    if (current && current.metadata?.annotations?.[DEPLOYMENT_ID_ANNOTATION] !== applied.deploymentId) {
      return {
        done: {
          status: 'failed',
          targetStatus: 'Superseded',
          reason: `InferenceService ${workloadLabel(workload)} runs another deployment: not deleted`,
        },
      };
    }
    if (current) await this.delete(workload);
    return { done: { status: 'rolled-back', targetStatus: 'Deleted' } };
  }

  /** The InferenceServices in `namespace` whose digest annotation is `digest`, with the deployment each runs. */
  async running(namespace: string, digest: string): Promise<(Workload & { deploymentId?: string })[]> {
    const list = (await this.call({ namespace, name: '*' }, () =>
      this.custom.listNamespacedCustomObject({
        group: KSERVE_GROUP,
        version: VERSION,
        namespace,
        plural: INFERENCE_SERVICES,
      }),
    )) as { items?: InferenceService[] };
    return (list.items ?? [])
      .filter((item) => item.metadata?.annotations?.[DIGEST_ANNOTATION] === digest)
      .map((item) => ({
        namespace,
        name: item.metadata?.name as string,
        deploymentId: item.metadata?.annotations?.[DEPLOYMENT_ID_ANNOTATION],
      }));
  }

  async delete(workload: Workload): Promise<void> {
    try {
      await this.custom.deleteNamespacedCustomObject({
        ...this.path(workload),
        propagationPolicy: 'Background',
      });
    } catch (error) {
      if (kubernetesApiStatus(error)?.code === 404) return;
      throw failure(error, workload);
    }
  }

  private path(workload: Workload) {
    return { group: KSERVE_GROUP, version: VERSION, plural: INFERENCE_SERVICES, ...workload };
  }

  private async call<T>(workload: Workload, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw failure(error, workload);
    }
  }
}

export function failure(error: unknown, workload: Workload): Error {
  return clusterFailure(error, `InferenceService ${workloadLabel(workload)}`);
}

/** `inferenceservice/namespace/name@generation`: what observe, promote and rollback find the service by. */
export function inferenceServiceRevision(service: InferenceService): string {
  const { namespace, name, generation } = service.metadata ?? {};
  return `inferenceservice/${namespace}/${name}@${generation ?? 0}`;
}

/** The workload a revision names, or undefined if it does not name an InferenceService. */
export function inferenceServiceOfRevision(revision: string): Workload | undefined {
  const match = REVISION.exec(revision);
  if (!match?.[1] || !match[3]) return undefined;
  return { namespace: match[1], name: match[3] };
}

export function isInferenceServiceRevision(revision: string): boolean {
  return revision.startsWith('inferenceservice/');
}

/** Where a rollback of an update stands right after the recorded spec was applied again. */
export function restoredStatus(restored: InferenceService): KubernetesObservation {
  return deploymentStatusFromInferenceService(restored, 'rolling-back' satisfies DeploymentStatus);
}

/** The running InferenceService as it can be applied again: its spec, labels and annotations. */
function recorded(current: InferenceService): InferenceService {
  return recordedResource(current, INFERENCE_SERVICE, JSON.parse(JSON.stringify(current.spec ?? {})));
}

function previousInferenceService(previousSpec: unknown, workload: Workload): InferenceService {
  return checkedPrevious<InferenceService>(
    previousSpec,
    workload,
    INFERENCE_SERVICE,
    (previous) => typeof previous.spec?.predictor === 'object',
  );
}

/** What an apply would change, in words an approver reads. */
function changes(current: InferenceService, next: InferenceService): string[] {
  const read = (service: InferenceService) => {
    const predictor = service.spec?.predictor;
    const container = predictor?.containers?.[0];
    const count = (value: number | undefined) => (value === undefined ? undefined : String(value));
    return {
      'model digest': service.metadata?.annotations?.[DIGEST_ANNOTATION],
      image: container?.image,
      [GPU_RESOURCE]: container?.resources?.limits?.[GPU_RESOURCE],
      'GPU type': predictor?.nodeSelector?.[GPU_NAME_LABEL],
      'instance type': predictor?.nodeSelector?.[INSTANCE_TYPE_LABEL],
      'min replicas': count(predictor?.minReplicas),
      'max replicas': count(predictor?.maxReplicas),
      'canary traffic %': count(predictor?.canaryTrafficPercent),
    };
  };
  return describedChanges(read(current), read(next));
}
