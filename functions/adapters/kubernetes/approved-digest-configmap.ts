/**
 * The approved-digest parameter ConfigMap of the admission policy (see admission-policy.ts for its format),
 * read and written by Verdict's deployer identity, the only one RBAC lets write it. Approving or revoking a
 * digest is one optimistic write (conditional on the version read), retried when another write got there
 * first. A revoked digest stays revoked: approving it again is refused.
 */
import type { CoreV1Api, V1ConfigMap } from '@kubernetes/client-node';
import { type DigestStatus, digestEntryKey, MAX_GPUS_PER_POD_KEY } from './admission-policy.ts';
import { kubernetesApiStatus } from './api-status.ts';
import { ClusterUnavailableError, DigestRevokedError } from './deployment-errors.ts';

export interface DigestApprovals {
  /** The per-pod GPU cap the policy enforces. */
  maxGpusPerPod(): Promise<number>;
  /**
   * Records the digest as approved; refuses a revoked one with {@link DigestRevokedError}. Says whether it
   * wrote (false: it was approved already).
   */
  approve(digest: string): Promise<boolean>;
  /** Records the digest as revoked; from then on the API server refuses changes to workloads running it. */
  revoke(digest: string): Promise<boolean>;
}

export interface ParameterConfigMap {
  readonly namespace: string;
  readonly name: string;
}

const WRITE_ATTEMPTS = 5;

export class ConfigMapDigestApprovals implements DigestApprovals {
  constructor(
    private readonly core: CoreV1Api,
    private readonly parameters: ParameterConfigMap,
  ) {}

  async maxGpusPerPod(): Promise<number> {
    const raw = (await this.read()).data?.[MAX_GPUS_PER_POD_KEY] ?? '';
    // The policy reads a missing or malformed cap as 0: so does the target.
    return /^\d{1,4}$/.test(raw) ? Number(raw) : 0;
  }

  approve(digest: string): Promise<boolean> {
    return this.record(digest, 'approved');
  }

  revoke(digest: string): Promise<boolean> {
    return this.record(digest, 'revoked');
  }

  async status(digest: string): Promise<DigestStatus | undefined> {
    const value = (await this.read()).data?.[digestEntryKey(digest)];
    return value === 'approved' || value === 'revoked' ? value : undefined;
  }

  private async record(digest: string, status: DigestStatus): Promise<boolean> {
    const key = digestEntryKey(digest);
    for (let attempt = 1; ; attempt++) {
      const current = await this.read();
      const now = current.data?.[key];
      if (now === status) return false;
      if (now === 'revoked') throw new DigestRevokedError(digest);
      try {
        // The resourceVersion read makes the replace conditional: a concurrent write is never overwritten.
        await this.core.replaceNamespacedConfigMap({
          ...this.parameters,
          body: { ...current, data: { ...current.data, [key]: status } },
        });
        return true;
      } catch (error) {
        if (kubernetesApiStatus(error)?.code !== 409 || attempt === WRITE_ATTEMPTS)
          throw unavailable(error, this.parameters);
      }
    }
  }

  private async read(): Promise<V1ConfigMap> {
    try {
      return await this.core.readNamespacedConfigMap(this.parameters);
    } catch (error) {
      throw unavailable(error, this.parameters);
    }
  }
}

function unavailable(error: unknown, { namespace, name }: ParameterConfigMap): Error {
  const status = kubernetesApiStatus(error);
  if (status?.code === 404) {
    return new ClusterUnavailableError(
      `the approved-digest ConfigMap ${namespace}/${name} does not exist: install the admission policy first`,
    );
  }
  const why = status
    ? `${status.code} ${status.message}`
    : error instanceof Error
      ? error.message
      : String(error);
  return new ClusterUnavailableError(`the approved-digest ConfigMap ${namespace}/${name}: ${why}`, {
    cause: error,
  });
}
