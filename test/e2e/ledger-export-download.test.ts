/**
 * The auditor's journey for the ledger through `verdict serve`: start an export (`POST /ledger/exports`),
 * follow the job, download the tar file by the link `GET /ledger/exports/{id}` gives (no token on the
 * link) and check it offline with `verdict ledger verify FILE --key VKEY`; one byte changed inside the
 * file fails the verification (exit 3).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listeningUrl, runCli, spawnCli } from '../support/cli.ts';

const work = mkdtempSync(join(tmpdir(), 'verdict-e2e-ledger-export-'));
const dataDir = join(work, 'data');
const pinned = join(work, 'trusted.vkey');
let server: ChildProcess | undefined;
let base = '';
let token = '';

const verdict = (args: string[]) => runCli(args, { cwd: work, timeout: 90_000 });

beforeAll(async () => {
  expect((await verdict(['demo', '--no-cluster', '--data-dir', dataDir])).code).toBe(0);
  // The log's key, pinned once from the log's owner (here: a local export of the same data directory).
  const local = join(work, 'local-export');
  expect((await verdict(['ledger', 'export', '--out', local, '--data-dir', dataDir])).code).toBe(0);
  writeFileSync(pinned, readFileSync(join(local, 'vkey')));
  const created = await verdict(['token', 'create', '--role', 'auditor', '--data-dir', dataDir]);
  expect(created.code).toBe(0);
  token = created.stdout.trim();
  server = spawnCli(['serve', '--port', '0', '--data-dir', dataDir], ['ignore', 'ignore', 'pipe']);
  base = await listeningUrl(server);
}, 150_000);

afterAll(() => {
  if (server && server.exitCode === null) server.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
});

interface ExportJob {
  id: string;
  status: string;
  treeSize?: number;
  sha256?: string;
  sizeBytes?: number;
  error?: string;
  download?: { url: string; expiresAt: string };
}

async function api(method: string, path: string, body?: unknown) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as ExportJob };
}

async function finished(location: string): Promise<ExportJob> {
  for (let attempt = 0; attempt < 120; attempt++) {
    const { body } = await api('GET', location);
    if (body.status === 'done' || body.status === 'failed') return body;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${location} did not finish`);
}

describe('downloading a ledger export from the auditor API', () => {
  it('gives one tar file that `ledger verify` accepts, and refuses once one byte is changed', async () => {
    const started = await api('POST', '/ledger/exports', {});
    expect(started.status).toBe(202);
    const location = started.headers.get('location') ?? '';
    expect(location).toBe(`/ledger/exports/${started.body.id}`);
    const job = await finished(location);
    expect(job.error).toBeUndefined();
    expect(job.status).toBe('done');
    expect(job.treeSize).toBeGreaterThan(0);

    const response = await fetch(job.download?.url ?? '');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-tar');
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="verdict-ledger-${job.treeSize}-${job.id}.tar"`,
    );
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.length).toBe(job.sizeBytes);
    const file = join(work, 'export.tar');
    writeFileSync(file, bytes);

    const verified = await verdict(['ledger', 'verify', file, '--key', pinned]);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stderr).toContain(`verdict: OK: ${job.treeSize} entries`);

    // One byte inside entries.jsonl (the first entry's id), the tar's own headers untouched.
    const tampered = Buffer.from(bytes);
    const at = tampered.indexOf('{"', 512);
    tampered[at + 1] = 'X'.charCodeAt(0);
    const tamperedFile = join(work, 'tampered.tar');
    writeFileSync(tamperedFile, tampered);
    const refused = await verdict(['ledger', 'verify', tamperedFile, '--key', pinned]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/verification FAILED/);
  }, 120_000);
});
