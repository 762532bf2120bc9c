/**
 * `verdict classify` as a user runs it: the classification JSON on stdout (and nothing else there), exit 0;
 * exit 2 with every validation error of an invalid profile, or with the usage problem, on stderr.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { classificationSchema } from '../../functions/contracts/classification.ts';
import { ROOT, runCli } from '../support/cli.ts';

const SAMPLES = join(ROOT, 'functions/local/demo/samples');
const EXIT = { ok: 0, badInput: 2 } as const;

const inputs = mkdtempSync(join(tmpdir(), 'verdict-e2e-classify-'));
afterAll(() => rmSync(inputs, { recursive: true, force: true }));

const classify = (args: string[]) => runCli(['classify', ...args], { cwd: inputs });

function write(name: string, content: unknown): string {
  const path = join(inputs, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const cvRanker = join(SAMPLES, 'cv-ranker.profile.json');
const cvRankerJson = JSON.parse(readFileSync(cvRanker, 'utf8')) as Record<string, unknown>;

describe('verdict classify', () => {
  it('prints the classification of a profile and exits 0', async () => {
    const run = await classify(['--profile', cvRanker, '--as-of', '2026-11-28']);
    expect(run.code).toBe(EXIT.ok);
    expect(run.stderr).toBe('');
    const classification = classificationSchema.parse(JSON.parse(run.stdout));
    expect(classification).toMatchObject({
      riskClass: 'high',
      annexIII: '4(a)',
      derogated: false,
      gpai: 'none',
      transparency: [],
      basis: ['Art. 6(2)', 'Annex III 4(a)'],
    });
    expect(classification.obligations[0]).toEqual({
      ref: 'Art. 9',
      title: 'Risk management system',
      holder: 'provider',
      appliesFrom: '2027-12-02',
    });
    expect(classification.obligations.at(-1)).toMatchObject({ ref: 'Art. 26', holder: 'deployer' });
  });

  it('reads trainingFlops exactly: 10^25 is gpai, 10^25 + 1 is systemic (Art. 51(2))', async () => {
    const gpai = (flops: string) =>
      write(
        `gpai-${flops.length}-${flops.at(-1)}.json`,
        JSON.stringify({
          ...cvRankerJson,
          gpai: { isGpai: true, trainingFlops: 0, commissionDesignated: false, openWeights: false },
        }).replace('"trainingFlops":0', `"trainingFlops":${flops}`),
      );
    const tiers = [];
    for (const flops of [
      '9999999999999999999999999',
      '10000000000000000000000000',
      '10000000000000000000000001',
    ]) {
      const run = await classify(['--profile', gpai(flops), '--as-of', '2026-11-28']);
      expect(run.code).toBe(EXIT.ok);
      tiers.push(classificationSchema.parse(JSON.parse(run.stdout)).gpai);
    }
    expect(tiers).toEqual(['gpai', 'gpai', 'systemic']);
  });

  it('evaluates on today by default', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const [implicit, explicit] = await Promise.all([
      classify(['--profile', cvRanker]),
      classify(['--profile', cvRanker, '--as-of', today]),
    ]);
    expect(implicit.code).toBe(EXIT.ok);
    expect(implicit.stdout).toBe(explicit.stdout);
  });

  it('classifies on the date it is given: Art. 5(1)(ba) applies from 2026-12-02', async () => {
    const profile = write('imagery.json', {
      ...cvRankerJson,
      useCase: 'other',
      art5: { ...(cvRankerJson.art5 as object), intimateImageryWithoutConsent: true },
    });
    const before = await classify(['--profile', profile, '--as-of', '2026-12-01']);
    const after = await classify(['--profile', profile, '--as-of', '2026-12-02']);
    expect(JSON.parse(before.stdout)).toMatchObject({ riskClass: 'minimal', basis: [] });
    expect(JSON.parse(after.stdout)).toMatchObject({ riskClass: 'prohibited', basis: ['Art. 5(1)(ba)'] });
  });

  it('lists every validation error of an invalid profile and exits 2', async () => {
    const { deployerType: _dropped, ...rest } = cvRankerJson;
    const profile = write('invalid.json', {
      ...rest,
      profiling: 'yes',
      useCase: 'recruitment_v2',
      gpai: { ...(cvRankerJson.gpai as object), trainingFlops: -1 },
      nickname: 'cv',
    });
    const run = await classify(['--profile', profile, '--as-of', '2026-11-28']);
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('verdict: invalid input (profile.invalid)');
    const problems = lines.slice(1);
    expect(problems).toHaveLength(5);
    expect(problems).toEqual(
      expect.arrayContaining([
        '  - profile.profiling: Invalid input: expected boolean, received string',
        expect.stringMatching(
          /^ {2}- profile\.useCase: Invalid option: expected one of "critical_infrastructure_safety"/,
        ),
        '  - profile.gpai.trainingFlops: Too small: expected number to be >=0',
        '  - profile: Unrecognized key: "nickname"',
        '  - profile.deployerType: required when role includes deployer (it decides the Art. 27 impact assessment)',
      ]),
    );
  });

  it('refuses a file that is not JSON, or is missing, with exit 2', async () => {
    const notJson = write('not-json.json', '{"name": ');
    const broken = await classify(['--profile', notJson]);
    expect(broken.code).toBe(EXIT.badInput);
    expect(broken.stderr).toContain(`verdict: profile ${notJson}: not JSON`);
    const missing = await classify(['--profile', join(inputs, 'nowhere.json')]);
    expect(missing.code).toBe(EXIT.badInput);
    expect(missing.stderr).toContain('cannot be read (ENOENT)');
  });

  it('refuses a date that is not a calendar date, with exit 2', async () => {
    for (const date of ['2026-02-30', 'tomorrow', '28/11/2026']) {
      const run = await classify(['--profile', cvRanker, '--as-of', date]);
      expect(run.code).toBe(EXIT.badInput);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(`verdict: --as-of ${date}: expected a calendar date YYYY-MM-DD\n`);
    }
  });

  it('needs --profile', async () => {
    const run = await classify([]);
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stderr).toContain("required option '--profile <file>' not specified");
  });
});
