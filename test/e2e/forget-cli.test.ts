/**
 * `verdict forget` erases: a person who approved a waiver, called the API with a token in their name and
 * asked for a report is searched for in every file of the data directory after `forget`, in clear, lower
 * case, URL-encoded and base64, and found nowhere; the ledger still verifies. Everything runs through the
 * CLI and `verdict serve`, except registering a second model version (no CLI does that).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Decision } from '../../functions/contracts/decision.ts';
import { openLocalRuntimeAt } from '../../functions/local/runtime.ts';
import { listeningUrl, runCli, spawnCli, userEnv } from '../support/cli.ts';
import { filesHolding } from '../support/plaintext.ts';

const ALICE = 'alice.smith@example.com';
const REASON = 'Retraining with reweighted data is scheduled for January';
const work = mkdtempSync(join(tmpdir(), 'verdict-e2e-forget-'));
const dataDir = join(work, 'data');
const d = ['--data-dir', dataDir];
let server: ChildProcess | undefined;
let base = '';
let token = '';

afterAll(() => {
  if (server && server.exitCode === null) server.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

async function call<T>(path: string, init: { method?: string; body?: unknown } = {}) {
  const response = await fetch(`${base}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
  });
  return { status: response.status, body: (await response.json()) as T };
}

/** A second version of the demo's cv-ranker, pending approval, with the same profile and bias report. */
async function registerCvRankerV2() {
  const runtime = openLocalRuntimeAt(dataDir);
  try {
    const v1 = await runtime.registry.describeModelPackage(
      'arn:aws:sagemaker:local-1:000000000000:model-package/cv-ranker/1',
    );
    if (!v1) throw new Error('the demo registered no cv-ranker v1');
    const pkg = await runtime.registry.createModelPackage({
      groupName: 'cv-ranker',
      customerMetadata: v1.customerMetadata,
      biasReports: v1.biasReports,
    });
    return runtime.registry.toStateChangeEvent(pkg);
  } finally {
    await runtime.close();
  }
}

