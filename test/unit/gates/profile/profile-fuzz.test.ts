/**
 * Fuzzing the profile validator and the classification: random JSON, random valid profiles and valid
 * profiles with random mutations (a field removed, retyped or set to an unknown value, an unknown key
 * added). Whatever comes in, the validator never crashes, and nothing is classified silently: an input
 * either fails validation with at least one located error, or it validates and the compiled policy
 * returns a complete classification in one of the four risk classes.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Classification, RISK_CLASSES } from '../../../../functions/contracts/classification.ts';
import { cachedPolicyEngine, policyBundlePath } from '../../../../functions/gates/policy/engine-cache.ts';
import type { PolicyEngine } from '../../../../functions/gates/policy/policy-engine.ts';
import {
  type AiSystemProfile,
  SENSITIVE_ATTRIBUTES,
  USE_CASES,
} from '../../../../functions/gates/profile/ai-system-profile.ts';
import { classify } from '../../../../functions/gates/profile/classification.ts';
import { parseProfile } from '../../../../functions/gates/profile/parse-profile.ts';
import { InvalidInputError } from '../../../../functions/shared/validation.ts';

const RUNS = 300;

let engine: PolicyEngine;
beforeAll(async () => {
  engine = await cachedPolicyEngine(policyBundlePath())();
});

const bool = fc.boolean();
const flops = fc.oneof(
  fc.constant(null),
  fc.constantFrom(1e25, 1.0000001e25, 9.999999e24, 1e26, 0),
  fc.double({ min: 0, max: 1e30, noNaN: true, noDefaultInfinity: true }),
);

const biometricsArb = fc
  .record({
    function: fc.constantFrom(
      'none',
      'verification',
      'remote_identification',
      'categorisation',
      'emotion_recognition',
    ),
    realtime: bool,
    publiclyAccessibleSpace: bool,
    inferredAttributes: fc.uniqueArray(fc.constantFrom(...SENSITIVE_ATTRIBUTES), { maxLength: 4 }),
    setting: fc.constantFrom('workplace', 'education', 'other'),
    medicalOrSafetyReason: bool,
    lawEnforcement: fc.option(
      fc.record({
        objective: fc.constantFrom('none', 'victim_search', 'imminent_threat', 'suspect_localisation'),
        priorAuthorisation: bool,
      }),
      { nil: undefined },
    ),
  })
  .map(({ lawEnforcement, ...rest }) => {
    const needed = rest.function === 'remote_identification';
    const le =
      lawEnforcement ?? (needed ? { objective: 'none' as const, priorAuthorisation: false } : undefined);
    return le ? { ...rest, lawEnforcement: le } : rest;
  });

/** Profiles that follow the schema, refinements included. */
const validProfile: fc.Arbitrary<AiSystemProfile> = fc
  .record({
    name: fc.string({ minLength: 1, maxLength: 40 }),
    purpose: fc.option(fc.string({ maxLength: 80 }), { nil: undefined }),
    role: fc.constantFrom('provider', 'deployer', 'provider_and_deployer'),
    deployerType: fc.option(
      fc.constantFrom('private', 'public_authority', 'public_service_provider', 'law_enforcement'),
      { nil: undefined },
    ),
    affectsNaturalPersons: bool,
    profiling: bool,
    useCase: fc.constantFrom(...USE_CASES),
    art5: fc.record({
      manipulativeOrSubliminal: bool,
      exploitsVulnerabilities: bool,
      significantHarmLikely: bool,
      socialScoring: bool,
      crimeRiskSolelyFromProfiling: bool,
      untargetedFacialScraping: bool,
      intimateImageryWithoutConsent: bool,
      childSexualAbuseMaterial: bool,
    }),
    biometrics: biometricsArb,
    annexI: fc.record({
      legislation: fc.option(fc.constantFrom('Regulation (EU) 2017/745', 'Regulation (EU) 2023/1230'), {
        nil: null,
      }),
      safetyComponent: bool,
      thirdPartyConformityAssessment: bool,
    }),
    derogation: fc.option(
      fc.constantFrom(
        'narrow_procedural_task',
        'improve_prior_human_activity',
        'detect_decision_patterns',
        'preparatory_task',
      ),
      { nil: null },
    ),
    transparency: fc.record({ interactsWithHumans: bool, generatesSyntheticContent: bool, deepfake: bool }),
    gpai: fc.record({ isGpai: bool, trainingFlops: flops, commissionDesignated: bool, openWeights: bool }),
  })
  .map(({ purpose, deployerType, ...rest }) => {
    const needsDeployerType = rest.role !== 'provider';
    const type = deployerType ?? (needsDeployerType ? ('private' as const) : undefined);
    return {
      ...rest,
      ...(purpose === undefined ? {} : { purpose }),
      ...(type === undefined ? {} : { deployerType: type }),
    } as AiSystemProfile;
  });

const asOf = fc.oneof(
  fc.constantFrom('2025-02-01', '2025-02-02', '2026-12-01', '2026-12-02', '2027-12-02', '2028-08-02'),
  fc
    .date({
      min: new Date('2024-01-01T00:00:00Z'),
      max: new Date('2030-12-31T00:00:00Z'),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString().slice(0, 10)),
);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path to a value of the object (objects and arrays descended into). */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return [prefix, ...keys.flatMap((k) => paths((value as Record<string, Json>)[k] as Json, [...prefix, k]))];
}

