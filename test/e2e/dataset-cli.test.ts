/**
 * `verdict dataset register|list` and `verdict erasure locate` as a user runs them: exit codes, exact
 * messages, nothing written on bad input, and no subject key value anywhere Verdict writes (the SQLite
 * file, the ledger, its export) nor in what `erasure locate` prints.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../functions/local/cli/exit-codes.ts';
import { runCli } from '../support/cli.ts';
import { filesHolding } from '../support/plaintext.ts';

const SAMPLES = join('functions', 'local', 'demo', 'samples');
const DATA = join(SAMPLES, 'credit-applications.csv');
const MANIFEST = join(SAMPLES, 'credit-applications.manifest.json');
// Row 42 of the sample: its subject key, and its e-mail (personal data the index must not hold either).
const SUBJECT = 'APP-0000042';
const work = mkdtempSync(join(tmpdir(), 'verdict-e2e-dataset-'));

afterAll(() => rmSync(work, { recursive: true, force: true }));

function dataDir(name: string): string[] {
  return ['--data-dir', join(work, name)];
}

function writeManifest(name: string, changes: Record<string, unknown>): string {
  const file = join(work, `${name}.json`);
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(MANIFEST, 'utf8')), ...changes }));
  return file;
}

describe('verdict dataset register', () => {
  it('allows the sample (exit 0), lists it and locates a subject without printing the value', async () => {
    const d = dataDir('allow');
    const run = await runCli(['dataset', 'register', '--manifest', MANIFEST, '--data', DATA, ...d]);
    expect(run.code, run.stderr).toBe(EXIT.ok);
    expect(run.stdout).toMatch(
      /^Dataset credit-applications version credit-applications@[0-9a-f]{16}\.[0-9a-f]{8}\nALLOW: the dataset version may be used for training\n/,
    );
    expect(run.stdout).toMatch(/\nSubject index 300 rows under key local:[0-9a-f]{16} \(/);
    expect(run.stdout).toContain('\nNo violations.\n');

    const list = await runCli(['dataset', 'list', ...d]);
    expect(list.code).toBe(EXIT.ok);
    expect(list.stdout).toMatch(
      /^credit-applications@\S+ {2}allow +300 rows {2}\S+ {2}s3:\/\/verdict-datasets\//,
    );

    const located = await runCli(['erasure', 'locate', '--subject-key', SUBJECT.toLowerCase(), ...d]);
    expect(located.code, located.stderr).toBe(EXIT.ok);
    expect(located.stdout).toMatch(/^credit-applications@\S+ {2}1 row {2}s3:\/\/verdict-datasets\/\S+\n$/);
    expect(`${located.stdout}${located.stderr}`.toLowerCase()).not.toContain(SUBJECT.toLowerCase());

    const fromStdin = await runCli(['erasure', 'locate', '--subject-key', '-', '--json', ...d], {
      input: `${SUBJECT}\n`,
    });
    expect(JSON.parse(fromStdin.stdout)[0].rows).toEqual([42]);

    const nobody = await runCli(['erasure', 'locate', '--subject-key', 'APP-9999999', ...d]);
    expect(nobody).toMatchObject({ code: EXIT.ok, stdout: 'no dataset holds this subject\n', stderr: '' });
  });

  it('stores no subject key value: the SQLite file, the ledger, its export and the key file hold none', async () => {
    const d = dataDir('allow');
    const out = join(work, 'export');
    const exported = await runCli(['ledger', 'export', '--out', out, ...d]);
    expect(exported.code, exported.stderr).toBe(EXIT.ok);
    const dir = join(work, 'allow');
    expect(statSync(join(dir, 'datasets', 'subject-index.key')).mode & 0o777).toBe(0o600);
    for (const secret of [SUBJECT, 'applicant42@mail.credit-demo.eu']) {
      const held = { ...filesHolding(dir, secret), ...filesHolding(out, secret) };
      // Only the dataset itself, in the object store, holds it.
      expect(Object.keys(held).filter((file) => !file.startsWith('objects/'))).toEqual([]);
    }
  });

  it('denies a manifest that lies about its personal data (exit 3) and explains why', async () => {
    const manifest = writeManifest('lying', { piiColumns: ['applicant_id'], riskClass: 'minimal' });
    const run = await runCli([
      'dataset',
      'register',
      '--manifest',
      manifest,
      '--data',
      DATA,
      ...dataDir('deny'),
    ]);
    expect(run.code, run.stderr).toBe(EXIT.deny);
    expect(run.stdout).toContain('DENY: the dataset version may not be used for training\n');
    expect(run.stdout).toContain('Violations (1)\n  x data.undeclared_pii [high] GDPR Art. 5(1)(a)');
    expect(run.stdout).toContain('    remediation: Add the columns to piiColumns');
  });

  it('refuses bad input with exit 2 and the exact problem, writing nothing', async () => {
    const d = dataDir('bad');
    const manifest = writeManifest('bad', { retentionDays: 0, legalBasis: 'because' });
    const badManifest = await runCli(['dataset', 'register', '--manifest', manifest, '--data', DATA, ...d]);
    expect(badManifest).toMatchObject({
      code: EXIT.badInput,
      stdout: '',
      stderr: `verdict: invalid input (dataset.manifest_invalid)\n  - ${manifest}.legalBasis: Invalid option: expected one of "consent"|"contract"|"legal_obligation"|"vital_interests"|"public_task"|"legitimate_interests"\n  - ${manifest}.retentionDays: must be at least 1\n`,
    });
    const noData = await runCli([
      'dataset',
      'register',
      '--manifest',
      MANIFEST,
      '--data',
      join(work, 'none.csv'),
      ...d,
    ]);
    expect(noData.code).toBe(EXIT.badInput);
    expect(noData.stderr).toBe(`verdict: --data ${join(work, 'none.csv')}: no such file\n`);
    const noManifest = await runCli([
      'dataset',
      'register',
      '--manifest',
      join(work, 'none.json'),
      '--data',
      DATA,
      ...d,
    ]);
    expect(noManifest.code).toBe(EXIT.badInput);
    expect(noManifest.stderr).toBe(`verdict: manifest ${join(work, 'none.json')}: cannot be read (ENOENT)\n`);
    expect(existsSync(join(work, 'bad', 'verdict.db'))).toBe(false);

    const empty = join(work, 'empty.csv');
    writeFileSync(empty, '');
    const emptyRun = await runCli(['dataset', 'register', '--manifest', MANIFEST, '--data', empty, ...d]);
    expect(emptyRun.code).toBe(EXIT.badInput);
    expect(emptyRun.stderr).toBe(
      `verdict: invalid input (dataset.data_invalid)\n  - ${empty}: empty file (no header row)\n`,
    );
    expect(existsSync(join(work, 'bad', 'objects'))).toBe(false);
    // No ledger was even created: nothing was recorded.
    const list = await runCli(['dataset', 'list', ...d]);
    expect(list.code).toBe(EXIT.badInput);
    expect(list.stderr).toMatch(/^verdict: no ledger at /);
  });

  it('erasure locate needs a data directory and a non-empty value', async () => {
    const missing = await runCli(['erasure', 'locate', '--subject-key', SUBJECT, ...dataDir('nothing')]);
    expect(missing.code).toBe(EXIT.badInput);
    expect(missing.stderr).toMatch(/^verdict: no ledger at /);
    expect(missing.stderr).not.toContain(SUBJECT);
    const blank = await runCli(['erasure', 'locate', '--subject-key', ' ', ...dataDir('allow')]);
    expect(blank).toMatchObject({
      code: EXIT.badInput,
      stderr: 'verdict: --subject-key must not be empty\n',
    });
  });
});
