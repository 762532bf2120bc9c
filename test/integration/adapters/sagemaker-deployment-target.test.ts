/**
 * SageMakerDeploymentTarget against the AWS emulator (tools/emulator) through the real SDK v3 client: a
 * create, a held canary that bakes, completes or is rolled back by its alarm, redelivered applies, revoke,
 * and an unknown model package. The endpoint events the emulator puts on the default bus are drained from
 * SQS and read through the same mapping the orchestration uses.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import {
  CreateModelPackageGroupCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  ListTagsCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { SQSClient } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { deploymentConfig } from '../../../functions/adapters/aws/sagemaker-deployment-config.ts';
import { SageMakerDeploymentTarget } from '../../../functions/adapters/aws/sagemaker-deployment-target.ts';
import { observationFromEndpointEvent } from '../../../functions/adapters/aws/sagemaker-endpoint-observation.ts';
import {
  type DeploymentRequest,
  type DeploymentRequestInput,
  deploymentRequestSchema,
} from '../../../functions/contracts/deployment-request.ts';
import { sageMakerEndpointEventSchema } from '../../../functions/contracts/sagemaker-endpoint-state-change.ts';
import { DeploymentError } from '../../../functions/deployments/errors.ts';
import type { AppliedDeployment, ApprovedArtifact } from '../../../functions/ports/deployment-target.ts';
import { awsClientConfig, EMULATOR_ACCOUNT, EMULATOR_REGION, uniqueName } from '../../support/aws-clients.ts';
import { sagemakerRequest } from '../../support/deployment-requests.ts';
import { approvedPackage } from '../../support/orchestrator-emulator.ts';
import {
  completeRollout,
  drainEndpointEvents,
  forceRollback,
  holdRollouts,
  routeEndpointEvents,
} from '../../support/sagemaker-rollout.ts';

const emulator = inject('motoEndpoint');
const sagemaker = new SageMakerClient(awsClientConfig(emulator));
const eventbridge = new EventBridgeClient(awsClientConfig(emulator));
const sqs = new SQSClient(awsClientConfig(emulator));
const target = new SageMakerDeploymentTarget(sagemaker, {
  executionRoleArn: `arn:aws:iam::${EMULATOR_ACCOUNT}:role/verdict-inference`,
});
const ALARM = 'credit-scorer-5xx';

let blueArtifact: ApprovedArtifact;
let greenArtifact: ApprovedArtifact;

beforeAll(async () => {
  const group = uniqueName('credit-scorer');
  await sagemaker.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: group }));
  const digest = (n: string) => `sha256:${n.repeat(64)}`;
  blueArtifact = {
    modelPackageArn: await approvedPackage(sagemaker, group),
    digest: digest('b'),
    decisionId: 'dec-blue',
  };
  greenArtifact = {
    modelPackageArn: await approvedPackage(sagemaker, group),
    digest: digest('c'),
    decisionId: 'dec-green',
  };
});

function requestFor(
  endpointName: string,
  artifact: ApprovedArtifact,
  strategy: StrategyInput,
): DeploymentRequest {
  return deploymentRequestSchema.parse({
    ...sagemakerRequest,
    modelPackageArn: artifact.modelPackageArn,
    region: EMULATOR_REGION,
    target: { kind: 'sagemaker', endpointName },
    strategy,
    compute: {
      kind: 'sagemaker-instances',
      instanceType: 'ml.g5.2xlarge',
      instanceCount: 2,
      maxInstanceCount: 4,
    },
  });
}

type StrategyInput = DeploymentRequestInput['strategy'];
const ALL_AT_ONCE: StrategyInput = { type: 'all-at-once', bakeSeconds: 0, maxDurationSeconds: 600 };
const CANARY: StrategyInput = {
  type: 'canary',
  step: { unit: 'instances', value: 1 },
  bakeSeconds: 300,
  alarms: [ALARM],
  maxDurationSeconds: 1800,
};

/** The endpoint's events since the last drain, read as observations of the deployment. */
async function observedEvents(queueUrl: string, applied: AppliedDeployment): Promise<string[]> {
  const events = await drainEndpointEvents(sqs, queueUrl);
  return events.map((raw) => {
    // moto's delivery to SQS leaves out `account` (tools/emulator/README.md); AWS always sends it.
    const event = sageMakerEndpointEventSchema.parse({ ...raw, account: raw.account ?? EMULATOR_ACCOUNT });
    const observed = observationFromEndpointEvent(event, applied);
    return `${observed?.status}${observed?.reason ? `: ${observed.reason}` : ''}`;
  });
}

