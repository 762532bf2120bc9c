/**
 * Where an approved model runs: a SageMaker endpoint or an EKS GPU workload. Each step is one call that
 * returns: waiting for a rollout is the orchestration's job (events and callbacks), never a target's. Every
 * call is idempotent per deployment id, so a redelivered step does not apply twice.
 */
import type { DeploymentRequest } from '../contracts/deployment-request.ts';
import type { DeploymentStatus } from '../contracts/deployment-status.ts';

/** What a target needs to know about the approved artifact, resolved from the registry, not the request. */
export interface ApprovedArtifact {
  modelPackageArn: string;
  /** `sha256:<hex>` of the model artifact the allow decision was made for. */
  digest: string;
  /** The id of the ledger decision that allowed it (recorded on the workload, e.g. as a tag or annotation). */
  decisionId: string;
}

/** What apply would change, computed without changing anything. */
export interface DeploymentPlan {
  deploymentId: string;
  /** Does the target exist already (an update) or not (a create)? */
  action: 'create' | 'update';
  /** Human-readable changes, e.g. `instance type ml.m5.large -> ml.g5.xlarge`. */
  changes: string[];
  /** The spec running now, recorded so that a rollback can re-apply it; null for a create. */
  previousSpec: unknown;
  /**
   * The handle the rollout will have, when the target can name it before applying: an apply that failed
   * half-way is rolled back through it.
   */
  revision?: string;
}

/** The target's state, in the common vocabulary, with the target's own words for the audit trail. */
export interface DeploymentObservation {
  deploymentId: string;
  status: DeploymentStatus;
  /** The target's own status, e.g. `InService` or `Progressing=True`. */
  targetStatus: string;
  /** Why it is in this state, when the target says (an alarm name, a failure reason). */
  reason?: string;
  observedAt: string;
}

/** A reference to the rollout that the target started, for observe/promote/rollback. */
export interface AppliedDeployment {
  deploymentId: string;
  /** The target's handle, e.g. the endpoint config name or the Deployment's revision. */
  revision: string;
  status: DeploymentStatus;
}

export interface DeploymentTarget {
  /** Which requests this target runs. */
  readonly kind: DeploymentRequest['target']['kind'];
  /** The one cluster a Kubernetes target deploys to; requests naming another cluster go to another target. */
  readonly cluster?: string;
  /**
   * A target that sends no events of its own is observed this often while a rollout or a rollback runs
   * (through the bake timer: nothing waits in a loop). A target whose events report progress leaves it unset.
   */
  readonly pollIntervalMs?: number;
  plan(deploymentId: string, request: DeploymentRequest, artifact: ApprovedArtifact): Promise<DeploymentPlan>;
  /** Starts the rollout with the request's strategy; returns once the target accepted it. */
  apply(
    plan: DeploymentPlan,
    request: DeploymentRequest,
    artifact: ApprovedArtifact,
  ): Promise<AppliedDeployment>;
  observe(applied: AppliedDeployment): Promise<DeploymentObservation>;
  /** Ends the bake early and shifts all traffic to the new version. */
  promote(applied: AppliedDeployment): Promise<DeploymentObservation>;
  /** Restores `plan.previousSpec` (or removes a created workload). */
  rollback(applied: AppliedDeployment, plan: DeploymentPlan): Promise<DeploymentObservation>;
  /** Takes a model whose approval was revoked out of service and refuses it from then on. */
  revoke(artifact: ApprovedArtifact, request: DeploymentRequest): Promise<DeploymentObservation>;
}
