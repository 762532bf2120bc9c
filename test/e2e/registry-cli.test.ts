/**
 * `verdict registry` as a user trying their own model runs it: `register` creates a pending version in the
 * data directory's registry and its event goes through the local bus to the gate, whose decision is in the
 * ledger; `--no-event` prints the event instead; `list` shows the versions.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Decision } from '../../functions/contracts/decision.ts';
import { ROOT, runCli } from '../support/cli.ts';
import { HARMLESS_PROFILE } from '../support/profiles.ts';

const SAMPLES = join(ROOT, 'functions/local/demo/samples');
const EXIT = { ok: 0, badInput: 2, deny: 3, review: 4 } as const;
const ARN = 'arn:aws:sagemaker:local-1:000000000000:model-package';

const work = mkdtempSync(join(tmpdir(), 'verdict-e2e-registry-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const profile = (sample: string) => join(SAMPLES, `${sample}.profile.json`);
const clarify = (sample: string) => join(SAMPLES, `${sample}.analysis.json`);
const harmless = join(work, 'harmless.profile.json');
writeFileSync(harmless, JSON.stringify(HARMLESS_PROFILE));
const counts = join(work, 'counts.json');
writeFileSync(
  counts,
  JSON.stringify({
    facet: 'sex',
    value: 'female',
    reference: { TP: 50, FP: 10, FN: 20, TN: 20 },
    sensitive: { TP: 42, FP: 7, FN: 26, TN: 25 },
  }),
);

const registry = (dataDir: string, args: string[]) =>
  runCli(['registry', ...args, '--data-dir', dataDir], { cwd: work });

/** The decisions the data directory's ledger holds, from its export. */
async function ledgerDecisions(dataDir: string): Promise<Decision[]> {
  const out = join(work, `export-${Math.random().toString(36).slice(2)}`);
  const run = await runCli(['ledger', 'export', '--data-dir', dataDir, '--out', out], { cwd: work });
  expect(run.code).toBe(EXIT.ok);
  return readFileSync(join(out, 'entries.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => {
      const entry = JSON.parse(line) as { decision?: Decision };
      return entry.decision ? [entry.decision] : [];
    });
}

