/** AI-system profiles for tests: a harmless minimal-risk profile and deep-merged variations of it. */
import type { AiSystemProfile } from '../../functions/gates/profile/ai-system-profile.ts';

/** Every answer the harmless one; the same profile as policies/test/fixtures_test.rego. */
export const HARMLESS_PROFILE: AiSystemProfile = {
  name: 'Churn predictor',
  purpose: 'Predicts which subscribers are likely to cancel, to plan retention offers.',
  role: 'provider_and_deployer',
  deployerType: 'private',
  affectsNaturalPersons: true,
  profiling: false,
  useCase: 'other',
  art5: {
    manipulativeOrSubliminal: false,
    exploitsVulnerabilities: false,
    significantHarmLikely: false,
    socialScoring: false,
    crimeRiskSolelyFromProfiling: false,
    untargetedFacialScraping: false,
    intimateImageryWithoutConsent: false,
    childSexualAbuseMaterial: false,
  },
  biometrics: {
    function: 'none',
    realtime: false,
    publiclyAccessibleSpace: false,
    inferredAttributes: [],
    setting: 'other',
    medicalOrSafetyReason: false,
    lawEnforcement: { objective: 'none', priorAuthorisation: false },
  },
  annexI: { legislation: null, safetyComponent: false, thirdPartyConformityAssessment: false },
  derogation: null,
  transparency: { interactsWithHumans: false, generatesSyntheticContent: false, deepfake: false },
  gpai: { isGpai: false, trainingFlops: null, commissionDesignated: false, openWeights: false },
};

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object | null ? DeepPartial<T[K]> | T[K] : T[K] };

export type ProfileChanges = DeepPartial<AiSystemProfile>;

/** The harmless profile with the given changes merged in (objects merge, arrays and values replace). */
export function profileWith(changes: ProfileChanges): AiSystemProfile {
  return merge(HARMLESS_PROFILE, changes) as AiSystemProfile;
}

function merge(base: unknown, changes: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(changes)) return changes === undefined ? base : changes;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(changes)) merged[key] = merge(base[key], value);
  return merged;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
