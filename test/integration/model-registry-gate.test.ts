/**
 * The model-registry gate end to end against the AWS emulator (moto_server), through real SDK v3 clients:
 * SageMaker Model Registry, S3 (profiles and Clarify reports), DynamoDB (decisions and Powertools
 * idempotency records) and EventBridge (a rule on the Verdict bus delivers `Verdict Decision` to SQS).
 *
 * The handler under test is the real Lambda entry point, functions/gates/model-registry/handler.ts: it reads
 * its VERDICT_* configuration and builds its AWS clients from the environment at module load, exactly as in
 * Lambda. moto emits no SageMaker events and cannot deliver an EventBridge target to a Lambda function, so
 * the test builds the `SageMaker Model Package State Change` event itself, from DescribeModelPackage, with
 * modelPackageStateChangeEvent (the event SageMaker would put on the default bus), and invokes the handler
 * in-process with a minimal Lambda context.
 *
 * Emulator deviations worked around:
 * - moto's DescribeModelPackage has no LastModifiedTime until the first update: the event's LastModifiedTime
 *   falls back to CreationTime, as SageMaker's does for a new version.
 * - moto's UpdateModelPackage erases CustomerMetadataProperties (SageMaker keeps them). A redelivery is the
 *   original event object, never one rebuilt from the updated package (which would carry a new id, no
 *   profile and status Approved, and so pass "no second decision" for the wrong reason).
 * - S3 needs no path-style setting: the SDK's S3 endpoint rules never use virtual-hosted addressing for an
 *   endpoint whose host is an IP address (127.0.0.1), and the SDK reads no environment variable or config
 *   file setting for path style, so the emulator must be addressed by IP, as the harness does.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  DeleteItemCommand,
  DynamoDBClient,
  ScanCommand,
  type ScanCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { KMSClient } from '@aws-sdk/client-kms';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DescribeModelPackageCommand,
  type DescribeModelPackageCommandOutput,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import {
  DECISION_KEY_PREFIX,
  DECISION_LIST_PARTITION,
  DECISION_SORT_KEY,
  REJECTION_KEY_PREFIX,
  REJECTION_SORT_KEY,
} from '../../functions/adapters/aws/decision-table-schema.ts';
import { DynamoDbDecisionStore } from '../../functions/adapters/aws/dynamodb-decision-store.ts';
import { openAwsLedger } from '../../functions/adapters/aws/ledger/open.ts';
import type { Decision } from '../../functions/contracts/decision.ts';
import type { ModelPackageStateChange } from '../../functions/contracts/model-package-state-change.ts';
import { modelPackageStateChangeEvent } from '../../functions/events/model-package-event.ts';
import { MAX_EVENT_BYTES } from '../../functions/gates/middleware/reject-bad-input.ts';
import type { ModelRegistryGateHandler } from '../../functions/gates/model-registry/create-handler.ts';
import { PROFILE_METADATA_KEY } from '../../functions/gates/model-registry/governance-inputs.ts';
import { GATE, modelPackageDecisionId } from '../../functions/gates/model-registry/model-registry-gate.ts';
import { localLambdaContext } from '../../functions/local/lambda-context.ts';
import { LEDGER_ENVIRONMENT } from '../../functions/shared/environment.ts';
import { deterministicId } from '../../functions/shared/hashing.ts';
import { awsClientConfig, uniqueName } from '../support/aws-clients.ts';
import {
  createGateResources,
  type DeliveredEvent,
  drainDeliveredEvents,
  gateResourceNames,
} from '../support/gate-resources.ts';
import { KMS_KEY_ARN, mockKmsEd25519Key } from '../support/kms-ed25519.ts';
import { createLedgerResources, type LedgerResources } from '../support/ledger-resources.ts';

const endpoint = inject('motoEndpoint');
const BUNDLE = fileURLToPath(new URL('../../policies/build/bundle.tar.gz', import.meta.url));
const SAMPLES = new URL('../../functions/local/demo/samples/', import.meta.url);
const BUNDLE_SHA256 = createHash('sha256').update(readFileSync(BUNDLE)).digest('hex');
const FUNCTION_NAME = 'verdict-model-registry-gate';

const names = gateResourceNames();

// The test's own clients: explicit emulator configuration, independent of the environment the handler reads.
const config = awsClientConfig(endpoint);
const sagemaker = new SageMakerClient(config);
const s3 = new S3Client(config);
const dynamodb = new DynamoDBClient(config);
const documents = DynamoDBDocumentClient.from(dynamodb);
const eventbridge = new EventBridgeClient(config);
const sqs = new SQSClient(config);
const store = new DynamoDbDecisionStore(dynamodb, names.decisions);

/** The environment the handler module reads at load: the CDK stack's VERDICT_* settings, the emulator. */
const handlerEnvironment = {
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
};
const LEDGER_ORIGIN = 'verdict.test/ledger';
const savedEnvironment = Object.fromEntries(
  [
    ...Object.keys(handlerEnvironment),
    ...Object.values(LEDGER_ENVIRONMENT),
    'AWS_SESSION_TOKEN',
    'AWS_PROFILE',
  ].map((k) => [k, process.env[k]]),
);
let ledger: LedgerResources;
let kms: ReturnType<typeof mockKmsEd25519Key>;

