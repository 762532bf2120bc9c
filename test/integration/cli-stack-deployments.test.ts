import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
import { S3Client } from '@aws-sdk/client-s3';
import {
  CreateModelPackageGroupCommand,
  DescribeModelPackageCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { CreateScheduleGroupCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openAwsLedger } from '../../functions/adapters/aws/ledger/open.ts';
import { SUBJECT_KEYS_TABLE_KEYS } from '../../functions/adapters/aws/ledger/table-schema.ts';
import type { DeploymentRequestInput } from '../../functions/contracts/deployment-request.ts';
import { orchestratorDeps, orchestratorRecords } from '../../functions/deployments/aws-orchestrator.ts';
import {
  createDeploymentOrchestratorHandler,
  type DeploymentOrchestratorHandler,
} from '../../functions/deployments/create-handler.ts';
import { deploymentIdFor } from '../../functions/deployments/request-deployment.ts';
import { ed25519Signer } from '../../functions/ledger/core/note-keys.ts';
import { localLambdaContext } from '../../functions/local/lambda-context.ts';
import type { DeploymentFactsSource } from '../../functions/ports/deployment-facts.ts';
import { awsClientConfig, EMULATOR_ACCOUNT, EMULATOR_REGION, uniqueName } from '../support/aws-clients.ts';
import { type CliRun, runCli, userEnv } from '../support/cli.ts';
import { createDecisionTable } from '../support/decision-table.ts';
import { oversightEvidence, registryDecision, sagemakerRequest } from '../support/deployment-requests.ts';
import { allowedRequest, DIGEST } from '../support/deployment-saga.ts';
import { createDeploymentTable } from '../support/deployment-table.ts';
import { KMS_KEY_ARN, RFC8032_TEST1_SEED } from '../support/kms-ed25519.ts';
import { type KmsProxy, startKmsEd25519Proxy } from '../support/kms-ed25519-proxy.ts';
import { createLedgerResources } from '../support/ledger-resources.ts';
import { approvedPackage, emulatorOrchestratorEnvironment } from '../support/orchestrator-emulator.ts';
import { drainEndpointEvents, routeEndpointEvents } from '../support/sagemaker-rollout.ts';

const endpoint = inject('motoEndpoint');
const config = awsClientConfig(endpoint);
const dynamodb = new DynamoDBClient(config);
const s3 = new S3Client({ ...config, forcePathStyle: true });
const sqs = new SQSClient(config);
const eventbridge = new EventBridgeClient(config);
const cloudformation = new CloudFormationClient(config);
const sagemaker = new SageMakerClient(config);
const scheduler = new SchedulerClient(config);
const kms = new KMSClient(config);

const ORIGIN = 'verdict.test/cli-stack-deployments';
const REQUESTS = [
  'Verdict Deployment Requested',
  'Verdict Deployment Rollback Requested',
  'Verdict Decision Revoked',
];

/** The approved artifact, unchanged since its approval (see the header). */
const facts: DeploymentFactsSource = {
  artifactDigest: async () => DIGEST,
  approvedDigest: async () => DIGEST,
  revokedAt: async () => undefined,
  profile: async () => ({ name: 'Credit scorer', personalData: { legalBasis: 'contract', masking: true } }),
  exceptions: async () => [],
  evidence: oversightEvidence,
};

let proxy: KmsProxy;
let stackName: string;
let oldStackName: string;
let requestsQueue: string;
let handler: DeploymentOrchestratorHandler;
let ledgerHandle: { close(): Promise<void> };
let group: string;
let blueArn: string;
let greenArn: string;
const work = mkdtempSync(join(tmpdir(), 'verdict-cli-stack-deployments-'));

async function createStack(name: string, outputs: Record<string, string>): Promise<void> {
  const template = {
    Resources: { Placeholder: { Type: 'AWS::SNS::Topic' } },
    Outputs: Object.fromEntries(Object.entries(outputs).map(([key, value]) => [key, { Value: value }])),
  };
  await cloudformation.send(
    new CreateStackCommand({ StackName: name, TemplateBody: JSON.stringify(template) }),
  );
}

/** A queue with what the CLI publishes on the stack's bus, as the orchestrator's rules receive it. */
async function captureRequests(bus: string): Promise<string> {
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('cli-requests') }))).QueueUrl;
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  const rule = uniqueName('cli-requests');
  await eventbridge.send(
    new PutRuleCommand({
      Name: rule,
      EventBusName: bus,
      EventPattern: JSON.stringify({ source: ['verdict'], 'detail-type': REQUESTS }),
    }),
  );
  await eventbridge.send(
    new PutTargetsCommand({
      Rule: rule,
      EventBusName: bus,
      Targets: [{ Id: 'queue', Arn: Attributes?.QueueArn }],
    }),
  );
  return url as string;
}

