/** The deployment store in memory: for tests and the in-process runtime. */
import type { Deployment } from '../../contracts/deployment.ts';
import { pageSize } from '../../ports/decision-store.ts';
import {
  checkNextVersion,
  type DeploymentFilter,
  type DeploymentPage,
  type DeploymentStore,
  DeploymentVersionConflictError,
  matchesFilter,
} from '../../ports/deployment-store.ts';

export class MemoryDeploymentStore implements DeploymentStore {
  readonly #records = new Map<string, Deployment>();
  /** Target name -> the deployment that holds it. */
  readonly #claims = new Map<string, string>();

  async get(id: string): Promise<Deployment | undefined> {
    const found = this.#records.get(id);
    return found ? structuredClone(found) : undefined;
  }

  async put(next: Deployment, expectedVersion: number): Promise<void> {
    checkNextVersion(next, expectedVersion);
    const current = this.#records.get(next.id);
    if ((current?.version ?? 0) !== expectedVersion) {
      throw new DeploymentVersionConflictError(next.id, expectedVersion);
    }
    this.#records.set(next.id, structuredClone(next));
  }

  async claimTarget(target: string, deploymentId: string, takeOverFrom?: string): Promise<boolean> {
    const holder = this.#claims.get(target);
    if (holder !== undefined && holder !== deploymentId && holder !== takeOverFrom) return false;
    this.#claims.set(target, deploymentId);
    return true;
  }

  async targetHolder(target: string): Promise<string | undefined> {
    return this.#claims.get(target);
  }

  async releaseTarget(target: string, deploymentId: string): Promise<void> {
    if (this.#claims.get(target) === deploymentId) this.#claims.delete(target);
  }

  async list(
    options: { filter?: DeploymentFilter; limit?: number; cursor?: string } = {},
  ): Promise<DeploymentPage> {
    const limit = pageSize(options.limit);
    const ordered = [...this.#records.values()]
      .filter((d) => matchesFilter(d, options.filter))
      .sort((a, b) => compareKeys(listKey(a), listKey(b)));
    const after = options.cursor ? decodeCursor(options.cursor) : undefined;
    const rest = after ? ordered.filter((d) => compareKeys(listKey(d), after) > 0) : ordered;
    const page = rest.slice(0, limit);
    const last = page.at(-1);
    return {
      deployments: page.map((d) => structuredClone(d)),
      ...(rest.length > limit && last ? { nextCursor: encodeCursor(listKey(last)) } : {}),
    };
  }
}

/** The order every local store lists in: request time, then id. */
export function listKey(deployment: Deployment): string {
  return `${deployment.requestedAt}\u0000${deployment.id}`;
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function encodeCursor(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!key.includes('\u0000')) throw new RangeError('invalid deployment cursor: pass back a nextCursor');
  return key;
}
