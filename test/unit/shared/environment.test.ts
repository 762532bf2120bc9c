import { describe, expect, it } from 'vitest';
import { readApiEnvironment } from '../../../functions/api/environment.ts';
import { readModelRegistryGateEnvironment } from '../../../functions/gates/model-registry/environment.ts';
import { readReportWorkerEnvironment } from '../../../functions/reports/environment.ts';
import { InvalidInputError } from '../../../functions/shared/validation.ts';

function problemsOf(read: () => unknown): string[] {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).code).toBe('configuration.invalid');
    return (error as InvalidInputError).problems;
  }
  throw new Error('expected a configuration error');
}

describe('environment modules: a cold start fails naming each missing or bad variable', () => {
  it('the model-registry gate', () => {
    expect(problemsOf(() => readModelRegistryGateEnvironment({ VERDICT_ENVIRONMENT: 'dev' }))).toEqual([
      'env.VERDICT_DECISIONS_TABLE: Invalid input: expected string, received undefined',
      'env.VERDICT_IDEMPOTENCY_TABLE: Invalid input: expected string, received undefined',
      'env.VERDICT_EVENT_BUS_NAME: Invalid input: expected string, received undefined',
      'env.VERDICT_POLICY_BUNDLE: Invalid input: expected string, received undefined',
    ]);
  });

  it('the report worker, with a retention that is not a number of days', () => {
    const problems = problemsOf(() =>
      readReportWorkerEnvironment({
        VERDICT_ENVIRONMENT: 'dev',
        VERDICT_DECISIONS_TABLE: 'decisions',
        VERDICT_REPORT_JOBS_TABLE: 'jobs',
        VERDICT_REPORTS_BUCKET: 'reports',
        VERDICT_REPORT_RETENTION_DAYS: 'a year',
        VERDICT_LEDGER_TABLE: 'ledger',
        VERDICT_LEDGER_TILES_BUCKET: 'tiles',
        VERDICT_LEDGER_ORIGIN: 'origin',
      }),
    );
    expect(problems).toEqual([
      'env.VERDICT_REPORT_RETENTION_DAYS: must be a whole number of days from 1 to 36500',
      'env.VERDICT_REPORT_SIGNING_KEY_ID: Invalid input: expected string, received undefined',
    ]);
  });

  it('the auditor API, with a role map that is not JSON', () => {
    expect(
      problemsOf(() =>
        readApiEnvironment({
          VERDICT_ENVIRONMENT: 'dev',
          VERDICT_DECISIONS_TABLE: 'decisions',
          VERDICT_API_ROLE_MAP: '{auditor',
        }),
      ),
    ).toEqual(['env.VERDICT_API_ROLE_MAP: expected a JSON object']);
  });

  it('parses what the stack sets: numbers, JSON role maps, defaults', () => {
    const env = readApiEnvironment({
      VERDICT_ENVIRONMENT: 'dev',
      VERDICT_DECISIONS_TABLE: 'decisions',
      VERDICT_API_ROLE_MAP: '{"arn:aws:iam::123456789012:role/Auditors":"auditor"}',
      VERDICT_REPORT_RETENTION_DAYS: '400',
    });
    expect(env).toMatchObject({
      VERDICT_API_ROLE_MAP: { 'arn:aws:iam::123456789012:role/Auditors': 'auditor' },
      VERDICT_API_JWT_GROUP_ROLES: {},
      VERDICT_MODEL_PACKAGE_GROUP_PREFIX: '',
      VERDICT_REPORT_RETENTION_DAYS: 400,
    });
  });
});
