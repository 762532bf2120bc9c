/**
 * A deployer's journey through `verdict serve`: `POST /deployments` for a new credit-scorer version gates
 * it and starts its canary on the demo's endpoint (answered 201 locally, with the record the orchestration
 * wrote); the server itself ends the bake when it is due, as EventBridge Scheduler does in AWS, and
 * `GET /deployments/{id}` then shows it promoted.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deployment } from '../../functions/contracts/deployment.ts';
import { listeningUrl, ROOT, runCli, spawnCli } from '../support/cli.ts';

const SAMPLES = join(ROOT, 'functions/local/demo/samples');
const IMAGE = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/scorer@sha256:${'c'.repeat(64)}`;
const work = mkdtempSync(join(tmpdir(), 'verdict-e2e-serve-deployments-'));
const dataDir = join(work, 'data');
let server: ChildProcess | undefined;
let base = '';
let token = '';
let arn = '';

const verdict = (args: string[]) => runCli(args, { cwd: work, timeout: 90_000 });

beforeAll(async () => {
  expect((await verdict(['demo', '--no-cluster', '--data-dir', dataDir])).code).toBe(0);
  const model = join(work, 'model.json');
  writeFileSync(model, '{"weights": [0.4, -1.3, 0.02, -0.2]}');
  const registered = await verdict([
    'registry',
    'register',
    '--group',
    'retail-credit-scorer',
    '--profile',
    join(SAMPLES, 'credit-scorer.profile.json'),
    '--clarify',
    join(SAMPLES, 'credit-scorer.analysis.json'),
    '--image',
    IMAGE,
    '--model-data',
    model,
    '--data-dir',
    dataDir,
  ]);
  expect(registered.code, registered.stderr).toBe(0);
  arn = /^registered (\S+)$/m.exec(registered.stdout)?.[1] ?? '';
  const created = await verdict(['token', 'create', '--role', 'deployer', '--data-dir', dataDir]);
  expect(created.code).toBe(0);
  token = created.stdout.trim();
  server = spawnCli(['serve', '--port', '0', '--data-dir', dataDir], ['ignore', 'ignore', 'pipe']);
  base = await listeningUrl(server);
}, 150_000);

afterAll(async () => {
  // The server closes its stores on SIGTERM: the directory is removed once it has exited.
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server?.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  rmSync(work, { recursive: true, force: true });
});

async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Deployment };
}

describe('deployments through verdict serve', () => {
  it('gates and starts a canary, and the server ends its bake when it is due', async () => {
    const request = JSON.parse(readFileSync(join(SAMPLES, 'credit-scorer.deployment.json'), 'utf8'));
    const started = await api(
      'POST',
      '/deployments',
      { ...request, modelPackageArn: arn },
      { 'idempotency-key': 'serve-e2e-1' },
    );
    expect(started.status).toBe(201);
    expect(started.body.status).toBe('baking');
    expect(started.body.request.modelPackageArn).toBe(arn);

    let current = started.body;
    for (let attempt = 0; attempt < 60 && current.status === 'baking'; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      current = (await api('GET', `/deployments/${started.body.id}`)).body;
    }
    expect(current.status).toBe('promoted');
    expect(current.history.map((h) => h.step)).toEqual(['gate', 'plan', 'apply', 'baking', 'promote']);
  });
});
