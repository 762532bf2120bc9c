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
 * Outage scenarios fail every matching call for the whole budget; during the outage the status must still be
 * pending or the ledger's decision's, and one more delivery once the dependency is back must complete it.
 * A fault is injected above the SDK's own retries: it is what reaches the handler once those gave up.
 * Each scenario runs on a fresh Lambda module (a cold start) and a ledger of its own; the summaries are
 * printed at the end and collected by bench/gate-faults.ts.
 *
 * The emulator has no Ed25519 KMS keys: GetPublicKey and Sign are answered by the same middleware with a
 * known key (test/support/kms-ed25519.ts), after the faults. See model-registry-gate.test.ts for the
 * emulator's other deviations (the event is built from DescribeModelPackage; a redelivery is the original
 * event object).
 */
import { randomUUID, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { KMSClient } from '@aws-sdk/client-kms';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DescribeModelPackageCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { vkeyFromKmsPublicKey } from '../../functions/adapters/aws/kms-signer.ts';
import { openAwsLedger } from '../../functions/adapters/aws/ledger/open.ts';
import type { Decision } from '../../functions/contracts/decision.ts';
import { modelPackageStateChangeEvent } from '../../functions/events/model-package-event.ts';
import type { ModelRegistryGateHandler } from '../../functions/gates/model-registry/create-handler.ts';
import { PROFILE_METADATA_KEY } from '../../functions/gates/model-registry/governance-inputs.ts';
import { modelPackageDecisionId } from '../../functions/gates/model-registry/model-registry-gate.ts';
import { decodeEntry } from '../../functions/ledger/entry.ts';
import { verifyExport } from '../../functions/ledger/export/verify-export.ts';
import { localLambdaContext } from '../../functions/local/lambda-context.ts';
import { LEDGER_ENVIRONMENT } from '../../functions/shared/environment.ts';
import { awsClientConfig, uniqueName } from '../support/aws-clients.ts';
import {
  type FaultInjection,
  type FaultRule,
  type FaultSummary,
  installFaultInjection,
} from '../support/fault-injection.ts';
import {
  createGateResources,
  type DeliveredEvent,
  drainDeliveredEvents,
  gateResourceNames,
} from '../support/gate-resources.ts';
import { KMS_KEY_ARN, kmsPrivateKey, kmsPublicKeySpki } from '../support/kms-ed25519.ts';
import { exported, removeTempDirs } from '../support/ledger-fixture.ts';
import { createLedgerResources, type LedgerResources } from '../support/ledger-resources.ts';

const endpoint = inject('motoEndpoint');
const FUNCTION_NAME = 'verdict-model-registry-gate';
const LEDGER_ORIGIN = 'verdict.test/ledger';
/** Deliveries of one event: the first and its retries (EventBridge retries for 24 h; a few suffice here). */
const RETRY_BUDGET = 4;
const BUNDLE = fileURLToPath(new URL('../../policies/build/bundle.tar.gz', import.meta.url));
const SAMPLES = new URL('../../functions/local/demo/samples/', import.meta.url);

const names = gateResourceNames();
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

  queueUrl = await createGateResources({ dynamodb, sqs, eventbridge, s3 }, names);
});

afterAll(() => {
  faults?.uninstall();
  process.env = savedEnvironment;
  removeTempDirs();
  console.table(summaries);
});

/**
 * A Lambda function on a ledger of its own: each scenario's ledger holds only its entries, so exporting and
 * verifying it after every scenario stays cheap. The handler module is imported afresh (a cold start), and
 * builds its clients and ledger from the environment, as in Lambda.
 */
async function coldStartOnNewLedger(): Promise<void> {
  ledger = await createLedgerResources({ dynamodb, s3 });
  // A ledger in service has a signed checkpoint; an export needs one (a read-only reader signs nothing).
  const writer = await openAwsLedger({
    mode: 'writer',
    tableName: ledger.table,
    tilesBucket: ledger.tiles,
    signingKeyId: KMS_KEY_ARN,
    origin: LEDGER_ORIGIN,
    clients: { dynamodb, s3, kms: new KMSClient(config) },
  }).open();
  await writer.ledger.checkpoint();
  await writer.close();
  Object.assign(process.env, {
    [LEDGER_ENVIRONMENT.tableName]: ledger.table,
    [LEDGER_ENVIRONMENT.tilesBucket]: ledger.tiles,
    [LEDGER_ENVIRONMENT.anchorBucket]: ledger.anchor,
    [LEDGER_ENVIRONMENT.signingKeyId]: KMS_KEY_ARN,
    [LEDGER_ENVIRONMENT.origin]: LEDGER_ORIGIN,
  });
  vi.resetModules();
  handler = (await import('../../functions/gates/model-registry/handler.ts')).handler;
}

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

