/**
 * The deployment orchestrator end to end against the AWS emulator, through real SDK v3 clients: the Lambda
 * handler of create-handler.ts over the ports aws-orchestrator.ts builds from the orchestrator's environment
 * (DynamoDB deployments and decisions tables, the AWS ledger, SageMaker endpoints, EventBridge Scheduler, the
 * Verdict bus). Verdict's own events are built here as EventBridge delivers them; SageMaker's endpoint
 * events are the emulator's, routed by a rule with the route table's pattern to a queue and handed to the
 * handler as the rule would.
 *
 * The gate's facts (artifact digest, profile, exceptions) come from a plain object: the registry-backed
 * source reads the model artifact and the profile, which the emulator's model packages do not carry, and is
 * tested on its own. The human-oversight document the approval names is read from the emulator's S3, as the
 * registry-backed source reads it. The registry's decision is real: recorded in the ledger and the decisions
 * table.
 *
 * Emulator deviations worked around: moto's delivery to SQS leaves out the event's `account` (AWS always
 * sends it), added back before the handler reads the event; moto does not fire schedules, so the bake's end
 * is the event the schedule would put on the bus.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateModelPackageGroupCommand,
  DescribeEndpointCommand,
  DescribeModelPackageCommand,
  ListTagsCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { CreateScheduleGroupCommand, GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoDbDecisionStore } from '../../functions/adapters/aws/dynamodb-decision-store.ts';
import { DynamoDbDeploymentStore } from '../../functions/adapters/aws/dynamodb-deployment-store.ts';
import {
  atExpression,
  bakeScheduleName,
} from '../../functions/adapters/aws/eventbridge-scheduler-bake-timer.ts';
import { openAwsLedger } from '../../functions/adapters/aws/ledger/open.ts';
import { S3ObjectStore } from '../../functions/adapters/aws/s3-object-store.ts';
import type { DeploymentRequestInput } from '../../functions/contracts/deployment-request.ts';
import { orchestratorDeps, orchestratorRecords } from '../../functions/deployments/aws-orchestrator.ts';
import {
  createDeploymentOrchestratorHandler,
  type DeploymentOrchestratorHandler,
} from '../../functions/deployments/create-handler.ts';
import { PROMOTION_RECHECK_MS } from '../../functions/deployments/end-bake.ts';
import type { readDeploymentOrchestratorEnvironment } from '../../functions/deployments/environment.ts';
import { readEvidenceDocument } from '../../functions/deployments/evidence-document.ts';
import type { OrchestratorOutcome } from '../../functions/deployments/orchestrate.ts';
import { deploymentIdFor } from '../../functions/deployments/request-deployment.ts';
import { DEPLOYMENT_GATE } from '../../functions/gates/deployment/deployment-gate.ts';
import { outOfBandDecisionId } from '../../functions/gates/out-of-band/out-of-band-gate.ts';
import { ed25519Signer } from '../../functions/ledger/core/note-keys.ts';
import { localLambdaContext } from '../../functions/local/lambda-context.ts';
import type { DeploymentFactsSource } from '../../functions/ports/deployment-facts.ts';
import { routes } from '../../functions/routes.ts';
import { deterministicId } from '../../functions/shared/hashing.ts';
import { InvalidInputError } from '../../functions/shared/validation.ts';
import {
  awsClientConfig,
  EMULATOR_ACCOUNT,
  EMULATOR_REGION,
  s3ClientConfig,
  uniqueName,
} from '../support/aws-clients.ts';
import { createDecisionTable } from '../support/decision-table.ts';
import { OVERSIGHT_DOCUMENT, OVERSIGHT_SHA256, registryDecision } from '../support/deployment-requests.ts';
import { allowedRequest, DIGEST } from '../support/deployment-saga.ts';
import { createDeploymentTable } from '../support/deployment-table.ts';
import { RFC8032_TEST1_SEED } from '../support/kms-ed25519.ts';
import { createLedgerResources } from '../support/ledger-resources.ts';
import { approvedPackage, emulatorOrchestratorEnvironment } from '../support/orchestrator-emulator.ts';
import { cloudTrailUpdateEndpoint, pointAtForeignModel } from '../support/out-of-band.ts';
import {
  completeRollout,
  drainEndpointEvents,
  holdRollouts,
  releaseRollouts,
} from '../support/sagemaker-rollout.ts';

const emulator = inject('motoEndpoint');
const config = awsClientConfig(emulator);
const dynamodb = new DynamoDBClient(config);
const s3 = new S3Client(config);
const sagemaker = new SageMakerClient(config);
const eventbridge = new EventBridgeClient(config);
const scheduler = new SchedulerClient(config);
const sqs = new SQSClient(config);
const evidenceS3 = new S3Client(s3ClientConfig(emulator));

const ORIGIN = 'verdict.test/deployment-orchestrator';
const ORCHESTRATOR_ROLE_ARN = `arn:aws:iam::${EMULATOR_ACCOUNT}:role/verdict-deployment-orchestrator`;
const BAKE_MS = (allowedRequest.strategy.bakeSeconds ?? 0) * 1000;

/** Moves the orchestrator's clock past a bake; the emulator's event times stay on the wall clock. */
let clockOffsetMs = 0;
const now = () => new Date(Date.now() + clockOffsetMs);

