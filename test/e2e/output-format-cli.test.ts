/**
 * `--format text|json` on the commands whose output is for people: JSON parses and carries the fields
 * documented; text is for reading; a format outside the two is a usage error (exit 2) that prints nothing.
 * The `--json` these commands had before `--format` still works, unlisted.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classificationSchema } from '../../functions/contracts/classification.ts';
import { decisionSchema } from '../../functions/contracts/decision.ts';
import { exceptionSchema } from '../../functions/contracts/exception.ts';
import { parseCheckpoint } from '../../functions/ledger/core/checkpoint.ts';
import { parseNote } from '../../functions/ledger/core/signed-note.ts';
import { ROOT, runCli } from '../support/cli.ts';

const SAMPLES = join(ROOT, 'functions/local/demo/samples');
const cvRanker = join(SAMPLES, 'cv-ranker.profile.json');
const work = mkdtempSync(join(tmpdir(), 'verdict-e2e-format-'));
const dataDir = join(work, 'data');
const d = ['--data-dir', dataDir];
const verdict = (args: string[]) => runCli(args, { cwd: work });

beforeAll(async () => {
  expect((await verdict(['demo', '--no-cluster', ...d])).code).toBe(0);
  const granted = await verdict([
    'exception',
    'grant',
    '--rule',
    'bias.disparate_impact',
    '--model',
    'cv-ranker',
    '--approver',
    'head-of-model-risk',
    '--reason',
    'Retraining with reweighted data is scheduled',
    '--expires',
    new Date(Date.now() + 30 * 86_400_000).toISOString(),
    ...d,
  ]);
  expect(granted.code, granted.stderr).toBe(0);
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('--format text|json', () => {
  it('classify: json (the default) is the classification; text names the class and each obligation', async () => {
    const args = ['classify', '--profile', cvRanker, '--as-of', '2026-11-28'];
    const [byDefault, json, text] = await Promise.all([
      verdict(args),
      verdict([...args, '--format', 'json']),
      verdict([...args, '--format', 'text']),
    ]);
    expect(json).toEqual(byDefault);
    const classification = classificationSchema.parse(JSON.parse(json.stdout));
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^risk class {4}high\n/);
    expect(text.stdout).toContain('basis         Art. 6(2), Annex III 4(a)\n');
    for (const o of classification.obligations)
      expect(text.stdout).toContain(`${o.holder.padEnd(8)} from ${o.appliesFrom}  ${o.title}`);
  });

  it('explain: text (the default) is the rendered decision; json is the validated decision', async () => {
    const checked = await verdict([
      'check',
      '--profile',
      cvRanker,
      '--clarify',
      join(SAMPLES, 'cv-ranker.analysis.json'),
      '--format',
      'json',
    ]);
    const file = join(work, 'decision.json');
    writeFileSync(file, checked.stdout);
    const decision = decisionSchema.parse(JSON.parse(checked.stdout));
    const [text, json] = await Promise.all([
      verdict(['explain', file]),
      verdict(['explain', file, '--format', 'json']),
    ]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(decision.id);
    expect(json).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(json.stdout)).toEqual(decision);
  });

  it('exception list: json (the default) lists { exceptions }; text is one line each', async () => {
    const args = ['exception', 'list', '--model', 'cv-ranker', ...d];
    const [byDefault, text] = await Promise.all([verdict(args), verdict([...args, '--format', 'text'])]);
    const { exceptions } = JSON.parse(byDefault.stdout) as { exceptions: unknown[] };
    expect(exceptions).toHaveLength(1);
    const exception = exceptionSchema.parse(exceptions[0]);
    expect(exceptions[0]).toMatchObject({ status: 'active', approver: 'head-of-model-risk' });
    expect(text.code).toBe(0);
    expect(text.stdout).toBe(
      `${exception.id}  active   bias.disparate_impact  cv-ranker  until ${exception.expiresAt}  approved by head-of-model-risk: Retraining with reweighted data is scheduled\n`,
    );
  });

  it('demo: --format json is the array of its decisions, as --json was', async () => {
    const run = await verdict([
      'demo',
      '--no-cluster',
      '--format',
      'json',
      '--data-dir',
      join(work, 'demo-json'),
    ]);
    expect(run.code).toBe(0);
    const decisions = (JSON.parse(run.stdout) as unknown[]).map((d) => decisionSchema.parse(d));
    expect(decisions).toHaveLength(3);
    expect(new Set(decisions.map((d) => d.decision))).toContain('deny');
    expect((await verdict(['demo', '--help'])).stdout).not.toContain('--json');
  });

  it('dlq list: --format json is a JSON array, and the old --json still gives it', async () => {
    const json = await verdict(['dlq', 'list', '--format', 'json', ...d]);
    expect(json).toEqual({ code: 0, stdout: '[]\n', stderr: 'verdict: 0 dead letters\n' });
    expect(await verdict(['dlq', 'list', '--json', ...d])).toEqual(json);
    expect((await verdict(['dlq', 'list', ...d])).stdout).toBe('');
    expect((await verdict(['dlq', 'list', '--help'])).stdout).not.toContain('--json');
  });

  it('ledger checkpoint: json carries origin, size and root hash of the signed note it includes', async () => {
    const [text, json] = await Promise.all([
      verdict(['ledger', 'checkpoint', ...d]),
      verdict(['ledger', 'checkpoint', '--format', 'json', ...d]),
    ]);
    const printed = JSON.parse(json.stdout) as {
      origin: string;
      size: number;
      rootHash: string;
      note: string;
    };
    expect(printed.note).toBe(text.stdout);
    const body = parseCheckpoint(parseNote(printed.note).text);
    expect(printed).toEqual({
      origin: body.origin,
      size: body.size,
      rootHash: Buffer.from(body.rootHash).toString('base64'),
      note: text.stdout,
    });
    expect(printed.size).toBeGreaterThan(0);
  });

  it('ledger verify: --format json prints the report, as --json did', async () => {
    const out = join(work, 'export');
    expect((await verdict(['ledger', 'export', '--out', out, ...d])).code).toBe(0);
    const args = ['ledger', 'verify', out, '--key', readFileSync(join(out, 'vkey'), 'utf8').trim()];
    const [text, json, alias] = await Promise.all([
      verdict(args),
      verdict([...args, '--format', 'json']),
      verdict([...args, '--json']),
    ]);
    expect(text).toMatchObject({ code: 0, stdout: '' });
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, problems: [] });
    expect(alias).toEqual(json);
  });

  it('token create: text is the token alone; json names its id, subject, role and expiry', async () => {
    const json = await verdict([
      'token',
      'create',
      '--role',
      'auditor',
      '--subject',
      'ci',
      '--format',
      'json',
      ...d,
    ]);
    expect(json.code).toBe(0);
    const token = JSON.parse(json.stdout) as Record<string, string>;
    expect(Object.keys(token)).toEqual(['token', 'id', 'subject', 'role', 'expiresAt']);
    expect(token).toMatchObject({ subject: 'ci', role: 'auditor' });
    expect(token.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(Date.parse(token.expiresAt ?? '')).toBeGreaterThan(Date.now());
    const text = await verdict(['token', 'create', '--role', 'auditor', ...d]);
    expect(text.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
  });

  it('a format outside text and json is exit 2, naming both, and prints nothing', async () => {
    for (const args of [
      ['classify', '--profile', cvRanker],
      ['explain', 'decision.json'],
      ['exception', 'list', '--model', 'cv-ranker', ...d],
      ['dlq', 'list', ...d],
      ['ledger', 'checkpoint', ...d],
      ['token', 'create', '--role', 'auditor', ...d],
      ['profile', 'validate', cvRanker],
      ['registry', 'list', ...d],
      ['demo', '--no-cluster', ...d],
    ])
      expect(await verdict([...args, '--format', 'yaml']), args.join(' ')).toEqual({
        code: 2,
        stdout: '',
        stderr:
          "error: option '--format <format>' argument 'yaml' is invalid. Allowed choices are text, json.\n",
      });
  });
});