describe('verdict registry register', () => {
  const dataDir = join(work, 'data');

  it('deny, allow and review: the ARN, the decision and the status, and the exit code of the outcome', async () => {
    const denied = await registry(dataDir, [
      'register',
      '--group',
      'cv-ranker',
      '--profile',
      profile('cv-ranker'),
      '--clarify',
      clarify('cv-ranker'),
    ]);
    expect(denied.code).toBe(EXIT.deny);
    const deniedLines = denied.stdout.split('\n');
    expect(deniedLines[0]).toBe(`registered ${ARN}/cv-ranker/1`);
    expect(deniedLines[1]).toMatch(/^decision {3}deny \([0-9a-f-]{36}\), approval status Rejected$/);
    expect(deniedLines.slice(2, 5).map((l) => l.split(' [')[0])).toEqual([
      '  x bias.difference_in_positive_proportions',
      '  x bias.disparate_impact',
      '  x bias.recall_difference',
    ]);

    const allowed = await registry(dataDir, [
      'register',
      '--group',
      'cv-ranker',
      '--profile',
      profile('credit-scorer'),
      '--clarify',
      clarify('credit-scorer'),
    ]);
    expect(allowed.code).toBe(EXIT.ok);
    expect(allowed.stdout).toMatch(
      new RegExp(
        `^registered ${ARN}/cv-ranker/2\\ndecision {3}allow \\([0-9a-f-]{36}\\), approval status Approved\\n$`,
      ),
    );

    const reviewed = await registry(dataDir, [
      'register',
      '--group',
      'churn',
      '--profile',
      harmless,
      '--counts',
      counts,
    ]);
    expect(reviewed.code).toBe(EXIT.review);
    expect(reviewed.stdout.split('\n').slice(0, 2).join('\n')).toMatch(
      new RegExp(
        `^registered ${ARN}/churn/1\\ndecision {3}review \\([0-9a-f-]{36}\\), approval status PendingManualApproval$`,
      ),
    );

    // Each decision went through the bus to the gate and is in the ledger.
    const decisions = await ledgerDecisions(dataDir);
    expect(decisions.map((d) => [d.subject.id, d.decision])).toEqual([
      [`${ARN}/cv-ranker/1`, 'deny'],
      [`${ARN}/cv-ranker/2`, 'allow'],
      [`${ARN}/churn/1`, 'review'],
    ]);
  });

  it('--training-data FILE: copied into the data directory and scanned by the gate, as in S3', async () => {
    const dataDir = join(work, 'trained');
    const data = join(work, 'applicants.csv');
    writeFileSync(data, 'name,email\nAda,ada.lovelace@analyticalengines.co.uk\n');
    const run = await registry(dataDir, [
      'register',
      '--group',
      'churn',
      '--profile',
      harmless,
      '--training-data',
      data,
    ]);
    expect(run.code).toBe(EXIT.review);
    expect(run.stdout.split('\n')[2]).toMatch(/^ {2}x pii\.email_address \[medium\] /);
    const [decision] = await ledgerDecisions(dataDir);
    expect(decision?.violations.map((v) => v.rule)).toEqual(['pii.email_address']);
    const staged = readdirSync(join(dataDir, 'objects/verdict-local-inputs/churn'));
    expect(
      readdirSync(join(dataDir, 'objects/verdict-local-inputs/churn', staged[0] as string, 'training-data')),
    ).toEqual(['applicants.csv']);
  });

  it('--no-event prints the event SageMaker would send and leaves the version pending, undecided', async () => {
    const quiet = join(work, 'quiet');
    const run = await registry(quiet, ['register', '--group', 'churn', '--profile', harmless, '--no-event']);
    expect(run.code).toBe(EXIT.ok);
    const event = JSON.parse(run.stdout);
    expect(event).toMatchObject({
      source: 'aws.sagemaker',
      'detail-type': 'SageMaker Model Package State Change',
      resources: [`${ARN}/churn/1`],
      detail: {
        ModelPackageGroupName: 'churn',
        ModelPackageVersion: 1,
        ModelApprovalStatus: 'PendingManualApproval',
        CustomerMetadataProperties: {
          'verdict:profile': expect.stringMatching(/^s3:\/\/verdict-local-inputs\/churn\//),
        },
      },
    });
    const listed = await registry(quiet, ['list', '--format', 'json']);
    expect(JSON.parse(listed.stdout).map((p: { approvalStatus: string }) => p.approvalStatus)).toEqual([
      'PendingManualApproval',
    ]);
    // Nothing was decided: no ledger was even created, and reading it says so.
    const exported = await runCli(['ledger', 'export', '--data-dir', quiet, '--out', join(work, 'none')], {
      cwd: work,
    });
    expect(exported.code).toBe(EXIT.badInput);
    expect(exported.stderr).toContain(`no ledger at ${quiet}`);
  });

  it('bad input: exit 2, one line, nothing written', async () => {
    const untouched = join(work, 'untouched');
    const cases: [string[], string][] = [
      [
        ['--group', 'churn_model', '--profile', harmless],
        'verdict: --group churn_model: not a model package group name (1 to 63 letters, digits and hyphens, starting and ending with a letter or digit)\n',
      ],
      [
        ['--group', 'churn', '--profile', harmless, '--training-data', join(work, 'none.csv')],
        `verdict: training data ${join(work, 'none.csv')}: cannot be read (ENOENT)\n`,
      ],
      [
        ['--group', 'churn', '--profile', harmless, '--training-data', 's3://bucket/../secrets.csv'],
        'verdict: training data s3://bucket/../secrets.csv: expected an s3://bucket/key URI without "." or ".." segments or backslashes\n',
      ],
      [['--profile', harmless], "error: required option '--group <name>' not specified\n"],
    ];
    for (const [args, message] of cases) {
      const run = await registry(untouched, ['register', ...args]);
      expect([run.code, run.stdout, run.stderr]).toEqual([EXIT.badInput, '', message]);
    }
    const list = await registry(untouched, ['list']);
    expect([list.code, list.stderr]).toEqual([
      EXIT.badInput,
      `verdict: no registry at ${untouched} (register a version first)\n`,
    ]);
    expect(existsSync(untouched)).toBe(false);
  });
});

describe('verdict registry list', () => {
  it('prints the versions as a table, oldest first, or as JSON; --group filters', async () => {
    const dataDir = join(work, 'listed');
    for (const group of ['alpha', 'beta', 'alpha'])
      await registry(dataDir, ['register', '--group', group, '--profile', harmless, '--no-event']);
    const text = await registry(dataDir, ['list']);
    expect(text.code).toBe(EXIT.ok);
    const rows = text.stdout
      .trimEnd()
      .split('\n')
      .map((l) => l.split(/\s{2,}/));
    expect(rows.map((r) => [r[0], r[1], r[2], r[4]])).toEqual([
      ['GROUP', 'VERSION', 'STATUS', 'ARN'],
      ['alpha', '1', 'PendingManualApproval', `${ARN}/alpha/1`],
      ['beta', '1', 'PendingManualApproval', `${ARN}/beta/1`],
      ['alpha', '2', 'PendingManualApproval', `${ARN}/alpha/2`],
    ]);
    const json = await registry(dataDir, ['list', '--group', 'alpha', '--format', 'json']);
    expect(JSON.parse(json.stdout).map((p: { arn: string }) => p.arn)).toEqual([
      `${ARN}/alpha/1`,
      `${ARN}/alpha/2`,
    ]);
  });
});
