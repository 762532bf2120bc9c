import { describe, expect, it } from 'vitest';
import { manifestColumns } from '../../../functions/contracts/dataset-manifest.ts';
import { parseDatasetManifest } from '../../../functions/datasets/parse-manifest.ts';
import { InvalidInputError } from '../../../functions/shared/validation.ts';

const valid = {
  name: 'credit-applications',
  owner: 'credit-risk',
  legalBasis: 'contract',
  subjectKeys: ['applicant_id'],
  piiColumns: ['applicant_id', 'email'],
  retentionDays: 730,
  riskClass: 'high',
  fairness: {
    facet: { column: 'gender', sensitive: ['female'] },
    label: { column: 'approved', positive: '1' },
    groups: 'region',
  },
};

function problems(value: unknown): string[] {
  try {
    parseDatasetManifest(value);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).code).toBe('dataset.manifest_invalid');
    return (error as InvalidInputError).problems;
  }
  throw new Error('the manifest was accepted');
}

describe('dataset manifest', () => {
  it('accepts a complete manifest, and one without legal basis (the data gate denies it)', () => {
    expect(parseDatasetManifest(valid)).toEqual(valid);
    const { legalBasis: _, ...withoutBasis } = valid;
    expect(parseDatasetManifest(withoutBasis).legalBasis).toBeUndefined();
  });

  it('names every problem with its field, in order', () => {
    expect(
      problems({
        ...valid,
        name: 'Credit Data',
        owner: ' ',
        legalBasis: 'because',
        subjectKeys: ['id', 'id'],
        retentionDays: 1.5,
        riskClass: 'huge',
        fairness: { facet: { column: 'gender', sensitive: [] }, label: { column: 'approved' } },
        extra: true,
      }),
    ).toEqual([
      'name: must be 1-128 lower-case letters, digits, dots, dashes or underscores, starting with a letter or digit',
      'owner: must not be empty',
      'legalBasis: Invalid option: expected one of "consent"|"contract"|"legal_obligation"|"vital_interests"|"public_task"|"legitimate_interests"',
      'subjectKeys: column names must be distinct',
      'retentionDays: must be a whole number of days',
      'riskClass: Invalid option: expected one of "prohibited"|"high"|"limited"|"minimal"',
      'fairness.facet.sensitive: name at least one sensitive value',
      'fairness.label.positive: Invalid input: expected string, received undefined',
      '(root): Unrecognized key: "extra"',
    ]);
  });

  it('refuses a missing retention and a retention beyond 100 years', () => {
    const { retentionDays: _, ...without } = valid;
    expect(problems(without)).toEqual(['retentionDays: Invalid input: expected number, received undefined']);
    expect(problems({ ...valid, retentionDays: 36_501 })).toEqual([
      'retentionDays: must be at most 36500 (100 years)',
    ]);
  });

  it('lists every column it names once', () => {
    expect(manifestColumns(parseDatasetManifest(valid))).toEqual([
      'applicant_id',
      'email',
      'gender',
      'approved',
      'region',
    ]);
  });
});
