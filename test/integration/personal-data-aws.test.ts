/**
 * Erasure on AWS, against the emulator (moto) through real SDK clients: a waiver's approver and reason, an
 * API caller and a report requester are sealed with KMS-wrapped subject keys before DynamoDB or S3 sees
 * them. Every item of every table and every version of every object is searched for the person (clear,
 * lower case, URL-encoded, base64) before and after `forgetOnAws` (`verdict forget --aws`), and found nowhere; the ledger still
 * verifies and the sealed fields read `erased (<pseudonym>)`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectVersionsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { DynamoDbAccessLog } from '../../functions/adapters/aws/dynamodb-access-log.ts';
import { DynamoDbDecisionStore } from '../../functions/adapters/aws/dynamodb-decision-store.ts';
import { DynamoDbReportJobStore } from '../../functions/adapters/aws/dynamodb-report-job-store.ts';
import { forgetOnAws } from '../../functions/adapters/aws/ledger/forget.ts';
import { openAwsLedger } from '../../functions/adapters/aws/ledger/open.ts';
import { lambdaPersonalData } from '../../functions/adapters/aws/ledger/personal-data.ts';
import { SUBJECT_KEYS_TABLE_KEYS } from '../../functions/adapters/aws/ledger/table-schema.ts';
import { S3ReportArchive } from '../../functions/adapters/aws/s3-report-archive.ts';
import { sealedAccessLog, sealedReportService } from '../../functions/api/sealed-personal-data.ts';
import type { Decision } from '../../functions/contracts/decision.ts';
import { grantException, openException } from '../../functions/gates/exceptions/grant-exception.ts';
import { verifyExport } from '../../functions/ledger/export/verify-export.ts';
import { runReportJob } from '../../functions/reports/report-job.ts';
import { QueuedReportService } from '../../functions/reports/report-service.ts';
import { awsClientConfig, s3ClientConfig, uniqueName } from '../support/aws-clients.ts';
import { createDecisionTable } from '../support/decision-table.ts';
import { admissionFor } from '../support/exception-admission.ts';
import { exported, logSigner, ORIGIN, removeTempDirs } from '../support/ledger-fixture.ts';
import { createLedgerResources } from '../support/ledger-resources.ts';
import { plaintextHits } from '../support/plaintext.ts';
import { DECISIONS } from '../support/report-fixtures.ts';

const endpoint = inject('motoEndpoint');
const clients = {
  dynamodb: new DynamoDBClient(awsClientConfig(endpoint)),
  s3: new S3Client(s3ClientConfig(endpoint)),
  kms: new KMSClient(awsClientConfig(endpoint)),
};
const ALICE = 'alice.smith@example.com';
const REASON = 'Retraining with reweighted data is scheduled for January';
const tmp = mkdtempSync(join(tmpdir(), 'verdict-personal-aws-'));
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
  removeTempDirs();
});

async function createKeyedTable(name: string, key: string): Promise<void> {
  await clients.dynamodb.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
    }),
  );
}

/** Every item of the tables and every version of every object, as text (binary as latin1 and base64). */
async function everythingStored(tables: string[], buckets: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const text = (value: unknown) =>
    JSON.stringify(value, (_k, v) =>
      v instanceof Uint8Array
        ? `${Buffer.from(v).toString('latin1')} ${Buffer.from(v).toString('base64')}`
        : v,
    );
  for (const table of tables) {
    const items = await clients.dynamodb.send(new ScanCommand({ TableName: table }));
    out[`dynamodb:${table}`] = text(items.Items ?? []);
  }
  for (const bucket of buckets) {
    const listed = await clients.s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    for (const v of listed.Versions ?? []) {
      const object = await clients.s3.send(
        new GetObjectCommand({ Bucket: bucket, Key: v.Key, VersionId: v.VersionId }),
      );
      out[`s3://${bucket}/${v.Key}?${v.VersionId}`] = Buffer.from(
        (await object.Body?.transformToByteArray()) ?? [],
      ).toString('latin1');
    }
  }
  return out;
}

function holding(stored: Record<string, string>, secret: string): string[] {
  return Object.entries(stored)
    .filter(([, content]) => plaintextHits(content, secret).length > 0)
    .map(([where]) => where);
}

