/**
 * Where the orchestration keeps each deployment's current record. Writes are compare-and-set on the record's
 * version (optimistic concurrency): two steps that read the same version cannot both write. It also keeps one
 * claim per target, strongly consistent, so that one rollout at a time runs there whatever the listings say.
 */
import type { Deployment } from '../contracts/deployment.ts';
import { deploymentTargetName } from '../contracts/deployment-request.ts';
import type { DeploymentStatus } from '../contracts/deployment-status.ts';

export interface DeploymentFilter {
  /** Only deployments of the artifact this model-registry decision approved. */
  decisionId?: string;
  /** Only deployments to this target, named as `deploymentTargetName` names it (`sagemaker:ENDPOINT`). */
  target?: string;
  statuses?: readonly DeploymentStatus[];
}

export interface DeploymentPage {
  deployments: Deployment[];
  /** Opaque; pass back to get the next page. Absent on the last page. */
  nextCursor?: string;
}

export interface DeploymentStore {
  get(id: string): Promise<Deployment | undefined>;
  /**
   * Writes `next` (whose version is `expectedVersion + 1`) if the stored record is at `expectedVersion`, or
   * is absent and `expectedVersion` is 0. Throws DeploymentVersionConflictError otherwise.
   */
  put(next: Deployment, expectedVersion: number): Promise<void>;
  /** Oldest request first. */
  list(options?: { filter?: DeploymentFilter; limit?: number; cursor?: string }): Promise<DeploymentPage>;
  /**
   * Claims the target for the deployment: true if the target was free or is held by that deployment already
   * (or by `takeOverFrom`, whose claim it then takes over), false if another deployment holds it. Atomic: of
   * two concurrent claims of a free target, one wins.
   */
  claimTarget(target: string, deploymentId: string, takeOverFrom?: string): Promise<boolean>;
  /** The deployment that holds the target's claim, read consistently; undefined when the target is free. */
  targetHolder(target: string): Promise<string | undefined>;
  /** Frees the target if the deployment holds it; does nothing otherwise (another took it over). */
  releaseTarget(target: string, deploymentId: string): Promise<void>;
}

/** Another write got there first: read again and decide again. */
export class DeploymentVersionConflictError extends Error {
  override readonly name = 'DeploymentVersionConflictError';
  constructor(
    readonly deploymentId: string,
    readonly expectedVersion: number,
  ) {
    super(`deployment ${deploymentId} is no longer at version ${expectedVersion}`);
  }
}

/** Checks the version arithmetic every store relies on. */
export function checkNextVersion(next: Deployment, expectedVersion: number): void {
  if (next.version !== expectedVersion + 1) {
    throw new RangeError(
      `deployment ${next.id}: a write at version ${expectedVersion} must carry version ${expectedVersion + 1}, not ${next.version}`,
    );
  }
}

export function matchesFilter(deployment: Deployment, filter: DeploymentFilter | undefined): boolean {
  if (!filter) return true;
  if (filter.decisionId !== undefined && deployment.artifact?.decisionId !== filter.decisionId) return false;
  if (filter.target !== undefined && deploymentTargetName(deployment.request.target) !== filter.target)
    return false;
  if (filter.statuses && !filter.statuses.includes(deployment.status)) return false;
  return true;
}

/**
 * Every deployment the filter selects, oldest first, page after page. A store may limit a page before it
 * filters (DynamoDB does), so an empty page is not the end: only a page without a next cursor is.
 */
export async function* eachDeployment(
  store: Pick<DeploymentStore, 'list'>,
  filter: DeploymentFilter,
): AsyncGenerator<Deployment> {
  let cursor: string | undefined;
  do {
    const page = await store.list({ filter, ...(cursor ? { cursor } : {}) });
    yield* page.deployments;
    cursor = page.nextCursor;
  } while (cursor);
}

/** The oldest deployment the filter selects, reading no further than it. */
export async function oldestDeployment(
  store: Pick<DeploymentStore, 'list'>,
  filter: DeploymentFilter,
): Promise<Deployment | undefined> {
  for await (const deployment of eachDeployment(store, filter)) return deployment;
  return undefined;
}

/** The newest deployment the filter selects. */
export async function newestDeployment(
  store: Pick<DeploymentStore, 'list'>,
  filter: DeploymentFilter,
): Promise<Deployment | undefined> {
  let newest: Deployment | undefined;
  for await (const deployment of eachDeployment(store, filter)) newest = deployment;
  return newest;
}