beforeAll(async () => {
  proxy = await startKmsEd25519Proxy(endpoint);
  group = uniqueName('credit-scorer');
  await sagemaker.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: group }));
  blueArn = await approvedPackage(sagemaker, group);
  greenArn = await approvedPackage(sagemaker, group);

  const ledger = await createLedgerResources({ dynamodb, s3 });
  const decisionsTable = await createDecisionTable(dynamodb, uniqueName('verdict-decisions'));
  const deploymentsTable = await createDeploymentTable(dynamodb, uniqueName('verdict-deployments'));
  const subjectKeys = uniqueName('verdict-subject-keys');
  await dynamodb.send(
    new CreateTableCommand({
      TableName: subjectKeys,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: SUBJECT_KEYS_TABLE_KEYS.partitionKey, KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: SUBJECT_KEYS_TABLE_KEYS.partitionKey, AttributeType: 'S' }],
    }),
  );
  const dataKey = await kms.send(new CreateKeyCommand({ Description: 'verdict subject keys (cli test)' }));
  const bus = uniqueName('verdict-bus');
  const busArn = (await eventbridge.send(new CreateEventBusCommand({ Name: bus }))).EventBusArn ?? '';
  requestsQueue = await captureRequests(bus);
  const scheduleGroup = uniqueName('verdict-bakes');
  await scheduler.send(new CreateScheduleGroupCommand({ Name: scheduleGroup }));

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
    DecisionsTableName: decisionsTable,
    EventBusName: bus,
    ReportJobsTableName: 'unused-report-jobs',
    ReportsBucketName: 'unused-reports',
    AuditorApiUrl: 'https://abc123.execute-api.us-east-1.amazonaws.com',
    ModelPackageGroupPrefix: '',
  };
  stackName = uniqueName('verdict-cli-deploy');
  oldStackName = uniqueName('verdict-cli-old');
  await createStack(stackName, { ...outputs, DeploymentsTableName: deploymentsTable });
  await createStack(oldStackName, outputs);

  const env = emulatorOrchestratorEnvironment({
    decisionsTable,
    deploymentsTable,
    bus,
    busArn,
    scheduleGroup,
  });
  const handle = openAwsLedger({
    mode: 'writer',
    tableName: ledger.table,
    tilesBucket: ledger.tiles,
    anchorBucket: ledger.anchor,
    objectLockMode: 'GOVERNANCE',
    checkpointRetentionDays: 1,
    anchorIntervalMs: 0,
    origin: ORIGIN,
    signer: ed25519Signer(ORIGIN, RFC8032_TEST1_SEED),
    clients: { dynamodb, s3, kms },
  });
  ledgerHandle = handle;
  const clients = { dynamodb, sagemaker, eventbridge, scheduler, ledger: handle.audit };
  const records = orchestratorRecords(env, clients);
  for (const arn of [blueArn, greenArn]) {
    const version = arn.split('/').at(-1) ?? '';
    await records.decisions.record(
      registryDecision({
        id: decisionIdOf(arn),
        subject: { kind: 'model-package', id: arn, group, version },
      }),
    );
  }
  handler = createDeploymentOrchestratorHandler(orchestratorDeps(env, clients, facts, { records }));
}, 120_000);

afterAll(async () => {
  await ledgerHandle?.close();
  await proxy?.close();
  rmSync(work, { recursive: true, force: true });
});

function decisionIdOf(arn: string): string {
  return `dec-${group}-${arn.split('/').at(-1)}`;
}

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
const onStack = (...args: string[]) => [...args, '--stack', stackName];

interface VerdictEvent {
  'detail-type': string;
  account?: string;
  detail: Record<string, unknown>;
  resources: string[];
}

