/**
 * The deployment gate finds the package's model-registry decision, however many deployments followed it, and
 * reads the human-oversight document the deployment names.
 */
import { describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../../functions/adapters/local/sqlite-database.ts';
import { SqliteDecisionStore } from '../../../functions/adapters/local/sqlite-decision-store.ts';
import { deploymentRequestSchema } from '../../../functions/contracts/deployment-request.ts';
import {
  latestRegistryDecision,
  resolveDeploymentFacts,
} from '../../../functions/deployments/resolve-facts.ts';
import type { DeploymentFactsSource } from '../../../functions/ports/deployment-facts.ts';
import {
  ARN,
  OVERSIGHT_SHA256,
  OVERSIGHT_URI,
  oversightEvidence,
  registryDecision,
  sagemakerRequest,
} from '../../support/deployment-requests.ts';

describe('latestRegistryDecision', () => {
  it('reads one page, however many deployment decisions about the same version came after it', async () => {
    const store = new SqliteDecisionStore(openDatabase(':memory:'));
    const allow = registryDecision({ evaluatedAt: '2026-11-27T10:00:00.000Z' });
    await store.record(allow);
    for (let i = 0; i < 250; i++)
      await store.record(
        registryDecision({
          id: `deployment-${i}`,
          gate: 'deployment',
          evaluatedAt: new Date(Date.parse('2026-11-28T00:00:00.000Z') + i * 1000).toISOString(),
        }),
      );
    const list = vi.spyOn(store, 'list');
    expect(await latestRegistryDecision(store, ARN)).toEqual(allow);
    expect(list).toHaveBeenCalledTimes(1);
  });

  it('finds none when only other gates decided about the package', async () => {
    const store = new SqliteDecisionStore(openDatabase(':memory:'));
    await store.record(registryDecision({ gate: 'deployment' }));
    expect(await latestRegistryDecision(store, ARN)).toBeUndefined();
  });
});

describe('resolveDeploymentFacts: the human-oversight document', () => {
  const source = (evidence: DeploymentFactsSource['evidence']): DeploymentFactsSource => ({
    artifactDigest: async () => null,
    approvedDigest: async () => undefined,
    revokedAt: async () => undefined,
    profile: async () => null,
    exceptions: async () => [],
    evidence,
  });
  const OTHER = 's3://evidence/other.pdf';
  const withOwn = deploymentRequestSchema.parse({ ...sagemakerRequest, humanOversightEvidence: OTHER });

  async function decisions(approval = registryDecision()) {
    const store = new SqliteDecisionStore(openDatabase(':memory:'));
    await store.record(approval);
    return store;
  }

  it('reads the approval’s document, not the request’s, with its digest and size', async () => {
    const read = vi.fn(oversightEvidence);
    const facts = await resolveDeploymentFacts(withOwn, await decisions(), source(read));
    expect(facts.humanOversight).toEqual({
      uri: OVERSIGHT_URI,
      readable: true,
      exists: true,
      sha256: OVERSIGHT_SHA256,
      size: expect.any(Number),
    });
    expect(read).toHaveBeenCalledExactlyOnceWith(OVERSIGHT_URI);
  });

  it('reads the request’s document when the approval names none, and says when it does not exist', async () => {
    const facts = await resolveDeploymentFacts(
      withOwn,
      await decisions(registryDecision({ obligations: [] })),
      source(oversightEvidence),
    );
    expect(facts.humanOversight).toEqual({
      uri: OTHER,
      readable: true,
      exists: false,
      sha256: null,
      size: null,
    });
  });

  it('counts a store that cannot be read as an unreadable document (the policy denies on it)', async () => {
    const failing = source(async () => {
      throw new Error('AccessDenied');
    });
    const facts = await resolveDeploymentFacts(withOwn, await decisions(), failing);
    expect(facts.humanOversight).toEqual({
      uri: OVERSIGHT_URI,
      readable: false,
      exists: false,
      sha256: null,
      size: null,
    });
  });

  it('reads nothing when neither the approval nor the request names a document', async () => {
    const read = vi.fn(oversightEvidence);
    const request = deploymentRequestSchema.parse(sagemakerRequest);
    const facts = await resolveDeploymentFacts(
      request,
      await decisions(registryDecision({ obligations: [] })),
      source(read),
    );
    expect(facts.humanOversight).toBeUndefined();
    expect(read).not.toHaveBeenCalled();
  });
});
