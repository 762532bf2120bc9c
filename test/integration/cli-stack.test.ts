/**
 * The CLI reaching a deployed stack (`--stack`), run as a user runs it (bin/verdict.js, a child process)
 * against the emulator: the stack's stores are created in moto, and a CloudFormation stack whose outputs
 * name them stands in for the deployed Verdict stack. The child reaches moto through AWS_ENDPOINT_URL with
 * test credentials, exactly as it would reach AWS with the caller's own.
 *
 * KMS: moto has no Ed25519 keys, so the ledger's signing key is served by an endpoint in front of moto's KMS
 * (kms-ed25519-proxy.ts, AWS_ENDPOINT_URL_KMS): GetPublicKey and Sign answer with the RFC 8032 test key, the
 * subject keys' calls go to moto. The gate's entries are written in-process with the same key held locally.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoDbDecisionStore } from '../../functions/adapters/aws/dynamodb-decision-store.ts';
import { openAwsLedger } from '../../functions/adapters/aws/ledger/open.ts';
import { SUBJECT_KEYS_TABLE_KEYS } from '../../functions/adapters/aws/ledger/table-schema.ts';
import { ed25519Signer } from '../../functions/ledger/core/note-keys.ts';
import { localLambdaContext } from '../../functions/local/lambda-context.ts';
import { createAwsReportWorkerHandler } from '../../functions/reports/aws-report-worker.ts';
import { functions, REPORT_REQUESTED_EVENT } from '../../functions/routes.ts';
import { awsClientConfig, EMULATOR_REGION, s3ClientConfig, uniqueName } from '../support/aws-clients.ts';
import { type CliRun, runCli, userEnv } from '../support/cli.ts';
import { createDecisionTable } from '../support/decision-table.ts';
import { KMS_KEY_ARN, RFC8032_TEST1_SEED } from '../support/kms-ed25519.ts';
import { type KmsProxy, startKmsEd25519Proxy } from '../support/kms-ed25519-proxy.ts';
import { createLedgerResources } from '../support/ledger-resources.ts';
import { DECISIONS } from '../support/report-fixtures.ts';

const endpoint = inject('motoEndpoint');
const dynamodb = new DynamoDBClient(awsClientConfig(endpoint));
const s3 = new S3Client(s3ClientConfig(endpoint));
const sqs = new SQSClient(awsClientConfig(endpoint));
const eventbridge = new EventBridgeClient(awsClientConfig(endpoint));
const cloudformation = new CloudFormationClient(awsClientConfig(endpoint));

const ORIGIN = 'verdict.test/cli-stack-ledger';
/** The ledger's key as KMS holds it (the proxy) and as the gate signs with it here. */
const signer = ed25519Signer(ORIGIN, RFC8032_TEST1_SEED);
const APPROVER = 'head-of-model-risk@example.com';

interface Deployment {
  stack: string;
  bareStack: string;
  outputs: Record<string, string>;
  queueUrl: string;
}

let proxy: KmsProxy;
let d: Deployment;
const work = mkdtempSync(join(tmpdir(), 'verdict-cli-stack-'));

async function createKeyedTable(name: string, key: string): Promise<void> {
  await dynamodb.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
    }),
  );
}

/** A CloudFormation stack with one trivial resource and these outputs. */
async function createStack(name: string, outputs: Record<string, string>): Promise<void> {
  const template = {
    Resources: { Placeholder: { Type: 'AWS::SNS::Topic' } },
    Outputs: Object.fromEntries(Object.entries(outputs).map(([key, value]) => [key, { Value: value }])),
  };
  await cloudformation.send(
    new CreateStackCommand({ StackName: name, TemplateBody: JSON.stringify(template) }),
  );
}