function setEnvironment(values: Record<string, string | undefined>): void {
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
}

/** A fresh import of the Lambda module: its clients and policy engine are built from the current environment. */
async function importHandler(): Promise<ModelRegistryGateHandler> {
  vi.resetModules();
  const module = await import('../../functions/gates/model-registry/handler.ts');
  return module.handler;
}

/** What Lambda passes: enough for Powertools (logger, idempotency) and the gate's deadline. */
const lambdaContext = (timeoutSeconds = 60): Context => localLambdaContext(FUNCTION_NAME, timeoutSeconds);

// ---------------------------------------------------------------------------------------------------------
// Emulator fixtures

const s3Uri = (key: string) => `s3://${names.bucket}/${key}`;

async function putObject(key: string, body: string | Uint8Array): Promise<string> {
  await s3.send(
    new PutObjectCommand({ Bucket: names.bucket, Key: key, Body: body, ContentType: 'application/json' }),
  );
  return s3Uri(key);
}

function sample(file: string): Buffer {
  return readFileSync(new URL(file, SAMPLES));
}

/** A model package group with one version, PendingManualApproval, pointing at its governance inputs. */
async function registerPackage(group: string, inputs: { profile?: string; biasReport?: string }) {
  await sagemaker.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: group }));
  const out = await sagemaker.send(
    new CreateModelPackageCommand({
      ModelPackageGroupName: group,
      ModelApprovalStatus: 'PendingManualApproval',
      // moto does not require an InferenceSpecification; SageMaker does for a deployable version.
      InferenceSpecification: {
        Containers: [{ Image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1' }],
        SupportedContentTypes: ['text/csv'],
        SupportedResponseMIMETypes: ['text/csv'],
      },
      ...(inputs.profile && { CustomerMetadataProperties: { [PROFILE_METADATA_KEY]: inputs.profile } }),
      ...(inputs.biasReport && {
        ModelMetrics: {
          Bias: { PostTrainingReport: { ContentType: 'application/json', S3Uri: inputs.biasReport } },
        },
      }),
    }),
  );
  if (!out.ModelPackageArn) throw new Error('emulator returned no ModelPackageArn');
  return out.ModelPackageArn;
}

async function describePackage(arn: string): Promise<DescribeModelPackageCommandOutput> {
  return sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: arn }));
}

/** The event SageMaker would emit for the package's current state, built from DescribeModelPackage. */
async function stateChangeEvent(arn: string): Promise<ModelPackageStateChange> {
  const d = await describePackage(arn);
  if (!d.ModelPackageArn || !d.ModelPackageGroupName || !d.CreationTime || !d.ModelApprovalStatus) {
    throw new Error(`incomplete DescribeModelPackage output for ${arn}`);
  }
  const bias = d.ModelMetrics?.Bias;
  return modelPackageStateChangeEvent({
    arn: d.ModelPackageArn,
    groupName: d.ModelPackageGroupName,
    version: String(d.ModelPackageVersion),
    approvalStatus: d.ModelApprovalStatus,
    customerMetadata: { ...d.CustomerMetadataProperties },
    biasReports: {
      ...(bias?.PostTrainingReport?.S3Uri && { postTraining: bias.PostTrainingReport.S3Uri }),
      ...(bias?.PreTrainingReport?.S3Uri && { preTraining: bias.PreTrainingReport.S3Uri }),
      ...(bias?.Report?.S3Uri && { report: bias.Report.S3Uri }),
    },
    creationTime: d.CreationTime.toISOString(),
    // moto sets LastModifiedTime only on update.
    lastModifiedTime: (d.LastModifiedTime ?? d.CreationTime).toISOString(),
  });
}