/** Where the gate's facts come from here (see the header): the approved artifact, unchanged since. */
const facts: DeploymentFactsSource = {
  artifactDigest: async () => DIGEST,
  approvedDigest: async () => DIGEST,
  revokedAt: async () => undefined,
  profile: async () => ({ name: 'Credit scorer', personalData: { legalBasis: 'contract', masking: true } }),
  exceptions: async () => [],
  evidence: (uri) => readEvidenceDocument(new S3ObjectStore(evidenceS3), uri),
};

/** The bucket the approvals' human-oversight documents are put in (beforeAll). */
const evidenceBucket = uniqueName('verdict-evidence');
const oversightUri = `s3://${evidenceBucket}/credit-scorer/oversight.pdf`;

/** The model-registry allow for a version, naming the human-oversight document `evidence`. */
function approval(arn: string, evidence = oversightUri) {
  const version = arn.split('/').at(-1) ?? '';
  return registryDecision({
    id: `dec-${group}-${version}`,
    subject: { kind: 'model-package', id: arn, group, version },
    obligations: [{ id: 'human_oversight', ref: 'Art. 14', title: 'Human oversight', evidence }],
  });
}

interface Stack {
  env: ReturnType<typeof readDeploymentOrchestratorEnvironment>;
  handler: DeploymentOrchestratorHandler;
  deployments: DynamoDbDeploymentStore;
  decisionsTable: string;
  deploymentsTable: string;
  endpointEventsQueue: string;
  statusQueue: string;
  bus: string;
  scheduleGroup: string;
  records: ReturnType<typeof orchestratorRecords>;
}

let stack: Stack;
let group: string;
let blueArn: string;
let greenArn: string;
const ledgerHandles: { close(): Promise<void> }[] = [];

async function queue(prefix: string): Promise<{ url: string; arn: string }> {
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName(prefix) }))).QueueUrl ?? '';
  const attributes = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  return { url, arn: attributes.Attributes?.QueueArn ?? '' };
}

async function ruleToQueue(bus: string, pattern: unknown, prefix: string): Promise<string> {
  const target = await queue(prefix);
  const rule = uniqueName(prefix);
  await eventbridge.send(
    new PutRuleCommand({ Name: rule, EventBusName: bus, EventPattern: JSON.stringify(pattern) }),
  );
  await eventbridge.send(
    new PutTargetsCommand({ Rule: rule, EventBusName: bus, Targets: [{ Id: 'queue', Arn: target.arn }] }),
  );
  return target.url;
}

