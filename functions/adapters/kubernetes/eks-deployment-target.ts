/**
 * The EKS target of the DeploymentTarget port: an approved model runs as a GPU Deployment (see
 * gpu-deployment-manifest.ts) in one cluster, written with server-side apply under Verdict's field manager,
 * so that applying the same deployment twice changes nothing. Before the apply, the artifact digest is
 * approved in the admission policy's parameter ConfigMap: the API server itself refuses any Deployment
 * whose digest that ConfigMap does not approve, so a workload Verdict did not approve cannot run, even when
 * applied by someone else.
 *
 * A rollback re-applies the spec the plan recorded (or deletes the Deployment the deployment created, and the
 * NetworkPolicy it applied). A revocation marks the digest revoked (from then on the API server refuses
 * changes to its workloads) and scales every Deployment running it, in each namespace the target governs, to
 * zero through the scale subresource, which the policy lets scale down only.
 *
 * Where the cluster serves KServe's InferenceService API (found once per target through API discovery), the
 * model runs as an InferenceService instead (inference-service-manifest.ts, inference-service-workload.ts),
 * under the same approval and the same admission policy; option `workload` forces either kind.
 *
 * The plan records the Deployment running before the apply; it is recorded once (in the ledger) before the
 * apply, since planning again afterwards would record the new spec as the previous one.
 */
import {
  AppsV1Api,
  CoreV1Api,
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  NetworkingV1Api,
  PatchStrategy,
  setHeaderOptions,
  type V1Deployment,
  type V1NetworkPolicy,
} from '@kubernetes/client-node';
import type { DeploymentRequest } from '../../contracts/deployment-request.ts';
import type { DeploymentStatus } from '../../contracts/deployment-status.ts';
import type {
  AppliedDeployment,
  ApprovedArtifact,
  DeploymentObservation,
  DeploymentPlan,
  DeploymentTarget,
} from '../../ports/deployment-target.ts';
import { GPU_RESOURCE } from './admission-policy.ts';
import { kubernetesApiStatus } from './api-status.ts';
import {
  ConfigMapDigestApprovals,
  type DigestApprovals,
  type ParameterConfigMap,
} from './approved-digest-configmap.ts';
import { clusterFailure } from './cluster-failure.ts';
import { DeploymentRefusedError, GpuWorkloadError } from './deployment-errors.ts';
import { deploymentStatusFromKubernetes, type KubernetesObservation } from './deployment-status-mapping.ts';
import {
  DEPLOYMENT_ID_ANNOTATION,
  DIGEST_ANNOTATION,
  egressDenyingNetworkPolicy,
  egressDenyingNetworkPolicyName,
  GPU_NAME_LABEL,
  gpuDeploymentManifest,
  INSTANCE_TYPE_LABEL,
  type ModelServer,
} from './gpu-deployment-manifest.ts';
import { type InferenceService, inferenceServiceManifest } from './inference-service-manifest.ts';
import {
  InferenceServiceWorkloads,
  failure as inferenceServiceFailure,
  inferenceServiceOfRevision,
  inferenceServiceRevision,
  isInferenceServiceRevision,
  restoredStatus,
} from './inference-service-workload.ts';
import { inferenceServiceApiAvailable } from './kserve-detection.ts';
import {
  checkedPrevious,
  describedChanges,
  recordedResource,
  type Workload,
  type WorkloadKind as WorkloadSpecKind,
  workloadLabel,
} from './workload-spec.ts';

/** Verdict's field manager: the owner of the fields it applies. */
export const FIELD_MANAGER = 'verdict';
/** How long an approval may take to reach the API server's admission cache. */
const APPROVAL_PROPAGATION_MS = 15_000;
/** Annotations the API server and controllers keep are never recorded as part of a spec to restore. */
const DEPLOYMENT: WorkloadSpecKind = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  systemAnnotation: /^(deployment\.kubernetes\.io\/|kubectl\.kubernetes\.io\/)/,
};

