import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetManifest } from '../../../functions/contracts/dataset-manifest.ts';
import { datasetVersionEntryId } from '../../../functions/contracts/dataset-version.ts';
import { locateSubject } from '../../../functions/datasets/locate-subject.ts';
import { parseDatasetManifest } from '../../../functions/datasets/parse-manifest.ts';
import { type RegisterDatasetDeps, registerDataset } from '../../../functions/datasets/register-dataset.ts';
import { cachedPolicyEngine, policyBundlePath } from '../../../functions/gates/policy/engine-cache.ts';
import type { PolicyEngine } from '../../../functions/gates/policy/policy-engine.ts';
import { datasetSource } from '../../../functions/local/cli/dataset-source.ts';
import { type LocalRuntime, openLocalRuntime } from '../../../functions/local/runtime.ts';

const SAMPLES = 'functions/local/demo/samples';
const sampleManifest = (): DatasetManifest =>
  parseDatasetManifest(JSON.parse(readFileSync(join(SAMPLES, 'credit-applications.manifest.json'), 'utf8')));

let engine: PolicyEngine;
beforeAll(async () => {
  engine = await cachedPolicyEngine(policyBundlePath())();
});

let runtime: LocalRuntime | undefined;
afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
});

function open(): { runtime: LocalRuntime; deps: RegisterDatasetDeps; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'verdict-datasets-'));
  runtime = openLocalRuntime({ database: ':memory:', objectsDir: join(dir, 'objects') });
  const deps = {
    policyEngine: async () => engine,
    now: () => new Date('2026-12-08T10:00:00.000Z'),
    decisions: runtime.decisions,
    versions: runtime.datasets.versions,
    index: runtime.datasets.index,
    hasher: runtime.datasets.hasher(),
  };
  return { runtime, deps, dir };
}

async function register(csv: string, manifest: DatasetManifest) {
  const { runtime, deps, dir } = open();
  const file = join(dir, 'data.csv');
  writeFileSync(file, csv);
  const registration = await registerDataset(
    manifest,
    await datasetSource(file, manifest.name, runtime.objects),
    deps,
  );
  return { ...registration, runtime, deps, file };
}

const rulesOf = (violations: { rule: string }[]) => violations.map((v) => v.rule);

/** Rows of a CSV with the sample's columns; `rows` gives gender and label per row. */
function csvOf(rows: [gender: string, approved: number][], extra = ''): string {
  const lines = rows.map(
    ([gender, approved], i) =>
      `APP-${i + 1},applicant${i + 1}@outlook.com,${gender},${i % 2 ? 'north' : 'south'},26-40,50000,9000,${approved}${extra}`,
  );
  return `applicant_id,email,gender,region,age_band,income,loan_amount,approved${extra ? ',notes' : ''}\n${lines.join('\n')}\n`;
}
const balanced = (n: number): [string, number][] =>
  Array.from({ length: n }, (_, i) => [i % 2 ? 'female' : 'male', Math.floor(i / 2) % 2]);