/** A new endpoint serving the blue model, created through the target with all-at-once. */
async function blueEndpoint() {
  const endpointName = uniqueName('verdict-endpoint');
  const queueUrl = await routeEndpointEvents({ eventbridge, sqs }, endpointName);
  const request = requestFor(endpointName, blueArtifact, ALL_AT_ONCE);
  const deploymentId = uniqueName('blue');
  const plan = await target.plan(deploymentId, request, blueArtifact);
  const applied = await target.apply(plan, request, blueArtifact);
  await drainEndpointEvents(sqs, queueUrl);
  return { endpointName, queueUrl, request, plan, applied };
}

const describeEndpoint = (name: string) =>
  sagemaker.send(new DescribeEndpointCommand({ EndpointName: name }));

async function problemOf(promise: Promise<unknown>): Promise<{ problem: string; message: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DeploymentError))
    throw new Error(`expected a DeploymentError, got ${String(error)}`);
  return { problem: error.problem, message: error.message };
}

describe('create with all-at-once', () => {
  it('plans a create, creates model, config and endpoint from the approved package, and observes promoted', async () => {
    const endpointName = uniqueName('verdict-endpoint');
    const queueUrl = await routeEndpointEvents({ eventbridge, sqs }, endpointName);
    const request = requestFor(endpointName, blueArtifact, ALL_AT_ONCE);
    const deploymentId = uniqueName('dep');

    const plan = await target.plan(deploymentId, request, blueArtifact);
    expect(plan).toEqual({
      deploymentId,
      action: 'create',
      previousSpec: null,
      // Named before the apply, so that an apply that fails half-way can be undone through it.
      revision: `${endpointName}/verdict-${deploymentId}`,
      changes: [
        `create endpoint ${endpointName}`,
        `model package ${blueArtifact.modelPackageArn}`,
        'instance type ml.g5.2xlarge, 2 instance(s)',
      ],
    });
    const applied = await target.apply(plan, request, blueArtifact);
    expect(applied).toEqual({
      deploymentId,
      revision: `${endpointName}/verdict-${deploymentId}`,
      status: 'applying',
    });

    const model = await sagemaker.send(new DescribeModelCommand({ ModelName: `verdict-${deploymentId}` }));
    expect(model.Containers).toEqual([{ ModelPackageName: blueArtifact.modelPackageArn }]);
    expect(model.EnableNetworkIsolation).toBe(true);
    const config = await sagemaker.send(
      new DescribeEndpointConfigCommand({ EndpointConfigName: `verdict-${deploymentId}` }),
    );
    expect(config.ProductionVariants).toEqual([
      expect.objectContaining({
        VariantName: 'primary',
        ModelName: `verdict-${deploymentId}`,
        InstanceType: 'ml.g5.2xlarge',
        InitialInstanceCount: 2,
      }),
    ]);
    const tags = await sagemaker.send(new ListTagsCommand({ ResourceArn: config.EndpointConfigArn }));
    expect(tags.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'verdict:deployment-id', Value: deploymentId },
        { Key: 'verdict:decision-id', Value: 'dec-blue' },
        { Key: 'verdict:model-digest', Value: blueArtifact.digest },
        { Key: 'owner', Value: 'risk-team' },
      ]),
    );

    expect(await target.observe(applied)).toMatchObject({
      deploymentId,
      status: 'promoted',
      targetStatus: 'InService',
    });
    expect(await observedEvents(queueUrl, applied)).toEqual(['applying', 'promoted']);
  });

  it('a redelivered apply finds what the first created and creates nothing twice', async () => {
    const { endpointName, queueUrl, request, plan, applied } = await blueEndpoint();
    const before = await describeEndpoint(endpointName);
    const modelName = `verdict-${plan.deploymentId}`;
    const modelBefore = await sagemaker.send(new DescribeModelCommand({ ModelName: modelName }));

    expect(await target.apply(plan, request, blueArtifact)).toEqual(applied);

    expect((await describeEndpoint(endpointName)).LastModifiedTime).toEqual(before.LastModifiedTime);
    expect((await sagemaker.send(new DescribeModelCommand({ ModelName: modelName }))).CreationTime).toEqual(
      modelBefore.CreationTime,
    );
    expect(await drainEndpointEvents(sqs, queueUrl)).toEqual([]);
  });
});

