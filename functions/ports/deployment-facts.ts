/**
 * What the deployment gate needs to know about a model package besides its registry decision: the artifact as
 * the registry holds it now, the digest and revocation recorded with the approval, the AI-system profile, the
 * exceptions, and the evidence documents the deployment names. The registry decision itself comes from the
 * decision store (the ledger's read model).
 */
import type { Exception } from '../contracts/exception.ts';

/** An evidence document as read now: the SHA-256 (hex) and size of its bytes. */
export interface EvidenceDocument {
  sha256: string;
  size: number;
}

export interface DeploymentFactsSource {
  /** `sha256:<hex>` of the package's model artifact as resolved now; null for a package the registry lacks. */
  artifactDigest(modelPackageArn: string): Promise<string | null>;
  /** The artifact digest recorded with the decision when it was made; undefined when none was recorded. */
  approvedDigest(decisionId: string): Promise<string | undefined>;
  /** When the decision was revoked; undefined while it stands. */
  revokedAt(decisionId: string): Promise<string | undefined>;
  profile(modelPackageArn: string): Promise<Record<string, unknown> | null>;
  exceptions(modelPackageArn: string): Promise<readonly Exception[]>;
  /**
   * The evidence document at `uri` (s3://bucket/key), read in full; undefined when it does not exist. Throws
   * when the store cannot be read (the gate then counts the document as unreadable).
   */
  evidence(uri: string): Promise<EvidenceDocument | undefined>;
}