export interface EksDeploymentTargetOptions {
  /** The EKS cluster this target deploys to (requests for another cluster are refused). */
  readonly clusterName: string;
  /** Authenticated as Verdict's deployer (see eks-authentication.ts). */
  readonly kubeConfig: KubeConfig;
  readonly server: ModelServer;
  /** The admission policy's parameter ConfigMap. */
  readonly parameters: ParameterConfigMap;
  /**
   * Namespaces whose Deployments a revocation scales to zero (with the request's namespace, which is always
   * searched). Defaults to the request's namespace alone; list every namespace the admission policy binds.
   */
  readonly governedNamespaces?: readonly string[];
  /** Where approvals are written; defaults to the parameter ConfigMap. */
  readonly approvals?: DigestApprovals;
  /**
   * What runs the model: an InferenceService where the cluster serves KServe's API and a Deployment
   * elsewhere (`auto`, the default), or always one kind.
   */
  readonly workload?: WorkloadOption;
  /** How often the saga looks at a rollout in progress; default 10 s. */
  readonly pollIntervalMs?: number;
  readonly now?: () => Date;
}

/** A look every 10 s: a rollout step's readiness is seconds, and each look is one GET. */
export const DEFAULT_POLL_INTERVAL_MS = 10_000;

export type WorkloadOption = 'auto' | 'deployment' | 'inference-service';
type WorkloadKind = Exclude<WorkloadOption, 'auto'>;

export class EksDeploymentTarget implements DeploymentTarget {
  readonly kind = 'eks' as const;
  readonly cluster: string;
  readonly pollIntervalMs: number;
  /** The API server it talks to, e.g. `https://ABCD.gr7.eu-west-1.eks.amazonaws.com`. */
  readonly apiServer: string;
  private readonly apps: AppsV1Api;
  private readonly networking: NetworkingV1Api;
  private readonly objects: KubernetesObjectApi;
  private readonly approvals: DigestApprovals;
  private readonly inferenceServices: InferenceServiceWorkloads;
  private readonly now: () => Date;
  private kserveServed?: Promise<boolean>;

  constructor(private readonly options: EksDeploymentTargetOptions) {
    this.cluster = options.clusterName;
    this.apiServer = options.kubeConfig.getCurrentCluster()?.server ?? '';
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    this.apps = options.kubeConfig.makeApiClient(AppsV1Api);
    this.networking = options.kubeConfig.makeApiClient(NetworkingV1Api);
    this.objects = KubernetesObjectApi.makeApiClient(options.kubeConfig);
    this.inferenceServices = new InferenceServiceWorkloads(options.kubeConfig, FIELD_MANAGER);
    this.approvals =
      options.approvals ??
      new ConfigMapDigestApprovals(options.kubeConfig.makeApiClient(CoreV1Api), options.parameters);
    this.now = options.now ?? (() => new Date());
  }

