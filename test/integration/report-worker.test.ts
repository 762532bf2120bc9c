/**
 * The report worker's Lambda wiring (functions/reports/aws-report-worker.ts, what functions/reports/handler.ts
 * exports) run in-process against the emulator (moto): the API's QueuedReportService records a job and
 * publishes `Verdict Report Requested`; the worker, given that event, reads decisions and exceptions from
 * the decisions table and positions and the checkpoint from a read-only AWS ledger, claims the job, puts
 * report and signed manifest in an Object Lock bucket and records the outcome; the service's presigned links
 * to both fetch exactly the archived bytes.
 *
 * moto 5.2.5 has no Ed25519 KMS keys (CreateKey rejects ECC_NIST_EDWARDS25519), so KMS is mocked with
 * aws-sdk-client-mock (test/support/kms-ed25519.ts): GetPublicKey answers with a known Ed25519 key and Sign
 * signs with it (pure Ed25519, as KMS does for ED25519_SHA_512 over RAW). Everything else is the emulator's.
 * The ledger is written with the same key held locally, so one verifier key checks the checkpoint and the
 * manifest, as in AWS.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { DynamoDbDecisionStore } from '../../functions/adapters/aws/dynamodb-decision-store.ts';
import { DynamoDbReportJobStore } from '../../functions/adapters/aws/dynamodb-report-job-store.ts';
import { openAwsLedger } from '../../functions/adapters/aws/ledger/open.ts';
import { S3ReportArchive } from '../../functions/adapters/aws/s3-report-archive.ts';
import type { Principal } from '../../functions/contracts/principal.ts';
import { ed25519Signer, parseVerifierKey } from '../../functions/ledger/core/note-keys.ts';
import { verifyExportAt } from '../../functions/ledger/export/verify-export-file.ts';
import { localLambdaContext } from '../../functions/local/lambda-context.ts';
import type { PublishedEvent } from '../../functions/ports/event-publisher.ts';
import type { LedgerExportRequest } from '../../functions/ports/ledger-export-service.ts';
import type { ReportRequest } from '../../functions/ports/report-service.ts';
import { createAwsReportWorkerHandler } from '../../functions/reports/aws-report-worker.ts';
import { QueuedLedgerExportService } from '../../functions/reports/ledger-export-service.ts';
import { checkManifest, MANIFEST_SUFFIX } from '../../functions/reports/manifest.ts';
import { QueuedReportService } from '../../functions/reports/report-service.ts';
import { functions } from '../../functions/routes.ts';
import { awsClientConfig, s3ClientConfig, uniqueName } from '../support/aws-clients.ts';
import { createDecisionTable } from '../support/decision-table.ts';
import { KMS_KEY_ARN, mockKmsEd25519Key, RFC8032_TEST1_SEED } from '../support/kms-ed25519.ts';
import { createLedgerResources } from '../support/ledger-resources.ts';
import { DECISIONS } from '../support/report-fixtures.ts';

const endpoint = inject('motoEndpoint');
const dynamodb = new DynamoDBClient(awsClientConfig(endpoint));
const s3 = new S3Client(s3ClientConfig(endpoint));

const ORIGIN = 'verdict.test/report-worker-ledger';
/** The ledger's key, as the gate holds it through KMS. */
const ledgerSigner = ed25519Signer(ORIGIN, RFC8032_TEST1_SEED);
const WHO: Principal = { id: 'arn:aws:iam::123456789012:role/auditor', role: 'auditor', via: 'iam' };

const kms = mockKmsEd25519Key();
beforeEach(() => kms.resetHistory());
afterAll(() => kms.restore());

interface Deployment {
  decisions: string;
  jobs: string;
  reports: string;
  ledgerTable: string;
  tiles: string;
}

/** The worker's resources as the stack creates them (the jobs table is keyed by `id`, GovernanceStorage). */
async function deploy(): Promise<Deployment> {
  const ledger = await createLedgerResources({ dynamodb, s3 });
  const d: Deployment = {
    decisions: uniqueName('verdict-decisions'),
    jobs: uniqueName('verdict-report-jobs'),
    reports: uniqueName('verdict-reports'),
    ledgerTable: ledger.table,
    tiles: ledger.tiles,
  };
  await createDecisionTable(dynamodb, d.decisions);
  await dynamodb.send(
    new CreateTableCommand({
      TableName: d.jobs,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    }),
  );
  await s3.send(new CreateBucketCommand({ Bucket: d.reports, ObjectLockEnabledForBucket: true }));
  return d;
}

