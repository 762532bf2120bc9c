/**
 * Reports in AWS without AWS: the presigned GET link against AWS's published SigV4 example, the S3
 * archive's Object Lock puts and the DynamoDB job store's conditional writes (aws-sdk-client-mock), and the
 * worker and service over in-memory ports (claim once, progress, outcome, stale jobs).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbReportJobStore } from '../../../functions/adapters/aws/dynamodb-report-job-store.ts';
import { S3ReportArchive } from '../../../functions/adapters/aws/s3-report-archive.ts';
import { presignGetUrl } from '../../../functions/adapters/aws/s3-report-presigner.ts';
import { openDatabase } from '../../../functions/adapters/local/sqlite-database.ts';
import { SqliteDecisionStore } from '../../../functions/adapters/local/sqlite-decision-store.ts';
import type { Principal } from '../../../functions/contracts/principal.ts';
import type { PublishedEvent } from '../../../functions/ports/event-publisher.ts';
import type { ArchivedFile, ReportArchive } from '../../../functions/ports/report-archive.ts';
import type {
  ReportJobPatch,
  ReportJobRecord,
  ReportJobStore,
} from '../../../functions/ports/report-job-store.ts';
import { createReportWorkerHandler } from '../../../functions/reports/create-handler.ts';
import { runReportJob, viewJob } from '../../../functions/reports/report-job.ts';
import { QueuedReportService } from '../../../functions/reports/report-service.ts';
import { STALE_AFTER_MS } from '../../../functions/reports/worker-job.ts';
import { DECISIONS, EXCEPTIONS, SIGNER } from '../../support/report-fixtures.ts';

const WHO: Principal = { id: 'arn:aws:iam::123456789012:role/auditor', role: 'auditor', via: 'iam' };
const NOW = new Date('2026-12-01T00:00:00.000Z');

describe('presigned GET links', () => {
  const credentials = {
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  };

  it("match AWS's published Signature Version 4 query-string example", () => {
    const url = presignGetUrl({
      bucket: 'examplebucket',
      key: 'test.txt',
      region: 'us-east-1',
      credentials,
      expiresInSeconds: 86400,
      now: new Date('2013-05-24T00:00:00Z'),
      endpoint: 'https://s3.amazonaws.com',
      forcePathStyle: false,
    });
    expect(url).toBe(
      'https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256' +
        '&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z' +
        '&X-Amz-Expires=86400&X-Amz-SignedHeaders=host' +
        '&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
    );
  });

  it('carry the session token and response headers, on the regional virtual-hosted endpoint', () => {
    const url = new URL(
      presignGetUrl({
        bucket: 'verdict-reports',
        key: 'reports/2026-12/a b.pdf',
        region: 'eu-west-1',
        credentials: { ...credentials, sessionToken: 'token/with+chars=' },
        expiresInSeconds: 900,
        now: NOW,
        query: { 'response-content-disposition': 'attachment; filename="r.pdf"' },
      }),
    );
    expect(url.host).toBe('verdict-reports.s3.eu-west-1.amazonaws.com');
    expect(url.pathname).toBe('/reports/2026-12/a%20b.pdf');
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe('token/with+chars=');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('response-content-disposition')).toBe('attachment; filename="r.pdf"');
  });

  it('last at most seven days', () => {
    const p = { bucket: 'b', key: 'k', region: 'eu-west-1', credentials, now: NOW };
    expect(() => presignGetUrl({ ...p, expiresInSeconds: 7 * 24 * 3600 + 1 })).toThrow(RangeError);
    expect(() => presignGetUrl({ ...p, expiresInSeconds: 0 })).toThrow(RangeError);
  });
});

describe('S3ReportArchive', () => {
  const s3 = mockClient(S3Client);
  beforeEach(() => s3.reset());

  it('puts report and manifest under Object Lock (COMPLIANCE, retention from config) with their SHA-256', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'verdict-archive-'));
    const path = join(dir, 'r.csv');
    writeFileSync(path, 'a,b\r\n');
    const sha256 = createHash('sha256').update('a,b\r\n').digest('hex');
    s3.on(PutObjectCommand).resolves({});
    const archive = new S3ReportArchive(new S3Client({ region: 'eu-west-1' }), {
      bucket: 'reports',
      retentionDays: 3650,
      now: () => NOW,
    });
    const file: ArchivedFile = {
      path,
      sha256,
      bytes: 5,
      contentType: 'text/csv; charset=utf-8; header=present',
    };
    await archive.put('reports/2026-12/j.csv', file, 'manifest\n\n— k sig\n');
    const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    const until = new Date(NOW.getTime() + 3650 * 86_400_000);
    expect(puts[0]).toMatchObject({
      Bucket: 'reports',
      Key: 'reports/2026-12/j.csv',
      ContentLength: 5,
      ContentType: 'text/csv; charset=utf-8; header=present',
      ChecksumAlgorithm: 'SHA256',
      ChecksumSHA256: Buffer.from(sha256, 'hex').toString('base64'),
      ObjectLockMode: 'COMPLIANCE',
      ObjectLockRetainUntilDate: until,
      IfNoneMatch: '*',
    });
    expect(puts[1]).toMatchObject({
      Key: 'reports/2026-12/j.csv.manifest',
      ObjectLockMode: 'COMPLIANCE',
      ObjectLockRetainUntilDate: until,
      IfNoneMatch: '*',
      ChecksumAlgorithm: 'SHA256',
      ChecksumSHA256: createHash('sha256').update('manifest\n\n— k sig\n').digest('base64'),
    });
  });

  it('presigns downloads with the client credentials', async () => {
    const client = new S3Client({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'session' },
    });
    const archive = new S3ReportArchive(client, { bucket: 'reports', retentionDays: 1, now: () => NOW });
    const url = new URL(
      (await archive.downloadUrl('reports/2026-12/j.pdf', 900, 'verdict-annex-iv-j.pdf')) ?? '',
    );
    expect(url.host).toBe('reports.s3.eu-west-1.amazonaws.com');
    expect(url.searchParams.get('X-Amz-Credential')).toBe('AKIDEXAMPLE/20261201/eu-west-1/s3/aws4_request');
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe('session');
    expect(url.searchParams.get('response-content-disposition')).toBe(
      'attachment; filename="verdict-annex-iv-j.pdf"',
    );
  });

  it('presigns the manifest object next to the report, and links no citations (this archive keeps none)', async () => {
    const client = new S3Client({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    });
    const archive = new S3ReportArchive(client, { bucket: 'reports', retentionDays: 1, now: () => NOW });
    const link = await archive.downloadUrl(
      'reports/2026-12/j.pdf',
      900,
      'verdict-annex-iv-j.pdf',
      'manifest',
    );
    const url = new URL(link ?? '');
    expect(url.pathname).toBe('/reports/2026-12/j.pdf.manifest');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('response-content-disposition')).toBe(
      'attachment; filename="verdict-annex-iv-j.pdf.manifest"',
    );
    expect(await archive.downloadUrl('reports/2026-12/j.pdf', 900, 'x.pdf', 'citations')).toBeUndefined();
  });

  it('refuses a retention that is not a whole number of days', () => {
    expect(() => new S3ReportArchive(new S3Client({}), { bucket: 'b', retentionDays: 0 })).toThrow(
      RangeError,
    );
  });
});

describe('DynamoDbReportJobStore', () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  beforeEach(() => ddb.reset());
  const store = new DynamoDbReportJobStore(new DynamoDBClient({ region: 'eu-west-1' }), 'jobs');

  it('creates a job once, with a TTL', async () => {
    ddb.on(PutCommand).resolves({});
    await store.create(record('j1'));
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input).toMatchObject({
      TableName: 'jobs',
      ConditionExpression: 'attribute_not_exists(id)',
      Item: { id: 'j1', status: 'queued', expiresAt: Math.floor(NOW.getTime() / 1000) + 90 * 86_400 },
    });
  });

  it('claims a queued job once: a second claim finds it no longer queued', async () => {
    ddb
      .on(UpdateCommand)
      .resolvesOnce({})
      .rejectsOnce(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));
    expect(await store.claim('j1', NOW.toISOString())).toBe(true);
    expect(await store.claim('j1', NOW.toISOString())).toBe(false);
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input).toMatchObject({
      ConditionExpression: 'attribute_exists(id) AND #status = :queued',
      ExpressionAttributeValues: { ':running': 'running', ':queued': 'queued' },
    });
  });
});

function record(id: string, patch: Partial<ReportJobRecord> = {}): ReportJobRecord {
  return {
    id,
    type: 'period-summary',
    format: 'csv',
    status: 'queued',
    progress: 0,
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
    request: { type: 'period-summary', format: 'csv' },
    requestedBy: WHO,
    ...patch,
  };
}

class MemoryJobs implements ReportJobStore {
  readonly jobs = new Map<string, ReportJobRecord>();
  readonly updates: ReportJobPatch[] = [];
  async create(job: ReportJobRecord) {
    if (this.jobs.has(job.id)) throw new Error('exists');
    this.jobs.set(job.id, { ...job });
  }
  async get(id: string) {
    const job = this.jobs.get(id);
    return job && { ...job };
  }
  async claim(id: string, at: string) {
    const job = this.jobs.get(id);
    if (job?.status !== 'queued') return false;
    Object.assign(job, { status: 'running', updatedAt: at });
    return true;
  }
  async update(id: string, patch: ReportJobPatch) {
    this.updates.push(patch);
    Object.assign(this.jobs.get(id) ?? {}, patch);
  }
}

class MemoryArchive implements ReportArchive {
  readonly objects = new Map<string, { body: Buffer; file?: ArchivedFile }>();
  async put(key: string, report: ArchivedFile, manifest: string) {
    this.objects.set(key, { body: readFileSync(report.path), file: report });
    this.objects.set(`${key}.manifest`, { body: Buffer.from(manifest) });
  }
  async downloadUrl(key: string, ttl: number, name: string) {
    return `https://example.test/${key}?ttl=${ttl}&name=${name}`;
  }
}

async function stores() {
  const db = openDatabase(':memory:');
  const decisions = new SqliteDecisionStore(db);
  for (const d of DECISIONS) await decisions.record(d);
  return {
    decisions,
    exceptions: { listFor: async (s: readonly string[]) => EXCEPTIONS.filter((e) => s.includes(e.subject)) },
  };
}

describe('the report worker', () => {
  it('claims the job, builds it, archives report and manifest, and records the outcome', async () => {
    const jobs = new MemoryJobs();
    const archive = new MemoryArchive();
    await jobs.create(record('j1'));
    const deps = {
      jobs,
      archive,
      sources: await stores(),
      signer: SIGNER,
      tmpDir: tmpdir(),
      now: () => NOW,
      progressIntervalMs: 0,
    };
    expect(await runReportJob('j1', deps)).toBe('done');
    const job = await jobs.get('j1');
    expect(job).toMatchObject({ status: 'done', progress: 1, objectKey: 'reports/2026-12/j1.csv' });
    const stored = archive.objects.get('reports/2026-12/j1.csv');
    expect(stored?.file?.sha256).toBe(
      createHash('sha256')
        .update(stored?.body ?? '')
        .digest('hex'),
    );
    expect(stored?.body.toString()).toMatch(/^decision_id,evaluated_at,/);
    expect(archive.objects.get('reports/2026-12/j1.csv.manifest')?.body.toString()).toMatch(
      /^verdict\.report\.manifest\/v1\n/,
    );
    expect(jobs.updates.some((u) => u.progress !== undefined && u.progress > 0 && u.progress < 1)).toBe(true);
    // A redelivered request finds the job taken and does nothing.
    expect(await runReportJob('j1', deps)).toBe('skipped');
    expect(await runReportJob('unknown', deps)).toBe('skipped');
  });

  it('fails the job, without throwing, when the report cannot be built', async () => {
    const jobs = new MemoryJobs();
    await jobs.create(
      record('j2', { type: 'annex-iv', request: { type: 'annex-iv', format: 'pdf', model: 'nope' } }),
    );
    const deps = {
      jobs,
      archive: new MemoryArchive(),
      sources: await stores(),
      signer: SIGNER,
      tmpDir: tmpdir(),
      now: () => NOW,
    };
    expect(await runReportJob('j2', deps)).toBe('failed');
    expect(await jobs.get('j2')).toMatchObject({
      status: 'failed',
      error: 'no decision is recorded for model nope',
    });
  });

  it('runs as a Lambda handler on the Verdict Report Requested event, and refuses other events', async () => {
    const jobs = new MemoryJobs();
    await jobs.create(record('j3'));
    const handler = createReportWorkerHandler({
      jobs,
      archive: new MemoryArchive(),
      sources: await stores(),
      signer: SIGNER,
      tmpDir: tmpdir(),
      now: () => NOW,
    });
    const context = { functionName: 'report-worker', getRemainingTimeInMillis: () => 900_000 } as never;
    const event = { source: 'verdict', 'detail-type': 'Verdict Report Requested', detail: { jobId: 'j3' } };
    expect(await handler(event, context)).toEqual({ jobId: 'j3', outcome: 'done' });
    await expect(handler({ source: 'verdict', 'detail-type': 'Other', detail: {} }, context)).rejects.toThrow(
      /event.invalid/,
    );
  });
});

describe('QueuedReportService', () => {
  it('records the job and asks for it with an event; links it once done', async () => {
    const jobs = new MemoryJobs();
    const archive = new MemoryArchive();
    const events: PublishedEvent[] = [];
    const service = new QueuedReportService({
      jobs,
      archive,
      events: { publish: async (e) => void events.push(e) },
      sources: await stores(),
      now: () => NOW,
    });
    const job = await service.start({ type: 'annex-iv', format: 'pdf', model: 'cv-ranker' }, WHO);
    expect(job).toMatchObject({ status: 'queued', progress: 0, createdAt: NOW.toISOString() });
    expect(job).not.toHaveProperty('request');
    expect(events).toEqual([
      { source: 'verdict', detailType: 'Verdict Report Requested', detail: { jobId: job.id } },
    ]);
    expect((await jobs.get(job.id))?.requestedBy).toEqual(WHO);
    expect(await service.downloadUrl(job.id, 900)).toBeUndefined();
    await jobs.update(job.id, {
      status: 'done',
      objectKey: 'reports/2026-12/x.pdf',
      updatedAt: NOW.toISOString(),
    });
    expect(await service.downloadUrl(job.id, 900)).toBe(
      `https://example.test/reports/2026-12/x.pdf?ttl=900&name=verdict-annex-iv-${job.id}.pdf`,
    );
  });

  it('refuses an unknown model, and fails the job when the event cannot be sent', async () => {
    const jobs = new MemoryJobs();
    const failing = new QueuedReportService({
      jobs,
      archive: new MemoryArchive(),
      events: { publish: async () => Promise.reject(new Error('throttled')) },
      sources: await stores(),
      now: () => NOW,
    });
    await expect(failing.start({ type: 'annex-iv', format: 'pdf', model: 'nope' }, WHO)).rejects.toThrow(
      /no decision is recorded for model nope/,
    );
    await expect(failing.start({ type: 'period-summary', format: 'csv' }, WHO)).rejects.toThrow('throttled');
    expect([...jobs.jobs.values()]).toEqual([
      expect.objectContaining({ status: 'failed', error: 'the report could not be queued' }),
    ]);
  });

  it('reports a job whose worker stopped updating as failed', () => {
    const stale = record('j', {
      status: 'running',
      updatedAt: new Date(NOW.getTime() - STALE_AFTER_MS - 1).toISOString(),
    });
    expect(viewJob(stale, NOW)).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/stopped before finishing/),
    });
    expect(viewJob({ ...stale, updatedAt: NOW.toISOString() }, NOW)).toMatchObject({ status: 'running' });
  });
});