  async plan(
    deploymentId: string,
    request: DeploymentRequest,
    artifact: ApprovedArtifact,
  ): Promise<DeploymentPlan> {
    const workload = this.workloadOf(request);
    const input = await this.input(deploymentId, request, artifact);
    if ((await this.workloadKind()) === 'inference-service') {
      const service = inferenceServiceManifest(input);
      return this.inferenceServices.plan(deploymentId, workload, service, artifact.digest);
    }
    const manifest = gpuDeploymentManifest(input);
    const current = await this.read(workload);
    if (!current) {
      return {
        deploymentId,
        action: 'create',
        changes: [`create Deployment ${workloadLabel(workload)} running ${artifact.digest}`],
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

  async apply(
    plan: DeploymentPlan,
    request: DeploymentRequest,
    artifact: ApprovedArtifact,
  ): Promise<AppliedDeployment> {
    const workload = this.workloadOf(request);
    const input = await this.input(plan.deploymentId, request, artifact);
    const kind = await this.workloadKind();
    const manifest: KubernetesObject =
      kind === 'inference-service' ? inferenceServiceManifest(input) : gpuDeploymentManifest(input);
    const approvedNow = await this.approvals.approve(artifact.digest);
    if (request.networkIsolation) {
      const policy = egressDenyingNetworkPolicy(request, plan.deploymentId);
      await this.call(workload, () =>
        this.objects.patch(policy, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply),
      );
    }
    const applied = await this.applyOnceApproved(workload, manifest, artifact.digest, approvedNow, kind);
    const revision =
      kind === 'inference-service'
        ? inferenceServiceRevision(applied as InferenceService)
        : revisionOf(applied as V1Deployment);
    return { deploymentId: plan.deploymentId, revision, status: 'applying' };
  }

  async observe(applied: AppliedDeployment): Promise<DeploymentObservation> {
    const service = inferenceServiceOf(applied.revision);
    if (service) return this.observed(applied, await this.inferenceServices.observe(applied, service));
    const workload = workloadOfRevision(applied.revision);
    const current = await this.read(workload);
    if (!current) {
      const restoring = applied.status === 'rolling-back' || applied.status === 'rolled-back';
      return restoring
        ? this.observation(applied.deploymentId, 'rolled-back', 'Deleted')
        : this.observation(
            applied.deploymentId,
            'failed',
            'NotFound',
            `Deployment ${workloadLabel(workload)} no longer exists`,
          );
    }
    const runs = current.metadata?.annotations?.[DEPLOYMENT_ID_ANNOTATION];
    const restoring = applied.status === 'rolling-back' || applied.status === 'rolled-back';
    if (runs !== applied.deploymentId && !restoring && applied.status !== 'revoked') {
      return this.observation(
        applied.deploymentId,
        'failed',
        'Superseded',
        `Deployment ${workloadLabel(workload)} now runs deployment ${runs ?? '(none)'}`,
      );
    }
    const { status, targetStatus, reason } = deploymentStatusFromKubernetes(current, applied.status);
    return this.observation(applied.deploymentId, status, targetStatus, reason);
  }

  /** A rolling update has no traffic split to end: promoting ends the per-pod bake (`minReadySeconds`). */
  async promote(applied: AppliedDeployment): Promise<DeploymentObservation> {
    const service = inferenceServiceOf(applied.revision);
    if (service) return this.observed(applied, await this.inferenceServices.promote(applied, service));
    const workload = workloadOfRevision(applied.revision);
    const current = await this.read(workload);
    if (current?.spec?.minReadySeconds) {
      await this.call(workload, () =>
        this.apps.patchNamespacedDeployment(
          { ...workload, body: { spec: { minReadySeconds: 0 } }, fieldManager: FIELD_MANAGER },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        ),
      );
    }
    return this.observe(applied);
  }

  async rollback(applied: AppliedDeployment, plan: DeploymentPlan): Promise<DeploymentObservation> {
    const service = inferenceServiceOf(applied.revision);
    if (service) {
      const outcome = await this.inferenceServices.rollback(applied, plan, service);
      if ('done' in outcome) {
        if (outcome.done.status === 'rolled-back') {
          await this.deleteNetworkPolicyOf(service, applied.deploymentId);
        }
        return this.observed(applied, outcome.done);
      }
      const restored = await this.serverSideApply(service, outcome.restore, 'inference-service');
      return this.observed(applied, restoredStatus(restored as InferenceService));
    }
    const workload = workloadOfRevision(applied.revision);
    if (plan.previousSpec === null || plan.previousSpec === undefined) {
      const current = await this.read(workload);
      if (current && current.metadata?.annotations?.[DEPLOYMENT_ID_ANNOTATION] !== applied.deploymentId) {
        return this.observation(
          applied.deploymentId,
          'failed',
          'Superseded',
          `Deployment ${workloadLabel(workload)} runs another deployment: not deleted`,
        );
      }
      if (current)
        await this.call(workload, () =>
          this.apps.deleteNamespacedDeployment({ ...workload, propagationPolicy: 'Background' }),
        );
      await this.deleteNetworkPolicyOf(workload, applied.deploymentId);
      return this.observation(applied.deploymentId, 'rolled-back', 'Deleted');
    }
    const previous = previousDeployment(plan.previousSpec, workload);
    const restored = (await this.serverSideApply(workload, previous, 'deployment')) as V1Deployment;
    const { status, targetStatus, reason } = deploymentStatusFromKubernetes(restored, 'rolling-back');
    return this.observation(applied.deploymentId, status, targetStatus, reason);
  }

  async revoke(artifact: ApprovedArtifact, request: DeploymentRequest): Promise<DeploymentObservation> {
    const workload = this.workloadOf(request);
    await this.approvals.revoke(artifact.digest);
    const namespaces = [...new Set([workload.namespace, ...(this.options.governedNamespaces ?? [])])];
    const running: Workload[] = [];
    let deploymentId: string | undefined;
    for (const namespace of namespaces) {
      const { items } = await this.call({ namespace, name: '*' }, () =>
        this.apps.listNamespacedDeployment({ namespace }),
      );
      for (const item of items) {
        if (item.metadata?.annotations?.[DIGEST_ANNOTATION] !== artifact.digest) continue;
        const found = { namespace, name: item.metadata?.name as string };
        running.push(found);
        if (namespace === workload.namespace && found.name === workload.name) {
          deploymentId = item.metadata?.annotations?.[DEPLOYMENT_ID_ANNOTATION];
        }
      }
    }
    for (const found of running) {
      await this.call(found, () =>
        this.apps.patchNamespacedDeploymentScale(
          { ...found, body: { spec: { replicas: 0 } }, fieldManager: FIELD_MANAGER },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        ),
      );
    }
    const deleted: Workload[] = [];
    // Whatever kind this target applies, a revocation reaches every InferenceService running the digest.
    if (await this.kserveIsServed()) {
      for (const namespace of namespaces) {
        for (const found of await this.inferenceServices.running(namespace, artifact.digest)) {
          await this.inferenceServices.delete(found);
          deleted.push(found);
          if (namespace === workload.namespace && found.name === workload.name) {
            deploymentId = found.deploymentId;
          }
        }
      }
    }
    const names = running.map(workloadLabel).join(', ') || 'none';
    const services =
      deleted.length > 0 ? ` InferenceServices deleted (${deleted.map(workloadLabel).join(', ')})` : '';
    return this.observation(
      deploymentId ?? artifact.decisionId,
      'revoked',
      `Revoked replicas=0 (${names})${services}`,
      `artifact digest ${artifact.digest} is revoked`,
    );
  }

  /** Deletes the workload's NetworkPolicy if `deploymentId` applied it; one another deployment applied stays. */
  private async deleteNetworkPolicyOf(workload: Workload, deploymentId: string): Promise<void> {
    const name = egressDenyingNetworkPolicyName(workload.name);
    let policy: V1NetworkPolicy;
    try {
      policy = await this.networking.readNamespacedNetworkPolicy({ namespace: workload.namespace, name });
    } catch (error) {
      if (kubernetesApiStatus(error)?.code === 404) return;
      throw failure(error, workload);
    }
    if (policy.metadata?.annotations?.[DEPLOYMENT_ID_ANNOTATION] !== deploymentId) return;
    await this.call(workload, () =>
      this.networking.deleteNamespacedNetworkPolicy({
        namespace: workload.namespace,
        name,
        body: { preconditions: { uid: policy.metadata?.uid } },
      }),
    );
  }

  private async input(deploymentId: string, request: DeploymentRequest, artifact: ApprovedArtifact) {
    return {
      deploymentId,
      request,
      artifact,
      server: this.options.server,
      maxGpusPerPod: await this.approvals.maxGpusPerPod(),
    };
  }

  /** Which kind of workload this target applies, found once. */
  private async workloadKind(): Promise<WorkloadKind> {
    const option = this.options.workload ?? 'auto';
    if (option === 'deployment') return 'deployment';
    const served = await this.kserveIsServed();
    if (option === 'inference-service' && !served) {
      throw new GpuWorkloadError(
        `cluster ${this.options.clusterName} serves no serving.kserve.io/v1beta1 InferenceService API`,
      );
    }
    return served ? 'inference-service' : 'deployment';
  }

  private kserveIsServed(): Promise<boolean> {
    this.kserveServed ??= inferenceServiceApiAvailable(this.options.kubeConfig).catch((error: unknown) => {
      this.kserveServed = undefined;
      throw clusterFailure(error, 'API discovery of serving.kserve.io');
    });
    return this.kserveServed;
  }

  private observed(applied: AppliedDeployment, observation: KubernetesObservation): DeploymentObservation {
    return this.observation(
      applied.deploymentId,
      observation.status,
      observation.targetStatus,
      observation.reason,
    );
  }

  private workloadOf(request: DeploymentRequest): Workload {
    const { target } = request;
    if (target.kind !== 'eks') throw new GpuWorkloadError(`not an EKS target: ${target.kind}`);
    if (target.cluster !== this.options.clusterName) {
      throw new GpuWorkloadError(
        `this target deploys to cluster ${this.options.clusterName}, not ${target.cluster}`,
      );
    }
    return { namespace: target.namespace, name: target.name };
  }

  private async read(workload: Workload): Promise<V1Deployment | undefined> {
    try {
      return await this.apps.readNamespacedDeployment(workload);
    } catch (error) {
      if (kubernetesApiStatus(error)?.code === 404) return undefined;
      throw failure(error, workload);
    }
  }

  /**
   * The API server reads the parameter ConfigMap through a cache: right after an approval is written, an
   * apply can still be refused as "not approved". Only that refusal, only after this call wrote the approval,
   * is tried again, for a few seconds; every other refusal stands.
   */
  private async applyOnceApproved(
    workload: Workload,
    manifest: KubernetesObject,
    digest: string,
    approvedNow: boolean,
    kind: WorkloadKind,
  ): Promise<KubernetesObject> {
    const deadline = Date.now() + APPROVAL_PROPAGATION_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.serverSideApply(workload, manifest, kind);
      } catch (error) {
        const stale =
          approvedNow &&
          error instanceof DeploymentRefusedError &&
          error.reason.includes(`${digest} is not approved`) &&
          Date.now() < deadline;
        if (!stale) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.min(100 * attempt, 1_000)));
      }
    }
  }

  private async serverSideApply(
    workload: Workload,
    manifest: KubernetesObject,
    kind: WorkloadKind,
  ): Promise<KubernetesObject> {
    try {
      return await this.objects.patch(
        manifest,
        undefined,
        undefined,
        FIELD_MANAGER,
        true,
        PatchStrategy.ServerSideApply,
      );
    } catch (error) {
      throw kind === 'inference-service'
        ? inferenceServiceFailure(error, workload)
        : failure(error, workload);
    }
  }

  private async call<T>(workload: Workload, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw failure(error, workload);
    }
  }

  private observation(
    deploymentId: string,
    status: DeploymentStatus,
    targetStatus: string,
    reason?: string,
  ): DeploymentObservation {
    return {
      deploymentId,
      status,
      targetStatus,
      ...(reason ? { reason } : {}),
      observedAt: this.now().toISOString(),
    };
  }
}

