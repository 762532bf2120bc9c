/** Deployment records for the store tests: valid by the contract, differing in what the listings filter on. */
import { type Deployment, deploymentSchema } from '../../functions/contracts/deployment.ts';
import { deploymentRequestSchema } from '../../functions/contracts/deployment-request.ts';
import type { DeploymentStatus } from '../../functions/contracts/deployment-status.ts';
import { registryDecision } from './deployment-requests.ts';
import { allowedRequest, DIGEST } from './deployment-saga.ts';

export function deploymentRecord(
  id: string,
  changes: {
    status?: DeploymentStatus;
    decisionId?: string | null;
    requestedAt?: string;
    version?: number;
  } = {},
): Deployment {
  const request = deploymentRequestSchema.parse(allowedRequest);
  const decisionId = changes.decisionId === undefined ? 'dec-1' : changes.decisionId;
  const requestedAt = changes.requestedAt ?? '2026-11-28T10:00:00.000Z';
  return deploymentSchema.parse({
    id,
    version: changes.version ?? 1,
    requestId: `req-${id}`,
    request,
    requestedAt,
    status: changes.status ?? 'requested',
    decision: registryDecision({ id: `deployment-decision-${id}`, gate: 'deployment' }),
    explanations: [],
    artifact: decisionId ? { modelPackageArn: request.modelPackageArn, digest: DIGEST, decisionId } : null,
    plan: null,
    applied: null,
    bakeEndsAt: null,
    pending: null,
    history: [],
    updatedAt: requestedAt,
  });
}

export function nextVersion(record: Deployment, changes: Partial<Deployment> = {}): Deployment {
  return { ...record, ...changes, version: record.version + 1 };
}