const delivered: DeliveredEvent[] = [];

async function deliveredFor(arn: string): Promise<DeliveredEvent[]> {
  delivered.push(...(await drainDeliveredEvents(sqs, queueUrl)));
  return delivered.filter((e) => e.resources.includes(arn));
}

/** The ledger's decisions about the version and the ids of its action entries, and whether an export verifies. */
async function ledgerView(arn: string) {
  const reader = await openAwsLedger({
    mode: 'read-only',
    tableName: ledger.table,
    tilesBucket: ledger.tiles,
    origin: LEDGER_ORIGIN,
    clients: { dynamodb, s3, kms: new KMSClient(config) },
  }).open();
  try {
    const decisions: Decision[] = [];
    for await (const { bytes } of reader.ledger.store.entries(0, await reader.ledger.size())) {
      const entry = decodeEntry(bytes);
      if (entry.type === 'decision' && entry.decision.subject.id === arn) decisions.push(entry.decision);
    }
    const report = verifyExport(await exported(reader.ledger), { logKeys: [logKey] });
    return { decisions, verified: report.ok, problems: report.problems };
  } finally {
    await reader.close();
  }
}

const STATUS_FOR = { allow: 'Approved', deny: 'Rejected', review: 'PendingManualApproval' } as const;

// ---------------------------------------------------------------------------------------------------------

type Where = FaultRule['where'];
const table =
  (name: () => string): Where =>
  (input) =>
    input.TableName === name();
const bucket =
  (name: () => string): Where =>
  (input) =>
    input.Bucket === name();
const transactionOn =
  (name: () => string): Where =>
  (input) =>
    (input.TransactItems as { Update?: { TableName?: string } }[] | undefined)?.some(
      (item) => item.Update?.TableName === name(),
    ) ?? false;

interface Scenario {
  dependency: string;
  step: string;
  command: string;
  where?: Where;
  /** Which matching calls fail: the first by default; `every` is an outage lasting the whole retry budget. */
  calls?: FaultRule['calls'];
  /** Two events about the version (distinct ids) delivered at once, as to two containers. */
  racing?: boolean;
  faults: FaultRule['fault'][];
}

const governance: Where = (input) => input.Bucket === names.bucket;
const readModel = table(() => names.decisions);
const idempotency = table(() => names.idempotency);
const ledgerHead = transactionOn(() => ledger.table);
const ALL: FaultRule['fault'][] = ['throttle', 'server-error', 'answer-lost'];

