/**
 * `verdict check` as a CI job runs it: the exit code is the outcome, stdout is exactly the decision in the
 * chosen format (each parsed back), the decision is the one `verdict gate` makes for the same inputs, and
 * a dry check writes nothing.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Decision } from '../../functions/contracts/decision.ts';
import { ROOT, runCli } from '../support/cli.ts';
import { HARMLESS_PROFILE } from '../support/profiles.ts';
import { sarifSchemaErrors } from '../support/sarif-schema.ts';
import { elements, parseXml } from '../support/xml.ts';

const SAMPLES = join(ROOT, 'functions/local/demo/samples');
const EVENT = join(ROOT, 'test/fixtures/events/sagemaker-model-package-state-change.json');
const EXIT = { ok: 0, badInput: 2, deny: 3, review: 4 } as const;
const BIAS_RULES = [
  'bias.difference_in_positive_proportions',
  'bias.disparate_impact',
  'bias.recall_difference',
];

const inputs = mkdtempSync(join(tmpdir(), 'verdict-e2e-check-inputs-'));
/** The CLI's working directory: a dry check must leave it as empty as it found it. */
const cwd = mkdtempSync(join(tmpdir(), 'verdict-e2e-check-cwd-'));
afterAll(() => {
  rmSync(inputs, { recursive: true, force: true });
  rmSync(cwd, { recursive: true, force: true });
});

const check = (args: string[]) => runCli(['check', ...args], { cwd });
const profile = (sample: string) => join(SAMPLES, `${sample}.profile.json`);
const clarify = (sample: string) => join(SAMPLES, `${sample}.analysis.json`);

