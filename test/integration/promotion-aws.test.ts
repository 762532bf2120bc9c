/**
 * Promotion against the AWS emulator, through real SDK v3 clients and EventBridge rules with the route
 * table's patterns: a `Verdict Decision` allowing a version of a group a rule names reaches the orchestrator
 * (a denial does not match the route), which puts one `Verdict Deployment Requested` on the bus; that request,
 * delivered by the deployment-requested route, is gated and applied to a SageMaker endpoint. A redelivered
 * decision asks for nothing more. The gate's facts come from a plain object, as in
 * deployment-orchestrator-aws.test.ts (moto's model packages carry no artifacts or profile).
 *
 * Emulator deviation worked around: moto's delivery to SQS leaves out the event's `account`, added back.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import {
  CreateModelPackageGroupCommand,
  DescribeEndpointCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { CreateScheduleGroupCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openAwsLedger } from '../../functions/adapters/aws/ledger/open.ts';
import type { Decision } from '../../functions/contracts/decision.ts';
import { orchestratorDeps, orchestratorRecords } from '../../functions/deployments/aws-orchestrator.ts';
import {
  createDeploymentOrchestratorHandler,
  type DeploymentOrchestratorHandler,
} from '../../functions/deployments/create-handler.ts';
import { promotionActionId, promotionRequestId } from '../../functions/deployments/promote-version.ts';
import { deploymentIdFor } from '../../functions/deployments/request-deployment.ts';
import { ed25519Signer } from '../../functions/ledger/core/note-keys.ts';
import type { LedgerAudit } from '../../functions/ledger/ledger-handle.ts';
import { localLambdaContext } from '../../functions/local/lambda-context.ts';
import type { DeploymentFactsSource } from '../../functions/ports/deployment-facts.ts';
import { routes } from '../../functions/routes.ts';
import { awsClientConfig, EMULATOR_ACCOUNT, uniqueName } from '../support/aws-clients.ts';
import { createDecisionTable } from '../support/decision-table.ts';
import { oversightEvidence, registryDecision } from '../support/deployment-requests.ts';
import { DIGEST } from '../support/deployment-saga.ts';
import { createDeploymentTable } from '../support/deployment-table.ts';
import { RFC8032_TEST1_SEED } from '../support/kms-ed25519.ts';
import { createLedgerResources } from '../support/ledger-resources.ts';
import { approvedPackage, emulatorOrchestratorEnvironment } from '../support/orchestrator-emulator.ts';
import { creditScorerRule } from '../support/promotion-rules.ts';

const emulator = inject('motoEndpoint');
const config = awsClientConfig(emulator);
const dynamodb = new DynamoDBClient(config);
const s3 = new S3Client(config);
const sagemaker = new SageMakerClient(config);
const eventbridge = new EventBridgeClient(config);
const scheduler = new SchedulerClient(config);
const sqs = new SQSClient(config);

const ORIGIN = 'verdict.test/promotion';

const facts: DeploymentFactsSource = {
  artifactDigest: async () => DIGEST,
  approvedDigest: async () => DIGEST,
  revokedAt: async () => undefined,
  profile: async () => ({ name: 'Credit scorer', personalData: { legalBasis: 'contract', masking: true } }),
  exceptions: async () => [],
  evidence: oversightEvidence,
};

let handler: DeploymentOrchestratorHandler;
let audit: LedgerAudit;
let bus: string;
let decisionsQueue: string;
let requestsQueue: string;
let endpointName: string;
let allowed: Decision;
let denied: Decision;
const ledgerHandles: { close(): Promise<void> }[] = [];

async function ruleToQueue(pattern: unknown, prefix: string): Promise<string> {
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName(prefix) }))).QueueUrl ?? '';
  const attributes = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  const rule = uniqueName(prefix);
  await eventbridge.send(
    new PutRuleCommand({ Name: rule, EventBusName: bus, EventPattern: JSON.stringify(pattern) }),
  );
  await eventbridge.send(
    new PutTargetsCommand({
      Rule: rule,
      EventBusName: bus,
      Targets: [{ Id: 'queue', Arn: attributes.Attributes?.QueueArn ?? '' }],
    }),
  );
  return url;
}

function routePattern(id: string): unknown {
  const route = routes.find((r) => r.id === id);
  if (!route) throw new Error(`no route ${id}`);
  return route.pattern;
}

/** The events a rule delivered to its queue, as the rule hands them to Lambda (with their account). */
async function drain(queueUrl: string): Promise<Record<string, unknown>[]> {
  const events: Record<string, unknown>[] = [];
  for (;;) {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) return events;
    for (const message of messages) {
      const event = JSON.parse(message.Body ?? 'null') as Record<string, unknown>;
      events.push({ ...event, account: event.account ?? EMULATOR_ACCOUNT });
    }
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
}