// The gate's steps, in order: idempotency record, DescribeModelPackage, read model and ledger lookups,
// governance inputs and exceptions, the decision (ledger head, tiles, checkpoint signature), the read model,
// UpdateModelPackage and its ledger record (the 2nd append), PutEvents and its ledger record (the 3rd).
const STEPS: Scenario[] = [
  {
    dependency: 'DynamoDB',
    step: 'idempotency in progress',
    command: 'PutItemCommand',
    where: idempotency,
    faults: ['throttle', 'answer-lost'],
  },
  {
    dependency: 'SageMaker',
    step: 'describe package',
    command: 'DescribeModelPackageCommand',
    faults: ['throttle', 'server-error'],
  },
  {
    dependency: 'DynamoDB',
    step: 'read model get',
    command: 'GetItemCommand',
    where: readModel,
    faults: ['throttle'],
  },
  {
    dependency: 'DynamoDB',
    step: 'ledger head read',
    command: 'GetItemCommand',
    where: table(() => ledger.table),
    faults: ['throttle'],
  },
  {
    dependency: 'S3',
    step: 'read governance input',
    command: 'GetObjectCommand',
    where: governance,
    faults: ALL,
  },
  {
    dependency: 'DynamoDB',
    step: 'exceptions query',
    command: 'QueryCommand',
    where: readModel,
    faults: ['throttle', 'server-error'],
  },
  {
    dependency: 'S3',
    step: 'ledger tiles write',
    command: 'PutObjectCommand',
    where: bucket(() => ledger.tiles),
    faults: ['throttle', 'answer-lost'],
  },
  {
    dependency: 'DynamoDB',
    step: 'ledger head compare-and-set (decision)',
    command: 'TransactWriteItemsCommand',
    where: ledgerHead,
    faults: ALL,
  },
  { dependency: 'KMS', step: 'sign checkpoint (decision)', command: 'SignCommand', faults: ALL },
  {
    dependency: 'DynamoDB',
    step: 'read model write',
    command: 'PutItemCommand',
    where: readModel,
    faults: ALL,
  },
  { dependency: 'SageMaker', step: 'update status', command: 'UpdateModelPackageCommand', faults: ALL },
  {
    dependency: 'DynamoDB',
    step: 'ledger head compare-and-set (status action)',
    command: 'TransactWriteItemsCommand',
    where: ledgerHead,
    calls: [2],
    faults: ['throttle', 'answer-lost'],
  },
  {
    dependency: 'EventBridge',
    step: 'publish decision',
    command: 'PutEventsCommand',
    faults: [...ALL, 'entry-failed'],
  },
  {
    dependency: 'DynamoDB',
    step: 'ledger head compare-and-set (publish action)',
    command: 'TransactWriteItemsCommand',
    where: ledgerHead,
    calls: [3],
    faults: ['throttle', 'answer-lost'],
  },
  {
    dependency: 'KMS',
    step: 'sign checkpoint (publish action)',
    command: 'SignCommand',
    calls: [3],
    faults: ['throttle'],
  },
  {
    dependency: 'DynamoDB',
    step: 'idempotency success',
    command: 'UpdateItemCommand',
    where: idempotency,
    faults: ['throttle', 'answer-lost'],
  },
  // Racing events on one version, each redelivered until it succeeds.
  {
    dependency: 'DynamoDB',
    step: 'racing events, ledger head compare-and-set',
    command: 'TransactWriteItemsCommand',
    where: ledgerHead,
    racing: true,
    faults: ['answer-lost'],
  },
  {
    dependency: 'SageMaker',
    step: 'racing events, update status',
    command: 'UpdateModelPackageCommand',
    racing: true,
    faults: ['answer-lost'],
  },
  {
    dependency: 'EventBridge',
    step: 'racing events, publish decision',
    command: 'PutEventsCommand',
    racing: true,
    faults: ['throttle'],
  },
  // Outages: every call fails for the whole retry budget, then one more delivery once the dependency is back.
  {
    dependency: 'S3',
    step: 'governance inputs down',
    command: 'GetObjectCommand',
    where: governance,
    calls: 'every',
    faults: ['throttle'],
  },
  {
    dependency: 'DynamoDB',
    step: 'ledger head down',
    command: 'TransactWriteItemsCommand',
    where: ledgerHead,
    calls: 'every',
    faults: ['throttle'],
  },
  {
    dependency: 'KMS',
    step: 'signing down',
    command: 'SignCommand',
    calls: 'every',
    faults: ['server-error'],
  },
  {
    dependency: 'DynamoDB',
    step: 'read model down',
    command: 'PutItemCommand',
    where: readModel,
    calls: 'every',
    faults: ['throttle'],
  },
  {
    dependency: 'SageMaker',
    step: 'status update down',
    command: 'UpdateModelPackageCommand',
    calls: 'every',
    faults: ['throttle'],
  },
  {
    dependency: 'EventBridge',
    step: 'bus down',
    command: 'PutEventsCommand',
    calls: 'every',
    faults: ['entry-failed'],
  },
];

const MATRIX = STEPS.flatMap(({ faults: kinds, ...scenario }) =>
  kinds.map((fault) => ({ ...scenario, fault, name: `${scenario.dependency} ${scenario.step}: ${fault}` })),
);

const summaries: FaultSummary[] = [];