describe('personal data on AWS', () => {
  it('is sealed before DynamoDB and S3 see it, and forgetting the person leaves nothing readable', async () => {
    const r = await createLedgerResources(clients);
    const decisionsTable = uniqueName('verdict-decisions');
    const subjectKeysTable = uniqueName('verdict-subject-keys');
    const jobsTable = uniqueName('verdict-report-jobs');
    const reportsBucket = uniqueName('verdict-reports');
    await createDecisionTable(clients.dynamodb, decisionsTable);
    await createKeyedTable(subjectKeysTable, SUBJECT_KEYS_TABLE_KEYS.partitionKey);
    await createKeyedTable(jobsTable, 'id');
    await clients.s3.send(
      new CreateBucketCommand({ Bucket: reportsBucket, ObjectLockEnabledForBucket: true }),
    );
    const created = await clients.kms.send(
      new CreateKeyCommand({ Description: 'verdict subject keys (test)' }),
    );
    const dataKeyId = created.KeyMetadata?.KeyId as string;

    // As the API function opens it (VERDICT_SUBJECT_KEYS_*), and the gate's ledger with the same table.
    const personal = await lambdaPersonalData(clients, {
      VERDICT_SUBJECT_KEYS_TABLE: subjectKeysTable,
      VERDICT_SUBJECT_KEYS_KEY_ID: dataKeyId,
    })();
    const ledgerOptions = {
      mode: 'writer' as const,
      tableName: r.table,
      tilesBucket: r.tiles,
      anchorBucket: r.anchor,
      origin: ORIGIN,
      signer: logSigner(),
      subjectKeysTable,
      dataKeyId,
      clients,
    };
    const { ledger } = await openAwsLedger(ledgerOptions).open();
    const records = new DynamoDbDecisionStore(clients.dynamodb, decisionsTable);

    const now = new Date();
    const waiver = await grantException(
      {
        rule: 'bias.disparate_impact',
        subject: 'cv-ranker',
        reason: REASON,
        approver: ALICE,
        expiresAt: new Date(now.getTime() + 30 * 86_400_000).toISOString(),
      },
      records,
      now,
      personal,
      admissionFor(),
    );
    const [base] = DECISIONS as [Decision];
    const decision: Decision = {
      ...base,
      decision: 'allow',
      violations: base.violations.map((v) => ({
        ...v,
        waiver: {
          id: waiver.id,
          approver: waiver.approver,
          reason: waiver.reason,
          expiresAt: waiver.expiresAt,
        },
      })),
    };
    await ledger.recordDecision(decision);
    await records.record(decision);
    await ledger.checkpoint();

    const accessLog = sealedAccessLog(new DynamoDbAccessLog(clients.dynamodb, decisionsTable), personal);
    await accessLog.record({
      id: 'req-1',
      at: now.toISOString(),
      principal: { id: ALICE, role: 'auditor', via: 'jwt' },
      method: 'GET',
      route: 'decisions.list',
      path: '/decisions',
      query: {},
      status: 200,
      durationMs: 3,
    });
    const jobs = new DynamoDbReportJobStore(clients.dynamodb, jobsTable);
    const archive = new S3ReportArchive(clients.s3, { bucket: reportsBucket, retentionDays: 1 });
    const reports = sealedReportService(
      new QueuedReportService({
        jobs,
        archive,
        events: { publish: async () => {} },
        sources: { decisions: records },
      }),
      personal,
    );
    const job = await reports.start(
      { type: 'model-compliance', format: 'json', model: 'cv-ranker' },
      {
        id: ALICE,
        role: 'auditor',
        via: 'jwt',
      },
    );
    const built = await runReportJob(job.id, {
      jobs,
      archive,
      sources: { decisions: records, exceptions: records },
      signer: logSigner(),
      tmpDir: tmp,
      now: () => new Date(),
    });
    expect(built).toBe('done');

    const tables = [decisionsTable, subjectKeysTable, jobsTable, r.table];
    const buckets = [r.tiles, r.anchor, reportsBucket];
    const before = await everythingStored(tables, buckets);
    expect(Object.keys(before).some((k) => k.startsWith(`s3://${reportsBucket}/reports/`))).toBe(true);
    expect(holding(before, ALICE)).toEqual([]);
    expect(holding(before, REASON)).toEqual([]);
    expect((await accessLog.list()).records[0]?.principal?.id).toBe(ALICE);
    expect(await openException(waiver, personal)).toMatchObject({ approver: ALICE, reason: REASON });

    await ledger.close();
    // `verdict forget --aws`: its own ledger, the pseudonym key from the same table as the API's.
    const erased = await forgetOnAws(ledgerOptions, ALICE);
    expect(erased.keyDestroyed).toBe(true);
    const after = await everythingStored(tables, buckets);
    expect(holding(after, ALICE)).toEqual([]);
    expect(after[`dynamodb:${subjectKeysTable}`]).not.toContain(erased.subject);
    const label = `erased (${erased.subject})`;
    expect((await accessLog.list()).records[0]?.principal?.id).toBe(label);
    expect(await openException(waiver, personal)).toMatchObject({ approver: label, reason: label });
    const reopened = await openAwsLedger(ledgerOptions).open();
    const dir = await exported(reopened.ledger);
    expect(verifyExport(dir, { logKeys: [logSigner().verifierKey] }).problems).toEqual([]);
    expect(readFileSync(join(dir, 'entries.jsonl'), 'utf8')).toContain(`"erasure/${erased.subject}/`);
    await reopened.close();
  }, 60_000);

  it('refuses to forget without subject keys, naming the variables', async () => {
    const r = await createLedgerResources(clients);
    await expect(
      forgetOnAws(
        {
          mode: 'writer',
          tableName: r.table,
          tilesBucket: r.tiles,
          origin: ORIGIN,
          signer: logSigner(),
          clients,
        },
        ALICE,
      ),
    ).rejects.toThrow('no subject keys: set VERDICT_SUBJECT_KEYS_TABLE and VERDICT_SUBJECT_KEYS_KEY_ID');
  });
});