describe('update with a canary and an alarm', () => {
  async function heldCanary() {
    const blue = await blueEndpoint();
    await holdRollouts(emulator, blue.endpointName);
    const request = requestFor(blue.endpointName, greenArtifact, CANARY);
    const plan = await target.plan(uniqueName('green'), request, greenArtifact);
    const applied = await target.apply(plan, request, greenArtifact);
    return { ...blue, blueConfig: `verdict-${blue.plan.deploymentId}`, request, plan, applied };
  }

  it('plans the update with the running config as previous spec, bakes, then is promoted', async () => {
    const { endpointName, queueUrl, plan, applied, request, blueConfig } = await heldCanary();
    expect(plan.action).toBe('update');
    expect(plan.previousSpec).toEqual({
      endpointConfigName: blueConfig,
      variants: [
        {
          variantName: 'primary',
          modelName: blueConfig,
          instanceType: 'ml.g5.2xlarge',
          instanceCount: 2,
        },
      ],
    });
    expect(plan.changes).toContain(`strategy canary, bake 300 s, alarms ${ALARM}`);

    expect(await target.observe(applied)).toMatchObject({ status: 'baking', targetStatus: 'Updating' });
    // SageMaker has no call to end a bake: promote reports, and the rollout is still baking.
    expect(await target.promote(applied)).toMatchObject({ status: 'baking' });
    expect(await observedEvents(queueUrl, applied)).toEqual(['applying', 'baking']);

    await completeRollout(emulator, endpointName);
    expect(await target.observe(applied)).toMatchObject({ status: 'promoted', targetStatus: 'InService' });
    expect((await describeEndpoint(endpointName)).LastDeploymentConfig).toEqual(
      deploymentConfig(request.strategy, 2),
    );
    expect(await observedEvents(queueUrl, applied)).toEqual(['promoted']);
  });

  it('is rolled back by its alarm, with the reason; rollback and a redelivered apply change nothing', async () => {
    const { endpointName, queueUrl, plan, applied, request, blueConfig } = await heldCanary();
    await drainEndpointEvents(sqs, queueUrl);

    await forceRollback(emulator, endpointName);
    const observed = await target.observe(applied);
    expect(observed).toMatchObject({ status: 'rolled-back', targetStatus: 'InService' });
    expect(observed.reason).toContain(ALARM);
    const events = await observedEvents(queueUrl, applied);
    expect(events).toEqual(['rolling-back', `rolled-back: ${observed.reason}`]);

    const settled = await describeEndpoint(endpointName);
    expect(await target.rollback(applied, plan)).toMatchObject({
      status: 'rolled-back',
      targetStatus: 'InService',
    });
    expect(await target.apply(plan, request, greenArtifact)).toEqual(applied);
    const after = await describeEndpoint(endpointName);
    expect(after.EndpointConfigName).toBe(blueConfig);
    expect(after.LastModifiedTime).toEqual(settled.LastModifiedTime);
    expect(await drainEndpointEvents(sqs, queueUrl)).toEqual([]);
  });

  it('rollback after a promotion restores the previous config', async () => {
    const { endpointName, plan, applied, blueConfig } = await heldCanary();
    await completeRollout(emulator, endpointName);
    // The hold stays on the endpoint: the restoring update bakes too, until it completes.
    expect(await target.rollback(applied, plan)).toMatchObject({
      status: 'rolling-back',
      targetStatus: 'Updating',
    });
    await completeRollout(emulator, endpointName);
    expect(await target.rollback(applied, plan)).toMatchObject({
      status: 'rolled-back',
      targetStatus: 'InService',
    });
    expect((await describeEndpoint(endpointName)).EndpointConfigName).toBe(blueConfig);
  });

  it('an apply while another rollout is in progress is refused as busy, leaves no mark, and starts once it ends', async () => {
    const { endpointName, queueUrl, request } = await heldCanary();
    const plan = await target.plan(uniqueName('next'), request, greenArtifact);
    await drainEndpointEvents(sqs, queueUrl);

    expect(await problemOf(target.apply(plan, request, greenArtifact))).toEqual({
      problem: 'target-busy',
      message: `endpoint ${endpointName} is Updating; retry when it is InService`,
    });
    const { EndpointArn } = await describeEndpoint(endpointName);
    const marks = await sagemaker.send(new ListTagsCommand({ ResourceArn: EndpointArn }));
    expect(marks.Tags).not.toContainEqual({ Key: 'verdict:deployment-id', Value: plan.deploymentId });

    await completeRollout(emulator, endpointName);
    const applied = await target.apply(plan, request, greenArtifact);
    expect(await target.observe(applied)).toMatchObject({ status: 'baking' });
    expect((await describeEndpoint(endpointName)).PendingDeploymentSummary?.EndpointConfigName).toBe(
      `verdict-${plan.deploymentId}`,
    );
  });

  it('rollback during the bake is refused as busy: SageMaker cannot stop a rollout in progress', async () => {
    const { endpointName, plan, applied } = await heldCanary();
    expect(await problemOf(target.rollback(applied, plan))).toEqual({
      problem: 'target-busy',
      message: `endpoint ${endpointName} is Updating: SageMaker cannot stop a rollout in progress (its alarms roll it back); retry when it ends`,
    });
  });
});