/** The orchestrator's resources, its environment as the stack sets it, and the handler over them. */
async function createStack(): Promise<Stack> {
  const decisionsTable = await createDecisionTable(dynamodb, uniqueName('verdict-decisions'));
  const deploymentsTable = await createDeploymentTable(dynamodb, uniqueName('verdict-deployments'));
  const ledger = await createLedgerResources({ dynamodb, s3 });
  const bus = uniqueName('verdict-bus');
  const busArn = (await eventbridge.send(new CreateEventBusCommand({ Name: bus }))).EventBusArn ?? '';
  const scheduleGroup = uniqueName('verdict-bakes');
  await scheduler.send(new CreateScheduleGroupCommand({ Name: scheduleGroup }));
  const endpointRoute = routes.find((r) => r.id === 'sagemaker-endpoint-state-change');
  if (!endpointRoute) throw new Error('no sagemaker-endpoint-state-change route');
  const endpointEventsQueue = await ruleToQueue('default', endpointRoute.pattern, 'endpoint-events');
  const statusQueue = await ruleToQueue(
    bus,
    { source: ['verdict'], 'detail-type': ['Verdict Deployment Status Change'] },
    'deployment-status',
  );
  const env = emulatorOrchestratorEnvironment({
    decisionsTable,
    deploymentsTable,
    bus,
    busArn,
    scheduleGroup,
    orchestratorRoleArn: ORCHESTRATOR_ROLE_ARN,
    outOfBandMode: 'restore',
  });
  const handle = openAwsLedger({
    mode: 'writer',
    tableName: ledger.table,
    tilesBucket: ledger.tiles,
    origin: ORIGIN,
    signer: ed25519Signer(ORIGIN, RFC8032_TEST1_SEED),
    clients: { dynamodb, s3, kms: new KMSClient(config) },
  });
  ledgerHandles.push(handle);
  const clients = { dynamodb, sagemaker, eventbridge, scheduler, ledger: handle.audit };
  const records = orchestratorRecords(env, clients, now);
  for (const arn of [blueArn, greenArn]) await records.decisions.record(approval(arn));
  const handler = createDeploymentOrchestratorHandler(
    orchestratorDeps(env, clients, facts, { now, records }),
  );
  return {
    env,
    handler,
    deployments: new DynamoDbDeploymentStore(dynamodb, deploymentsTable),
    decisionsTable,
    deploymentsTable,
    endpointEventsQueue,
    statusQueue,
    bus,
    scheduleGroup,
    records,
  };
}

beforeAll(async () => {
  await evidenceS3.send(new CreateBucketCommand({ Bucket: evidenceBucket }));
  await evidenceS3.send(
    new PutObjectCommand({
      Bucket: evidenceBucket,
      Key: 'credit-scorer/oversight.pdf',
      Body: OVERSIGHT_DOCUMENT,
    }),
  );
  group = uniqueName('credit-scorer');
  await sagemaker.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: group }));
  blueArn = await approvedPackage(sagemaker, group);
  greenArn = await approvedPackage(sagemaker, group);
  stack = await createStack();
});

afterAll(async () => {
  for (const handle of ledgerHandles) await handle.close();
});

const context = localLambdaContext('verdict-deployment-orchestrator', 60);

function handle(event: unknown): Promise<OrchestratorOutcome> {
  return stack.handler(event, context);
}

/** A Verdict event as a rule on the Verdict bus delivers it. */
function verdictEvent(detailType: string, detail: unknown) {
  return {
    version: '0',
    id: randomUUID(),
    source: 'verdict',
    'detail-type': detailType,
    account: EMULATOR_ACCOUNT,
    region: EMULATOR_REGION,
    time: new Date().toISOString(),
    resources: [],
    detail,
  };
}

function requestFor(modelPackageArn: string, endpointName: string): DeploymentRequestInput {
  return {
    ...allowedRequest,
    modelPackageArn,
    target: { kind: 'sagemaker', endpointName },
  };
}

const requested = (requestId: string, request: unknown) =>
  verdictEvent('Verdict Deployment Requested', { requestId, request });

/** Hands every endpoint event waiting in the route's queue to the handler, in order of arrival. */
async function deliverEndpointEvents(): Promise<OrchestratorOutcome[]> {
  const outcomes: OrchestratorOutcome[] = [];
  for (const event of await drainEndpointEvents(sqs, stack.endpointEventsQueue)) {
    outcomes.push(await handle({ ...event, account: event.account ?? EMULATOR_ACCOUNT }));
  }
  return outcomes;
}

async function statusOf(id: string) {
  return (await stack.deployments.get(id))?.status;
}

/** The statuses published for one deployment on the Verdict bus since the last drain. */
async function publishedStatuses(deploymentId: string): Promise<string[]> {
  const events = await drainEndpointEvents(sqs, stack.statusQueue);
  return events
    .map((e) => e.detail as unknown as { deploymentId: string; status: string })
    .filter((d) => d.deploymentId === deploymentId)
    .map((d) => d.status);
}