describe('verdict forget', () => {
  beforeAll(async () => {
    expect((await runCli(['demo', '--no-cluster', ...d])).code).toBe(0);
    for (const rule of [
      'bias.disparate_impact',
      'bias.difference_in_positive_proportions',
      'bias.recall_difference',
    ]) {
      const granted = await runCli([
        'exception',
        'grant',
        '--rule',
        rule,
        '--model',
        'cv-ranker',
        '--approver',
        ALICE,
        '--reason',
        REASON,
        '--expires',
        new Date(Date.now() + 30 * 86_400_000).toISOString(),
        ...d,
      ]);
      expect(granted.code, granted.stderr).toBe(0);
      expect(JSON.parse(granted.stdout)).toMatchObject({ approver: ALICE, reason: REASON });
    }
    const created = await runCli(['token', 'create', '--role', 'admin', '--subject', ALICE, ...d]);
    expect(created.code, created.stderr).toBe(0);
    token = created.stdout.trim();
    const event = await registerCvRankerV2();

    server = spawnCli(['serve', '--port', '0', ...d], ['ignore', 'ignore', 'pipe']);
    base = await listeningUrl(server);
    const put = await call<{ FailedEntryCount: number }>('/events', {
      method: 'POST',
      body: {
        Entries: [
          {
            Source: event.source,
            DetailType: event['detail-type'],
            Detail: JSON.stringify(event.detail),
            Resources: event.resources,
          },
        ],
      },
    });
    expect(put).toMatchObject({ status: 200, body: { FailedEntryCount: 0 } });
    const { body } = await call<{ decisions: Decision[] }>('/decisions?limit=100');
    const v2 = body.decisions.find((x) => x.subject.id.endsWith('/cv-ranker/2'));
    expect(v2?.violations.some((v) => (v as { waiver?: unknown }).waiver)).toBe(true);

    const started = await call<{ id: string }>('/reports', {
      method: 'POST',
      body: { type: 'model-compliance', format: 'html', model: 'cv-ranker' },
    });
    expect(started.status).toBe(202);
    for (let i = 0; i < 100; i++) {
      const job = await call<{ status: string }>(`/reports/${started.body.id}`);
      if (job.body.status === 'done') break;
      expect(job.body.status).not.toBe('failed');
      await new Promise((r) => setTimeout(r, 100));
    }
    const log = await call<{ records: { principal?: { id: string } }[] }>('/access-log');
    expect(log.body.records.some((r) => r.principal?.id === ALICE)).toBe(true);
    server.kill('SIGTERM');
    await new Promise((r) => server?.once('exit', r));
    const exported = await runCli(['ledger', 'export', '--out', join(dataDir, 'export-before'), ...d]);
    expect(exported.code, exported.stderr).toBe(0);
  }, 120_000);

  it('finds the person only through their key before forget', async () => {
    expect(filesHolding(dataDir, ALICE)).toEqual({});
    const listed = await runCli(['exception', 'list', '--model', 'cv-ranker', ...d]);
    expect(JSON.parse(listed.stdout).exceptions[0]).toMatchObject({ approver: ALICE, reason: REASON });
  });

  it('erases them: no plaintext in any file of the data directory, and the ledger still verifies', async () => {
    const forgot = await runCli(['forget', '--subject', 'Alice.Smith@example.com', ...d]);
    expect(forgot.code, forgot.stderr).toBe(0);
    expect(JSON.parse(forgot.stdout)).toMatchObject({ keyDestroyed: true, remaining: [], failed: [] });
    expect(filesHolding(dataDir, ALICE)).toEqual({});
    // The report kept its content: the waiver's approver, by pseudonym (long tokens carry <wbr> break hints).
    const report = readdirSync(join(dataDir, 'reports')).find((f) => f.endsWith('.html'));
    const html = readFileSync(join(dataDir, 'reports', report ?? '?'), 'utf8').replaceAll('<wbr>', '');
    expect(html).toContain(JSON.parse(forgot.stdout).subject);

    const listed = await runCli(['exception', 'list', '--model', 'cv-ranker', ...d]);
    const [first] = JSON.parse(listed.stdout).exceptions;
    expect(first.approver).toMatch(/^erased \(ps1\./);
    expect(first.reason).toBe(first.approver);

    const out = join(work, 'export-after');
    expect((await runCli(['ledger', 'export', '--out', out, ...d])).code).toBe(0);
    expect(filesHolding(out, ALICE)).toEqual({});
    // The log's key as it was known before forget: the erasure changes no signature or hash.
    const before = join(dataDir, 'export-before');
    const vkey = readFileSync(join(before, 'vkey'), 'utf8').trim();
    const verified = await runCli(['ledger', 'verify', out, '--key', vkey]);
    expect(verified.code, verified.stderr).toBe(0);
    expect((await runCli(['ledger', 'verify', before, '--key', vkey])).code).toBe(0);
  });

  it('removes derived files that still name the person, and fails while anything else does', async () => {
    const BOB = 'bob.jones@example.com';
    mkdirSync(join(dataDir, 'reports'), { recursive: true });
    writeFileSync(join(dataDir, 'reports', 'old.job.json'), JSON.stringify({ requestedBy: { id: BOB } }));
    writeFileSync(join(dataDir, 'notes.txt'), `asked by ${Buffer.from(`x${BOB}`).toString('base64')}`);
    const forgot = await runCli(['forget', '--subject', BOB, ...d]);
    expect(forgot.code).toBe(1);
    expect(forgot.stderr).toContain('verdict: removed reports/old.job.json (it named the subject)');
    expect(forgot.stderr).toContain('verdict: erasure incomplete: the subject id is still in notes.txt');
    expect(Object.keys(filesHolding(dataDir, BOB))).toEqual(['notes.txt']);
    expect(readFileSync(join(dataDir, 'notes.txt'), 'utf8')).toContain('asked by');
  });

  it('says so when an id is too short to search for (it would match unrelated bytes)', async () => {
    const run = await runCli(['forget', '--subject', '42', ...d]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('shorter than 6 characters: the data directory was not searched for it');
    expect(JSON.parse(run.stdout)).toMatchObject({ searched: false, remaining: [] });
  });

  it('--aws without the stores configured exits 2 naming what is missing', async () => {
    const run = await runCli(['forget', '--subject', ALICE, '--aws'], { env: userEnv({ allVerdict: true }) });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('verdict: ledger configuration: VERDICT_LEDGER_TABLE is not set;');
  });
});