async function rawDecisionItem(id: string) {
  const out = await documents.send(
    new GetCommand({
      TableName: names.decisions,
      Key: { pk: `${DECISION_KEY_PREFIX}${id}`, sk: DECISION_SORT_KEY },
      ConsistentRead: true,
    }),
  );
  return out.Item;
}

async function decisionCount(): Promise<number> {
  let count = 0;
  let start: ScanCommandOutput['LastEvaluatedKey'];
  do {
    const out = await dynamodb.send(
      new ScanCommand({
        TableName: names.decisions,
        FilterExpression: 'sk = :sk',
        ExpressionAttributeValues: { ':sk': { S: DECISION_SORT_KEY } },
        ExclusiveStartKey: start,
      }),
    );
    count += out.Count ?? 0;
    start = out.LastEvaluatedKey;
  } while (start);
  return count;
}

/** Every `Verdict Decision` the rule delivered to the queue so far (moto delivers during PutEvents). */
const delivered: DeliveredEvent[] = [];
let queueUrl = '';

async function drainQueue(): Promise<DeliveredEvent[]> {
  const fresh = await drainDeliveredEvents(sqs, queueUrl);
  delivered.push(...fresh);
  return fresh;
}

async function deliveredFor(decisionId: string): Promise<DeliveredEvent[]> {
  await drainQueue();
  return delivered.filter((e) => e.detail.id === decisionId);
}

async function rejectionFor(eventId: string) {
  return (await store.listRejections({ limit: 1000 })).filter((r) => r.eventId === eventId);
}

async function errorOf(run: Promise<unknown>): Promise<Error & { code?: string; problems?: string[] }> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error('expected the handler to reject');
  return error;
}

// ---------------------------------------------------------------------------------------------------------

let handler: ModelRegistryGateHandler;

beforeAll(async () => {
  setEnvironment({ ...handlerEnvironment, AWS_SESSION_TOKEN: undefined, AWS_PROFILE: undefined });

  queueUrl = await createGateResources({ dynamodb, sqs, eventbridge, s3 }, names);

  // The audit ledger: DynamoDB + S3 in the emulator; its Ed25519 signing key is answered at the SDK level,
  // because the emulator has no Ed25519 KMS keys.
  ledger = await createLedgerResources({ dynamodb, s3 });
  kms = mockKmsEd25519Key();
  setEnvironment({
    [LEDGER_ENVIRONMENT.tableName]: ledger.table,
    [LEDGER_ENVIRONMENT.tilesBucket]: ledger.tiles,
    [LEDGER_ENVIRONMENT.anchorBucket]: ledger.anchor,
    [LEDGER_ENVIRONMENT.signingKeyId]: KMS_KEY_ARN,
    [LEDGER_ENVIRONMENT.origin]: LEDGER_ORIGIN,
  });

  handler = await importHandler();
});

afterAll(() => {
  kms.restore();
  setEnvironment(savedEnvironment);
  vi.resetModules();
});

// ---------------------------------------------------------------------------------------------------------

const SAMPLE_CASES = [
  {
    sample: 'credit-scorer',
    story: 'a compliant credit scorer is approved',
    decision: 'allow',
    approvalStatus: 'Approved',
    riskClass: 'high',
    violations: [] as { rule: string; reference: string }[],
  },
  {
    sample: 'cv-ranker',
    story: 'a biased CV ranker (DI 0.62) is rejected',
    decision: 'deny',
    approvalStatus: 'Rejected',
    riskClass: 'high',
    violations: [
      { rule: 'bias.difference_in_positive_proportions', reference: '|DPPL| > 0.1' },
      { rule: 'bias.disparate_impact', reference: 'DI < 0.8' },
      { rule: 'bias.recall_difference', reference: '|RD| > 0.1' },
    ],
  },
  {
    sample: 'citizen-trust-score',
    story: 'a prohibited social-scoring system is rejected',
    decision: 'deny',
    approvalStatus: 'Rejected',
    riskClass: 'prohibited',
    violations: [{ rule: 'prohibited.social_scoring', reference: 'Art. 5(1)(c)' }],
  },
] as const;

