/**
 * The auditor's journey through `verdict serve`: start a report, follow the job, download the report and
 * its signed manifest by the links `GET /reports/{id}` gives (no token on the links), save the manifest
 * as FILE.manifest and the citations as FILE.citations, and check them offline with
 * `verdict report verify FILE --key VKEY --ledger EXPORT`, the key and export taken from `ledger export`.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listeningUrl, runCli, spawnCli } from '../support/cli.ts';

const work = mkdtempSync(join(tmpdir(), 'verdict-e2e-report-download-'));
const dataDir = join(work, 'data');
const exported = join(work, 'audit');
let server: ChildProcess | undefined;
let base = '';
let token = '';

const verdict = (args: string[]) => runCli(args, { cwd: work, timeout: 90_000 });

beforeAll(async () => {
  expect((await verdict(['demo', '--no-cluster', '--data-dir', dataDir])).code).toBe(0);
  expect((await verdict(['ledger', 'export', '--out', exported, '--data-dir', dataDir])).code).toBe(0);
  const created = await verdict(['token', 'create', '--role', 'compliance-officer', '--data-dir', dataDir]);
  expect(created.code).toBe(0);
  token = created.stdout.trim();
  server = spawnCli(['serve', '--port', '0', '--data-dir', dataDir], ['ignore', 'ignore', 'pipe']);
  base = await listeningUrl(server);
}, 150_000);

afterAll(() => {
  if (server && server.exitCode === null) server.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
});

interface Link {
  url: string;
  expiresAt: string;
}
interface Job {
  id: string;
  status: string;
  download?: Link;
  manifest?: Link;
  citations?: Link;
}

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: Job }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Job };
}

async function finished(id: string): Promise<Job> {
  for (let attempt = 0; attempt < 120; attempt++) {
    const { body } = await api('GET', `/reports/${id}`);
    if (body.status === 'done' || body.status === 'failed') return body;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`report ${id} did not finish`);
}

/** Fetched with no credentials: the link authorises itself. */
async function save(link: Link | undefined, to: string): Promise<Response> {
  if (!link) throw new Error(`no link for ${to}`);
  const response = await fetch(link.url);
  expect(response.status, to).toBe(200);
  writeFileSync(to, Buffer.from(await response.clone().arrayBuffer()));
  return response;
}

describe('downloading a report from the auditor API', () => {
  it('gives report, manifest and citations links that `report verify` accepts offline', async () => {
    const started = await api('POST', '/reports', { type: 'period-summary', format: 'pdf' });
    expect(started.status).toBe(202);
    const job = await finished(started.body.id);
    expect(job.status).toBe('done');
    expect(job.manifest?.expiresAt).toBe(job.download?.expiresAt);
    expect(new URL(job.manifest?.url ?? '').searchParams.get('part')).toBe('manifest');

    const file = join(work, 'report.pdf');
    const report = await save(job.download, file);
    expect(report.headers.get('content-type')).toBe('application/pdf');
    const manifest = await save(job.manifest, `${file}.manifest`);
    expect(manifest.headers.get('content-disposition')).toBe(
      `attachment; filename="verdict-period-summary-${job.id}.pdf.manifest"`,
    );
    expect(readFileSync(`${file}.manifest`, 'utf8')).toMatch(/^verdict\.report\.manifest\/v1\n/);
    await save(job.citations, `${file}.citations`);

    const verified = await verdict([
      'report',
      'verify',
      file,
      '--key',
      join(exported, 'vkey'),
      '--ledger',
      exported,
    ]);
    expect(verified.stderr).toBe('');
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/OK/);

    // The manifest's link opens the manifest only: its token does not open the report.
    const swapped = new URL(job.manifest?.url ?? '');
    swapped.searchParams.delete('part');
    expect((await fetch(swapped)).status).toBe(403);
  }, 120_000);
});
