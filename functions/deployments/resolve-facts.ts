/**
 * The facts the deployment gate decides on, resolved from the ledger's read model (the package's latest
 * model-registry decision) and the facts source (artifact digest, revocation, profile, exceptions). Nothing
 * is taken from the request but the package it names.
 */
import type { Decision } from '../contracts/decision.ts';
import type { DeploymentRequest } from '../contracts/deployment-request.ts';
import type { DeploymentFacts } from '../gates/deployment/deployment-gate.ts';
import { deploymentSubject } from '../gates/deployment/deployment-input.ts';
import type { DecisionStore } from '../ports/decision-store.ts';
import type { DeploymentFactsSource } from '../ports/deployment-facts.ts';

const REGISTRY_GATE = 'model-registry';

export async function resolveDeploymentFacts(
  request: DeploymentRequest,
  decisions: DecisionStore,
  source: DeploymentFactsSource,
): Promise<DeploymentFacts> {
  const arn = request.modelPackageArn;
  const [decision, artifactDigest, profile, exceptions] = await Promise.all([
    latestRegistryDecision(decisions, arn),
    source.artifactDigest(arn),
    source.profile(arn),
    source.exceptions(arn),
  ]);
  if (!decision) return { approval: null, artifactDigest, profile, exceptions };
  const [approvedDigest, revokedAt] = await Promise.all([
    source.approvedDigest(decision.id),
    source.revokedAt(decision.id),
  ]);
  return {
    approval: {
      decision,
      ...(approvedDigest !== undefined ? { artifactDigest: approvedDigest } : {}),
      ...(revokedAt !== undefined ? { revokedAt } : {}),
    },
    artifactDigest,
    profile,
    exceptions,
  };
}

/** The newest model-registry decision about this very package (the deployment gate's own are filtered out by the store). */
export async function latestRegistryDecision(
  decisions: DecisionStore,
  arn: string,
): Promise<Decision | undefined> {
  const { group, version } = deploymentSubject(arn);
  let cursor: string | undefined;
  do {
    const page = await decisions.list({
      filter: { model: group, version, gate: REGISTRY_GATE },
      order: 'desc',
      limit: 100,
      ...(cursor ? { cursor } : {}),
    });
    const found = page.decisions.find((d) => d.gate === REGISTRY_GATE && d.subject.id === arn);
    if (found) return found;
    cursor = page.nextCursor;
  } while (cursor);
  return undefined;
}
