/**
 * The auditor API's contract: `verdict serve` on a fresh data dir seeded by `verdict demo`, an admin token
 * from `verdict token create`, and schemathesis generating requests from GET /openapi.json. It must find no
 * server errors and no response that violates the documented schemas.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSchemathesis } from '../contract/schemathesis.ts';
import { listeningUrl, runCli, spawnCli } from '../support/cli.ts';

const workDir = mkdtempSync(join(tmpdir(), 'verdict-e2e-contract-'));
const dataDir = join(workDir, 'data');
let server: ChildProcess | undefined;
let base = '';
let token = '';

beforeAll(async () => {
  const demo = await runCli(['demo', '--no-cluster', '--data-dir', dataDir]);
  if (demo.code !== 0) throw new Error(`demo failed:\n${demo.stderr}`);
  const child = spawnCli(['serve', '--port', '0', '--data-dir', dataDir], ['ignore', 'ignore', 'pipe']);
  server = child;
  base = await listeningUrl(child);
  const created = await runCli([
    'token',
    'create',
    '--role',
    'admin',
    '--subject',
    'contract-test',
    '--data-dir',
    dataDir,
  ]);
  if (created.code !== 0) throw new Error(`token create failed:\n${created.stderr}`);
  token = created.stdout.trim();
}, 60_000);

afterAll(() => {
  if (server && server.exitCode === null) server.kill('SIGTERM');
  rmSync(workDir, { recursive: true, force: true });
});

/** Whether a dependency's routes answer 503 "... not configured" (not wired in this build yet). */
async function unconfigured(path: string): Promise<boolean> {
  const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await response.json()) as { title?: string };
  return response.status === 503 && /not configured$/.test(body.title ?? '');
}

describe('the auditor API contract (schemathesis)', () => {
  it('finds no server errors and no schema violations', async () => {
    const pending = [
      ...((await unconfigured('/ledger/checkpoint')) ? ['^/ledger/'] : []),
      ...((await unconfigured('/reports/contract-probe')) ? ['^/reports'] : []),
      ...((await unconfigured('/deployments')) ? ['^/deployments'] : []),
    ];
    const started = Date.now();
    const result = await runSchemathesis({ baseUrl: base, token, workDir, unconfigured: pending });
    const elapsed = Date.now() - started;
    expect(result.timedOut, `schemathesis ran past its time limit:\n${result.output.slice(-4000)}`).toBe(
      false,
    );
    expect(result.code, result.output.slice(-8000)).toBe(0);
    expect(result.output).toMatch(/Tested: 2[0-9]/);
    expect(elapsed).toBeLessThan(120_000);
  }, 150_000);
});
