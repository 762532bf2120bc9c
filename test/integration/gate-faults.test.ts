/**
 * The fault matrix of the model-registry gate: the real Lambda handler (functions/gates/model-registry/
 * handler.ts) against the AWS emulator, with faults injected into its real SDK v3 clients by a middleware
 * (test/support/fault-injection.ts): one scenario per dependency, per step and per kind of fault.
 *
 * Each scenario registers a compliant model version, delivers its `SageMaker Model Package State Change`
 * event, lets the fault hit, and redelivers the same event (as Lambda and EventBridge retry a failed
 * invocation) until the handler succeeds or the retry budget is spent. Then, whatever the fault:
 * - the ledger holds exactly one decision for the version;
 * - the SageMaker approval status is the one the ledger's decision calls for (never Approved on a deny,
 *   never changed without a recorded decision);
 * - `Verdict Decision` was delivered at least once, and every delivery carries the ledger's decision
 *   (consumers deduplicate on its id);
 * - an export of the ledger verifies against the log's key.
 *
 * The emulator has no Ed25519 KMS keys: GetPublicKey and Sign are answered by the same middleware with a
 * known key (test/support/kms-ed25519.ts), after the faults. See model-registry-gate.test.ts for the
 * emulator's other deviations (the event is built from DescribeModelPackage; a redelivery is the original
 * event object).
 */
