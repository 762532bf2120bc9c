/** Answers to `verdict profile init` as text: their JSON values, the fields still required, the profile. */
import { describe, expect, it } from 'vitest';
import { aiSystemProfileSchema } from '../../../../functions/gates/profile/ai-system-profile.ts';
import { PROFILE_FIELDS, type ProfileField } from '../../../../functions/gates/profile/profile-fields.ts';
import {
  answerValue,
  missingFields,
  profileFromAnswers,
} from '../../../../functions/local/cli/profile-answers.ts';
import { HARMLESS_PROFILE } from '../../../support/profiles.ts';

const field = (path: string): ProfileField => {
  const found = PROFILE_FIELDS.find((f) => f.path === path);
  if (!found) throw new Error(`no field ${path}`);
  return found;
};

/** The answers a profile gives, by field path. */
function answersOf(value: unknown, prefix = ''): [string, unknown][] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [[prefix, value]];
  return Object.entries(value).flatMap(([key, child]) => answersOf(child, prefix ? `${prefix}.${key}` : key));
}

describe('profile answers', () => {
  it('turn typed answers into JSON values, and refuse what the field does not take', () => {
    expect(answerValue(field('profiling'), 'false')).toBe(false);
    expect(answerValue(field('profiling'), ' yes ')).toBe(true);
    expect(answerValue(field('profiling'), 'maybe')).toBeUndefined();
    expect(answerValue(field('role'), 'vendor')).toBeUndefined();
    expect(answerValue(field('derogation'), 'null')).toBeNull();
    expect(answerValue(field('role'), 'null')).toBeUndefined();
    expect(answerValue(field('biometrics.inferredAttributes'), 'none')).toEqual([]);
    expect(answerValue(field('biometrics.inferredAttributes'), 'age, gender')).toEqual(['age', 'gender']);
    expect(answerValue(field('biometrics.inferredAttributes'), 'age,height')).toBeUndefined();
    expect(answerValue(field('gpai.trainingFlops'), '2000')).toBe(2000);
    expect(String(answerValue(field('gpai.trainingFlops'), '3e24'))).toBe('3e24');
    expect(String(answerValue(field('gpai.trainingFlops'), '10000000000000000000000001'))).toBe(
      '10000000000000000000000001',
    );
    expect(answerValue(field('gpai.trainingFlops'), '-1')).toBeUndefined();
  });

  it('require deployerType unless the role is provider, and law enforcement for remote identification', () => {
    const required = (answers: Map<string, unknown>) => missingFields(answers).map((f) => f.path);
    expect(required(new Map())).toContain('deployerType');
    expect(required(new Map())).not.toContain('purpose');
    expect(required(new Map())).not.toContain('personalData.masking');
    expect(required(new Map([['role', 'provider']]))).not.toContain('deployerType');
    expect(required(new Map([['biometrics.function', 'verification']]))).not.toContain(
      'biometrics.lawEnforcement.objective',
    );
    expect(required(new Map([['biometrics.function', 'remote_identification']]))).toEqual(
      expect.arrayContaining([
        'biometrics.lawEnforcement.objective',
        'biometrics.lawEnforcement.priorAuthorisation',
      ]),
    );
    expect(required(new Map([['personalData.categories', ['EMAIL_ADDRESS']]]))).toEqual(
      expect.arrayContaining(['personalData.legalBasis', 'personalData.masking']),
    );
  });

  it('assemble a profile the schema accepts from the answers of one', () => {
    const answers = new Map(answersOf(HARMLESS_PROFILE));
    expect(missingFields(answers)).toEqual([]);
    expect(aiSystemProfileSchema.parse(profileFromAnswers(answers))).toEqual(HARMLESS_PROFILE);
  });
});
