/**
 * The facts the deployment gate decides on, resolved from the ledger's read model (the package's latest
 * model-registry decision) and the facts source (artifact digest, revocation, profile, exceptions, the
 * human-oversight document read). Nothing is taken from the request but the package and the evidence it
 * names, and the evidence is read, not trusted by name.
 */
import type { Decision } from '../contracts/decision.ts';
import type { DeploymentRequest } from '../contracts/deployment-request.ts';
import type { DeploymentFacts } from '../gates/deployment/deployment-gate.ts';
import {
  approvedOversightEvidence,
  deploymentSubject,
  type EvidenceRead,
} from '../gates/deployment/deployment-input.ts';
import type { DecisionStore } from '../ports/decision-store.ts';
import type { DeploymentFactsSource } from '../ports/deployment-facts.ts';
import { logger } from '../shared/observability.ts';

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
  // The approval's document first; the request names one only when the approval does not (its contract).
  const oversightUri =
    named(decision && approvedOversightEvidence(decision)) ?? named(request.humanOversightEvidence);
  const humanOversight = oversightUri === undefined ? undefined : await readEvidence(source, oversightUri);
  const oversight = humanOversight ? { humanOversight } : {};
  if (!decision) return { approval: null, artifactDigest, profile, exceptions, ...oversight };
  const [approvedDigest, revokedAt] = await Promise.all([
    source.approvedDigest(decision.id),
    source.revokedAt(decision.id),
  ]);
  return {
    ...oversight,
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

function named(uri: string | undefined): string | undefined {
  return uri?.trim() ? uri : undefined;
}

/** The document as read now; a store that cannot be read makes it unreadable (the policy denies on it). */
async function readEvidence(source: DeploymentFactsSource, uri: string): Promise<EvidenceRead> {
  try {
    const document = await source.evidence(uri);
    if (!document) return { uri, readable: true, exists: false, sha256: null, size: null };
    return { uri, readable: true, exists: true, ...document };
  } catch (error) {
    logger.warn('evidence could not be read', { uri, error });
    return { uri, readable: false, exists: false, sha256: null, size: null };
  }
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