/** The API server's refusal (403 from RBAC or the admission policy, 422 invalid) or an unreachable cluster. */
function failure(error: unknown, workload: Workload): Error {
  return clusterFailure(error, `Deployment ${workloadLabel(workload)}`);
}

/** The InferenceService a revision names; a revision that starts like one but does not parse is refused. */
function inferenceServiceOf(revision: string): Workload | undefined {
  if (!isInferenceServiceRevision(revision)) return undefined;
  const service = inferenceServiceOfRevision(revision);
  if (!service) throw new GpuWorkloadError(`not a revision of an EKS InferenceService: ${revision}`);
  return service;
}

/** `namespace/name@generation`: what observe, promote and rollback find the workload by. */
function revisionOf(deployment: V1Deployment): string {
  const { namespace, name, generation } = deployment.metadata ?? {};
  return `${namespace}/${name}@${generation ?? 0}`;
}

function workloadOfRevision(revision: string): Workload {
  const match = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-a-z0-9]*[a-z0-9])?)@\d+$/.exec(revision);
  if (!match?.[1] || !match[3])
    throw new GpuWorkloadError(`not a revision of an EKS Deployment: ${revision}`);
  return { namespace: match[1], name: match[3] };
}

/** The running Deployment as it can be applied again: its spec, labels and annotations, nothing the server owns. */
function recorded(current: V1Deployment): V1Deployment {
  const spec = JSON.parse(JSON.stringify(current.spec ?? {})) as NonNullable<V1Deployment['spec']>;
  if (spec.template.metadata) delete spec.template.metadata.creationTimestamp;
  return recordedResource(current, DEPLOYMENT, spec);
}

/** The recorded spec, checked to be a Deployment of the workload being rolled back. */
function previousDeployment(previousSpec: unknown, workload: Workload): V1Deployment {
  return checkedPrevious<V1Deployment>(
    previousSpec,
    workload,
    DEPLOYMENT,
    (previous) => typeof previous.spec === 'object',
  );
}

/** What an apply would change, in words an approver reads. */
function changes(current: V1Deployment, next: V1Deployment): string[] {
  const read = (deployment: V1Deployment) => {
    const pod = deployment.spec?.template.spec;
    const container = pod?.containers[0];
    return {
      'model digest': deployment.metadata?.annotations?.[DIGEST_ANNOTATION],
      image: container?.image,
      [GPU_RESOURCE]: container?.resources?.limits?.[GPU_RESOURCE],
      'GPU type': pod?.nodeSelector?.[GPU_NAME_LABEL],
      'instance type': pod?.nodeSelector?.[INSTANCE_TYPE_LABEL],
      replicas: deployment.spec?.replicas === undefined ? undefined : String(deployment.spec.replicas),
    };
  };
  return describedChanges(read(current), read(next));
}