/** What the model-registry gate puts on the bus once its decision is recorded. */
async function publishDecision(decision: Decision): Promise<void> {
  const out = await eventbridge.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: bus,
          Source: 'verdict',
          DetailType: 'Verdict Decision',
          Detail: JSON.stringify(decision),
          Resources: [decision.subject.id],
        },
      ],
    }),
  );
  expect(out.FailedEntryCount).toBe(0);
}

const context = localLambdaContext('verdict-deployment-orchestrator', 60);

beforeAll(async () => {
  const group = uniqueName('credit-scorer');
  await sagemaker.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: group }));
  const arn = await approvedPackage(sagemaker, group);
  const version = arn.split('/').at(-1) ?? '';
  const subject = { kind: 'model-package' as const, id: arn, group, version };
  allowed = registryDecision({ id: `dec-${randomUUID()}`, subject });
  denied = registryDecision({ id: `dec-${randomUUID()}`, subject, decision: 'deny' });
  endpointName = uniqueName('credit-scorer-prod');

  const decisionsTable = await createDecisionTable(dynamodb, uniqueName('verdict-decisions'));
  const deploymentsTable = await createDeploymentTable(dynamodb, uniqueName('verdict-deployments'));
  const ledger = await createLedgerResources({ dynamodb, s3 });
  bus = uniqueName('verdict-bus');
  const busArn = (await eventbridge.send(new CreateEventBusCommand({ Name: bus }))).EventBusArn ?? '';
  const scheduleGroup = uniqueName('verdict-bakes');
  await scheduler.send(new CreateScheduleGroupCommand({ Name: scheduleGroup }));
  decisionsQueue = await ruleToQueue(routePattern('model-version-allowed'), 'allowed-versions');
  requestsQueue = await ruleToQueue(routePattern('deployment-requested'), 'deployment-requests');

  const env = emulatorOrchestratorEnvironment({
    decisionsTable,
    deploymentsTable,
    bus,
    busArn,
    scheduleGroup,
    promotions: [
      { ...creditScorerRule, modelPackageGroup: 'credit-scorer-*', target: `sagemaker:${endpointName}` },
      { ...creditScorerRule, name: 'fraud-prod', modelPackageGroup: 'fraud-*' },
    ],
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
  audit = handle.audit;
  const clients = { dynamodb, sagemaker, eventbridge, scheduler, ledger: handle.audit };
  const records = orchestratorRecords(env, clients);
  await records.decisions.record(allowed);
  handler = createDeploymentOrchestratorHandler(orchestratorDeps(env, clients, facts, { records }));
});

afterAll(async () => {
  for (const handle of ledgerHandles) await handle.close();
});

describe('promotion on AWS (emulator)', () => {
  it('deploys an allowed version through a gated request, once; a denial is not routed', async () => {
    await publishDecision(denied);
    await publishDecision(allowed);
    const [delivered, ...more] = await drain(decisionsQueue);
    expect(more).toEqual([]);
    expect(delivered?.detail).toMatchObject({ id: allowed.id });
    const requestId = promotionRequestId(allowed.id, 'credit-scorer-prod');
    const deploymentId = deploymentIdFor(requestId);
    expect(await handler(delivered, context)).toEqual({
      step: 'promote',
      decisionId: allowed.id,
      promotions: [{ rule: 'credit-scorer-prod', requestId, deploymentId }],
    });
    expect(await audit.hasAction(promotionActionId(requestId))).toBe(true);

    const [request, ...others] = await drain(requestsQueue);
    expect(others).toEqual([]);
    expect(request?.detail).toMatchObject({ requestId, request: { modelPackageArn: allowed.subject.id } });
    expect(await handler(request, context)).toEqual({
      step: 'request',
      deployment: { id: deploymentId, status: 'applying' },
    });
    const endpoint = await sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpointName }));
    expect(endpoint.EndpointName).toBe(endpointName);

    // EventBridge delivers at least once: the same decision again asks for nothing more.
    expect(await handler(delivered, context)).toMatchObject({ step: 'promote' });
    expect(await drain(requestsQueue)).toEqual([]);
  });
});
