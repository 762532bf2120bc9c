/**
 * A test double of the DeploymentTarget port (not of AWS nor Kubernetes): an in-memory target that keeps one
 * workload per deployment, counts its calls, and can be told to fail or to report a status, so the saga's
 * steps can be driven through every path. Its calls are idempotent per deployment id, as the port asks.
 */
import type { DeploymentRequest } from '../../functions/contracts/deployment-request.ts';
import type { DeploymentStatus } from '../../functions/contracts/deployment-status.ts';
import type {
  AppliedDeployment,
  ApprovedArtifact,
  DeploymentObservation,
  DeploymentPlan,
  DeploymentTarget,
} from '../../functions/ports/deployment-target.ts';

type Call = 'plan' | 'apply' | 'observe' | 'promote' | 'rollback' | 'revoke';

export interface FakeWorkload {
  /** What serves: the new revision, the previous spec, or nothing. */
  serving: 'new' | 'previous' | 'none';
  status: DeploymentStatus;
}

export class FakeDeploymentTarget implements DeploymentTarget {
  readonly calls: { call: Call; deploymentId: string }[] = [];
  readonly workloads = new Map<string, FakeWorkload>();
  /** The status `apply` answers (the rollout it starts). */
  applyStatus: DeploymentStatus = 'baking';
  /** Calls that throw, with the message to throw. */
  readonly failing = new Map<Call, string>();
  /** What `observe` reports, when set; otherwise the workload's status. */
  observed?: { status: DeploymentStatus; targetStatus: string; reason?: string };
  /** Set to act as a target without events of its own (Kubernetes), observed this often. */
  pollIntervalMs?: number;
  /** The status `rollback` answers: `rolling-back` for a target that restores the previous version gradually. */
  rollbackStatus: DeploymentStatus = 'rolled-back';

  constructor(
    readonly kind: DeploymentRequest['target']['kind'] = 'sagemaker',
    readonly now: () => Date = () => new Date(),
    readonly cluster?: string,
  ) {}

  count(call: Call): number {
    return this.calls.filter((c) => c.call === call).length;
  }

  #enter(call: Call, deploymentId: string): void {
    this.calls.push({ call, deploymentId });
    const failure = this.failing.get(call);
    if (failure) throw new Error(failure);
  }

  #observation(deploymentId: string, status: DeploymentStatus, targetStatus: string): DeploymentObservation {
    return { deploymentId, status, targetStatus, observedAt: this.now().toISOString() };
  }

  async plan(deploymentId: string): Promise<DeploymentPlan> {
    this.#enter('plan', deploymentId);
    return {
      deploymentId,
      action: 'update',
      changes: ['model credit-scorer/2 -> credit-scorer/3'],
      previousSpec: { model: 2 },
    };
  }

  async apply(
    plan: DeploymentPlan,
    _request: DeploymentRequest,
    _artifact: ApprovedArtifact,
  ): Promise<AppliedDeployment> {
    this.#enter('apply', plan.deploymentId);
    this.workloads.set(plan.deploymentId, { serving: 'new', status: this.applyStatus });
    return {
      deploymentId: plan.deploymentId,
      revision: `rev-${plan.deploymentId.slice(0, 8)}`,
      status: this.applyStatus,
    };
  }

  async observe(applied: AppliedDeployment): Promise<DeploymentObservation> {
    this.#enter('observe', applied.deploymentId);
    if (this.observed)
      return {
        ...this.#observation(applied.deploymentId, this.observed.status, this.observed.targetStatus),
        ...(this.observed.reason ? { reason: this.observed.reason } : {}),
      };
    const workload = this.workloads.get(applied.deploymentId);
    return this.#observation(
      applied.deploymentId,
      workload?.status ?? 'failed',
      workload ? 'Updating' : 'NotFound',
    );
  }

  async promote(applied: AppliedDeployment): Promise<DeploymentObservation> {
    this.#enter('promote', applied.deploymentId);
    this.workloads.set(applied.deploymentId, { serving: 'new', status: 'promoted' });
    return this.#observation(applied.deploymentId, 'promoted', 'InService');
  }

  async rollback(applied: AppliedDeployment): Promise<DeploymentObservation> {
    this.#enter('rollback', applied.deploymentId);
    this.workloads.set(applied.deploymentId, { serving: 'previous', status: this.rollbackStatus });
    return this.#observation(applied.deploymentId, this.rollbackStatus, 'InService');
  }

  async revoke(artifact: ApprovedArtifact): Promise<DeploymentObservation> {
    this.#enter('revoke', artifact.modelPackageArn);
    for (const [id, workload] of this.workloads) {
      if (workload.serving === 'new') this.workloads.set(id, { serving: 'none', status: 'revoked' });
    }
    return this.#observation(artifact.modelPackageArn, 'revoked', 'Deleting');
  }
}
