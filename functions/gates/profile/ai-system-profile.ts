/**
 * The AI-system profile: structured answers about what a system is for. The EU AI Act policy classifies
 * it, so it is validated strictly: an unknown field or a wrong type is an error, never a default that
 * could change the risk class.
 */
import { z } from 'zod';
import { PII_ENTITIES } from '../pii/entities.ts';
import { type ExactNumber, isExactNumber } from '../policy/exact-json.ts';

export const USE_CASES = [
  'critical_infrastructure_safety',
  'education_admission',
  'education_assessment',
  'education_level_placement',
  'exam_proctoring',
  'recruitment',
  'workforce_management',
  'public_benefits_eligibility',
  'creditworthiness',
  'life_health_insurance_pricing',
  'emergency_triage',
  'le_victim_risk',
  'le_polygraph',
  'le_evidence_reliability',
  'le_offending_risk',
  'le_profiling',
  'migration_polygraph',
  'migration_risk_assessment',
  'asylum_visa_examination',
  'migration_identification',
  'judicial_decision_support',
  'election_influence',
  'financial_fraud_detection',
  'election_logistics',
  'travel_document_verification',
  'general_purpose',
  'other',
] as const;

export const SENSITIVE_ATTRIBUTES = [
  'race',
  'political_opinions',
  'trade_union_membership',
  'religious_or_philosophical_beliefs',
  'sex_life',
  'sexual_orientation',
  'age',
  'gender',
  'disability',
] as const;

/**
 * Cross-field checks run even when other fields have issues, so that a caller sees every problem at once
 * (zod skips refinements of a value with issues unless told otherwise); they need an object to look at.
 */
function isObjectPayload(payload: { value: unknown }): boolean {
  return typeof payload.value === 'object' && payload.value !== null && !Array.isArray(payload.value);
}

const art5 = z.strictObject({
  manipulativeOrSubliminal: z.boolean(),
  exploitsVulnerabilities: z.boolean(),
  significantHarmLikely: z.boolean(),
  socialScoring: z.boolean(),
  crimeRiskSolelyFromProfiling: z.boolean(),
  untargetedFacialScraping: z.boolean(),
  intimateImageryWithoutConsent: z.boolean(),
  childSexualAbuseMaterial: z.boolean(),
});

const biometrics = z
  .strictObject({
    function: z.enum([
      'none',
      'verification',
      'remote_identification',
      'categorisation',
      'emotion_recognition',
    ]),
    realtime: z.boolean(),
    publiclyAccessibleSpace: z.boolean(),
    inferredAttributes: z.array(z.enum(SENSITIVE_ATTRIBUTES)),
    setting: z.enum(['workplace', 'education', 'other']),
    medicalOrSafetyReason: z.boolean(),
    lawEnforcement: z
      .strictObject({
        objective: z.enum(['none', 'victim_search', 'imminent_threat', 'suspect_localisation']),
        priorAuthorisation: z.boolean(),
      })
      .optional(),
  })
  .refine((b) => b.function !== 'remote_identification' || b.lawEnforcement !== undefined, {
    message: 'required when function is remote_identification (its objective decides Art. 5(1)(h))',
    path: ['lawEnforcement'],
    when: isObjectPayload,
  });

export const aiSystemProfileSchema = z
  .strictObject({
    name: z.string().min(1).max(200),
    purpose: z.string().max(4000).optional(),
    role: z.enum(['provider', 'deployer', 'provider_and_deployer']),
    deployerType: z
      .enum(['private', 'public_authority', 'public_service_provider', 'law_enforcement'])
      .optional(),
    affectsNaturalPersons: z.boolean(),
    profiling: z.boolean(),
    useCase: z.enum(USE_CASES),
    art5,
    biometrics,
    annexI: z.strictObject({
      legislation: z.string().min(1).nullable(),
      safetyComponent: z.boolean(),
      thirdPartyConformityAssessment: z.boolean(),
    }),
    derogation: z
      .enum([
        'narrow_procedural_task',
        'improve_prior_human_activity',
        'detect_decision_patterns',
        'preparatory_task',
      ])
      .nullable(),
    transparency: z.strictObject({
      interactsWithHumans: z.boolean(),
      generatesSyntheticContent: z.boolean(),
      deepfake: z.boolean(),
    }),
    gpai: z.strictObject({
      isGpai: z.boolean(),
      // A double, or the exact decimal text of a larger number (exact-json.ts).
      trainingFlops: z
        .union(
          [
            z.number().nonnegative(),
            z.custom<ExactNumber>((v) => isExactNumber(v) && !v.value.startsWith('-')),
          ],
          { error: 'expected a non-negative number' },
        )
        .nullable(),
      commissionDesignated: z.boolean(),
      openWeights: z.boolean(),
    }),
    /**
     * Personal data in the training data: the GDPR Art. 6(1) legal basis of processing it and whether it
     * is masked before training, optionally for the listed PII categories only (none listed: all). Absent,
     * nothing is declared, and training data with PII of a configured category is denied.
     */
    personalData: z
      .strictObject({
        legalBasis: z
          .enum([
            'consent',
            'contract',
            'legal_obligation',
            'vital_interests',
            'public_task',
            'legitimate_interests',
          ])
          .nullable(),
        masking: z.boolean(),
        categories: z.array(z.enum(PII_ENTITIES)).optional(),
      })
      .optional(),
  })
  .refine((p) => p.role === 'provider' || p.deployerType !== undefined, {
    message: 'required when role includes deployer (it decides the Art. 27 impact assessment)',
    path: ['deployerType'],
    when: isObjectPayload,
  });

export type AiSystemProfile = z.infer<typeof aiSystemProfileSchema>;