type Mutation =
  | { kind: 'remove'; at: number }
  | { kind: 'set'; at: number; value: Json }
  | { kind: 'add'; at: number; key: string; value: Json };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('set' as const),
    at: fc.nat(),
    value: fc.oneof(
      fc.jsonValue() as fc.Arbitrary<Json>,
      fc.constantFrom<Json>('', 'recruitment_v2', 'yes', -1, 1e308, [], {}, null, true),
    ),
  }),
  fc.record({
    kind: fc.constant('add' as const),
    at: fc.nat(),
    key: fc.string({ minLength: 1, maxLength: 12 }),
    value: fc.jsonValue() as fc.Arbitrary<Json>,
  }),
);

function mutate(profile: AiSystemProfile, mutations: Mutation[]): Json {
  let value = structuredClone(profile) as unknown as Json;
  for (const m of mutations) {
    const all = paths(value);
    const path = all[m.at % all.length] ?? [];
    value = apply(value, path, m);
  }
  return value;
}

function apply(root: Json, path: (string | number)[], m: Mutation): Json {
  if (path.length === 0) {
    if (m.kind === 'set') return m.value;
    if (m.kind === 'add' && root !== null && typeof root === 'object' && !Array.isArray(root)) {
      return { ...root, [m.key]: m.value };
    }
    return m.kind === 'remove' ? {} : root;
  }
  const parent = path
    .slice(0, -1)
    .reduce<Json>((node, key) => (node as Record<string, Json>)[key] as Json, root);
  const key = path[path.length - 1] as string | number;
  const container = parent as Record<string | number, Json>;
  if (m.kind === 'remove') {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete container[key];
  } else if (m.kind === 'set') {
    container[key] = m.value;
  } else {
    const target = container[key];
    if (target !== null && typeof target === 'object' && !Array.isArray(target)) target[m.key] = m.value;
    else container[key] = m.value;
  }
  return root;
}

/** The property: rejected with located errors, or classified completely. */
function neverSilent(input: unknown, date: string): Classification | undefined {
  let profile: AiSystemProfile;
  try {
    profile = parseProfile(JSON.stringify(input));
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    const problems = (error as InvalidInputError).problems;
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) expect(problem).toMatch(/^profile[.:]/);
    return undefined;
  }
  const classification = classify(engine, profile, date);
  expect(RISK_CLASSES).toContain(classification.riskClass);
  checkInvariants(classification);
  return classification;
}

/** What any classification must satisfy, whatever the profile. */
function checkInvariants(c: Classification): void {
  if (c.riskClass === 'prohibited') expect(c.basis[0]).toMatch(/^Art\. 5\(1\)\([a-h]+\)$/);
  if (c.riskClass === 'high') expect(c.basis[0]).toMatch(/^Art\. 6\([12]\)$/);
  if (c.riskClass === 'limited') expect(c.transparency.length).toBeGreaterThan(0);
  if (c.derogated) expect(c.annexIII).not.toBeNull();
  if (c.gpai === 'systemic') expect(c.basis.some((b) => b.startsWith('Art. 51'))).toBe(true);
  if (c.gpai === 'gpai') expect(c.basis).toContain('Art. 53');
  if (c.riskClass !== 'high') expect(c.obligations.some((o) => o.ref === 'Art. 9')).toBe(false);
}

describe('profile validator and classification under fuzzing', () => {
  it('classifies every valid profile completely', () => {
    fc.assert(
      fc.property(validProfile, asOf, (profile, date) => {
        expect(neverSilent(profile, date)).toBeDefined();
      }),
      { numRuns: RUNS },
    );
  });

  it('rejects or completely classifies mutated profiles', () => {
    fc.assert(
      fc.property(
        validProfile,
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        asOf,
        (profile, ms, date) => {
          neverSilent(mutate(profile, ms), date);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('rejects random JSON with located errors', () => {
    fc.assert(
      fc.property(fc.jsonValue(), asOf, (value, date) => {
        neverSilent(value, date);
      }),
      { numRuns: RUNS },
    );
  });

  it('rejects an unknown key anywhere in the profile', () => {
    fc.assert(
      fc.property(
        validProfile,
        fc.constantFrom('', 'art5', 'biometrics', 'annexI', 'transparency', 'gpai'),
        fc.string({ minLength: 1, maxLength: 12 }),
        (profile, where, key) => {
          const target = (
            where ? (profile as unknown as Record<string, Record<string, unknown>>)[where] : profile
          ) as Record<string, unknown> | undefined;
          fc.pre(target !== undefined && !(key in target));
          (target as Record<string, unknown>)[key] = true;
          expect(() => parseProfile(JSON.stringify(profile))).toThrow(InvalidInputError);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('lists every error of a profile with several, cross-field checks included', () => {
    const broken = { name: '', role: 'deployer', profiling: 'yes', useCase: 'recruit', art5: {}, extra: 1 };
    const error = (() => {
      try {
        parseProfile(JSON.stringify(broken));
      } catch (e) {
        return e as InvalidInputError;
      }
      throw new Error('expected the profile to be rejected');
    })();
    expect(error.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^profile\.name: /),
        expect.stringMatching(/^profile\.profiling: /),
        expect.stringMatching(/^profile\.useCase: /),
        expect.stringMatching(/^profile\.art5\.socialScoring: /),
        'profile: Unrecognized key: "extra"',
        'profile.deployerType: required when role includes deployer (it decides the Art. 27 impact assessment)',
      ]),
    );
  });
});