/** The next event the CLI put on the stack's bus. */
async function nextRequest(): Promise<VerdictEvent> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: requestsQueue, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 }),
    );
    const [message] = Messages ?? [];
    if (message?.Body) {
      await sqs.send(
        new DeleteMessageCommand({ QueueUrl: requestsQueue, ReceiptHandle: message.ReceiptHandle }),
      );
      return JSON.parse(message.Body) as VerdictEvent;
    }
  }
  throw new Error('the CLI published nothing on the stack bus');
}

const context = localLambdaContext('verdict-deployment-orchestrator', 60);

/** Hands the event to the orchestrator as the stack's rule would (moto leaves out `account`). */
function orchestrate(event: VerdictEvent) {
  return handler({ ...event, account: event.account ?? EMULATOR_ACCOUNT }, context);
}

function requestFile(name: string, request: DeploymentRequestInput): string {
  const file = join(work, `${name}.json`);
  writeFileSync(file, JSON.stringify(request));
  return file;
}

let promotedId: string;
let refusedId: string;

describe('verdict deploy --stack', () => {
  it('publishes the request, follows the orchestrator until the deployment is promoted, exits 0', async () => {
    const endpointName = uniqueName('credit-scorer');
    const endpointEvents = await routeEndpointEvents({ eventbridge, sqs }, endpointName);
    const request = {
      ...allowedRequest,
      modelPackageArn: blueArn,
      target: { kind: 'sagemaker' as const, endpointName },
    };
    const key = uniqueName('deploy-blue');
    const cli = verdict(
      onStack(
        'deploy',
        '--request',
        requestFile('blue', request),
        '--idempotency-key',
        key,
        '--format',
        'json',
      ),
    );
    const event = await nextRequest();
    expect(event['detail-type']).toBe('Verdict Deployment Requested');
    // Who asked: moto's caller is an IAM user, which may name a person, so it goes sealed with the stack's keys.
    expect(event.detail).toEqual({
      requestId: key,
      request: expect.objectContaining(request),
      requestedBy: expect.stringMatching(/^sealed:ps1\./),
    });
    expect(event.resources).toEqual([blueArn]);

    promotedId = deploymentIdFor(key);
    expect(await orchestrate(event)).toEqual({
      step: 'request',
      deployment: { id: promotedId, status: 'applying' },
    });
    for (const sagemakerEvent of await drainEndpointEvents(sqs, endpointEvents))
      await handler({ ...sagemakerEvent, account: sagemakerEvent.account ?? EMULATOR_ACCOUNT }, context);

    const run = await cli;
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ id: promotedId, status: 'promoted' });
  });

  it('prints a refusal as the gate decided it and exits 3; the same key answers without a new request', async () => {
    const endpointName = uniqueName('credit-scorer');
    // Without request/response capture the deployment policy refuses a high-risk system in prod.
    const request = {
      ...sagemakerRequest,
      modelPackageArn: blueArn,
      target: { kind: 'sagemaker' as const, endpointName },
    };
    const key = uniqueName('deploy-refused');
    const file = requestFile('refused', request);
    const cli = verdict(onStack('deploy', '--request', file, '--idempotency-key', key));
    const event = await nextRequest();
    refusedId = deploymentIdFor(key);
    expect(await orchestrate(event)).toMatchObject({ deployment: { id: refusedId, status: 'refused' } });

    const run = await cli;
    expect(run.code, run.stderr).toBe(3);
    expect(run.stdout).toMatch(new RegExp(`^Deployment ${refusedId}: REFUSED\\n`));
    expect(run.stdout).toContain('Refused because:');

    // Bad input is refused before anything is published (the next event read below is the rollback's).
    const invalid = await verdict(onStack('deploy', '--request', file, '--bake', '5000'));
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(
      /^verdict: the deployment request is not valid\n {2}- strategy\.bakeSeconds: /,
    );
    const stray = await verdict(['deploy', '--request', file, '--profile', 'operator']);
    expect({ code: stray.code, stderr: stray.stderr }).toEqual({
      code: 2,
      stderr: 'verdict: --profile goes with --stack\n',
    });

    const again = await verdict(onStack('deploy', '--request', file, '--idempotency-key', key));
    expect(again.code, again.stderr).toBe(3);
    expect(again.stdout).toBe(run.stdout);

    const other = await verdict(
      onStack('deploy', '--request', file, '--idempotency-key', key, '--instance-count', '3'),
    );
    expect({ code: other.code, stderr: other.stderr }).toEqual({
      code: 2,
      stderr: `verdict: deployment ${refusedId} was requested with another request under the same idempotency key\n`,
    });
  }, 120_000);
});