describe('the model-registry gate under injected faults', () => {
  it.for(MATRIX)('$name', async ({ name, command, where, calls, racing, fault }, { task }) => {
    await coldStartOnNewLedger();
    const arn = await compliantPackage();
    const event = await stateChangeEvent(arn);
    const events = racing ? [event, { ...structuredClone(event), id: randomUUID() }] : [event];
    let runs = 0;
    const deliver = (one: typeof event) => {
      runs += 1;
      return handler(structuredClone(one), localLambdaContext(FUNCTION_NAME, 60)).then(
        () => true,
        () => false,
      );
    };
    /** Each event redelivered until it succeeds or its budget is spent; all at once when racing. */
    const deliverAll = async () => {
      const outcomes = await Promise.all(
        events.map(async (one) => {
          for (let attempt = 1; attempt <= RETRY_BUDGET; attempt++) if (await deliver(one)) return true;
          return false;
        }),
      );
      return outcomes.every(Boolean);
    };

    faults.arm([{ command, where, calls: calls ?? [1], fault }]);
    let succeeded = false;
    try {
      succeeded = await deliverAll();
    } finally {
      faults.disarm();
    }
    const injected = faults.injected.length;
    const sent = [...faults.sent];
    let wrongStatus = 0;
    if (calls === 'every') {
      // During the outage: nothing approved or announced without a recorded decision, and never against it.
      const during = await ledgerView(arn);
      const status = await approvalStatus(arn);
      const recorded = during.decisions[0];
      if (status !== 'PendingManualApproval' && status !== (recorded && STATUS_FOR[recorded.decision]))
        wrongStatus += 1;
      expect(
        status === 'PendingManualApproval' || status === STATUS_FOR[recorded?.decision ?? 'review'],
      ).toBe(true);
      for (const delivery of await deliveredFor(arn)) expect(delivery.detail).toEqual(recorded);
      expect(during.verified).toBe(true);
      if (!succeeded) {
        faults.arm([]);
        succeeded = (await Promise.all(events.map(deliver))).every(Boolean);
        faults.disarm();
        sent.push(...faults.sent);
      }
    }

    const view = await ledgerView(arn);
    const deliveries = await deliveredFor(arn);
    const status = await approvalStatus(arn);
    const recorded = view.decisions[0];
    if (!recorded || status !== STATUS_FOR[recorded.decision]) wrongStatus += 1;
    const summary: FaultSummary = {
      scenario: name,
      runs,
      faults: injected,
      decisions: view.decisions.length,
      decision: recorded?.decision ?? 'none',
      statusUpdates: sent.filter((c) => c.command === 'UpdateModelPackageCommand' && c.applied).length,
      events: deliveries.length,
      duplicates: Math.max(0, deliveries.length - 1),
      wrongStatus,
    };
    summaries.push(summary);
    task.meta.faultSummary = summary;

    expect(injected, 'the fault was injected').toBeGreaterThan(0);
    expect(succeeded, `a delivery succeeded within ${RETRY_BUDGET} (+1 after an outage)`).toBe(true);
    expect(view.decisions).toHaveLength(1);
    const decision = recorded as Decision;
    expect(decision.id).toBe(modelPackageDecisionId(arn));
    expect(status).toBe(STATUS_FOR[decision.decision]);
    expect(deliveries.length).toBeGreaterThanOrEqual(1);
    for (const delivery of deliveries) expect(delivery.detail).toEqual(decision);
    expect(view.problems).toEqual([]);
    expect(view.verified).toBe(true);
  });
});

describe('the fault middleware', () => {
  const item = (id: string) => ({ TableName: names.idempotency, Item: { id: { S: id } } });
  const stored = async (id: string) =>
    (await dynamodb.send(new GetItemCommand({ TableName: names.idempotency, Key: { id: { S: id } } }))).Item;

  it('fails the chosen call only, before it is sent', async () => {
    const [first, second] = [randomUUID(), randomUUID()];
    faults.arm([{ command: 'PutItemCommand', where: idempotency, calls: [2], fault: 'throttle' }]);
    try {
      await dynamodb.send(new PutItemCommand(item(first)));
      const error = await dynamodb.send(new PutItemCommand(item(second))).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'ProvisionedThroughputExceededException' });
    } finally {
      faults.disarm();
    }
    expect(faults.injected).toEqual([{ command: 'PutItemCommand', call: 2, fault: 'throttle' }]);
    expect(await stored(first)).toBeDefined();
    expect(await stored(second)).toBeUndefined();
  });

  it('answer-lost applies the call, then loses its answer', async () => {
    const id = randomUUID();
    faults.arm([{ command: 'PutItemCommand', where: idempotency, calls: [1], fault: 'answer-lost' }]);
    try {
      const error = await dynamodb.send(new PutItemCommand(item(id))).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'ECONNRESET' });
    } finally {
      faults.disarm();
    }
    expect(faults.sent).toMatchObject([{ command: 'PutItemCommand', applied: true }]);
    expect(await stored(id)).toEqual({ id: { S: id } });
  });
});
