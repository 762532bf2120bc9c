/**
 * Loads what a model package points to: its AI-system profile and its bias evidence.
 *
 * A package names its profile with the `CustomerMetadataProperties` key `verdict:profile` (an s3:// URI of
 * the profile JSON); its bias evidence is the Clarify report in `ModelMetrics.Bias` (post-training report
 * preferred, then the combined report, then pre-training).
 */
import type { ModelPackage } from '../../ports/model-registry.ts';
import type { ObjectStore } from '../../ports/object-store.ts';
import { type BiasEvidence, parseClarifyReport } from '../evidence/clarify-report.ts';
import type { AiSystemProfile } from '../profile/ai-system-profile.ts';
import { parseProfile } from '../profile/parse-profile.ts';

export const PROFILE_METADATA_KEY = 'verdict:profile';

export interface MissingEvidence {
  kind: 'profile' | 'bias_report';
  source: string;
}

export interface GovernanceInputs {
  profile: AiSystemProfile | null;
  profileSource: string | null;
  evidence: {
    bias: BiasEvidence | null;
    /**
     * Inputs the package names that could not be read (`kind` is a key of the policy's
     * `verdict.config.evidence.kinds`): each one is a reason to deny.
     */
    missing: MissingEvidence[];
  };
}

export async function loadGovernanceInputs(
  pkg: ModelPackage,
  objects: ObjectStore,
): Promise<GovernanceInputs> {
  const missing: MissingEvidence[] = [];
  const profileSource = pkg.customerMetadata[PROFILE_METADATA_KEY] ?? null;
  let profile: AiSystemProfile | null = null;
  if (profileSource) {
    const bytes = await objects.get(profileSource);
    if (bytes) profile = parseProfile(bytes);
    else missing.push({ kind: 'profile', source: profileSource });
  }

  const biasSource =
    pkg.biasReports.postTraining ?? pkg.biasReports.report ?? pkg.biasReports.preTraining ?? null;
  let bias: BiasEvidence | null = null;
  if (biasSource) {
    const bytes = await objects.get(biasSource);
    if (bytes) bias = parseClarifyReport(bytes, biasSource);
    else missing.push({ kind: 'bias_report', source: biasSource });
  }
  return { profile, profileSource, evidence: { bias, missing } };
}