describe('verdict deployments and rollback --stack', () => {
  it("lists and shows the stack's deployments", async () => {
    const listed = await verdict(onStack('deployments', 'list', '--format', 'json'));
    expect(listed.code, listed.stderr).toBe(0);
    const ids = (JSON.parse(listed.stdout) as { deployments: { id: string }[] }).deployments.map((x) => x.id);
    expect(ids).toEqual(expect.arrayContaining([promotedId, refusedId]));

    const refused = await verdict(onStack('deployments', 'list', '--status', 'refused'));
    expect(refused.stdout).toContain(refusedId);
    expect(refused.stdout).not.toContain(promotedId);

    const shown = await verdict(onStack('deployments', 'show', promotedId));
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`^Deployment ${promotedId}: PROMOTED\\n`));

    const missing = await verdict(onStack('deployments', 'show', 'no-such-deployment'));
    expect({ code: missing.code, stderr: missing.stderr }).toEqual({
      code: 2,
      stderr: 'verdict: no deployment no-such-deployment\n',
    });
  });

  it('refuses to roll back a refused deployment or an unknown one, publishing nothing', async () => {
    const refused = await verdict(onStack('rollback', refusedId));
    expect({ code: refused.code, stderr: refused.stderr }).toEqual({
      code: 2,
      stderr: `verdict: deployment ${refusedId} is refused: there is nothing to roll back\n`,
    });
    const unknown = await verdict(onStack('rollback', 'no-such-deployment'));
    expect({ code: unknown.code, stderr: unknown.stderr }).toEqual({
      code: 2,
      stderr: 'verdict: no deployment no-such-deployment\n',
    });
  });

  it('publishes a rollback and prints the deployment once the orchestrator has moved it', async () => {
    const cli = verdict(onStack('rollback', promotedId, '--format', 'json'));
    const event = await nextRequest();
    expect(event).toMatchObject({
      'detail-type': 'Verdict Deployment Rollback Requested',
      detail: { deploymentId: promotedId },
    });
    await orchestrate(event);
    const run = await cli;
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ id: promotedId, status: 'rolled-back' });
  });

  it('says in one line that a stack deployed before deployments has no deployments table', async () => {
    for (const args of [
      ['deployments', 'list'],
      ['rollback', promotedId],
      ['deploy', '--request', requestFile('old', allowedRequest)],
    ]) {
      const run = await verdict([...args, '--stack', oldStackName]);
      expect({ code: run.code, stderr: run.stderr }).toEqual({
        code: 2,
        stderr: `verdict: stack ${oldStackName} has no deployments table (no DeploymentsTableName output): deploy the current Verdict stack\n`,
      });
    }
  });
});

describe('verdict decisions revoke --stack', () => {
  it("records the revocation in the stack's ledger, rejects the version and announces it", async () => {
    const decisionId = decisionIdOf(greenArn);
    const run = await verdict(
      onStack('decisions', 'revoke', decisionId, '--reason', 'Training data licence withdrawn'),
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(`^revoked ${decisionId} \\(${greenArn}\\) at \\S+: Training data licence withdrawn\\n`),
    );
    expect(run.stdout).toContain('deployments taken out of service: none\n');

    const event = await nextRequest();
    expect(event).toMatchObject({
      'detail-type': 'Verdict Decision Revoked',
      detail: { decisionId, reason: 'Training data licence withdrawn' },
      resources: [greenArn],
    });
    const pkg = await sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: greenArn }));
    expect(pkg.ModelApprovalStatus).toBe('Rejected');

    const out = join(work, 'ledger');
    const exported = await verdict(onStack('ledger', 'export', '--out', out));
    expect(exported.code, exported.stderr).toBe(0);
    const entries = readFileSync(join(out, 'entries.jsonl'), 'utf8');
    expect(entries).toContain(`action/decision/${decisionId}/revoke`);

    const refused = await verdict(onStack('decisions', 'revoke', 'no-such-decision', '--reason', 'x'));
    expect({ code: refused.code, stderr: refused.stderr }).toEqual({
      code: 2,
      stderr: 'verdict: no decision no-such-decision\n',
    });
  });
});