describe('model-registry gate (real Lambda handler) against the emulator', () => {
  const gated = new Map<string, { arn: string; event: ModelPackageStateChange; decisionId: string }>();

  describe.each(SAMPLE_CASES)('$story', (c) => {
    it('decides, sets the status, records the decision and announces it', async () => {
      const group = uniqueName(c.sample);
      const arn = await registerPackage(group, {
        profile: await putObject(`${group}/profile.json`, sample(`${c.sample}.profile.json`)),
        biasReport: await putObject(`${group}/clarify/analysis.json`, sample(`${c.sample}.analysis.json`)),
      });
      const event = await stateChangeEvent(arn);
      const decisionId = modelPackageDecisionId(arn);
      gated.set(c.sample, { arn, event, decisionId });

      const summary = await handler(structuredClone(event), lambdaContext());

      expect(summary).toEqual({
        status: 'decided',
        decisionId,
        decision: c.decision,
        approvalStatus: c.approvalStatus,
      });

      const after = await describePackage(arn);
      expect(after.ModelApprovalStatus).toBe(c.approvalStatus);
      expect(after.ApprovalDescription).toContain(`Verdict ${c.decision} ${decisionId}`);
      expect(after.ApprovalDescription).toContain(`sha256:${BUNDLE_SHA256.slice(0, 12)}`);
      for (const v of c.violations) expect(after.ApprovalDescription).toContain(`${v.rule} (${v.reference})`);
      if (c.violations.length === 0) expect(after.ApprovalDescription).toContain('no deciding violations');

      const item = await rawDecisionItem(decisionId);
      expect(item).toMatchObject({
        pk: `${DECISION_KEY_PREFIX}${decisionId}`,
        sk: DECISION_SORT_KEY,
        listPk: DECISION_LIST_PARTITION,
        listSk: expect.stringMatching(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z#${decisionId}$`)),
      });
      const decision = item?.decision as Decision;
      expect(decision).toMatchObject({
        id: decisionId,
        gate: GATE,
        decision: c.decision,
        riskClass: c.riskClass,
        subject: { kind: 'model-package', id: arn, group, version: '1' },
        policy: { bundleSha256: BUNDLE_SHA256, entrypoint: 'verdict/gates/model_registry/decision' },
        trigger: { eventId: event.id, source: 'aws.sagemaker', detailType: event['detail-type'] },
      });
      expect(decision.violations.map((v) => ({ rule: v.rule, reference: v.reference }))).toEqual(
        c.violations,
      );
      await expect(store.get(decisionId)).resolves.toEqual(decision);

      const announced = await deliveredFor(decisionId);
      expect(announced).toHaveLength(1);
      expect(announced[0]).toMatchObject({
        source: 'verdict',
        'detail-type': 'Verdict Decision',
        resources: [arn],
        detail: decision,
      });
    });
  });

  describe('a redelivered event (same id)', () => {
    it('makes no second decision, no second status change and no second announcement', async () => {
      const first = gated.get('cv-ranker');
      if (!first) throw new Error('the cv-ranker sample was not gated');
      const before = await describePackage(first.arn);
      const decisionsBefore = await decisionCount();
      // The moto quirk the redelivery must not depend on: the update erased the package's metadata, so an
      // event rebuilt now would be a different event (new id, no profile). The redelivery is the original.
      expect(before.CustomerMetadataProperties ?? {}).not.toHaveProperty(PROFILE_METADATA_KEY);
      expect((await stateChangeEvent(first.arn)).id).not.toBe(first.event.id);

      const summary = await handler(structuredClone(first.event), lambdaContext());

      // Powertools idempotency answers with the first invocation's result, keyed on the event id.
      expect(summary).toEqual({
        status: 'decided',
        decisionId: first.decisionId,
        decision: 'deny',
        approvalStatus: 'Rejected',
      });
      expect(await decisionCount()).toBe(decisionsBefore);
      const after = await describePackage(first.arn);
      expect(after.ModelApprovalStatus).toBe('Rejected');
      expect(after.ApprovalDescription).toBe(before.ApprovalDescription);
      expect(after.LastModifiedTime).toEqual(before.LastModifiedTime);
      expect(await deliveredFor(first.decisionId)).toHaveLength(1);
    });

    it('is still a duplicate for the gate once the idempotency record is gone (expired)', async () => {
      const first = gated.get('credit-scorer');
      if (!first) throw new Error('the credit-scorer sample was not gated');
      // Powertools keys the record on the event id: `<prefix>#base64(md5(JSON of id))`.
      const hash = createHash('md5').update(JSON.stringify(first.event.id)).digest('base64');
      const records = await dynamodb.send(new ScanCommand({ TableName: names.idempotency }));
      const record = records.Items?.find((item) => item.id?.S?.endsWith(`#${hash}`));
      expect(record?.status?.S).toBe('COMPLETED');
      if (!record?.id) throw new Error(`no idempotency record for event ${first.event.id}`);
      await dynamodb.send(new DeleteItemCommand({ TableName: names.idempotency, Key: { id: record.id } }));
      const before = await describePackage(first.arn);
      const decisionsBefore = await decisionCount();

      const summary = await handler(structuredClone(first.event), lambdaContext());

      expect(summary).toEqual({ status: 'duplicate', decisionId: first.decisionId });
      expect(await decisionCount()).toBe(decisionsBefore);
      const after = await describePackage(first.arn);
      expect(after.ModelApprovalStatus).toBe('Approved');
      expect(after.ApprovalDescription).toBe(before.ApprovalDescription);
      expect(after.LastModifiedTime).toEqual(before.LastModifiedTime);
      expect(await deliveredFor(first.decisionId)).toHaveLength(1);
    });
  });

  describe('bad input is rejected, recorded without its payload, and changes no model', () => {
    let arn: string;
    let valid: ModelPackageStateChange;

    beforeAll(async () => {
      const group = uniqueName('bad-input');
      arn = await registerPackage(group, {
        profile: await putObject(`${group}/profile.json`, sample('credit-scorer.profile.json')),
        biasReport: await putObject(`${group}/analysis.json`, sample('credit-scorer.analysis.json')),
      });
      valid = await stateChangeEvent(arn);
    });

    const PADDING = 'p'.repeat(MAX_EVENT_BYTES);
    const cases: [
      string,
      (e: ModelPackageStateChange) => Record<string, unknown>,
      string,
      (e: unknown) => string[],
    ][] = [
      [
        'an event without detail',
        ({ detail: _detail, ...rest }) => rest,
        'event.invalid',
        () => ['detail: Invalid input: expected object, received undefined'],
      ],
      [
        'a detail with wrong types (ModelPackageVersion "2")',
        (e) => ({ ...e, detail: { ...e.detail, ModelPackageVersion: '2' } }),
        'event.invalid',
        () => ['detail.ModelPackageVersion: Invalid input: expected number, received string'],
      ],
      [
        'an unknown detail-type',
        (e) => ({ ...e, 'detail-type': 'SageMaker Model Package Deleted' }),
        'event.invalid',
        () => ['detail-type: Invalid input: expected "SageMaker Model Package State Change"'],
      ],
      [
        'an oversized payload (> 256 KiB)',
        (e) => ({ ...e, detail: { ...e.detail, Padding: PADDING } }),
        'event.too_large',
        (e) => [`(root): ${Buffer.byteLength(JSON.stringify(e))} bytes exceeds ${MAX_EVENT_BYTES}`],
      ],
    ];

    it.each(cases)('%s', async (_name, mutate, code, problems) => {
      const event = { ...mutate(valid), id: randomUUID() };
      const decisionsBefore = await decisionCount();

      const error = await errorOf(handler(event, lambdaContext()));

      const expected = problems(event);
      expect(error).toMatchObject({
        name: 'InvalidInputError',
        code,
        problems: expected,
        message: `${code}: ${expected.join('; ')}`,
      });
      const rejections = await rejectionFor(event.id);
      expect(rejections).toEqual([
        {
          id: deterministicId(GATE, 'rejection', event.id),
          gate: GATE,
          eventId: event.id,
          code,
          message: expected.join('; '),
          rejectedAt: expect.any(String),
        },
      ]);
      const raw = await documents.send(
        new GetCommand({
          TableName: names.decisions,
          Key: { pk: `${REJECTION_KEY_PREFIX}${rejections[0]?.id}`, sk: REJECTION_SORT_KEY },
        }),
      );
      expect(Object.keys(raw.Item ?? {}).sort()).toEqual(['listPk', 'listSk', 'pk', 'rejection', 'sk']);
      expect(JSON.stringify(raw.Item)).not.toContain(arn);
      expect(JSON.stringify(raw.Item)).not.toContain('ppppp');

      expect(await decisionCount()).toBe(decisionsBefore);
      const after = await describePackage(arn);
      expect(after.ModelApprovalStatus).toBe('PendingManualApproval');
      expect(after.ApprovalDescription).toBeUndefined();
      expect((await drainQueue()).filter((e) => e.resources.includes(arn))).toEqual([]);
    });
  });

  it('rejects a package whose profile fails validation, naming the field path', async () => {
    const group = uniqueName('bad-profile');
    const profile = JSON.parse(sample('credit-scorer.profile.json').toString('utf8'));
    profile.art5.socialScoring = 'no';
    const arn = await registerPackage(group, {
      profile: await putObject(`${group}/profile.json`, JSON.stringify(profile)),
      biasReport: await putObject(`${group}/analysis.json`, sample('credit-scorer.analysis.json')),
    });
    const event = await stateChangeEvent(arn);
    const problem = 'profile.art5.socialScoring: Invalid input: expected boolean, received string';

    const error = await errorOf(handler(event, lambdaContext()));

    expect(error).toMatchObject({
      name: 'InvalidInputError',
      code: 'profile.invalid',
      problems: [problem],
      message: `profile.invalid: ${problem}`,
    });
    expect(await rejectionFor(event.id)).toEqual([
      expect.objectContaining({ eventId: event.id, code: 'profile.invalid', message: problem }),
    ]);
    await expect(store.get(modelPackageDecisionId(arn))).resolves.toBeUndefined();
    expect((await describePackage(arn)).ModelApprovalStatus).toBe('PendingManualApproval');
    expect((await drainQueue()).filter((e) => e.resources.includes(arn))).toEqual([]);
  });

  it('denies a package whose bias report is missing in S3 (evidence.unreadable)', async () => {
    const group = uniqueName('missing-report');
    const missingReport = s3Uri(`${group}/clarify/never-written/analysis.json`);
    const arn = await registerPackage(group, {
      profile: await putObject(`${group}/profile.json`, sample('cv-ranker.profile.json')),
      biasReport: missingReport,
    });
    const event = await stateChangeEvent(arn);
    const decisionId = modelPackageDecisionId(arn);

    const summary = await handler(event, lambdaContext());

    expect(summary).toEqual({ status: 'decided', decisionId, decision: 'deny', approvalStatus: 'Rejected' });
    const decision = await store.get(decisionId);
    expect(decision?.policy.bundleSha256).toBe(BUNDLE_SHA256);
    expect(decision?.violations.map((v) => ({ rule: v.rule, reference: v.reference }))).toEqual([
      { rule: 'bias.evidence_missing', reference: 'Art. 10(2)(f)' },
      { rule: 'evidence.unreadable', reference: 'Art. 10(2)(f)' },
    ]);
    // The violation names the object it could not read, so the owner knows what to fix.
    expect(decision?.violations.find((v) => v.rule === 'evidence.unreadable')?.message).toContain(
      missingReport,
    );
    const after = await describePackage(arn);
    expect(after.ModelApprovalStatus).toBe('Rejected');
    expect(after.ApprovalDescription).toContain('evidence.unreadable');
    expect(await deliveredFor(decisionId)).toHaveLength(1);
  });

  it('fails closed: with the policy bundle missing, a compliant package is denied (gate.policy_unavailable)', async () => {
    const group = uniqueName('no-bundle');
    const arn = await registerPackage(group, {
      profile: await putObject(`${group}/profile.json`, sample('credit-scorer.profile.json')),
      biasReport: await putObject(`${group}/analysis.json`, sample('credit-scorer.analysis.json')),
    });
    const event = await stateChangeEvent(arn);
    const decisionId = modelPackageDecisionId(arn);
    setEnvironment({
      VERDICT_POLICY_BUNDLE: fileURLToPath(new URL(`../../policies/build/${group}.tar.gz`, import.meta.url)),
    });
    let unbundled: ModelRegistryGateHandler;
    try {
      unbundled = await importHandler();
    } finally {
      setEnvironment({ VERDICT_POLICY_BUNDLE: BUNDLE });
    }

    const summary = await unbundled(event, lambdaContext());

    expect(summary).toEqual({ status: 'decided', decisionId, decision: 'deny', approvalStatus: 'Rejected' });
    const decision = await store.get(decisionId);
    expect(decision).toMatchObject({
      decision: 'deny',
      policy: { bundleSha256: 'unavailable', version: 'unavailable' },
      violations: [{ rule: 'gate.policy_unavailable', severity: 'critical' }],
    });
    expect(decision?.violations[0]?.message).toContain('ENOENT');
    const after = await describePackage(arn);
    expect(after.ModelApprovalStatus).toBe('Rejected');
    expect(after.ApprovalDescription).toContain(`Verdict deny ${decisionId}: gate.policy_unavailable`);
    expect(await deliveredFor(decisionId)).toHaveLength(1);
  });
});

/** The gate's ledger in the emulator, opened read-only as an auditor would. */
const openLedgerReader = () =>
  openAwsLedger({
    mode: 'read-only',
    tableName: ledger.table,
    tilesBucket: ledger.tiles,
    origin: LEDGER_ORIGIN,
    clients: { dynamodb, s3, kms: new KMSClient(config) },
  }).open();

describe('audit ledger in AWS', () => {
  it('holds every recorded decision, before the actions it caused, in a log that verifies', async () => {
    const reader = await openLedgerReader();
    try {
      const { decisions } = await store.list({ limit: 1000 });
      expect(decisions.length).toBeGreaterThanOrEqual(3);
      for (const decision of decisions) {
        const entry = await reader.ledger.findById(`decision/${decision.id}`);
        expect(entry?.entry).toMatchObject({ type: 'decision', decision: { id: decision.id } });
        const action = await reader.ledger.findById(`action/events:PutEvents/${decision.id}/succeeded`);
        expect(action?.index).toBeGreaterThan(entry?.index ?? Number.POSITIVE_INFINITY);
      }
    } finally {
      await reader.close();
    }
  });
});

describe('one decision per model version, and the ledger as the outbox (real handler, emulator)', () => {
  async function compliantPackage(name: string): Promise<string> {
    const group = uniqueName(name);
    return registerPackage(group, {
      profile: await putObject(`${group}/profile.json`, sample('credit-scorer.profile.json')),
      biasReport: await putObject(`${group}/analysis.json`, sample('credit-scorer.analysis.json')),
    });
  }

  async function ledgerEntryIds(prefix: string): Promise<string[]> {
    const reader = await openLedgerReader();
    try {
      const ids: string[] = [];
      for await (const entry of reader.ledger.store.entries(0, await reader.ledger.size()))
        if (entry.id.startsWith(prefix)) ids.push(entry.id);
      return ids;
    } finally {
      await reader.close();
    }
  }

  it('a storm of concurrent events with distinct ids for one package: 1 decision, 1 status update, 1 event', async () => {
    const arn = await compliantPackage('storm');
    const event = await stateChangeEvent(arn);
    const decisionId = modelPackageDecisionId(arn);
    const decisionsBefore = await decisionCount();

    const summaries = await Promise.all(
      Array.from({ length: 12 }, () =>
        handler({ ...structuredClone(event), id: randomUUID() }, lambdaContext()),
      ),
    );

    expect(summaries.filter((s) => s.status === 'decided')).toHaveLength(1);
    expect(summaries.filter((s) => s.status === 'duplicate')).toHaveLength(11);
    expect(new Set(summaries.map((s) => ('decisionId' in s ? s.decisionId : s.status)))).toEqual(
      new Set([decisionId]),
    );
    expect(await decisionCount()).toBe(decisionsBefore + 1);
    expect(await ledgerEntryIds(`action/sagemaker:UpdateModelPackage/${decisionId}/`)).toEqual([
      `action/sagemaker:UpdateModelPackage/${decisionId}/succeeded`,
    ]);
    expect((await describePackage(arn)).ModelApprovalStatus).toBe('Approved');
    expect(await deliveredFor(decisionId)).toHaveLength(1);
  });

  // Fault injection at the SDK level (a spy on the client's send): the emulator cannot fail one entry of a
  // PutEvents call, nor throttle one PutItem.
  it('PutEvents answering 200 with FailedEntryCount 1 is a failure; the redelivery publishes, once', async () => {
    const arn = await compliantPackage('failed-entry');
    const event = await stateChangeEvent(arn);
    const decisionId = modelPackageDecisionId(arn);
    const original = EventBridgeClient.prototype.send;
    const spy = vi.spyOn(EventBridgeClient.prototype, 'send').mockImplementationOnce(async () => ({
      $metadata: { httpStatusCode: 200 },
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' }],
    }));
    try {
      const error = await errorOf(handler(structuredClone(event), lambdaContext()));
      expect(error.message).toContain('ThrottlingException');
      expect((await describePackage(arn)).ModelApprovalStatus).toBe('Approved');
      expect(await deliveredFor(decisionId)).toHaveLength(0);
    } finally {
      spy.mockRestore();
    }
    expect(EventBridgeClient.prototype.send).toBe(original);

    const summary = await handler(structuredClone(event), lambdaContext());

    expect(summary).toEqual({ status: 'decided', decisionId, decision: 'allow', approvalStatus: 'Approved' });
    expect(await deliveredFor(decisionId)).toHaveLength(1);
    expect(
      await ledgerEntryIds(`action/`).then((ids) => ids.filter((id) => id.includes(decisionId))),
    ).toEqual([
      `action/sagemaker:UpdateModelPackage/${decisionId}/succeeded`,
      `action/events:PutEvents/${decisionId}/failed`,
      `action/events:PutEvents/${decisionId}/succeeded`,
    ]);
  });

  it('a failed read-model write is completed from the ledger on redelivery, never re-evaluated', async () => {
    const arn = await compliantPackage('read-model-throttled');
    const event = await stateChangeEvent(arn);
    const decisionId = modelPackageDecisionId(arn);
    // The read model writes through the document client (its own `send`, inherited from the smithy Client).
    const send = DynamoDBDocumentClient.prototype.send;
    let throttled = 0;
    const spy = vi.spyOn(DynamoDBDocumentClient.prototype, 'send').mockImplementation(function (
      this: DynamoDBDocumentClient,
      command: { input?: { TableName?: string; Item?: { decision?: unknown } } },
      ...rest: unknown[]
    ) {
      if (command.input?.TableName === names.decisions && command.input.Item?.decision && throttled === 0) {
        throttled += 1;
        const error = new Error('Throughput exceeds the current capacity of your table');
        error.name = 'ProvisionedThroughputExceededException';
        return Promise.reject(error);
      }
      return (send as (...args: unknown[]) => Promise<unknown>).call(this, command, ...rest);
    } as never);
    try {
      const error = await errorOf(handler(structuredClone(event), lambdaContext()));
      expect(error.message).toContain(
        'PutItem (record decision) failed: ProvisionedThroughputExceededException',
      );
    } finally {
      spy.mockRestore();
    }
    expect(throttled).toBe(1);
    expect(await rawDecisionItem(decisionId)).toBeUndefined();
    expect((await describePackage(arn)).ModelApprovalStatus).toBe('PendingManualApproval');
    // A second evaluation would deny: the bundle is gone.
    setEnvironment({
      VERDICT_POLICY_BUNDLE: fileURLToPath(new URL('../../policies/build/none.tar.gz', import.meta.url)),
    });
    let unbundled: ModelRegistryGateHandler;
    try {
      unbundled = await importHandler();
    } finally {
      setEnvironment({ VERDICT_POLICY_BUNDLE: BUNDLE });
    }

    const summary = await unbundled(structuredClone(event), lambdaContext());

    expect(summary).toEqual({ status: 'decided', decisionId, decision: 'allow', approvalStatus: 'Approved' });
    expect((await rawDecisionItem(decisionId))?.decision).toMatchObject({
      decision: 'allow',
      trigger: { eventId: event.id },
    });
    expect((await describePackage(arn)).ModelApprovalStatus).toBe('Approved');
    expect(await deliveredFor(decisionId)).toHaveLength(1);
  });
});

describe('a redelivery while the first delivery is still in progress', () => {
  it('is thrown back for a retry (IdempotencyAlreadyInProgressError), never recorded as a rejection', async () => {
    const group = uniqueName('in-progress');
    const arn = await registerPackage(group, {
      profile: await putObject(`${group}/profile.json`, sample('credit-scorer.profile.json')),
      biasReport: await putObject(`${group}/analysis.json`, sample('credit-scorer.analysis.json')),
    });
    const event = await stateChangeEvent(arn);
    const hash = createHash('md5').update(JSON.stringify(event.id)).digest('base64');
    const inProgress = async () => {
      const records = await dynamodb.send(new ScanCommand({ TableName: names.idempotency }));
      return records.Items?.some(
        (item) => item.id?.S?.endsWith(`#${hash}`) && item.status?.S === 'INPROGRESS',
      );
    };

    const first = handler(structuredClone(event), lambdaContext());
    while (!(await inProgress())) await new Promise((resolve) => setTimeout(resolve, 10));
    const redelivery = await errorOf(handler(structuredClone(event), lambdaContext()));

    expect(redelivery.name).toBe('IdempotencyAlreadyInProgressError');
    await expect(first).resolves.toMatchObject({ status: 'decided', decision: 'allow' });
    expect(await rejectionFor(event.id)).toEqual([]);
    await expect(handler(structuredClone(event), lambdaContext())).resolves.toMatchObject({
      status: 'decided',
      decisionId: modelPackageDecisionId(arn),
    });
    expect(await deliveredFor(modelPackageDecisionId(arn))).toHaveLength(1);
  });
});