import { randomUUID, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DescribeModelPackageCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { vkeyFromKmsPublicKey } from '../../functions/adapters/aws/kms-signer.ts';
import { LEDGER_ENVIRONMENT, openAwsLedger } from '../../functions/adapters/aws/ledger-aws.ts';
import { modelPackageStateChangeEvent } from '../../functions/events/model-package-event.ts';
import type { Decision } from '../../functions/gates/decision.ts';
import type { ModelRegistryGateHandler } from '../../functions/gates/model-registry/create-handler.ts';
import { PROFILE_METADATA_KEY } from '../../functions/gates/model-registry/governance-inputs.ts';
import { modelPackageDecisionId } from '../../functions/gates/model-registry/model-registry-gate.ts';
import { decodeEntry } from '../../functions/ledger/entry.ts';
import { verifyExport } from '../../functions/ledger/export/verify-export.ts';
import { awsClientConfig, uniqueName } from '../support/aws-clients.ts';
import { createDecisionTable } from '../support/decision-table.ts';
import { type FaultInjection, type FaultRule, installFaultInjection } from '../support/fault-injection.ts';
import { KMS_KEY_ARN, kmsPrivateKey, kmsPublicKeySpki } from '../support/kms-ed25519.ts';
import { createLedgerResources, type LedgerResources } from '../support/ledger-resources.ts';
import { exported, removeTempDirs } from '../unit/ledger/support.ts';

const endpoint = inject('motoEndpoint');
const FUNCTION_NAME = 'verdict-model-registry-gate';
const LEDGER_ORIGIN = 'verdict.test/ledger';
/** Deliveries of one event: the first and its retries (EventBridge retries for 24 h; a few suffice here). */
const RETRY_BUDGET = 4;
const BUNDLE = fileURLToPath(new URL('../../policies/build/bundle.tar.gz', import.meta.url));
const SAMPLES = new URL('../../functions/local/demo/samples/', import.meta.url);

const names = {
  decisions: uniqueName('verdict-decisions'),
  idempotency: uniqueName('verdict-idempotency'),
  bus: uniqueName('verdict-bus'),
  queue: uniqueName('verdict-decision-events'),
  bucket: uniqueName('verdict-governance'),
};
const config = awsClientConfig(endpoint);
const sagemaker = new SageMakerClient(config);
const s3 = new S3Client(config);
const dynamodb = new DynamoDBClient(config);
const eventbridge = new EventBridgeClient(config);
const sqs = new SQSClient(config);
const logKey = vkeyFromKmsPublicKey(LEDGER_ORIGIN, new Uint8Array(kmsPublicKeySpki));

let ledger: LedgerResources;
let queueUrl = '';
let faults: FaultInjection;
let handler: ModelRegistryGateHandler;
const savedEnvironment = { ...process.env };

function lambdaContext(): Context {
  const deadline = Date.now() + 60_000;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: FUNCTION_NAME,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${config.region}:123456789012:function:${FUNCTION_NAME}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${FUNCTION_NAME}`,
    logStreamName: '2026/01/01/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

beforeAll(async () => {
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: config.region,
    AWS_ACCESS_KEY_ID: config.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: config.credentials.secretAccessKey,
    AWS_LAMBDA_FUNCTION_NAME: FUNCTION_NAME,
    VERDICT_ENVIRONMENT: 'dev',
    VERDICT_DECISIONS_TABLE: names.decisions,
    VERDICT_IDEMPOTENCY_TABLE: names.idempotency,
    VERDICT_EVENT_BUS_NAME: names.bus,
    VERDICT_POLICY_BUNDLE: BUNDLE,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  faults = installFaultInjection({
    answers: {
      GetPublicKeyCommand: () => ({
        KeyId: KMS_KEY_ARN,
        KeySpec: 'ECC_NIST_EDWARDS25519',
        KeyUsage: 'SIGN_VERIFY',
        SigningAlgorithms: ['ED25519_SHA_512'],
        PublicKey: new Uint8Array(kmsPublicKeySpki),
      }),
      SignCommand: (input) => ({
        KeyId: KMS_KEY_ARN,
        SigningAlgorithm: 'ED25519_SHA_512',
        Signature: new Uint8Array(sign(null, input.Message as Uint8Array, kmsPrivateKey)),
      }),
    },
  });

  await createDecisionTable(dynamodb, names.decisions);
  await dynamodb.send(
    new CreateTableCommand({
      TableName: names.idempotency,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    }),
  );
  const queue = await sqs.send(new CreateQueueCommand({ QueueName: names.queue }));
  queueUrl = queue.QueueUrl ?? '';
  const attributes = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  await eventbridge.send(new CreateEventBusCommand({ Name: names.bus }));
  await eventbridge.send(
    new PutRuleCommand({
      Name: 'verdict-decisions-to-queue',
      EventBusName: names.bus,
      EventPattern: JSON.stringify({ source: ['verdict'], 'detail-type': ['Verdict Decision'] }),
    }),
  );
  await eventbridge.send(
    new PutTargetsCommand({
      Rule: 'verdict-decisions-to-queue',
      EventBusName: names.bus,
      Targets: [{ Id: 'queue', Arn: attributes.Attributes?.QueueArn }],
    }),
  );
  await s3.send(new CreateBucketCommand({ Bucket: names.bucket }));
  ledger = await createLedgerResources({ dynamodb, s3 });
  Object.assign(process.env, {
    [LEDGER_ENVIRONMENT.tableName]: ledger.table,
    [LEDGER_ENVIRONMENT.tilesBucket]: ledger.tiles,
    [LEDGER_ENVIRONMENT.anchorBucket]: ledger.anchor,
    [LEDGER_ENVIRONMENT.signingKeyId]: KMS_KEY_ARN,
    [LEDGER_ENVIRONMENT.origin]: LEDGER_ORIGIN,
  });
  vi.resetModules();
  handler = (await import('../../functions/gates/model-registry/handler.ts')).handler;
});

afterAll(() => {
  faults?.uninstall();
  process.env = savedEnvironment;
  removeTempDirs();
  console.table(summaries);
});

// ---------------------------------------------------------------------------------------------------------

async function compliantPackage(): Promise<string> {
  const group = uniqueName('faults');
  const put = async (key: string, file: string) => {
    await s3.send(
      new PutObjectCommand({ Bucket: names.bucket, Key: key, Body: readFileSync(new URL(file, SAMPLES)) }),
    );
    return `s3://${names.bucket}/${key}`;
  };
  const profile = await put(`${group}/profile.json`, 'credit-scorer.profile.json');
  const report = await put(`${group}/analysis.json`, 'credit-scorer.analysis.json');
  await sagemaker.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: group }));
  const out = await sagemaker.send(
    new CreateModelPackageCommand({
      ModelPackageGroupName: group,
      ModelApprovalStatus: 'PendingManualApproval',
      InferenceSpecification: {
        Containers: [{ Image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1' }],
        SupportedContentTypes: ['text/csv'],
        SupportedResponseMIMETypes: ['text/csv'],
      },
      CustomerMetadataProperties: { [PROFILE_METADATA_KEY]: profile },
      ModelMetrics: { Bias: { PostTrainingReport: { ContentType: 'application/json', S3Uri: report } } },
    }),
  );
  if (!out.ModelPackageArn) throw new Error('emulator returned no ModelPackageArn');
  return out.ModelPackageArn;
}

async function approvalStatus(arn: string): Promise<string | undefined> {
  return (await sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: arn })))
    .ModelApprovalStatus;
}

