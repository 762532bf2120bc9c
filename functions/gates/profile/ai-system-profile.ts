/**
 * The AI-system profile: structured answers about what a system is for. The EU AI Act policy classifies
 * it, so it is validated strictly: an unknown field or a wrong type is an error, never a default that
 * could change the risk class.
 */
import { z } from 'zod';
import { LEGAL_BASES } from '../../contracts/dataset-manifest.ts';
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

const art5 = z
  .strictObject({
    manipulativeOrSubliminal: z.boolean().meta({
      description:
        'Art. 5(1)(a): deploys subliminal, purposefully manipulative or deceptive techniques that materially distort behaviour.',
    }),
    exploitsVulnerabilities: z.boolean().meta({
      description:
        'Art. 5(1)(b): exploits vulnerabilities due to age, disability or a specific social or economic situation.',
    }),
    significantHarmLikely: z.boolean().meta({
      description:
        'Art. 5(1)(a)-(b): significant harm is caused or reasonably likely; (a) and (b) prohibit only with it.',
    }),
    socialScoring: z.boolean().meta({
      description: 'Art. 5(1)(c): social scoring leading to detrimental or disproportionate treatment.',
    }),
    crimeRiskSolelyFromProfiling: z.boolean().meta({
      description:
        'Art. 5(1)(d): predicts the risk of committing a crime solely from profiling or personality traits (not when supporting a human assessment on objective facts: Annex III 6(d)).',
    }),
    untargetedFacialScraping: z.boolean().meta({
      description:
        'Art. 5(1)(e): builds facial recognition databases by untargeted scraping of the internet or CCTV.',
    }),
    intimateImageryWithoutConsent: z.boolean().meta({
      description:
        'Art. 5(1)(ba): generates realistic intimate imagery of an identifiable person without consent (from 2026-12-02).',
    }),
    childSexualAbuseMaterial: z
      .boolean()
      .meta({ description: 'Art. 5(1)(bb): generates child sexual abuse material (from 2026-12-02).' }),
  })
  .meta({
    description: 'Art. 5(1): the prohibited practices; any applicable one makes the system prohibited.',
  });

const biometrics = z
  .strictObject({
    function: z
      .enum(['none', 'verification', 'remote_identification', 'categorisation', 'emotion_recognition'])
      .meta({
        description:
          'Art. 3(35)-(42), Annex III 1: remote identification is 1(a), categorisation 1(b), emotion recognition 1(c); verification (1:1) is outside Annex III.',
      }),
    realtime: z.boolean().meta({
      description:
        'Art. 3(42): identification happens without significant delay; with the next two it decides Art. 5(1)(h).',
    }),
    publiclyAccessibleSpace: z
      .boolean()
      .meta({ description: 'Art. 3(44): used in publicly accessible spaces (Art. 5(1)(h)).' }),
    inferredAttributes: z.array(z.enum(SENSITIVE_ATTRIBUTES)).meta({
      description:
        'Art. 5(1)(g): the sensitive attributes categorisation infers; race, political opinions, trade union membership, beliefs, sex life or sexual orientation are prohibited, others (age, gender, disability) are Annex III 1(b).',
    }),
    setting: z.enum(['workplace', 'education', 'other']).meta({
      description: 'Art. 5(1)(f): emotion recognition in the workplace or in education is prohibited.',
    }),
    medicalOrSafetyReason: z.boolean().meta({
      description:
        'Art. 5(1)(f): emotion recognition for medical or safety reasons is not prohibited (then Annex III 1(c)).',
    }),
    lawEnforcement: z
      .strictObject({
        objective: z.enum(['none', 'victim_search', 'imminent_threat', 'suspect_localisation']).meta({
          description:
            'Art. 5(1)(h)(i)-(iii): the only objectives for which real-time remote identification may be used.',
        }),
        priorAuthorisation: z.boolean().meta({
          description:
            'Art. 5(3): prior authorisation by a judicial or independent administrative authority.',
        }),
      })
      .optional()
      .meta({
        description:
          'Art. 5(1)(h): law-enforcement use of remote identification; required when function is remote_identification.',
      }),
  })
  .refine((b) => b.function !== 'remote_identification' || b.lawEnforcement !== undefined, {
    message: 'required when function is remote_identification (its objective decides Art. 5(1)(h))',
    path: ['lawEnforcement'],
    when: isObjectPayload,
  })
  .meta({ description: 'Biometric functions: Art. 5(1)(f)-(h) prohibitions and Annex III point 1.' });