describe('registerDataset', () => {
  it('allows the sample, records the decision and the version in the ledger and indexes every row', async () => {
    const { runtime, deps } = open();
    const manifest = sampleManifest();
    const source = await datasetSource(
      join(SAMPLES, 'credit-applications.csv'),
      manifest.name,
      runtime.objects,
    );
    const { decision, version } = await registerDataset(manifest, source, deps);
    expect(decision.decision).toBe('allow');
    expect(decision.gate).toBe('data');
    expect(decision.subject).toMatchObject({
      kind: 'dataset-version',
      id: version.id,
      group: 'credit-applications',
    });
    expect(version).toMatchObject({ rows: 300, decisionId: decision.id, decision: 'allow' });
    expect(version.subjectIndex).toEqual({ keyId: 'ephemeral', rows: 300 });
    const ledger = await runtime.openLedger();
    const entry = (await ledger.findById(datasetVersionEntryId(version.id)))?.entry;
    expect(entry).toMatchObject({ type: 'note', note: { datasetVersion: version } });
    expect(await ledger.findDecision(decision.id)).toEqual(decision);
    expect(await runtime.objects.stat(version.uri)).toEqual({ size: version.bytes });

    const found = await locateSubject(' app-0000042 ', deps);
    expect(found).toEqual([{ datasetVersionId: version.id, rows: [42], version }]);
    expect(await locateSubject('APP-9999999', deps)).toEqual([]);
  });

  it('registering the same data and manifest again gives the same ids and does not double the index', async () => {
    const { runtime, deps } = open();
    const manifest = sampleManifest();
    const source = await datasetSource(
      join(SAMPLES, 'credit-applications.csv'),
      manifest.name,
      runtime.objects,
    );
    const first = await registerDataset(manifest, source, deps);
    const again = await registerDataset(manifest, source, deps);
    expect(again.decision.id).toBe(first.decision.id);
    expect(again.version.id).toBe(first.version.id);
    expect(await runtime.datasets.versions.list()).toHaveLength(1);
    expect((await locateSubject('APP-0000001', deps))[0]?.rows).toEqual([1]);
  });

  it('denies a manifest that lies: personal data in a column it does not declare', async () => {
    const manifest = { ...sampleManifest(), piiColumns: ['applicant_id'] };
    const { decision } = await register(csvOf(balanced(40)), manifest);
    expect(decision.decision).toBe('deny');
    expect(rulesOf(decision.violations)).toEqual(['data.undeclared_pii']);
    expect(decision.violations[0]?.message).toBe(
      'Personal data found in columns the manifest does not declare: "email".',
    );
  });

  it('denies a manifest naming columns the data does not have, and says which', async () => {
    const manifest = { ...sampleManifest(), piiColumns: ['applicant_id', 'email', 'phone'] };
    const { decision } = await register(csvOf(balanced(40)), manifest);
    expect(rulesOf(decision.violations)).toEqual(['data.manifest_columns_missing']);
    expect(decision.violations[0]?.message).toMatch(
      /^The manifest names columns the data does not have: "phone" /,
    );
  });

  it('denies without a legal basis, and without a subject key in the data (and then indexes nothing)', async () => {
    const { legalBasis: _, ...withoutBasis } = sampleManifest();
    const noBasis = await register(csvOf(balanced(40)), withoutBasis);
    expect(rulesOf(noBasis.decision.violations)).toEqual(['data.no_legal_basis']);
    const noKeys = await register(csvOf(balanced(40)), { ...sampleManifest(), subjectKeys: [] });
    expect(rulesOf(noKeys.decision.violations)).toEqual(['data.subject_keys_missing']);
    expect(noKeys.version.subjectIndex).toBeUndefined();
  });

  it('denies biased high-risk data per metric, with the value and the bound', async () => {
    // 20 men all approved, 20 women none: DPL = 1.
    const rows: [string, number][] = [
      ...Array.from({ length: 20 }, (): [string, number] => ['male', 1]),
      ...Array.from({ length: 20 }, (): [string, number] => ['female', 0]),
    ];
    const { decision } = await register(csvOf(rows), sampleManifest());
    expect(decision.decision).toBe('deny');
    const messages = decision.violations.map((v) => v.message);
    expect(messages).toContain(
      'Pre-training bias metric DPL = 1.0000 is outside [-0.1, 0.1] for a high-risk system.',
    );
    expect(messages).toContain(
      'Bias metric KL could not be computed on dataset credit-applications (a facet has no rows, or the divergence is infinite).',
    );
    for (const v of decision.violations) expect(v.remediation).not.toBe('');
  });

  it('fails closed when the policy bundle cannot be loaded', async () => {
    const { runtime, deps } = open();
    const manifest = sampleManifest();
    const source = await datasetSource(
      join(SAMPLES, 'credit-applications.csv'),
      manifest.name,
      runtime.objects,
    );
    const { decision } = await registerDataset(manifest, source, {
      ...deps,
      policyEngine: async () => {
        throw new Error('no bundle');
      },
    });
    expect(decision.decision).toBe('deny');
    expect(rulesOf(decision.violations)).toEqual(['gate.policy_unavailable']);
    expect(decision.violations[0]?.remediation).toBe(
      'Fix the cause named in the message, then register the dataset version again to re-run the gate.',
    );
  });
});