async function stateChangeEvent(arn: string) {
  const d = await sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: arn }));
  if (!d.ModelPackageArn || !d.ModelPackageGroupName || !d.CreationTime || !d.ModelApprovalStatus)
    throw new Error(`incomplete DescribeModelPackage output for ${arn}`);
  return modelPackageStateChangeEvent({
    arn: d.ModelPackageArn,
    groupName: d.ModelPackageGroupName,
    version: String(d.ModelPackageVersion),
    approvalStatus: d.ModelApprovalStatus,
    customerMetadata: { ...d.CustomerMetadataProperties },
    biasReports: { postTraining: d.ModelMetrics?.Bias?.PostTrainingReport?.S3Uri ?? '' },
    creationTime: d.CreationTime.toISOString(),
    lastModifiedTime: (d.LastModifiedTime ?? d.CreationTime).toISOString(),
  });
}

interface DeliveredEvent {
  resources: string[];
  detail: Decision;
}

const delivered: DeliveredEvent[] = [];

async function deliveredFor(arn: string): Promise<DeliveredEvent[]> {
  for (;;) {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) break;
    for (const m of messages) delivered.push(JSON.parse(m.Body ?? 'null') as DeliveredEvent);
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
  return delivered.filter((e) => e.resources.includes(arn));
}

/** The ledger's decisions about the version and the ids of its action entries, and whether an export verifies. */
async function ledgerView(arn: string) {
  const reader = await openAwsLedger({
    tableName: ledger.table,
    tilesBucket: ledger.tiles,
    origin: LEDGER_ORIGIN,
    clients: { dynamodb, s3, kms: new KMSClient(config) },
    readOnly: true,
  });
  try {
    const decisions: Decision[] = [];
    const actions: string[] = [];
    for await (const { id, bytes } of reader.ledger.store.entries(0, await reader.ledger.size())) {
      const entry = decodeEntry(bytes);
      if (entry.type === 'decision' && entry.decision.subject.id === arn) decisions.push(entry.decision);
      if (entry.type === 'action' && id.includes(modelPackageDecisionId(arn))) actions.push(id);
    }
    const report = verifyExport(await exported(reader.ledger), { logKeys: [logKey] });
    return { decisions, actions, verified: report.ok, problems: report.problems };
  } finally {
    await reader.close();
  }
}

const STATUS_FOR = { allow: 'Approved', deny: 'Rejected', review: 'PendingManualApproval' } as const;

// ---------------------------------------------------------------------------------------------------------

const table = (name: () => string) => (input: Record<string, unknown>) => input.TableName === name();
const transactionOn = (name: () => string) => (input: Record<string, unknown>) =>
  (input.TransactItems as { Update?: { TableName?: string } }[] | undefined)?.some(
    (item) => item.Update?.TableName === name(),
  ) ?? false;
const bucket = (name: () => string) => (input: Record<string, unknown>) => input.Bucket === name();

interface Scenario {
  dependency: string;
  step: string;
  rule: Omit<FaultRule, 'calls'> & { calls?: number[] };
}

function scenarios(
  dependency: string,
  step: string,
  command: string,
  where: FaultRule['where'],
  kinds: FaultRule['fault'][],
): Scenario[] {
  return kinds.map((fault) => ({ dependency, step, rule: { command, where, fault } }));
}