/** The stack's stores in moto, named in its outputs as VerdictStack and LedgerStorage name them. */
async function deploy(): Promise<Deployment> {
  const ledger = await createLedgerResources({ dynamodb, s3 });
  const decisions = uniqueName('verdict-decisions');
  const jobs = uniqueName('verdict-report-jobs');
  const reports = uniqueName('verdict-reports');
  const subjectKeys = uniqueName('verdict-subject-keys');
  const bus = uniqueName('verdict-bus');
  await createDecisionTable(dynamodb, decisions);
  await createKeyedTable(jobs, 'id');
  await createKeyedTable(subjectKeys, SUBJECT_KEYS_TABLE_KEYS.partitionKey);
  await s3.send(new CreateBucketCommand({ Bucket: reports, ObjectLockEnabledForBucket: true }));
  const dataKey = await new KMSClient(awsClientConfig(endpoint)).send(
    new CreateKeyCommand({ Description: 'verdict subject keys (cli-stack test)' }),
  );
  // What the report worker's rule receives, copied to a queue the test drains.
  const queue = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('verdict-report-requests') }));
  const queueUrl = queue.QueueUrl as string;
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  await eventbridge.send(new CreateEventBusCommand({ Name: bus }));
  await eventbridge.send(
    new PutRuleCommand({
      Name: 'report-requests',
      EventBusName: bus,
      EventPattern: JSON.stringify({
        source: [REPORT_REQUESTED_EVENT.source],
        'detail-type': [REPORT_REQUESTED_EVENT.detailType],
      }),
    }),
  );
  await eventbridge.send(
    new PutTargetsCommand({
      Rule: 'report-requests',
      EventBusName: bus,
      Targets: [{ Id: 'queue', Arn: Attributes?.QueueArn }],
    }),
  );
  const outputs = {
    LedgerTableName: ledger.table,
    LedgerTilesBucketName: ledger.tiles,
    LedgerAnchorBucketName: ledger.anchor,
    LedgerSigningKeyArn: KMS_KEY_ARN,
    LedgerOrigin: ORIGIN,
    LedgerCheckpointRetentionDays: '1',
    ObjectLockMode: 'GOVERNANCE',
    SubjectKeysTableName: subjectKeys,
    SubjectKeysKeyArn: dataKey.KeyMetadata?.Arn as string,
    DecisionsTableName: decisions,
    EventBusName: bus,
    ReportJobsTableName: jobs,
    ReportsBucketName: reports,
    AuditorApiUrl: 'https://abc123.execute-api.us-east-1.amazonaws.com',
    ModelPackageGroupPrefix: '',
  };
  const stack = uniqueName('verdict-cli');
  const bareStack = uniqueName('not-verdict');
  await createStack(stack, outputs);
  await createStack(bareStack, { TopicName: 'x' });
  return { stack, bareStack, outputs, queueUrl };
}

/** The gate's work: each decision in the ledger (signed, anchored), then in the decisions table. */
async function gateRecords(): Promise<void> {
  const table = new DynamoDbDecisionStore(dynamodb, d.outputs.DecisionsTableName as string);
  const handle = openAwsLedger({
    mode: 'writer',
    tableName: d.outputs.LedgerTableName as string,
    tilesBucket: d.outputs.LedgerTilesBucketName as string,
    anchorBucket: d.outputs.LedgerAnchorBucketName as string,
    objectLockMode: 'GOVERNANCE',
    checkpointRetentionDays: 1,
    anchorIntervalMs: 0,
    origin: ORIGIN,
    signer,
    clients: { dynamodb, s3, kms: new KMSClient(awsClientConfig(endpoint)) },
  });
  const { ledger } = await handle.open();
  for (const decision of DECISIONS) {
    await ledger.recordDecision(decision);
    await table.record(decision);
  }
  await ledger.checkpoint();
  await handle.close();
}

/** The environment of a user whose AWS configuration points at the emulator. */
function awsEnv(): NodeJS.ProcessEnv {
  const env = userEnv({ allVerdict: true });
  for (const key of Object.keys(env)) if (key.startsWith('AWS_')) delete env[key];
  return {
    ...env,
    AWS_ENDPOINT_URL: endpoint,
    AWS_ENDPOINT_URL_KMS: proxy.url,
    AWS_REGION: EMULATOR_REGION,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
  };
}

const verdict = (args: string[]): Promise<CliRun> => runCli(args, { env: awsEnv(), timeout: 120_000 });
const onStack = (...args: string[]) => [...args, '--stack', d.stack];

function json<T>(run: CliRun): T {
  expect(run.stderr === '' || run.code === 0, run.stderr).toBe(true);
  return JSON.parse(run.stdout) as T;
}

async function exportedEntries(): Promise<string[]> {
  const out = join(mkdtempSync(join(work, 'export-')), 'ledger');
  const run = await verdict(onStack('ledger', 'export', '--out', out));
  expect(run.code, run.stderr).toBe(0);
  return readFileSync(join(out, 'entries.jsonl'), 'utf8').split('\n').filter(Boolean);
}