/** A first deployment that creates the endpoint and is promoted once SageMaker says it is in service. */
async function promotedBlue(endpointName: string): Promise<string> {
  const requestId = uniqueName('req-blue');
  const outcome = await handle(requested(requestId, requestFor(blueArn, endpointName)));
  const id = deploymentIdFor(requestId);
  expect(outcome).toEqual({ step: 'request', deployment: { id, status: 'applying' } });
  await deliverEndpointEvents();
  expect(await statusOf(id)).toBe('promoted');
  return id;
}

/** A second deployment that updates the endpoint with a canary SageMaker holds in its bake. */
async function bakingGreen(endpointName: string): Promise<string> {
  await holdRollouts(emulator, endpointName);
  const requestId = uniqueName('req-green');
  const id = deploymentIdFor(requestId);
  expect(await handle(requested(requestId, requestFor(greenArn, endpointName)))).toEqual({
    step: 'request',
    deployment: { id, status: 'applying' },
  });
  await deliverEndpointEvents();
  expect(await statusOf(id)).toBe('baking');
  return id;
}

/** A CloudWatch alarm into ALARM, as the `deployment-alarm` rule on the default bus delivers it. */
function alarmEvent(alarmName: string) {
  const at = new Date();
  return {
    version: '0',
    id: randomUUID(),
    source: 'aws.cloudwatch',
    'detail-type': 'CloudWatch Alarm State Change',
    account: EMULATOR_ACCOUNT,
    region: EMULATOR_REGION,
    time: `${at.toISOString().slice(0, 19)}Z`,
    resources: [`arn:aws:cloudwatch:${EMULATOR_REGION}:${EMULATOR_ACCOUNT}:alarm:${alarmName}`],
    detail: {
      alarmName,
      state: {
        value: 'ALARM',
        reason: 'Threshold Crossed',
        timestamp: at.toISOString().replace('Z', '+0000'),
      },
      previousState: { value: 'OK', reason: 'Threshold Crossed', timestamp: '2026-11-28T10:00:00.000+0000' },
      configuration: { metrics: [] },
    },
  };
}

