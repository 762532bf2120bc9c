/**
 * POST /events answers 2xx only when a decision or a rejection is durable. A full disk is simulated by
 * fault injection in the store layer (the decision store and the dead-letter store reject their writes with
 * SQLite's SQLITE_FULL), since mounting a small tmpfs needs root. Dead letters are kept in the data
 * directory, survive a restart and are redriven by `verdict dlq redrive`.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Authenticator } from '../../../../functions/api/auth/authentication.ts';
import { PROFILE_METADATA_KEY } from '../../../../functions/gates/model-registry/governance-inputs.ts';
import { createLocalServer } from '../../../../functions/local/http/server.ts';
import { type LocalRuntime, openLocalRuntimeAt } from '../../../../functions/local/runtime.ts';
import { ROOT, runCli as verdict } from '../../../support/cli.ts';

const SAMPLES = join(ROOT, 'functions/local/demo/samples');
const BUCKET = 's3://verdict-durability';
const authenticate: Authenticator = async () => ({ kind: 'unauthenticated', detail: 'no token' });

const open: { runtime: LocalRuntime; server: Server }[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const { runtime, server } of open.splice(0)) await stop(runtime, server);
});

async function stop(runtime: LocalRuntime, server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await runtime.close();
}

async function serve(dataDir: string) {
  const runtime = openLocalRuntimeAt(dataDir);
  const server = createLocalServer(runtime, { authenticate });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  open.push({ runtime, server });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
  const post = (entries: unknown[]) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Entries: entries }),
    });
  return { runtime, server, post };
}

async function register(runtime: LocalRuntime, group: string) {
  const profile = `${BUCKET}/${group}/profile.json`;
  const report = `${BUCKET}/${group}/analysis.json`;
  await runtime.objects.put(
    profile,
    readFileSync(join(SAMPLES, 'credit-scorer.profile.json')),
    'application/json',
  );
  await runtime.objects.put(
    report,
    readFileSync(join(SAMPLES, 'credit-scorer.analysis.json')),
    'application/json',
  );
  await runtime.registry.createModelPackageGroup(group);
  return runtime.registry.createModelPackage({
    groupName: group,
    customerMetadata: { [PROFILE_METADATA_KEY]: profile },
    biasReports: { postTraining: report },
  });
}

function entryFor(runtime: LocalRuntime, pkg: Awaited<ReturnType<typeof register>>) {
  const event = runtime.registry.toStateChangeEvent(pkg);
  return {
    Source: event.source,
    DetailType: event['detail-type'],
    Detail: JSON.stringify(event.detail),
    Resources: event.resources,
  };
}

const diskFull = () => Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });

describe('POST /events and durability', () => {
  it('answers 503 and records nothing when neither the decision nor a dead letter can be written', async () => {
    const { runtime, post } = await serve(mkdtempSync(join(tmpdir(), 'verdict-disk-full-')));
    const pkg = await register(runtime, 'disk-full');
    vi.spyOn(runtime.decisions, 'record').mockRejectedValue(diskFull());
    vi.spyOn(runtime.bus.deadLetters, 'record').mockRejectedValue(diskFull());

    const response = await post([entryFor(runtime, pkg)]);
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('retry-after')).toBe('5');
    expect(await response.json()).toEqual({
      type: 'https://verdict.dev/problems/event-not-processed',
      title: 'Event not processed',
      status: 503,
      detail:
        'the event could not be processed or kept as a dead letter; nothing is acknowledged: retry later',
    });

    vi.restoreAllMocks();
    expect((await runtime.decisions.list({ limit: 10 })).decisions).toEqual([]);
    expect(await runtime.bus.deadLetters.list()).toEqual([]);
    expect((await runtime.registry.describeModelPackage(pkg.arn))?.approvalStatus).toBe(
      'PendingManualApproval',
    );
  });

  it('keeps a failed delivery as a dead letter that survives a restart and `verdict dlq redrive` completes', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'verdict-dlq-'));
    const first = await serve(dataDir);
    const pkg = await register(first.runtime, 'dead-letter');
    vi.spyOn(first.runtime.decisions, 'record').mockRejectedValue(diskFull());

    const response = await first.post([entryFor(first.runtime, pkg)]);
    expect(response.status).toBe(503);
    const [letter] = await first.runtime.bus.deadLetters.list();
    expect(await response.json()).toEqual({
      type: 'https://verdict.dev/problems/event-not-processed',
      title: 'Event not processed',
      status: 503,
      detail:
        'a target could not process the event; it is kept as a dead letter (verdict dlq list, verdict dlq redrive)',
      errors: [`model-package-pending-approval: dead letter ${letter?.id}: database or disk is full`],
    });
    vi.restoreAllMocks();
    await stop(first.runtime, first.server);
    open.splice(0);

    const listed = await verdict(['dlq', 'list', '--json', '--data-dir', dataDir]);
    expect(listed.code).toBe(0);
    const letters = JSON.parse(listed.stdout) as { id: string; event: { detail: object } }[];
    expect(letters).toEqual([
      {
        id: letter?.id,
        routeId: 'model-package-pending-approval',
        target: 'model-registry-gate',
        eventId: letter?.eventId,
        failedAt: expect.any(String),
        attempts: 1,
        error: 'database or disk is full',
        event: expect.objectContaining({ source: 'aws.sagemaker', resources: [pkg.arn] }),
      },
    ]);
    // Only what the route's pattern reads is kept: not the package's metadata.
    expect(Object.keys(letters[0]?.event.detail ?? {}).sort()).toEqual([
      'ModelApprovalStatus',
      'ModelPackageArn',
      'ModelPackageGroupName',
      'ModelPackageStatus',
      'ModelPackageVersion',
    ]);

    const redriven = await verdict(['dlq', 'redrive', '--data-dir', dataDir]);
    expect(redriven.stdout).toBe(
      `redriven ${letter?.id} (model-package-pending-approval, event ${letter?.eventId})\n`,
    );
    expect(redriven.stderr).toBe('verdict: 1 of 1 dead letters redriven\n');
    expect(redriven.code).toBe(0);

    const after = await serve(dataDir);
    expect(await after.runtime.bus.deadLetters.list()).toEqual([]);
    expect((await after.runtime.registry.describeModelPackage(pkg.arn))?.approvalStatus).toBe('Approved');
    const { decisions } = await after.runtime.decisions.list({ limit: 10 });
    expect(decisions.map((d) => [d.subject.id, d.decision])).toEqual([[pkg.arn, 'allow']]);
  }, 60_000);

  it('a recorded rejection is answered 200 and is not also a dead letter, whatever its size', async () => {
    const { runtime, post } = await serve(mkdtempSync(join(tmpdir(), 'verdict-rejections-')));
    const padding = 'x'.repeat(200 * 1024);
    for (let n = 1; n <= 20; n++) {
      const arn = `arn:aws:sagemaker:us-east-1:000000000000:model-package/unknown/${n}`;
      const response = await post([
        {
          Source: 'aws.sagemaker',
          DetailType: 'SageMaker Model Package State Change',
          Resources: [arn],
          Detail: JSON.stringify({
            ModelPackageArn: arn,
            ModelPackageGroupName: 'unknown',
            ModelPackageVersion: n,
            ModelApprovalStatus: 'PendingManualApproval',
            ModelPackageStatus: 'Completed',
            ModelPackageDescription: padding,
          }),
        },
      ]);
      expect(response.status).toBe(200);
    }
    const rejections = await runtime.decisions.listRejections({ limit: 100 });
    expect(rejections).toHaveLength(20);
    expect(new Set(rejections.map((r) => r.code))).toEqual(new Set(['model_package.not_found']));
    expect(await runtime.bus.deadLetters.list()).toEqual([]);
  }, 60_000);
});
