/**
 * What the deployment gate needs to know about a model package besides its registry decision: the artifact as
 * the registry holds it now, the digest and revocation recorded with the approval, the AI-system profile and
 * the exceptions. The registry decision itself comes from the decision store (the ledger's read model).
 */
import type { Exception } from '../contracts/exception.ts';

export interface DeploymentFactsSource {
  /** `sha256:<hex>` of the package's model artifact as resolved now; null for a package the registry lacks. */
  artifactDigest(modelPackageArn: string): Promise<string | null>;
  /** The artifact digest recorded with the decision when it was made; undefined when none was recorded. */
  approvedDigest(decisionId: string): Promise<string | undefined>;
  /** When the decision was revoked; undefined while it stands. */
  revokedAt(decisionId: string): Promise<string | undefined>;
  profile(modelPackageArn: string): Promise<Record<string, unknown> | null>;
  exceptions(modelPackageArn: string): Promise<readonly Exception[]>;
}