/** The decisions, in the table and (when `ledger`) in the audit ledger first, as the gate records them. */
async function recordDecisions(d: Deployment, ledger: boolean): Promise<void> {
  const table = new DynamoDbDecisionStore(dynamodb, d.decisions);
  const log = ledger
    ? await openAwsLedger({
        mode: 'writer',
        tableName: d.ledgerTable,
        tilesBucket: d.tiles,
        origin: ORIGIN,
        signer: ledgerSigner,
        clients: { dynamodb, s3, kms: new KMSClient(awsClientConfig(endpoint)) },
      }).open()
    : undefined;
  // One at a time: moto's conditional writes are not linearizable (ledger-aws-store.test.ts).
  for (const decision of DECISIONS) {
    await log?.ledger.recordDecision(decision);
    await table.record(decision);
  }
  await log?.ledger.checkpoint();
  await log?.close();
}

/** The Lambda environment the stack sets (VerdictStack: report-worker). */
function environment(d: Deployment): NodeJS.ProcessEnv {
  return {
    VERDICT_ENVIRONMENT: 'test',
    VERDICT_DECISIONS_TABLE: d.decisions,
    VERDICT_REPORT_JOBS_TABLE: d.jobs,
    VERDICT_REPORTS_BUCKET: d.reports,
    VERDICT_REPORT_RETENTION_DAYS: '1',
    VERDICT_LEDGER_TABLE: d.ledgerTable,
    VERDICT_LEDGER_TILES_BUCKET: d.tiles,
    VERDICT_REPORT_SIGNING_KEY_ID: KMS_KEY_ARN,
    VERDICT_LEDGER_ORIGIN: ORIGIN,
  };
}

/** Starts a job through the API's service and returns it with the event EventBridge would deliver. */
async function startJob(d: Deployment, request: ReportRequest) {
  const published: PublishedEvent[] = [];
  const service = new QueuedReportService({
    jobs: new DynamoDbReportJobStore(dynamodb, d.jobs),
    archive: new S3ReportArchive(s3, { bucket: d.reports, retentionDays: 1, endpoint }),
    events: { publish: async (event) => void published.push(event) },
    sources: { decisions: new DynamoDbDecisionStore(dynamodb, d.decisions) },
  });
  const job = await service.start(request, WHO);
  return { service, job, event: delivered(published) };
}

/** Starts a ledger export through the API's service, with the event EventBridge would deliver. */
async function startExport(d: Deployment, request: LedgerExportRequest) {
  const published: PublishedEvent[] = [];
  const service = new QueuedLedgerExportService({
    jobs: new DynamoDbReportJobStore(dynamodb, d.jobs),
    archive: new S3ReportArchive(s3, { bucket: d.reports, retentionDays: 1, endpoint }),
    events: { publish: async (event) => void published.push(event) },
  });
  const job = await service.start(request, WHO);
  return { service, job, event: delivered(published) };
}

/** The one event a service published, as EventBridge delivers it to the worker. */
function delivered(published: PublishedEvent[]) {
  const [event] = published;
  if (!event) throw new Error('the service published no event');
  return {
    version: '0',
    id: uniqueName('event'),
    source: event.source,
    'detail-type': event.detailType,
    account: '123456789012',
    time: new Date().toISOString().replace(/\.\d{3}/, ''),
    region: 'us-east-1',
    resources: [],
    detail: event.detail,
  };
}

/** As functions/reports/handler.ts wires it: one read-only ledger, its reader and the whole of it. */
function worker(d: Deployment) {
  const clients = { dynamodb, s3, kms: new KMSClient(awsClientConfig(endpoint)) };
  const env = environment(d);
  const ledger = openAwsLedger({ mode: 'read-only', clients, env });
  return createAwsReportWorkerHandler({
    clients,
    ledger: ledger.reader,
    openLedger: async () => (await ledger.open()).ledger,
    env,
    tmpDir: mkdtempSync(join(tmpdir(), 'verdict-report-worker-')),
  });
}

const context = () => localLambdaContext('report-worker', functions['report-worker'].timeoutSeconds);