describe('the deployment orchestrator on AWS', () => {
  it('creates the endpoint, bakes the next version with a schedule for its end, then promotes it', async () => {
    const endpointName = uniqueName('credit-scorer');
    const blueId = await promotedBlue(endpointName);
    const endpoint = await sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpointName }));
    expect(endpoint.EndpointConfigName).toBe(`verdict-${blueId}`);
    const tags = await sagemaker.send(new ListTagsCommand({ ResourceArn: endpoint.EndpointArn }));
    expect(tags.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'verdict:deployment-id', Value: blueId },
        { Key: 'verdict:decision-id', Value: `dec-${group}-${blueArn.split('/').at(-1)}` },
        { Key: 'verdict:model-digest', Value: DIGEST },
        { Key: 'owner', Value: 'risk-team' },
      ]),
    );
    expect(await publishedStatuses(blueId)).toEqual(['applying', 'promoted']);
    // The decision names the human-oversight document the gate read in S3, by the digest of its bytes.
    expect((await stack.deployments.get(blueId))?.decision.obligations).toEqual([
      expect.objectContaining({
        id: 'human_oversight',
        satisfied: true,
        evidence: oversightUri,
        evidenceSha256: OVERSIGHT_SHA256,
      }),
    ]);

    const greenId = await bakingGreen(endpointName);
    const green = await stack.deployments.get(greenId);
    const schedule = await scheduler.send(
      new GetScheduleCommand({ GroupName: stack.scheduleGroup, Name: bakeScheduleName(greenId) }),
    );
    expect(schedule.ScheduleExpression).toBe(atExpression(green?.bakeEndsAt ?? '', now()));
    expect(schedule.Target?.RoleArn).toBe(stack.env.VERDICT_BAKE_SCHEDULER_ROLE_ARN);
    expect(JSON.parse(schedule.Target?.Input ?? '{}')).toMatchObject({
      Entries: [
        {
          DetailType: 'Verdict Deployment Bake Ended',
          Detail: JSON.stringify({ deploymentId: greenId }),
          EventBusName: stack.env.VERDICT_EVENT_BUS_ARN,
        },
      ],
    });

    clockOffsetMs += BAKE_MS + 1000;
    // Verdict's bake is over, but SageMaker still holds its canary: nothing is promoted before SageMaker is done,
    // and the bake's end looks again a minute later.
    const early = await handle(verdictEvent('Verdict Deployment Bake Ended', { deploymentId: greenId }));
    expect(early).toEqual({ step: 'end-bake', deployment: { id: greenId, status: 'baking' } });
    const recheck = await scheduler.send(
      new GetScheduleCommand({ GroupName: stack.scheduleGroup, Name: bakeScheduleName(greenId) }),
    );
    expect(recheck.ScheduleExpression).toBe(
      atExpression(new Date(now().getTime() + PROMOTION_RECHECK_MS).toISOString(), now()),
    );

    await completeRollout(emulator, endpointName);
    await releaseRollouts(emulator, endpointName);
    clockOffsetMs += PROMOTION_RECHECK_MS;
    const ended = await handle(verdictEvent('Verdict Deployment Bake Ended', { deploymentId: greenId }));
    expect(ended).toEqual({ step: 'end-bake', deployment: { id: greenId, status: 'promoted' } });
    expect((await stack.deployments.get(greenId))?.history.map((h) => h.step)).toEqual([
      'gate',
      'plan',
      'apply',
      'baking',
      'promote',
    ]);
    expect(await publishedStatuses(greenId)).toEqual(['applying', 'baking', 'promoted']);
    // SageMaker's own end of the rollout arrives after the promotion: nothing is in progress, nothing moves.
    expect((await deliverEndpointEvents()).every((o) => o.step === 'ignored')).toBe(true);
    expect(await statusOf(greenId)).toBe('promoted');
  });

  it('refuses a rollback while SageMaker is still rolling out, recording nothing, and rolls back on redelivery', async () => {
    const endpointName = uniqueName('credit-scorer');
    const blueId = await promotedBlue(endpointName);
    const greenId = await bakingGreen(endpointName);
    const rollback = verdictEvent('Verdict Deployment Rollback Requested', { deploymentId: greenId });
    await expect(handle(rollback)).rejects.toMatchObject({ name: 'DeploymentError', problem: 'target-busy' });
    const waiting = await stack.deployments.get(greenId);
    expect(waiting?.status).toBe('baking');
    expect(waiting?.pending).toBeNull();
    expect(waiting?.history.map((h) => h.step)).not.toContain('rollback');

    await completeRollout(emulator, endpointName);
    await releaseRollouts(emulator, endpointName);
    expect(await handle(rollback)).toEqual({
      step: 'rollback',
      deployment: { id: greenId, status: 'rolled-back' },
    });
    const endpoint = await sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpointName }));
    expect(endpoint.EndpointConfigName).toBe(`verdict-${blueId}`);
  });

  it('rolls a baking deployment back on request, to the version before it', async () => {
    const endpointName = uniqueName('credit-scorer');
    const blueId = await promotedBlue(endpointName);
    const greenId = await bakingGreen(endpointName);
    // SageMaker's canary has shifted all traffic (its own bake is shorter); Verdict's bake still runs.
    await completeRollout(emulator, endpointName);
    await releaseRollouts(emulator, endpointName);

    const rolledBack = await handle(
      verdictEvent('Verdict Deployment Rollback Requested', { deploymentId: greenId }),
    );
    expect(rolledBack).toEqual({ step: 'rollback', deployment: { id: greenId, status: 'rolled-back' } });
    const endpoint = await sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpointName }));
    expect(endpoint).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: `verdict-${blueId}` });
    await deliverEndpointEvents();
    expect(await statusOf(greenId)).toBe('rolled-back');
    expect(await publishedStatuses(greenId)).toEqual(['applying', 'baking', 'rolled-back']);
  });

  it('restores a promoted endpoint someone else pointed at their own model, and ignores its own calls', async () => {
    const endpointName = uniqueName('credit-scorer-oob');
    const blueId = await promotedBlue(endpointName);
    const own = cloudTrailUpdateEndpoint(endpointName, `verdict-${blueId}`, ORCHESTRATOR_ROLE_ARN);
    expect(await handle(own)).toEqual({
      step: 'ignored',
      reason: 'UpdateEndpoint was made by the orchestrator',
    });

    const foreign = await pointAtForeignModel(
      sagemaker,
      endpointName,
      `arn:aws:iam::${EMULATOR_ACCOUNT}:role/x`,
    );
    const person = `arn:aws:iam::${EMULATOR_ACCOUNT}:role/data-scientist`;
    const call = cloudTrailUpdateEndpoint(endpointName, foreign, person);
    const outcome = await handle(call);

    const decisionId = outOfBandDecisionId((call.detail as { eventID: string }).eventID);
    expect(outcome).toMatchObject({
      step: 'out-of-band',
      finding: 'remediated',
      detail: expect.stringContaining(`restored deployment ${blueId}`),
      decisionId,
    });
    const endpoint = await sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpointName }));
    expect(endpoint.EndpointConfigName).toBe(`verdict-${blueId}`);
    // The deployment gate's decision, recorded (ledger first) in the decisions table.
    const decision = await new DynamoDbDecisionStore(dynamodb, stack.decisionsTable).get(decisionId);
    expect(decision).toMatchObject({ gate: DEPLOYMENT_GATE, decision: 'deny' });
    expect(decision?.violations.map((v) => v.rule)).toEqual(['deployment.out_of_band']);
  });

  it('refuses a high-risk deployment whose human-oversight document is not in S3: the rule, nothing applied', async () => {
    const arn = await approvedPackage(sagemaker, group);
    await stack.records.decisions.record(approval(arn, `s3://${evidenceBucket}/credit-scorer/missing.pdf`));
    const endpointName = uniqueName('credit-scorer');
    const requestId = uniqueName('req-oversight');
    const outcome = await handle(requested(requestId, requestFor(arn, endpointName)));
    expect(outcome).toMatchObject({ step: 'request', deployment: { status: 'refused' } });
    const refused = await stack.deployments.get(deploymentIdFor(requestId));
    expect(refused?.decision.violations.map((v) => [v.rule, v.message])).toEqual([
      [
        'deployment.human_oversight_unreadable',
        `The human-oversight evidence s3://${evidenceBucket}/credit-scorer/missing.pdf does not exist.`,
      ],
    ]);
    const described = sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpointName }));
    await expect(described).rejects.toThrow();
  });

  it('rejects a request the contract refuses: the exact error, a recorded rejection, no deployment', async () => {
    const own = await createStack();
    const requestId = uniqueName('req-bad');
    const event = requested(requestId, { ...requestFor(blueArn, 'credit-scorer-bad'), modelPackageArn: 'x' });
    const error = await own.handler(event, context).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error).toMatchObject({
      code: 'deployment_request.invalid',
      problems: ['modelPackageArn: expected a versioned SageMaker model-package ARN'],
    });

    const rejections = await new DynamoDbDecisionStore(dynamodb, own.decisionsTable).listRejections({
      limit: 1000,
    });
    expect(rejections).toEqual([
      {
        id: deterministicId(DEPLOYMENT_GATE, 'rejection', event.id),
        gate: DEPLOYMENT_GATE,
        eventId: event.id,
        code: 'deployment_request.invalid',
        message: 'modelPackageArn: expected a versioned SageMaker model-package ARN',
        rejectedAt: expect.any(String),
      },
    ]);
    const written = await dynamodb.send(new ScanCommand({ TableName: own.deploymentsTable }));
    expect(written.Count).toBe(0);
  });

  it('revokes the approval of a promoted high-risk model on its bias-drift alarm: Rejected in the registry, endpoint deleted', async () => {
    const arn = await approvedPackage(sagemaker, group);
    await stack.records.decisions.record(approval(arn));
    const endpointName = uniqueName('credit-scorer');
    const alarm = `${endpointName}-bias-drift`;
    const requestId = uniqueName('req-drift');
    const request = {
      ...requestFor(arn, endpointName),
      strategy: { ...allowedRequest.strategy, alarms: [alarm] },
    };
    await handle(requested(requestId, request));
    await deliverEndpointEvents();
    const id = deploymentIdFor(requestId);
    expect(await statusOf(id)).toBe('promoted');

    const outcome = await handle(alarmEvent(alarm));

    expect(outcome).toMatchObject({
      step: 'alarm',
      alarm,
      deployments: [{ id, status: 'revoked', action: 'revoke' }],
    });
    const pkg = await sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: arn }));
    expect(pkg.ModelApprovalStatus).toBe('Rejected');
    await expect(
      sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpointName })),
    ).rejects.toMatchObject({ name: expect.stringMatching(/ValidationException|ResourceNotFound/) });
    expect(await publishedStatuses(id)).toEqual(['applying', 'promoted', 'revoked']);
  });
});
