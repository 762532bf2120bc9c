/**
 * The deployment gate's policy input (policies/gates/deployment.rego): the request, what the ledger says of
 * the package's approval, the artifact as the registry holds it now, the AI-system profile and the exceptions
 * in force. Plain data in, plain data out: the caller resolves each part from its store.
 */
import type { Decision } from '../../contracts/decision.ts';
import type { DeploymentRequest } from '../../contracts/deployment-request.ts';
import { type Exception, exceptionStatusAt } from '../../contracts/exception.ts';

/** The ledger's latest model-registry decision for the package, with what happened to it since. */
export interface LedgerApproval {
  decision: Decision;
  /** When the decision was revoked; absent while it stands. */
  revokedAt?: string;
  /** `sha256:<hex>` of the model artifact the decision was made for; absent when the ledger did not record it. */
  artifactDigest?: string;
}

/**
 * The human-oversight document the deployment names (the request's, else the approval's), as read at decision
 * time: `readable` false when the store could not be read, `exists` false when there is no such object.
 */
export interface EvidenceRead {
  uri: string;
  readable: boolean;
  exists: boolean;
  /** SHA-256 (hex) of its bytes; null unless it was read. */
  sha256: string | null;
  size: number | null;
}

export interface DeploymentGateFacts {
  request: DeploymentRequest;
  /** Null when the ledger holds no model-registry decision for the package. */
  approval: LedgerApproval | null;
  /** `sha256:<hex>` of the package's model artifact as resolved now (never taken from the request). */
  artifactDigest: string | null;
  /** The AI-system profile the package names; null when it names none or it cannot be read. */
  profile: Record<string, unknown> | null;
  /** Exceptions recorded for the package group or the package. */
  exceptions: readonly Exception[];
  /** The human-oversight document as read; absent when none is named, or when it was not read (fail closed). */
  humanOversight?: EvidenceRead;
}

const MODEL_PACKAGE_ARN = /:model-package\/([^/]+)\/(\d+)$/;

/** The decision subject a deployment is about: the model package version. */
export function deploymentSubject(arn: string): Decision['subject'] {
  const [, group = '', version = ''] = MODEL_PACKAGE_ARN.exec(arn) ?? [];
  return { kind: 'model-package', id: arn, group, version };
}

export function buildDeploymentInput(facts: DeploymentGateFacts, now: Date) {
  const { request } = facts;
  const subject = deploymentSubject(request.modelPackageArn);
  return {
    gate: 'deployment',
    environment: request.environment,
    now: now.toISOString(),
    subject,
    request,
    approval: approvalInput(facts.approval, subject.id, now),
    artifact: { digest: facts.artifactDigest },
    profile: facts.profile,
    evidence: { humanOversight: facts.humanOversight ?? null },
    // A revoked exception waives nothing from its revocation on; the ledger keeps it for the audit trail.
    exceptions: facts.exceptions.filter((e) => exceptionStatusAt(e, now) !== 'revoked'),
  };
}

export type DeploymentPolicyInput = ReturnType<typeof buildDeploymentInput>;

/**
 * Only a model-registry decision about this very package counts as its approval: a decision about another
 * package (or from another gate) is no approval at all. A revocation dated after `now` has not happened yet.
 */
function approvalInput(approval: LedgerApproval | null, arn: string, now: Date) {
  if (!approval) return null;
  const { decision } = approval;
  if (decision.gate !== 'model-registry' || decision.subject.id !== arn) return null;
  const revoked = approval.revokedAt !== undefined && !(Date.parse(approval.revokedAt) > now.getTime());
  return {
    decisionId: decision.id,
    decision: decision.decision,
    riskClass: decision.riskClass ?? 'unknown',
    revoked,
    ...(revoked ? { revokedAt: approval.revokedAt } : {}),
    artifactDigest: approval.artifactDigest ?? null,
    humanOversightEvidence: approvedOversightEvidence(decision) ?? null,
    personalDataFound: [
      ...new Set(decision.violations.filter((v) => v.rule.startsWith('pii.')).map((v) => v.reference)),
    ].sort(),
  };
}

/** The human-oversight document the registry decision's evidence manifest names. */
export function approvedOversightEvidence(decision: Decision): string | undefined {
  return decision.obligations.find((o) => o.id === 'human_oversight')?.evidence;
}
