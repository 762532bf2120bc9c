/**
 * The EU AI Act classification through the compiled WebAssembly bundle. The Rego tests cover the logic;
 * this table proves that the bundle the gates ship gives the same answers (numbers, dates and sets
 * included), one case per Art. 5 point, Annex III point and exclusion, derogation, Art. 50 duty and GPAI
 * tier.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Classification } from '../../../../functions/contracts/classification.ts';
import { cachedPolicyEngine, policyBundlePath } from '../../../../functions/gates/policy/engine-cache.ts';
import type { PolicyEngine } from '../../../../functions/gates/policy/policy-engine.ts';
import { aiSystemProfileSchema, USE_CASES } from '../../../../functions/gates/profile/ai-system-profile.ts';
import { classify } from '../../../../functions/gates/profile/classification.ts';
import { HARMLESS_PROFILE, type ProfileChanges, profileWith } from '../../../support/profiles.ts';

const AS_OF = '2026-12-02';

let engine: PolicyEngine;
beforeAll(async () => {
  engine = await cachedPolicyEngine(policyBundlePath())();
});

function classified(changes: ProfileChanges, asOf = AS_OF): Classification {
  const profile = aiSystemProfileSchema.parse(profileWith(changes));
  return classify(engine, profile, asOf);
}

const realtimeIdentification = (objective: string, priorAuthorisation: boolean): ProfileChanges => ({
  deployerType: 'law_enforcement',
  biometrics: {
    function: 'remote_identification',
    realtime: true,
    publiclyAccessibleSpace: true,
    lawEnforcement: { objective: objective as 'none', priorAuthorisation },
  },
});

type Case = [string, ProfileChanges, Partial<Classification>];

const ART5: Case[] = [
  [
    '(a) manipulation with significant harm',
    { art5: { manipulativeOrSubliminal: true, significantHarmLikely: true } },
    { riskClass: 'prohibited', basis: ['Art. 5(1)(a)'] },
  ],
  [
    '(a) manipulation without significant harm',
    { art5: { manipulativeOrSubliminal: true } },
    { riskClass: 'minimal' },
  ],
  [
    '(b) exploiting vulnerabilities with significant harm',
    { art5: { exploitsVulnerabilities: true, significantHarmLikely: true } },
    { riskClass: 'prohibited', basis: ['Art. 5(1)(b)'] },
  ],
  ['(b) without significant harm', { art5: { exploitsVulnerabilities: true } }, { riskClass: 'minimal' }],
  [
    '(c) social scoring',
    { art5: { socialScoring: true } },
    { riskClass: 'prohibited', basis: ['Art. 5(1)(c)'] },
  ],
  [
    '(d) crime prediction solely by profiling',
    { useCase: 'le_offending_risk', art5: { crimeRiskSolelyFromProfiling: true } },
    { riskClass: 'prohibited', basis: ['Art. 5(1)(d)'], annexIII: '6(d)' },
  ],
  [
    '(d) not: a human assessment on objective facts is Annex III 6(d)',
    { useCase: 'le_offending_risk' },
    { riskClass: 'high', basis: ['Art. 6(2)', 'Annex III 6(d)'] },
  ],
  [
    '(e) untargeted facial scraping',
    { art5: { untargetedFacialScraping: true } },
    { riskClass: 'prohibited', basis: ['Art. 5(1)(e)'] },
  ],
  [
    '(f) emotion recognition at work',
    { biometrics: { function: 'emotion_recognition', setting: 'workplace' } },
    { riskClass: 'prohibited', basis: ['Art. 5(1)(f)'], annexIII: null, transparency: ['50(3)'] },
  ],
  [
    '(f) emotion recognition in education',
    { biometrics: { function: 'emotion_recognition', setting: 'education' } },
    { riskClass: 'prohibited', basis: ['Art. 5(1)(f)'] },
  ],
  [
    '(f) not for medical or safety reasons: Annex III 1(c)',
    { biometrics: { function: 'emotion_recognition', setting: 'workplace', medicalOrSafetyReason: true } },
    { riskClass: 'high', annexIII: '1(c)', basis: ['Art. 6(2)', 'Annex III 1(c)'] },
  ],
  [
    '(g) categorisation inferring a sensitive attribute',
    {
      biometrics: {
        function: 'categorisation',
        inferredAttributes: ['age', 'religious_or_philosophical_beliefs'],
      },
    },
    { riskClass: 'prohibited', basis: ['Art. 5(1)(g)'] },
  ],
  [
    '(g) not for protected attributes: Annex III 1(b)',
    { biometrics: { function: 'categorisation', inferredAttributes: ['age', 'disability'] } },
    { riskClass: 'high', annexIII: '1(b)', transparency: ['50(3)'] },
  ],
  [
    '(g) not in the area of law enforcement: Annex III 1(b)',
    {
      deployerType: 'law_enforcement',
      biometrics: { function: 'categorisation', inferredAttributes: ['race'] },
    },
    { riskClass: 'high', annexIII: '1(b)', transparency: [] },
  ],
  [
    '(h) real-time identification in public for law enforcement',
    realtimeIdentification('none', false),
    { riskClass: 'prohibited', basis: ['Art. 5(1)(h)'], annexIII: null },
  ],
  [
    '(h) a permitted objective still needs prior authorisation',
    realtimeIdentification('victim_search', false),
    { riskClass: 'prohibited', basis: ['Art. 5(1)(h)'] },
  ],
  ...(['victim_search', 'imminent_threat', 'suspect_localisation'] as const).map(
    (objective): Case => [
      `(h) ${objective} with prior authorisation: Annex III 1(a)`,
      realtimeIdentification(objective, true),
      { riskClass: 'high', annexIII: '1(a)', basis: ['Art. 6(2)', 'Annex III 1(a)'] },
    ],
  ),
  [
    '(ba) intimate imagery without consent',
    { art5: { intimateImageryWithoutConsent: true } },
    { riskClass: 'prohibited', basis: ['Art. 5(1)(ba)'] },
  ],
  [
    '(bb) child sexual abuse material',
    { art5: { childSexualAbuseMaterial: true } },
    { riskClass: 'prohibited', basis: ['Art. 5(1)(bb)'] },
  ],
];

const ANNEX_III_POINTS: Record<string, string | null> = {
  critical_infrastructure_safety: '2',
  education_admission: '3(a)',
  education_assessment: '3(b)',
  education_level_placement: '3(c)',
  exam_proctoring: '3(d)',
  recruitment: '4(a)',
  workforce_management: '4(b)',
  public_benefits_eligibility: '5(a)',
  creditworthiness: '5(b)',
  life_health_insurance_pricing: '5(c)',
  emergency_triage: '5(d)',
  le_victim_risk: '6(a)',
  le_polygraph: '6(b)',
  le_evidence_reliability: '6(c)',
  le_offending_risk: '6(d)',
  le_profiling: '6(e)',
  migration_polygraph: '7(a)',
  migration_risk_assessment: '7(b)',
  asylum_visa_examination: '7(c)',
  migration_identification: '7(d)',
  judicial_decision_support: '8(a)',
  election_influence: '8(b)',
  financial_fraud_detection: null,
  election_logistics: null,
  travel_document_verification: null,
  general_purpose: null,
  other: null,
};

describe('EU AI Act classification (compiled bundle)', () => {
  it.each(ART5)('Art. 5(1)%s', (_, changes, expected) => {
    expect(classified(changes)).toMatchObject(expected);
  });

  it('covers every use case of the profile schema', () => {
    expect(Object.keys(ANNEX_III_POINTS).sort()).toEqual([...USE_CASES].sort());
  });

  it.each(Object.entries(ANNEX_III_POINTS))('useCase %s is Annex III %s', (useCase, point) => {
    const classification = classified({ useCase: useCase as (typeof USE_CASES)[number] });
    expect(classification.annexIII).toBe(point);
    if (point === null) {
      expect(classification).toMatchObject({ riskClass: 'minimal', basis: [], obligations: [] });
    } else {
      expect(classification).toMatchObject({ riskClass: 'high', basis: ['Art. 6(2)', `Annex III ${point}`] });
    }
  });

  it('biometric functions: remote identification 1(a), not 1:1 verification', () => {
    expect(classified({ biometrics: { function: 'remote_identification' } }).annexIII).toBe('1(a)');
    expect(classified({ biometrics: { function: 'verification' } })).toMatchObject({
      riskClass: 'minimal',
      annexIII: null,
    });
  });

  it('Art. 6(1): an Annex I safety component needing third-party assessment, obligations from 2028-08-02', () => {
    const annexI = {
      legislation: 'Regulation (EU) 2017/745',
      safetyComponent: true,
      thirdPartyConformityAssessment: true,
    };
    const classification = classified({ role: 'provider', annexI });
    expect(classification).toMatchObject({ riskClass: 'high', annexIII: null, basis: ['Art. 6(1)'] });
    expect(new Set(classification.obligations.map((o) => o.appliesFrom))).toEqual(new Set(['2028-08-02']));
    expect(classified({ annexI: { ...annexI, thirdPartyConformityAssessment: false } }).riskClass).toBe(
      'minimal',
    );
  });

  it('Art. 6(3): the derogation, its duties, and the profiling override', () => {
    expect(classified({ useCase: 'recruitment', derogation: 'preparatory_task' })).toEqual({
      riskClass: 'minimal',
      annexIII: '4(a)',
      derogated: true,
      gpai: 'none',
      transparency: [],
      basis: ['Art. 6(3)', 'Annex III 4(a)'],
      obligations: [
        expect.objectContaining({ ref: 'Art. 6(4)', holder: 'provider', appliesFrom: '2027-12-02' }),
        expect.objectContaining({ ref: 'Art. 49(2)', holder: 'provider', appliesFrom: '2027-12-02' }),
      ],
    });
    expect(
      classified({ useCase: 'recruitment', derogation: 'preparatory_task', profiling: true }),
    ).toMatchObject({
      riskClass: 'high',
      derogated: false,
      basis: ['Art. 6(2)', 'Annex III 4(a)', 'Art. 6(3)'],
    });
  });

  it('Art. 50: each duty, stacking on any class', () => {
    expect(classified({ transparency: { interactsWithHumans: true } })).toMatchObject({
      riskClass: 'limited',
      transparency: ['50(1)'],
      basis: ['Art. 50(1)'],
    });
    expect(classified({ transparency: { generatesSyntheticContent: true } }).transparency).toEqual(['50(2)']);
    expect(
      classified({ biometrics: { function: 'categorisation', inferredAttributes: [] } }).transparency,
    ).toEqual(['50(3)']);
    expect(classified({ transparency: { deepfake: true } }).transparency).toEqual(['50(4)']);
    expect(
      classified({
        useCase: 'creditworthiness',
        transparency: { interactsWithHumans: true, deepfake: true },
      }),
    ).toMatchObject({
      riskClass: 'high',
      transparency: ['50(1)', '50(4)'],
      basis: ['Art. 6(2)', 'Annex III 5(b)'],
    });
  });

  it('GPAI: strictly more than 10^25 FLOPs is systemic, exactly 10^25 is not', () => {
    const gpai = (flops: number | null, more: ProfileChanges['gpai'] = {}) =>
      classified({ gpai: { isGpai: true, trainingFlops: flops, ...more } });
    expect(gpai(1e25)).toMatchObject({ gpai: 'gpai', basis: ['Art. 53'] });
    expect(gpai(1.0000001e25)).toMatchObject({ gpai: 'systemic', basis: ['Art. 51(2)'] });
    expect(gpai(null, { commissionDesignated: true })).toMatchObject({
      gpai: 'systemic',
      basis: ['Art. 51(1)(b)'],
    });
    expect(gpai(null).riskClass).toBe('minimal');
    expect(classified({ gpai: { trainingFlops: 1e26 } }).gpai).toBe('none');
  });

  it('GPAI: open weights are exempt from Art. 53(1)(a) and (b) unless systemic', () => {
    const refs = (c: Classification) => c.obligations.map((o) => o.ref);
    expect(refs(classified({ gpai: { isGpai: true, openWeights: true } }))).toEqual([
      'Art. 53(1)(c)',
      'Art. 53(1)(d)',
    ]);
    expect(refs(classified({ gpai: { isGpai: true, openWeights: true, trainingFlops: 2e25 } }))).toEqual([
      'Art. 52(1)',
      'Art. 53(1)(a)',
      'Art. 53(1)(b)',
      'Art. 53(1)(c)',
      'Art. 53(1)(d)',
      'Art. 55(1)(a)',
      'Art. 55(1)(b)',
      'Art. 55(1)(c)',
      'Art. 55(1)(d)',
    ]);
  });

  it('(ba) and (bb) apply from 2026-12-02, not the day before', () => {
    for (const art5 of [{ intimateImageryWithoutConsent: true }, { childSexualAbuseMaterial: true }]) {
      expect(classified({ art5 }, '2026-12-01').riskClass).toBe('minimal');
      expect(classified({ art5 }, '2026-12-02').riskClass).toBe('prohibited');
    }
  });

  it('obligations per holder, with the Art. 27 impact assessment where it is due', () => {
    const obligations = (changes: ProfileChanges) =>
      classified(changes).obligations.map((o) => `${o.ref} ${o.holder} ${o.appliesFrom}`);
    expect(obligations({ useCase: 'recruitment', role: 'deployer' })).toEqual([
      'Art. 26 deployer 2027-12-02',
    ]);
    expect(obligations({ useCase: 'creditworthiness', role: 'deployer', deployerType: 'private' })).toEqual([
      'Art. 26 deployer 2027-12-02',
      'Art. 27 deployer 2027-12-02',
    ]);
    expect(
      obligations({ useCase: 'emergency_triage', role: 'deployer', deployerType: 'public_service_provider' }),
    ).toEqual(['Art. 26 deployer 2027-12-02', 'Art. 27 deployer 2027-12-02']);
    expect(
      obligations({
        useCase: 'public_benefits_eligibility',
        role: 'deployer',
        deployerType: 'public_authority',
      }),
    ).toEqual([
      'Art. 26 deployer 2027-12-02',
      'Art. 27 deployer 2027-12-02',
      'Art. 49(3) deployer 2027-12-02',
    ]);
    const provider = obligations({ useCase: 'recruitment', role: 'provider' });
    expect(provider[0]).toBe('Art. 9 provider 2027-12-02');
    expect(provider).toHaveLength(14);
  });

  it('the harmless profile is minimal risk with nothing to do', () => {
    expect(classify(engine, HARMLESS_PROFILE, AS_OF)).toEqual({
      riskClass: 'minimal',
      annexIII: null,
      derogated: false,
      gpai: 'none',
      transparency: [],
      basis: [],
      obligations: [],
    });
  });
});