function write(name: string, content: unknown): string {
  const path = join(inputs, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

/** Selection rates 0.60 and 0.49: DI 0.82 passes, |DPPL| 0.11 is a medium violation. */
const REVIEW_COUNTS = {
  facet: 'sex',
  value: 'female',
  reference: { TP: 50, FP: 10, FN: 20, TN: 20 },
  sensitive: { TP: 42, FP: 7, FN: 26, TN: 25 },
};
const harmless = write('harmless.profile.json', HARMLESS_PROFILE);
const reviewCounts = write('counts.json', REVIEW_COUNTS);

describe.concurrent('verdict check', () => {
  it('allow: exit 0, the decision as text', async ({ expect }) => {
    const run = await check(['--profile', profile('credit-scorer'), '--clarify', clarify('credit-scorer')]);
    expect(run.code).toBe(EXIT.ok);
    expect(run.stderr).toBe('');
    expect(run.stdout.split('\n').slice(2, 5)).toEqual([
      'ALLOW: the model version may be approved',
      'Model        retail-credit-scorer version 1',
      '             arn:aws:sagemaker:local-1:000000000000:model-package/retail-credit-scorer/1',
    ]);
    expect(run.stdout).toContain('\nNo violations.\n');
  });

  it('deny: exit 3, the same decision as `verdict gate` on the same inputs (rules, explanations, bundle)', async ({
    expect,
  }) => {
    const evidence = join(inputs, 'cv-evidence');
    mkdirSync(evidence, { recursive: true });
    copyFileSync(clarify('cv-ranker'), join(evidence, 'analysis.json'));
    const [checked, gated] = await Promise.all([
      check(['--profile', profile('cv-ranker'), '--clarify', clarify('cv-ranker'), '--format', 'json']),
      runCli(['gate', '--event', EVENT, '--profile', profile('cv-ranker'), '--evidence', evidence], { cwd }),
    ]);
    expect([checked.code, gated.code]).toEqual([EXIT.deny, EXIT.deny]);
    const [mine, theirs] = [checked, gated].map((r) => JSON.parse(r.stdout) as Decision) as [
      Decision,
      Decision,
    ];
    expect(mine.decision).toBe('deny');
    expect(mine.violations.map((v) => v.rule)).toEqual(BIAS_RULES);
    expect(mine.violations).toEqual(theirs.violations);
    expect(mine.policy).toEqual(theirs.policy);
    expect(mine.riskClass).toBe(theirs.riskClass);
    expect(mine.subject).toEqual({
      kind: 'model-package',
      id: 'arn:aws:sagemaker:local-1:000000000000:model-package/cv-ranker/1',
      group: 'cv-ranker',
      version: '1',
    });
  });

  it('review: exit 4 for a medium violation, the bias evidence given as confusion counts', async ({
    expect,
  }) => {
    const run = await check(['--profile', harmless, '--counts', reviewCounts, '--format', 'json']);
    expect(run.code).toBe(EXIT.review);
    const decision = JSON.parse(run.stdout) as Decision;
    expect(decision.decision).toBe('review');
    expect(decision.violations.map((v) => [v.rule, v.severity, v.message])).toEqual([
      [
        'bias.difference_in_positive_proportions',
        'medium',
        'difference in positive proportions in predicted labels (DPPL) for facet sex, value female, is 0.11: its magnitude is above the maximum 0.1.',
      ],
    ]);
  });

  it('--format sarif: a valid SARIF 2.1.0 log, one result per violation, located at the profile', async ({
    expect,
  }) => {
    const run = await check([
      '--profile',
      profile('cv-ranker'),
      '--clarify',
      clarify('cv-ranker'),
      '--format',
      'sarif',
    ]);
    expect(run.code).toBe(EXIT.deny);
    const log = JSON.parse(run.stdout);
    expect(sarifSchemaErrors(log)).toEqual([]);
    const [sarifRun] = log.runs;
    expect(sarifRun.results.map((r: { ruleId: string; level: string }) => [r.ruleId, r.level])).toEqual(
      BIAS_RULES.map((rule) => [rule, 'error']),
    );
    expect(sarifRun.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(BIAS_RULES);
    expect(sarifRun.results[0].locations[0].physicalLocation.artifactLocation.uri).toMatch(
      /functions\/local\/demo\/samples\/cv-ranker\.profile\.json$/,
    );
    expect(sarifRun.properties.decision).toBe('deny');
  });

  it('--format junit: one failing test case per enforced violation, and the outcome', async ({ expect }) => {
    const run = await check([
      '--profile',
      profile('citizen-trust-score'),
      '--clarify',
      clarify('citizen-trust-score'),
      '--format',
      'junit',
    ]);
    expect(run.code).toBe(EXIT.deny);
    const root = parseXml(run.stdout);
    const cases = elements(root, 'testcase');
    expect(cases[0]?.attributes.name).toBe('decision is allow (citizen-trust-score version 1)');
    expect(cases.map((c) => c.attributes.name)).toContain('prohibited.social_scoring');
    const [suite] = elements(root, 'testsuite');
    expect(Number(suite?.attributes.failures)).toBe(elements(root, 'failure').length);
    expect(elements(root, 'failure').length).toBeGreaterThanOrEqual(2);
  });

  it('--data: the training data is scanned for PII as the gate scans what a package names', async ({
    expect,
  }) => {
    const data = write(
      'applicants.csv',
      'name,email,score\nAda,ada.lovelace@analyticalengines.co.uk,0.9\nAlan,alan.turing@bletchleycodes.org,0.4\n',
    );
    const run = await check(['--profile', harmless, '--data', data, '--format', 'json']);
    expect(run.code).toBe(EXIT.review);
    const decision = JSON.parse(run.stdout) as Decision;
    expect(decision.violations.map((v) => [v.rule, v.severity])).toEqual([['pii.email_address', 'medium']]);
    expect(run.stdout).not.toContain('ada.lovelace');
  });

  it('a dry check writes nothing: no data directory, no file', async ({ expect }) => {
    await check(['--profile', profile('credit-scorer'), '--clarify', clarify('credit-scorer')]);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('--help says the check is dry unless --record', async ({ expect }) => {
    const run = await runCli(['help', 'check'], { cwd });
    expect(run.stdout).toContain(
      'A dry evaluation by default: nothing is written, no ledger entry is made (use --record for one).',
    );
  });
});

describe.concurrent('verdict check: bad input (exit 2, one message, nothing written)', () => {
  const cases: [string, string[], string][] = [
    [
      'both kinds of bias evidence',
      [
        '--profile',
        profile('credit-scorer'),
        '--clarify',
        clarify('credit-scorer'),
        '--counts',
        reviewCounts,
      ],
      'verdict: give only one of --clarify, --counts\n',
    ],
    [
      'an unknown format',
      ['--profile', profile('credit-scorer'), '--format', 'xml'],
      'verdict: --format xml: expected one of text, json, sarif, junit\n',
    ],
    [
      'a missing profile',
      ['--profile', join(inputs, 'nope.json')],
      `verdict: profile ${join(inputs, 'nope.json')}: cannot be read (ENOENT)\n`,
    ],
    [
      'an invalid profile',
      ['--profile', write('bad.profile.json', { ...HARMLESS_PROFILE, profiling: 'yes' })],
      'verdict: invalid input (profile.invalid)\n  - profile.profiling: Invalid input: expected boolean, received string\n',
    ],
    [
      'counts that are not counts',
      [
        '--profile',
        harmless,
        '--counts',
        write('bad-counts.json', { reference: { TP: -1, FP: 0, FN: 0, TN: 1 } }),
      ],
      'verdict: invalid input (counts.invalid)\n',
    ],
    [
      'a group name SageMaker refuses',
      ['--profile', harmless, '--group', 'churn_model'],
      'verdict: --group churn_model: not a model package group name (1 to 63 letters, digits and hyphens, starting and ending with a letter or digit)\n',
    ],
  ];
  it.each(cases)('%s', async (_, args, message) => {
    const run = await check(args);
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stdout).toBe('');
    if (message.endsWith('(counts.invalid)\n')) expect(run.stderr.startsWith(message)).toBe(true);
    else expect(run.stderr).toBe(message);
    expect(readdirSync(cwd)).toEqual([]);
  });
});

describe('verdict check --record', () => {
  it('registers the version in the data directory and records its decision in the ledger', async () => {
    const dataDir = join(inputs, 'recorded');
    const run = await check([
      '--profile',
      profile('cv-ranker'),
      '--clarify',
      clarify('cv-ranker'),
      '--record',
      '--data-dir',
      dataDir,
      '--format',
      'json',
    ]);
    expect(run.code).toBe(EXIT.deny);
    const decision = JSON.parse(run.stdout) as Decision;
    const listed = await runCli(['registry', 'list', '--data-dir', dataDir, '--format', 'json'], { cwd });
    expect(
      JSON.parse(listed.stdout).map((p: { arn: string; approvalStatus: string }) => [
        p.arn,
        p.approvalStatus,
      ]),
    ).toEqual([[decision.subject.id, 'Rejected']]);
    const out = join(inputs, 'recorded-export');
    expect((await runCli(['ledger', 'export', '--data-dir', dataDir, '--out', out], { cwd })).code).toBe(0);
    expect(existsSync(join(out, 'entries.jsonl'))).toBe(true);
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(join(out, 'entries.jsonl'), 'utf8')).toContain(decision.id);
  });
});