function expires(): string {
  return new Date(Date.now() + 30 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

beforeAll(async () => {
  proxy = await startKmsEd25519Proxy(endpoint);
  d = await deploy();
  await gateRecords();
}, 120_000);

afterAll(async () => {
  await proxy?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('verdict --stack against the emulator', () => {
  it("exports the stack's ledger and verifies it against the key in its anchor bucket", async () => {
    const entries = await exportedEntries();
    expect(entries).toHaveLength(DECISIONS.length);

    const verified = await verdict(onStack('ledger', 'verify'));
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stderr).toContain(`verdict: OK: ${DECISIONS.length} entries`);

    const pinned = await verdict(onStack('ledger', 'verify', '--key', signer.verifierKey));
    expect(pinned.code, pinned.stderr).toBe(0);

    const other = ed25519Signer(ORIGIN, Buffer.alloc(32, 7)).verifierKey;
    const unpinned = await verdict(onStack('ledger', 'verify', '--key', other));
    expect(unpinned.code).toBe(5);
    expect(unpinned.stderr).toContain(
      `verdict: UNTRUSTED: stack ${d.stack} is signed only by keys you did not pin`,
    );

    const proof = json<{ leafIndex: number; treeSize: number }>(
      await verdict(onStack('ledger', 'prove', '--index', '0')),
    );
    expect(proof).toMatchObject({ leafIndex: 0, treeSize: DECISIONS.length });
  });

  it('lists and shows the decisions, each checked against the ledger', async () => {
    const page = json<{ decisions: { id: string }[] }>(
      await verdict(onStack('decisions', 'list', '--format', 'json')),
    );
    expect(page.decisions.map((x) => x.id).sort()).toEqual(DECISIONS.map((x) => x.id).sort());

    const cv = json<{ decisions: { subject: { group: string } }[] }>(
      await verdict(onStack('decisions', 'list', '--model', 'cv-ranker', '--format', 'json')),
    );
    expect(cv.decisions.length).toBeGreaterThan(0);
    expect(cv.decisions.every((x) => x.subject.group === 'cv-ranker')).toBe(true);

    const first = DECISIONS[0]?.id as string;
    const shown = json<{ id: string; ledger: { index: number; inclusionProof: { treeSize: number } } }>(
      await verdict(onStack('decisions', 'show', first, '--format', 'json')),
    );
    expect(shown.id).toBe(first);
    expect(shown.ledger.inclusionProof.treeSize).toBeGreaterThanOrEqual(DECISIONS.length);

    const missing = await verdict(onStack('decisions', 'show', 'no-such-decision'));
    expect({ code: missing.code, stderr: missing.stderr }).toEqual({
      code: 2,
      stderr: 'verdict: no decision no-such-decision\n',
    });
  });

  it('grants an exception as a ledger entry, lists it, revokes it; a refused grant writes nothing', async () => {
    const before = await exportedEntries();
    const refused = await verdict(
      onStack(
        'exception',
        'grant',
        '--rule',
        'prohibited.social_scoring',
        '--model',
        'cv-ranker',
        '--approver',
        APPROVER,
        '--reason',
        'A prohibited practice, to be refused',
        '--expires',
        expires(),
      ),
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      '  - --rule: prohibited.social_scoring cannot be waived: Art. 5 prohibitions cannot be waived\n',
    );
    expect(await exportedEntries()).toEqual(before);

    const granted = json<{ id: string; approver: string }>(
      await verdict(
        onStack(
          'exception',
          'grant',
          '--rule',
          'bias.disparate_impact',
          '--model',
          'cv-ranker',
          '--approver',
          APPROVER,
          '--reason',
          'Retraining is scheduled',
          '--expires',
          expires(),
        ),
      ),
    );
    expect(granted.approver).toBe(APPROVER);
    const after = await exportedEntries();
    expect(after).toHaveLength(before.length + 1);
    expect(after.at(-1)).toContain(granted.id);
    // The approver is sealed in the ledger entry, not written in clear.
    expect(after.at(-1)).not.toContain(APPROVER);

    const listed = json<{ exceptions: { id: string; status: string; approver: string }[] }>(
      await verdict(onStack('exception', 'list', '--model', 'cv-ranker', '--format', 'json')),
    );
    expect(listed.exceptions).toEqual([
      expect.objectContaining({ id: granted.id, status: 'active', approver: APPROVER }),
    ]);

    const revoked = await verdict(
      onStack(
        'exception',
        'revoke',
        granted.id,
        '--reason',
        'Retrained on reweighted data',
        '--approver',
        APPROVER,
      ),
    );
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(await exportedEntries()).toHaveLength(before.length + 2);
    const relisted = json<{ exceptions: { status: string }[] }>(
      await verdict(onStack('exception', 'list', '--model', 'cv-ranker', '--format', 'json')),
    );
    expect(relisted.exceptions.map((e) => e.status)).toEqual(['revoked']);
  });

  it('forgets a person: their key is destroyed, what was sealed under it reads as erased', async () => {
    const forgotten = json<{ keyDestroyed: boolean; entry: { index: number } }>(
      await verdict(onStack('forget', '--subject', APPROVER)),
    );
    expect(forgotten.keyDestroyed).toBe(true);
    const listed = json<{ exceptions: { approver: string }[] }>(
      await verdict(onStack('exception', 'list', '--model', 'cv-ranker', '--format', 'json')),
    );
    expect(listed.exceptions[0]?.approver).toMatch(/^erased \(ps1\./);
    const again = json<{ keyDestroyed: boolean }>(await verdict(onStack('forget', '--subject', APPROVER)));
    expect(again.keyDestroyed).toBe(false);
  });

  it('requests a report through the bus, waits for the worker, downloads it; report verify holds', async () => {
    const out = join(work, 'cv-ranker.json');
    const cli = verdict(
      onStack(
        'report',
        '--type',
        'model-compliance',
        '--format',
        'json',
        '--model',
        'cv-ranker',
        '--out',
        out,
      ),
    );
    const event = await receiveReportRequest();
    const worker = createAwsReportWorkerHandler({
      clients: {
        dynamodb,
        s3,
        kms: new KMSClient(awsClientConfig(proxy.url)),
      },
      ledger: openAwsLedger({
        mode: 'read-only',
        tableName: d.outputs.LedgerTableName as string,
        tilesBucket: d.outputs.LedgerTilesBucketName as string,
        origin: ORIGIN,
        clients: { dynamodb, s3, kms: new KMSClient(awsClientConfig(endpoint)) },
      }).reader,
      env: {
        VERDICT_ENVIRONMENT: 'test',
        VERDICT_DECISIONS_TABLE: d.outputs.DecisionsTableName,
        VERDICT_REPORT_JOBS_TABLE: d.outputs.ReportJobsTableName,
        VERDICT_REPORTS_BUCKET: d.outputs.ReportsBucketName,
        VERDICT_REPORT_RETENTION_DAYS: '1',
        VERDICT_OBJECT_LOCK_MODE: 'GOVERNANCE',
        VERDICT_LEDGER_TABLE: d.outputs.LedgerTableName,
        VERDICT_LEDGER_TILES_BUCKET: d.outputs.LedgerTilesBucketName,
        VERDICT_REPORT_SIGNING_KEY_ID: KMS_KEY_ARN,
        VERDICT_LEDGER_ORIGIN: ORIGIN,
      },
      tmpDir: mkdtempSync(join(work, 'worker-')),
    });
    const context = localLambdaContext('report-worker', functions['report-worker'].timeoutSeconds);
    expect(await worker(event, context)).toMatchObject({ outcome: 'done' });

    const run = await cli;
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^verdict: report job \S+ queued on stack /);
    expect(run.stderr).toContain(`verdict: wrote ${out} (model-compliance, json,`);

    const verified = await verdict(['report', 'verify', out, '--key', signer.verifierKey]);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/^OK: .* is the model-compliance report \(json\)/);
  });

  it('prints the job id with --no-wait', async () => {
    const run = await verdict(
      onStack('report', '--type', 'model-compliance', '--format', 'csv', '--model', 'cv-ranker', '--no-wait'),
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^[0-9a-f-]{36}\n$/);
    await receiveReportRequest();
  });

  it('refuses in one line: an unknown stack, a stack without outputs, --stack with --data-dir, tokens', async () => {
    const unknown = await verdict(['decisions', 'list', '--stack', 'no-such-stack']);
    expect({ code: unknown.code, stderr: unknown.stderr }).toEqual({
      code: 2,
      stderr: `verdict: no stack no-such-stack in ${EMULATOR_REGION} (check --stack and --region)\n`,
    });
    const bare = await verdict(['ledger', 'export', '--out', join(work, 'bare'), '--stack', d.bareStack]);
    expect({ code: bare.code, stderr: bare.stderr }).toEqual({
      code: 2,
      stderr: `verdict: stack ${d.bareStack} in ${EMULATOR_REGION} has none of Verdict's outputs (LedgerTableName, DecisionsTableName, ...): is it a Verdict stack?\n`,
    });
    const both = await verdict(onStack('exception', 'list', '--model', 'x', '--data-dir', work));
    expect({ code: both.code, stderr: both.stderr }).toEqual({
      code: 2,
      stderr: "error: option '--stack <name>' cannot be used with option '--data-dir <dir>'\n",
    });
    const token = await verdict(onStack('token', 'create', '--role', 'auditor'));
    expect(token.code).toBe(2);
    expect(token.stderr).toBe(
      `verdict: stack ${d.stack}'s auditor API (AuditorApiUrl ${d.outputs.AuditorApiUrl}) authenticates callers with IAM SigV4, not with Verdict tokens: call it with your AWS credentials\n`,
    );
  });
});

/** The next `Verdict Report Requested` event on the stack's bus, as EventBridge delivers it to the worker. */
async function receiveReportRequest(): Promise<unknown> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: d.queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 }),
    );
    const [message] = Messages ?? [];
    if (message?.Body) {
      await sqs.send(
        new DeleteMessageCommand({ QueueUrl: d.queueUrl, ReceiptHandle: message.ReceiptHandle }),
      );
      return JSON.parse(message.Body);
    }
  }
  throw new Error('no Verdict Report Requested event reached the queue');
}
