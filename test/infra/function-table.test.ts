import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ApiVariables } from '../../functions/api/environment.ts';
import type { ModelRegistryGateVariables } from '../../functions/gates/model-registry/environment.ts';
import type { ReportWorkerVariables } from '../../functions/reports/environment.ts';
import { functions } from '../../functions/routes.ts';
import { FUNCTION_TABLE } from '../../infra/function-table.ts';
import { REPO_ROOT } from '../../infra/paths.ts';

describe('the function table', () => {
  it('lists every routed function and the auditor API', () => {
    expect(Object.keys(FUNCTION_TABLE).sort()).toEqual([...Object.keys(functions), 'auditor-api'].sort());
  });

  it('reads the ledger only from the API and the report worker, ledger exports included', () => {
    // An export is a report job: the API records it and the worker writes it to the locked reports bucket.
    expect(FUNCTION_TABLE['auditor-api'].capabilities).toEqual(expect.arrayContaining(['ledger:read']));
    expect(FUNCTION_TABLE['auditor-api'].capabilities).not.toContain('ledger:append');
    expect(FUNCTION_TABLE['report-worker'].capabilities).toEqual([
      'decisions:read',
      'ledger:read',
      'reports:build',
      'reports:archive',
      'reports:sign',
    ]);
  });

  it('gives each function an environment module next to its handler', () => {
    for (const [name, { spec }] of Object.entries(FUNCTION_TABLE)) {
      expect(existsSync(join(REPO_ROOT, spec.entry)), name).toBe(true);
      expect(existsSync(join(REPO_ROOT, dirname(spec.entry), 'environment.ts')), name).toBe(true);
    }
  });

  it('types the variables: a missing or misspelt one does not compile', () => {
    const ledger = {
      VERDICT_LEDGER_TABLE: 'ledger',
      VERDICT_LEDGER_TILES_BUCKET: 'tiles',
      VERDICT_LEDGER_ANCHOR_BUCKET: 'anchor',
      VERDICT_LEDGER_SIGNING_KEY_ID: 'key',
      VERDICT_LEDGER_ORIGIN: 'origin',
      VERDICT_LEDGER_CHECKPOINT_RETENTION_DAYS: '3650',
    };
    const worker: ReportWorkerVariables = {
      ...ledger,
      VERDICT_ENVIRONMENT: 'dev',
      VERDICT_DECISIONS_TABLE: 'decisions',
      VERDICT_REPORT_JOBS_TABLE: 'jobs',
      VERDICT_REPORTS_BUCKET: 'reports',
      VERDICT_REPORT_RETENTION_DAYS: '365',
      VERDICT_REPORT_SIGNING_KEY_ID: 'key',
    };
    // @ts-expect-error misspelt: VERDICT_REPORT_BUCKET
    const misspelt: ReportWorkerVariables = { ...worker, VERDICT_REPORT_BUCKET: 'reports' };
    const { VERDICT_REPORT_JOBS_TABLE: _, ...withoutJobs } = worker;
    // @ts-expect-error missing: VERDICT_REPORT_JOBS_TABLE
    const missing: ReportWorkerVariables = withoutJobs;
    // @ts-expect-error missing: the ledger's variables
    const noLedger: ModelRegistryGateVariables = {
      VERDICT_ENVIRONMENT: 'dev',
      VERDICT_DECISIONS_TABLE: 'decisions',
      VERDICT_IDEMPOTENCY_TABLE: 'idempotency',
      VERDICT_EVENT_BUS_NAME: 'bus',
      VERDICT_POLICY_BUNDLE: '/var/task/policy/bundle.tar.gz',
    };
    // @ts-expect-error missing: VERDICT_DECISIONS_TABLE
    const api: ApiVariables = { ...ledger, VERDICT_ENVIRONMENT: 'dev' };
    expect([misspelt, missing, noLedger, api]).toHaveLength(4);
  });
});
