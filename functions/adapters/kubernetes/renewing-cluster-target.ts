/**
 * A Kubernetes target whose connection is made on first use and made again before its credentials lapse:
 * an EKS access-entry token lives 14 minutes and a warm function outlives it. The calls go to the target the
 * connection built; a connection that failed is not kept, so the next call tries again.
 */
import type { DeploymentRequest } from '../../contracts/deployment-request.ts';
import type {
  AppliedDeployment,
  ApprovedArtifact,
  DeploymentObservation,
  DeploymentPlan,
  DeploymentTarget,
} from '../../ports/deployment-target.ts';

/** A connection is replaced this long before its credentials expire, so no call starts with them lapsing. */
const RENEW_BEFORE_EXPIRY_MS = 60_000;

export interface ClusterConnection {
  readonly target: DeploymentTarget;
  /** When the credentials lapse; undefined when they do not. */
  readonly expiresAt?: Date;
}

export class RenewingClusterTarget implements DeploymentTarget {
  readonly kind = 'eks' as const;
  #current?: { connection: Promise<ClusterConnection>; renewAt: number };

  constructor(
    readonly cluster: string,
    readonly pollIntervalMs: number,
    private readonly connect: () => Promise<ClusterConnection>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async plan(id: string, request: DeploymentRequest, artifact: ApprovedArtifact): Promise<DeploymentPlan> {
    return (await this.target()).plan(id, request, artifact);
  }

  async apply(
    plan: DeploymentPlan,
    request: DeploymentRequest,
    artifact: ApprovedArtifact,
  ): Promise<AppliedDeployment> {
    return (await this.target()).apply(plan, request, artifact);
  }

  async observe(applied: AppliedDeployment): Promise<DeploymentObservation> {
    return (await this.target()).observe(applied);
  }

  async promote(applied: AppliedDeployment): Promise<DeploymentObservation> {
    return (await this.target()).promote(applied);
  }

  async rollback(applied: AppliedDeployment, plan: DeploymentPlan): Promise<DeploymentObservation> {
    return (await this.target()).rollback(applied, plan);
  }

  async revoke(artifact: ApprovedArtifact, request: DeploymentRequest): Promise<DeploymentObservation> {
    return (await this.target()).revoke(artifact, request);
  }

  /** The target of a connection whose credentials are good for at least another minute. */
  async target(): Promise<DeploymentTarget> {
    let current = this.#current;
    if (!current || this.now().getTime() >= current.renewAt) {
      const fresh = { connection: this.connect(), renewAt: Number.POSITIVE_INFINITY };
      this.#current = current = fresh;
      try {
        const { expiresAt } = await fresh.connection;
        if (expiresAt) fresh.renewAt = expiresAt.getTime() - RENEW_BEFORE_EXPIRY_MS;
      } catch (error) {
        if (this.#current === fresh) this.#current = undefined;
        throw error;
      }
    }
    return (await current.connection).target;
  }
}