describe('rollback of a create and revoke', () => {
  it('rollback of a create deletes the endpoint', async () => {
    const { endpointName, plan, applied } = await blueEndpoint();
    expect(await target.rollback(applied, plan)).toMatchObject({
      status: 'rolled-back',
      targetStatus: 'Deleting',
    });
    await expect(describeEndpoint(endpointName)).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('revoke deletes the endpoint serving the revoked package, and again finds it gone', async () => {
    const { endpointName, queueUrl, request, plan } = await blueEndpoint();
    const reason = `approval of ${blueArtifact.modelPackageArn} revoked (decision dec-blue)`;

    expect(await problemOf(target.revoke(greenArtifact, request))).toEqual({
      problem: 'not-serving-model',
      message: `endpoint ${endpointName} does not serve ${greenArtifact.modelPackageArn}`,
    });
    expect((await describeEndpoint(endpointName)).EndpointStatus).toBe('InService');

    expect(await target.revoke(blueArtifact, request)).toMatchObject({
      deploymentId: plan.deploymentId,
      status: 'revoked',
      targetStatus: 'Deleting',
      reason,
    });
    await expect(describeEndpoint(endpointName)).rejects.toMatchObject({ name: 'ValidationException' });
    expect(await target.revoke(blueArtifact, request)).toMatchObject({
      status: 'revoked',
      targetStatus: 'NotFound',
    });
    expect(await drainEndpointEvents(sqs, queueUrl)).toHaveLength(1);
  });
});

/** Nothing named after the deployment exists, and the endpoint does not either. */
async function expectNothingCreated(deploymentId: string, endpointName: string): Promise<void> {
  const name = `verdict-${deploymentId}`;
  await expect(sagemaker.send(new DescribeModelCommand({ ModelName: name }))).rejects.toMatchObject({
    name: 'ValidationException',
  });
  await expect(
    sagemaker.send(new DescribeEndpointConfigCommand({ EndpointConfigName: name })),
  ).rejects.toMatchObject({ name: 'ValidationException' });
  await expect(describeEndpoint(endpointName)).rejects.toMatchObject({ name: 'ValidationException' });
}

describe('bad input', () => {
  it.each([
    {
      case: 'an approval for another package',
      run: (id: string, request: DeploymentRequest) => target.plan(id, request, greenArtifact),
      problem: 'artifact-mismatch',
      message: (): string =>
        `the request names ${blueArtifact.modelPackageArn} but the approval is for ${greenArtifact.modelPackageArn}`,
    },
    {
      case: 'a canary SageMaker cannot express',
      run: (id: string, request: DeploymentRequest) =>
        target.plan(
          id,
          {
            ...request,
            strategy: { ...request.strategy, type: 'linear', step: { unit: 'percent', value: 60 } },
          },
          blueArtifact,
        ),
      problem: 'unsupported-strategy',
      message: (): string =>
        'a linear step of 60% is outside what SageMaker accepts for LinearStepSize (10-50% of the instances)',
    },
    {
      case: 'an EKS request',
      run: (id: string, request: DeploymentRequest) =>
        target.apply(
          { deploymentId: id, action: 'create', changes: [], previousSpec: null },
          { ...request, target: { kind: 'eks', cluster: 'ml', namespace: 'serving', name: 'credit' } },
          blueArtifact,
        ),
      problem: 'wrong-target',
      message: (): string => 'the SageMaker target does not run eks requests',
    },
  ])('$case is refused, and nothing is created', async ({ run, problem, message }) => {
    const endpointName = uniqueName('verdict-endpoint');
    const deploymentId = uniqueName('dep');
    const request = requestFor(endpointName, blueArtifact, ALL_AT_ONCE);
    expect(await problemOf(run(deploymentId, request))).toEqual({ problem, message: message() });
    await expectNothingCreated(deploymentId, endpointName);
  });

  it('an unknown model package is refused by plan and apply, and nothing is created', async () => {
    const unknown: ApprovedArtifact = {
      ...blueArtifact,
      modelPackageArn: `arn:aws:sagemaker:${EMULATOR_REGION}:${EMULATOR_ACCOUNT}:model-package/no-such-group/1`,
    };
    const endpointName = uniqueName('verdict-endpoint');
    const request = requestFor(endpointName, unknown, ALL_AT_ONCE);
    const deploymentId = uniqueName('dep');
    const refusal = {
      problem: 'unknown-model-package',
      message: `model package ${unknown.modelPackageArn} does not exist`,
    };

    expect(await problemOf(target.plan(deploymentId, request, unknown))).toEqual(refusal);
    const plan = { deploymentId, action: 'create' as const, changes: [], previousSpec: null };
    expect(await problemOf(target.apply(plan, request, unknown))).toEqual(refusal);

    await expectNothingCreated(deploymentId, endpointName);
  });
});