export const aiSystemProfileSchema = z
  .strictObject({
    name: z
      .string()
      .min(1)
      .max(200)
      .meta({ description: 'The name of the AI system, shown in decisions and reports (Annex IV 1).' }),
    purpose: z.string().max(4000).optional().meta({
      description: 'Art. 3(12): the intended purpose, free text shown in reports; never used to classify.',
    }),
    role: z.enum(['provider', 'deployer', 'provider_and_deployer']).meta({
      description:
        'Art. 3(3), 3(4): whether the organisation provides the system, deploys it, or both; decides who holds each obligation.',
    }),
    deployerType: z
      .enum(['private', 'public_authority', 'public_service_provider', 'law_enforcement'])
      .optional()
      .meta({
        description:
          'Art. 27: public authorities and private providers of public services must assess fundamental-rights impact; required when role includes deployer.',
      }),
    affectsNaturalPersons: z
      .boolean()
      .meta({ description: 'Whether outputs concern natural persons (Art. 6(3), Art. 26).' }),
    profiling: z.boolean().meta({
      description:
        'GDPR Art. 4(4) profiling of natural persons; Art. 6(3) last subparagraph: an Annex III system that profiles is always high-risk.',
    }),
    useCase: z.enum(USE_CASES).meta({
      description:
        'Art. 6(2), Annex III points 2-8: the use the system is intended for; general_purpose and other fall under no point.',
    }),
    art5,
    biometrics,
    annexI: z
      .strictObject({
        legislation: z.string().min(1).nullable().meta({
          description:
            'Annex I: the Union harmonisation legislation covering the product (e.g. "Regulation (EU) 2017/745"), or null.',
        }),
        safetyComponent: z.boolean().meta({
          description: 'Art. 6(1)(a): a safety component of an Annex I product, or the product itself.',
        }),
        thirdPartyConformityAssessment: z.boolean().meta({
          description:
            'Art. 6(1)(b): the product must undergo third-party conformity assessment for safety reasons.',
        }),
      })
      .meta({ description: 'Art. 6(1): high risk through Annex I product-safety legislation.' }),
    derogation: z
      .enum([
        'narrow_procedural_task',
        'improve_prior_human_activity',
        'detect_decision_patterns',
        'preparatory_task',
      ])
      .nullable()
      .meta({
        description:
          'Art. 6(3)(a)-(d): the derogation claimed for an Annex III system, or null; never applies when the system profiles (document it, Art. 6(4)).',
      }),
    transparency: z
      .strictObject({
        interactsWithHumans: z
          .boolean()
          .meta({ description: 'Art. 50(1): interacts directly with natural persons.' }),
        generatesSyntheticContent: z.boolean().meta({
          description: 'Art. 50(2): generates synthetic audio, image, video or text.',
        }),
        deepfake: z.boolean().meta({ description: 'Art. 50(4): generates or manipulates deep fakes.' }),
      })
      .meta({ description: 'Art. 50: transparency duties, which stack on any risk class.' }),
    gpai: z
      .strictObject({
        isGpai: z.boolean().meta({ description: 'Art. 3(63): a general-purpose AI model (Arts. 51-55).' }),
        // A double, or the exact decimal text of a larger number (exact-json.ts).
        trainingFlops: z
          .union(
            [
              z.number().nonnegative(),
              z.custom<ExactNumber>((v) => isExactNumber(v) && !v.value.startsWith('-')),
            ],
            { error: 'expected a non-negative number' },
          )
          .nullable()
          .meta({
            description:
              'Art. 51(2): cumulative training compute in floating-point operations, read exactly; more than 10^25 presumes systemic risk. null when unknown.',
          }),
        commissionDesignated: z
          .boolean()
          .meta({ description: 'Art. 51(1)(b): designated by the Commission as having systemic risk.' }),
        openWeights: z.boolean().meta({
          description:
            'Art. 53(2): released under a free and open-source licence with open weights (exempt from Art. 53(1)(a)-(b) without systemic risk).',
        }),
      })
      .meta({ description: 'Arts. 51-55: general-purpose AI, a separate axis from the risk class.' }),
    /**
     * Personal data in the training data: the GDPR Art. 6(1) legal basis of processing it and whether it
     * is masked before training, optionally for the listed PII categories only (none listed: all). Absent,
     * nothing is declared, and training data with PII of a configured category is denied.
     */
    personalData: z
      .strictObject({
        legalBasis: z.enum(LEGAL_BASES).nullable().meta({
          description:
            'GDPR Art. 6(1)(a)-(f): the legal basis for processing personal data in training, or null.',
        }),
        masking: z
          .boolean()
          .meta({ description: 'Art. 10(5) AI Act, GDPR Art. 25: personal data is masked before training.' }),
        categories: z
          .array(z.enum(PII_ENTITIES))
          .optional()
          .meta({ description: 'The PII categories the masking covers; absent, all categories.' }),
      })
      .optional()
      .meta({
        description:
          'Art. 10 data governance, GDPR Art. 6(1): personal data in the training data. Absent, training data with PII of a configured category is denied.',
      }),
  })
  .refine((p) => p.role === 'provider' || p.deployerType !== undefined, {
    message: 'required when role includes deployer (it decides the Art. 27 impact assessment)',
    path: ['deployerType'],
    when: isObjectPayload,
  })
  .meta({
    title: 'AI-system profile',
    description:
      'Structured answers about what an AI system is for, which the EU AI Act policy (Regulation (EU) 2024/1689) classifies. Strict: an unknown field or a wrong type is an error.',
  });

export type AiSystemProfile = z.infer<typeof aiSystemProfileSchema>;