async function objectBytes(bucket: string, key: string): Promise<Buffer> {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(
    await (out.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
  );
}

describe('the report worker against the emulator', () => {
  let d: Deployment;
  beforeAll(async () => {
    d = await deploy();
    await recordDecisions(d, true);
  });

  it('builds a queued job into a locked, checksummed report whose manifest verifies against the ledger key', async () => {
    const { service, job, event } = await startJob(d, {
      type: 'annex-iv',
      format: 'pdf',
      model: 'cv-ranker',
    });
    expect(job.status).toBe('queued');
    const handler = worker(d);

    expect(await handler(event, context())).toEqual({ jobId: job.id, outcome: 'done' });

    const done = await new DynamoDbReportJobStore(dynamodb, d.jobs).get(job.id);
    expect(done).toMatchObject({ status: 'done', progress: 1, format: 'pdf' });
    expect(await service.get(job.id)).toMatchObject({ status: 'done', sha256: done?.sha256 });
    const key = done?.objectKey as string;
    expect(key).toBe(`reports/${job.createdAt.slice(0, 7)}/${job.id}.pdf`);

    const report = await objectBytes(d.reports, key);
    const sha256 = createHash('sha256').update(report).digest('hex');
    expect(report.subarray(0, 5).toString()).toBe('%PDF-');
    expect({ sha256, bytes: report.length }).toEqual({ sha256: done?.sha256, bytes: done?.sizeBytes });

    const started = Date.now();
    for (const object of [key, `${key}${MANIFEST_SUFFIX}`]) {
      const head = await s3.send(
        new HeadObjectCommand({ Bucket: d.reports, Key: object, ChecksumMode: 'ENABLED' }),
      );
      expect(head.ObjectLockMode).toBe('COMPLIANCE');
      // Retention: one day (VERDICT_REPORT_RETENTION_DAYS) from when the worker wrote it.
      const until = head.ObjectLockRetainUntilDate?.getTime() ?? 0;
      expect(until).toBeGreaterThan(started + 86_400_000 - 120_000);
      expect(until).toBeLessThanOrEqual(started + 86_400_000 + 1_000);
      if (object === key) expect(head.ChecksumSHA256).toBe(Buffer.from(sha256, 'hex').toString('base64'));
    }

    const note = (await objectBytes(d.reports, `${key}${MANIFEST_SUFFIX}`)).toString('utf8');
    const check = checkManifest(note, { sha256, bytes: report.length }, [
      parseVerifierKey(ledgerSigner.verifierKey),
    ]);
    if (!check.ok) throw new Error(check.problem);
    expect(check.manifest).toMatchObject({
      type: 'annex-iv',
      format: 'pdf',
      parameters: { model: 'cv-ranker', version: '2' },
      checkpoint: { size: DECISIONS.length },
    });
    // What GET /reports/{id} links: presigned GETs of the report and of its manifest, fetched as an API user
    // does (no SDK, no credentials), byte for byte what the archive holds; no citations in S3.
    for (const [part, expected] of [
      ['report', report],
      ['manifest', Buffer.from(note, 'utf8')],
    ] as const) {
      const url = (await service.downloadUrl(job.id, 900, part)) ?? '';
      expect(new URL(url).searchParams.get('X-Amz-Expires'), part).toBe('900');
      const response = await fetch(url);
      expect(response.status, part).toBe(200);
      expect(Buffer.from(await response.arrayBuffer()).equals(expected), part).toBe(true);
    }
    expect(await service.downloadUrl(job.id, 900, 'citations')).toBeUndefined();

    // Signed by KMS, with the ledger key, pure Ed25519 over the raw manifest text.
    expect(kms.commandCalls(SignCommand).map((c) => c.args[0].input)).toEqual([
      expect.objectContaining({
        KeyId: KMS_KEY_ARN,
        SigningAlgorithm: 'ED25519_SHA_512',
        MessageType: 'RAW',
      }),
    ]);

    // A redelivered request finds the job taken and leaves it alone.
    expect(await handler(event, context())).toEqual({ jobId: job.id, outcome: 'skipped' });
    expect((await new DynamoDbReportJobStore(dynamodb, d.jobs).get(job.id))?.objectKey).toBe(key);
  });

  it('fails the job with a message, not the invocation, when the report cannot be built', async () => {
    // A job the API would refuse (no decision for the model), written straight to the table.
    const jobs = new DynamoDbReportJobStore(dynamodb, d.jobs);
    const at = new Date().toISOString();
    const id = uniqueName('job');
    await jobs.create({
      id,
      type: 'model-compliance',
      format: 'csv',
      status: 'queued',
      progress: 0,
      createdAt: at,
      updatedAt: at,
      request: { type: 'model-compliance', format: 'csv', model: 'no-such-model' },
      requestedBy: WHO,
    });
    const event = {
      source: 'verdict',
      'detail-type': 'Verdict Report Requested',
      detail: { jobId: id },
    };
    expect(await worker(d)(event, context())).toEqual({ jobId: id, outcome: 'failed' });
    expect(await jobs.get(id)).toMatchObject({
      status: 'failed',
      error: 'no decision is recorded for model no-such-model',
    });
    expect((await jobs.get(id))?.objectKey).toBeUndefined();
  });

  it('reports `checkpoint: null` when the ledger holds no log yet, and the manifest still verifies', async () => {
    const empty = await deploy();
    const { job, event } = await startJob(empty, { type: 'period-summary', format: 'csv' });
    expect(await worker(empty)(event, context())).toEqual({ jobId: job.id, outcome: 'done' });
    const done = await new DynamoDbReportJobStore(dynamodb, empty.jobs).get(job.id);
    const key = done?.objectKey as string;
    const report = await objectBytes(empty.reports, key);
    const note = (await objectBytes(empty.reports, `${key}${MANIFEST_SUFFIX}`)).toString('utf8');
    const check = checkManifest(note, { sha256: done?.sha256 as string, bytes: report.length }, [
      parseVerifierKey(ledgerSigner.verifierKey),
    ]);
    if (!check.ok) throw new Error(check.problem);
    expect(check.manifest.checkpoint).toBeNull();
    expect(check.manifest.decisions).toBe(0);
  });

  it('fails the job, naming the decision, when the decisions table holds one the ledger never recorded', async () => {
    const unrecorded = await deploy();
    await recordDecisions(unrecorded, false);
    const { job, event } = await startJob(unrecorded, { type: 'period-summary', format: 'csv' });
    expect(await worker(unrecorded)(event, context())).toEqual({ jobId: job.id, outcome: 'failed' });
    const failed = await new DynamoDbReportJobStore(dynamodb, unrecorded.jobs).get(job.id);
    expect(failed).toMatchObject({ status: 'failed' });
    expect(failed?.error).toMatch(/^decision \S+ is in the read model but not in the ledger$/);
    expect(failed?.objectKey).toBeUndefined();
  });
});

describe('the report worker building ledger exports against the emulator', () => {
  let d: Deployment;
  beforeAll(async () => {
    d = await deploy();
    await recordDecisions(d, true);
  });

  it('exports the read-only ledger into one locked tar file that `ledger verify` accepts from its presigned link', async () => {
    const { service, job, event } = await startExport(d, {});
    expect(job.status).toBe('queued');
    const started = Date.now();
    expect(await worker(d)(event, context())).toEqual({ jobId: job.id, outcome: 'done' });

    const done = await new DynamoDbReportJobStore(dynamodb, d.jobs).get(job.id);
    expect(done).toMatchObject({ kind: 'ledger-export', status: 'done', treeSize: DECISIONS.length });
    const key = done?.objectKey as string;
    expect(key).toBe(`reports/${job.createdAt.slice(0, 7)}/${job.id}.tar`);
    const head = await s3.send(
      new HeadObjectCommand({ Bucket: d.reports, Key: key, ChecksumMode: 'ENABLED' }),
    );
    expect(head.ObjectLockMode).toBe('COMPLIANCE');
    expect(head.ObjectLockRetainUntilDate?.getTime()).toBeGreaterThan(started + 86_400_000 - 120_000);
    expect(head.ContentType).toBe('application/x-tar');
    expect(head.ChecksumSHA256).toBe(Buffer.from(done?.sha256 as string, 'hex').toString('base64'));

    // What GET /ledger/exports/{id} links, fetched as an API user does (no SDK, no credentials).
    const url = (await service.downloadUrl(job.id, 900)) ?? '';
    expect(new URL(url).searchParams.get('response-content-disposition')).toBe(
      `attachment; filename="verdict-ledger-${DECISIONS.length}-${job.id}.tar"`,
    );
    const response = await fetch(url);
    expect(response.status).toBe(200);
    const file = join(mkdtempSync(join(tmpdir(), 'verdict-ledger-export-')), 'export.tar');
    writeFileSync(file, Buffer.from(await response.arrayBuffer()));
    expect(await verifyExportAt(file, { logKeys: [ledgerSigner.verifierKey] })).toMatchObject({
      ok: true,
      entries: DECISIONS.length,
      latest: { size: DECISIONS.length },
    });
    // Read only: nothing was signed for the export.
    expect(kms.commandCalls(SignCommand)).toEqual([]);
  });

  it('fails the job with a message when the log signed no checkpoint at the size asked for', async () => {
    const { job, event } = await startExport(d, { size: DECISIONS.length + 5 });
    expect(await worker(d)(event, context())).toEqual({ jobId: job.id, outcome: 'failed' });
    const failed = await new DynamoDbReportJobStore(dynamodb, d.jobs).get(job.id);
    expect(failed).toMatchObject({
      status: 'failed',
      error: `tree size ${DECISIONS.length + 5} is beyond the newest signed checkpoint (size ${DECISIONS.length})`,
    });
    expect(failed?.objectKey).toBeUndefined();
  });

  it('fails the job when the ledger holds no log yet', async () => {
    const empty = await deploy();
    const { job, event } = await startExport(empty, {});
    expect(await worker(empty)(event, context())).toEqual({ jobId: job.id, outcome: 'failed' });
    expect(await new DynamoDbReportJobStore(dynamodb, empty.jobs).get(job.id)).toMatchObject({
      status: 'failed',
      error: 'the ledger holds no signed checkpoint yet: nothing to export',
    });
  });
});