const MATRIX: Scenario[] = [
  ...scenarios(
    'S3',
    'read governance input',
    'GetObjectCommand',
    bucket(() => names.bucket),
    ['throttle', 'server-error', 'answer-lost'],
  ),
  ...scenarios(
    'DynamoDB',
    'exceptions query',
    'QueryCommand',
    table(() => names.decisions),
    ['throttle', 'server-error'],
  ),
  ...scenarios(
    'DynamoDB',
    'read model get',
    'GetItemCommand',
    table(() => names.decisions),
    ['throttle'],
  ),
  ...scenarios(
    'DynamoDB',
    'read model write',
    'PutItemCommand',
    table(() => names.decisions),
    ['throttle', 'server-error', 'answer-lost'],
  ),
  ...scenarios(
    'DynamoDB',
    'ledger head read',
    'GetItemCommand',
    table(() => ledger.table),
    ['throttle'],
  ),
  ...scenarios(
    'DynamoDB',
    'ledger head compare-and-set',
    'TransactWriteItemsCommand',
    transactionOn(() => ledger.table),
    ['throttle', 'server-error', 'answer-lost'],
  ),
  ...scenarios(
    'S3',
    'ledger tiles write',
    'PutObjectCommand',
    bucket(() => ledger.tiles),
    ['throttle', 'answer-lost'],
  ),
  ...scenarios(
    'DynamoDB',
    'idempotency in progress',
    'PutItemCommand',
    table(() => names.idempotency),
    ['throttle', 'answer-lost'],
  ),
  ...scenarios(
    'DynamoDB',
    'idempotency success',
    'UpdateItemCommand',
    table(() => names.idempotency),
    ['throttle', 'answer-lost'],
  ),
  ...scenarios('KMS', 'sign checkpoint', 'SignCommand', undefined, [
    'throttle',
    'server-error',
    'answer-lost',
  ]),
  ...scenarios('SageMaker', 'describe package', 'DescribeModelPackageCommand', undefined, [
    'throttle',
    'server-error',
  ]),
  ...scenarios('SageMaker', 'update status', 'UpdateModelPackageCommand', undefined, [
    'throttle',
    'server-error',
    'answer-lost',
  ]),
  ...scenarios('EventBridge', 'publish decision', 'PutEventsCommand', undefined, [
    'throttle',
    'server-error',
    'answer-lost',
    'entry-failed',
  ]),
];

interface Summary {
  scenario: string;
  runs: number;
  faults: number;
  decisions: number;
  decision: string;
  statusUpdates: number;
  events: number;
  duplicates: number;
  wrongStatus: number;
}

const summaries: Summary[] = [];

describe('the model-registry gate under injected faults', () => {
  it.for(MATRIX)('$dependency $step: $rule.fault', async ({ dependency, step, rule }) => {
    const t1 = performance.now();
    const arn = await compliantPackage();
    const event = await stateChangeEvent(arn);
    if (process.env.FAULTS_TIMING) console.log('setup', Math.round(performance.now() - t1));

    faults.arm([{ ...rule, calls: rule.calls ?? [1] }]);
    let runs = 0;
    let succeeded = false;
    try {
      while (!succeeded && runs < RETRY_BUDGET) {
        runs += 1;
        succeeded = await handler(structuredClone(event), lambdaContext()).then(
          () => true,
          () => false,
        );
      }
    } finally {
      faults.disarm();
    }
    const injected = faults.injected.length;
    const statusUpdates = faults.sent.filter(
      (call) => call.command === 'UpdateModelPackageCommand' && call.applied,
    ).length;

    const t0 = performance.now();
    const view = await ledgerView(arn);
    if (process.env.FAULTS_TIMING) console.log('ledgerView', Math.round(performance.now() - t0));
    const events = await deliveredFor(arn);
    const status = await approvalStatus(arn);
    const recorded = view.decisions[0];
    summaries.push({
      scenario: `${dependency} ${step}: ${rule.fault}`,
      runs,
      faults: injected,
      decisions: view.decisions.length,
      decision: recorded?.decision ?? 'none',
      statusUpdates,
      events: events.length,
      duplicates: Math.max(0, events.length - 1),
      wrongStatus: recorded && status === STATUS_FOR[recorded.decision] ? 0 : 1,
    });

    expect(injected, 'the fault was injected').toBeGreaterThan(0);
    expect(succeeded, `a delivery succeeded within ${RETRY_BUDGET}`).toBe(true);
    expect(view.decisions).toHaveLength(1);
    const decision = recorded as Decision;
    expect(decision.id).toBe(modelPackageDecisionId(arn));
    expect(status).toBe(STATUS_FOR[decision.decision]);
    expect(events.length).toBeGreaterThanOrEqual(1);
    for (const delivery of events) {
      expect(delivery.detail.id).toBe(decision.id);
      expect(delivery.detail.decision).toBe(decision.decision);
    }
    expect(view.problems).toEqual([]);
    expect(view.verified).toBe(true);
  });
});
