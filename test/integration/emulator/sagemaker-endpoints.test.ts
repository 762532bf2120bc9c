/**
 * The AWS emulator's SageMaker endpoint deployments (tools/emulator/verdict_moto.py), through the real SDK
 * v3 clients: UpdateEndpoint with deployment guardrails, the endpoint events on the default bus delivered
 * to SQS by a rule, the hooks that hold, complete or roll back a rollout, and the refusals the botocore
 * service model implies. The raw DescribeEndpoint answer is checked against botocore's output shape.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DeleteEndpointCommand,
  type DeploymentConfig,
  DescribeEndpointCommand,
  type DescribeEndpointCommandOutput,
  SageMakerClient,
  UpdateEndpointCommand,
} from '@aws-sdk/client-sagemaker';
import { SQSClient } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { awsClientConfig, EMULATOR_ACCOUNT, EMULATOR_REGION, uniqueName } from '../../support/aws-clients.ts';
import {
  completeRollout,
  DEPLOYMENT_STATE_CHANGE,
  drainEndpointEvents,
  ENDPOINT_STATE_CHANGE,
  forceRollback,
  holdRollouts,
  releaseRollouts,
  routeEndpointEvents,
  type SageMakerEndpointEvent,
} from '../../support/sagemaker-rollout.ts';
import { loadServiceModel, outputShapeViolations } from './botocore-output-shape.ts';

const emulator = inject('motoEndpoint');
const sagemaker = new SageMakerClient(awsClientConfig(emulator));
const eventbridge = new EventBridgeClient(awsClientConfig(emulator));
const sqs = new SQSClient(awsClientConfig(emulator));
const serviceModel = loadServiceModel('sagemaker');

const INSTANCE_TYPE = 'ml.g5.2xlarge';
const ALARM = 'verdict-canary-5xx';
const CANARY: DeploymentConfig = {
  BlueGreenUpdatePolicy: {
    TrafficRoutingConfiguration: {
      Type: 'CANARY',
      WaitIntervalInSeconds: 600,
      CanarySize: { Type: 'CAPACITY_PERCENT', Value: 10 },
    },
    TerminationWaitInSeconds: 120,
    MaximumExecutionTimeoutInSeconds: 1800,
  },
  AutoRollbackConfiguration: { Alarms: [{ AlarmName: ALARM }] },
};

const model = uniqueName('verdict-model');
const blue = uniqueName('verdict-blue');
const green = uniqueName('verdict-green');

const endpointArn = (name: string): string =>
  `arn:aws:sagemaker:${EMULATOR_REGION}:${EMULATOR_ACCOUNT}:endpoint/${name}`;
const configArn = (name: string): string =>
  `arn:aws:sagemaker:${EMULATOR_REGION}:${EMULATOR_ACCOUNT}:endpoint-config/${name}`;

beforeAll(async () => {
  await sagemaker.send(
    new CreateModelCommand({
      ModelName: model,
      ExecutionRoleArn: `arn:aws:iam::${EMULATOR_ACCOUNT}:role/verdict-inference`,
      PrimaryContainer: { Image: `${EMULATOR_ACCOUNT}.dkr.ecr.${EMULATOR_REGION}.amazonaws.com/llm:1` },
    }),
  );
  for (const [name, count] of [
    [blue, 1],
    [green, 2],
  ] as const) {
    await sagemaker.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: name,
        ProductionVariants: [
          {
            VariantName: 'primary',
            ModelName: model,
            InstanceType: INSTANCE_TYPE,
            InitialInstanceCount: count,
            InitialVariantWeight: 1,
          },
        ],
      }),
    );
  }
});

/** A fresh endpoint on the blue configuration, with its events routed to a queue (creation events drained). */
async function blueEndpoint(): Promise<{
  name: string;
  queueUrl: string;
  created: SageMakerEndpointEvent[];
}> {
  const name = uniqueName('verdict-endpoint');
  const queueUrl = await routeEndpointEvents({ eventbridge, sqs }, name);
  await sagemaker.send(new CreateEndpointCommand({ EndpointName: name, EndpointConfigName: blue }));
  return { name, queueUrl, created: await drainEndpointEvents(sqs, queueUrl) };
}

const describeEndpoint = (name: string): Promise<DescribeEndpointCommandOutput> =>
  sagemaker.send(new DescribeEndpointCommand({ EndpointName: name }));

const summary = (events: SageMakerEndpointEvent[]): string[] =>
  events.map((event) => `${event['detail-type']}: ${event.detail.EndpointStatus}`);

async function rawDescribeEndpoint(name: string): Promise<unknown> {
  const response = await fetch(emulator, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'SageMaker.DescribeEndpoint',
      authorization: `AWS4-HMAC-SHA256 Credential=testing/20260101/${EMULATOR_REGION}/sagemaker/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify({ EndpointName: name }),
  });
  expect(response.status).toBe(200);
  return response.json();
}

describe('CreateEndpoint and DeleteEndpoint', () => {
  it('serves ml.g5.2xlarge and announces Creating, InService and Deleting on the default bus', async () => {
    const { name, queueUrl, created } = await blueEndpoint();

    const described = await describeEndpoint(name);
    expect(described.EndpointStatus).toBe('InService');
    expect(described.ProductionVariants).toEqual([
      expect.objectContaining({ VariantName: 'primary', CurrentInstanceCount: 1, DesiredInstanceCount: 1 }),
    ]);
    expect(summary(created)).toEqual([
      `${ENDPOINT_STATE_CHANGE}: CREATING`,
      `${ENDPOINT_STATE_CHANGE}: IN_SERVICE`,
    ]);
    const [, inService] = created;
    // No `account`: moto's delivery to SQS leaves it out of every event (tools/emulator/README.md).
    expect(inService).toMatchObject({
      source: 'aws.sagemaker',
      region: EMULATOR_REGION,
      resources: [endpointArn(name)],
    });
    expect(inService?.detail).toEqual({
      EndpointName: name,
      EndpointArn: endpointArn(name),
      EndpointConfigName: blue,
      ProductionVariants: [{ VariantName: 'primary', DesiredWeight: 1, DesiredInstanceCount: 1 }],
      EndpointStatus: 'IN_SERVICE',
      CreationTime: described.CreationTime?.getTime(),
      LastModifiedTime: described.LastModifiedTime?.getTime(),
      Tags: {},
    });

    await sagemaker.send(new DeleteEndpointCommand({ EndpointName: name }));
    expect(summary(await drainEndpointEvents(sqs, queueUrl))).toEqual([`${ENDPOINT_STATE_CHANGE}: DELETING`]);
  });
});

describe('UpdateEndpoint with a canary and an auto-rollback alarm', () => {
  it('bakes while held, then serves the new configuration and remembers the deployment config', async () => {
    const { name, queueUrl } = await blueEndpoint();
    await holdRollouts(emulator, name);

    const updated = await sagemaker.send(
      new UpdateEndpointCommand({ EndpointName: name, EndpointConfigName: green, DeploymentConfig: CANARY }),
    );
    expect(updated.EndpointArn).toBe(endpointArn(name));

    const baking = await describeEndpoint(name);
    expect(baking.EndpointStatus).toBe('Updating');
    expect(baking.EndpointConfigName).toBe(blue);
    expect(baking.LastDeploymentConfig).toBeUndefined();
    expect(baking.PendingDeploymentSummary).toMatchObject({
      EndpointConfigName: green,
      ProductionVariants: [
        {
          VariantName: 'primary',
          CurrentWeight: 0,
          DesiredWeight: 1,
          DesiredInstanceCount: 2,
          InstanceType: INSTANCE_TYPE,
          VariantStatus: [{ Status: 'Baking' }],
        },
      ],
    });
    expect(outputShapeViolations(serviceModel, 'DescribeEndpoint', await rawDescribeEndpoint(name))).toEqual(
      [],
    );

    const updating = await drainEndpointEvents(sqs, queueUrl);
    expect(summary(updating)).toEqual([
      `${ENDPOINT_STATE_CHANGE}: UPDATING`,
      `${DEPLOYMENT_STATE_CHANGE}: UPDATING`,
    ]);
    const deployment = updating[1]?.detail;
    expect(deployment).toMatchObject({
      EndpointName: name,
      EndpointArn: endpointArn(name),
      EndpointConfigName: blue,
      PendingDeploymentSummary: {
        EndpointConfigName: green,
        StartTime: baking.PendingDeploymentSummary?.StartTime?.getTime(),
        ProductionVariants: [
          {
            VariantName: 'primary',
            CurrentWeight: 0,
            DesiredWeight: 1,
            CurrentInstanceCount: 2,
            DesiredInstanceCount: 2,
            VariantStatus: [
              { Status: 'Baking', StartTime: expect.any(Number), StatusMessage: expect.any(String) },
            ],
          },
        ],
      },
    });

    await expect(
      sagemaker.send(new UpdateEndpointCommand({ EndpointName: name, EndpointConfigName: blue })),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: `Cannot update in-progress endpoint "${endpointArn(name)}".`,
    });

    expect(await completeRollout(emulator, name)).toEqual({
      EndpointName: name,
      EndpointStatus: 'InService',
      EndpointConfigName: green,
    });
    const done = await describeEndpoint(name);
    expect(done.EndpointStatus).toBe('InService');
    expect(done.EndpointConfigName).toBe(green);
    expect(done.PendingDeploymentSummary).toBeUndefined();
    expect(done.LastDeploymentConfig).toEqual(CANARY);
    expect(outputShapeViolations(serviceModel, 'DescribeEndpoint', await rawDescribeEndpoint(name))).toEqual(
      [],
    );
    const completed = await drainEndpointEvents(sqs, queueUrl);
    expect(summary(completed)).toEqual([`${ENDPOINT_STATE_CHANGE}: IN_SERVICE`]);
    expect(completed[0]?.detail).toMatchObject({
      EndpointConfigName: green,
      ProductionVariants: [{ VariantName: 'primary', DesiredWeight: 1, DesiredInstanceCount: 2 }],
    });
  });

  it('rolls back to the old configuration when an alarm fires during the bake', async () => {
    const { name, queueUrl } = await blueEndpoint();
    await holdRollouts(emulator, name);
    await sagemaker.send(
      new UpdateEndpointCommand({ EndpointName: name, EndpointConfigName: green, DeploymentConfig: CANARY }),
    );
    await drainEndpointEvents(sqs, queueUrl);

    expect(await forceRollback(emulator, name)).toEqual({
      EndpointName: name,
      EndpointStatus: 'InService',
      EndpointConfigName: blue,
    });
    const rolledBack = await describeEndpoint(name);
    expect(rolledBack.EndpointStatus).toBe('InService');
    expect(rolledBack.EndpointConfigName).toBe(blue);
    expect(rolledBack.PendingDeploymentSummary).toBeUndefined();
    expect(rolledBack.FailureReason).toContain(ALARM);
    expect(rolledBack.ProductionVariants).toEqual([
      expect.objectContaining({ VariantName: 'primary', CurrentInstanceCount: 1, DesiredInstanceCount: 1 }),
    ]);

    const events = await drainEndpointEvents(sqs, queueUrl);
    expect(summary(events)).toEqual([
      `${DEPLOYMENT_STATE_CHANGE}: UPDATING`,
      `${ENDPOINT_STATE_CHANGE}: IN_SERVICE`,
    ]);
    expect(events[0]?.detail).toMatchObject({
      PendingDeploymentSummary: {
        EndpointConfigName: green,
        ProductionVariants: [
          { VariantName: 'primary', CurrentWeight: 0, VariantStatus: [{ Status: 'Deleting' }] },
        ],
      },
    });
    expect(events[1]?.detail).toMatchObject({
      EndpointConfigName: blue,
      FailureReason: rolledBack.FailureReason,
    });
    await expect(completeRollout(emulator, name)).rejects.toThrow(/HTTP 409: .* has no rollout in progress/);
  });

  it('completes at once without a hold, and RetainDeploymentConfig keeps the last deployment config', async () => {
    const { name, queueUrl } = await blueEndpoint();
    await holdRollouts(emulator, name);
    await releaseRollouts(emulator, name);
    await sagemaker.send(
      new UpdateEndpointCommand({ EndpointName: name, EndpointConfigName: green, DeploymentConfig: CANARY }),
    );
    await sagemaker.send(
      new UpdateEndpointCommand({
        EndpointName: name,
        EndpointConfigName: blue,
        RetainDeploymentConfig: true,
      }),
    );

    const described = await describeEndpoint(name);
    expect(described.EndpointStatus).toBe('InService');
    expect(described.EndpointConfigName).toBe(blue);
    expect(described.LastDeploymentConfig).toEqual(CANARY);
    expect(summary(await drainEndpointEvents(sqs, queueUrl))).toEqual([
      `${ENDPOINT_STATE_CHANGE}: UPDATING`,
      `${DEPLOYMENT_STATE_CHANGE}: UPDATING`,
      `${ENDPOINT_STATE_CHANGE}: IN_SERVICE`,
      `${ENDPOINT_STATE_CHANGE}: UPDATING`,
      `${DEPLOYMENT_STATE_CHANGE}: UPDATING`,
      `${ENDPOINT_STATE_CHANGE}: IN_SERVICE`,
    ]);
  });
});

describe('UpdateEndpoint variant properties', () => {
  it('RetainAllVariantProperties keeps the running instance count unless it is excluded', async () => {
    const retained = await blueEndpoint();
    await sagemaker.send(
      new UpdateEndpointCommand({
        EndpointName: retained.name,
        EndpointConfigName: green,
        RetainAllVariantProperties: true,
      }),
    );
    expect((await describeEndpoint(retained.name)).ProductionVariants).toEqual([
      expect.objectContaining({ VariantName: 'primary', DesiredInstanceCount: 1 }),
    ]);

    const excluded = await blueEndpoint();
    await sagemaker.send(
      new UpdateEndpointCommand({
        EndpointName: excluded.name,
        EndpointConfigName: green,
        RetainAllVariantProperties: true,
        ExcludeRetainedVariantProperties: [{ VariantPropertyType: 'DesiredInstanceCount' }],
      }),
    );
    expect((await describeEndpoint(excluded.name)).ProductionVariants).toEqual([
      expect.objectContaining({ VariantName: 'primary', DesiredInstanceCount: 2 }),
    ]);
  });
});

describe('DescribeEndpoint', () => {
  it('answers a DataCaptureConfigSummary that fits the output shape', async () => {
    const config = uniqueName('verdict-capture');
    await sagemaker.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: config,
        ProductionVariants: [
          { VariantName: 'primary', ModelName: model, InstanceType: INSTANCE_TYPE, InitialInstanceCount: 1 },
        ],
        DataCaptureConfig: {
          InitialSamplingPercentage: 20,
          DestinationS3Uri: 's3://verdict-capture/endpoint',
          CaptureOptions: [{ CaptureMode: 'Input' }],
        },
      }),
    );
    const name = uniqueName('verdict-endpoint');
    await sagemaker.send(new CreateEndpointCommand({ EndpointName: name, EndpointConfigName: config }));

    expect((await describeEndpoint(name)).DataCaptureConfig).toEqual({
      EnableCapture: true,
      CaptureStatus: 'Started',
      CurrentSamplingPercentage: 20,
      DestinationS3Uri: 's3://verdict-capture/endpoint',
      KmsKeyId: '',
    });
    expect(outputShapeViolations(serviceModel, 'DescribeEndpoint', await rawDescribeEndpoint(name))).toEqual(
      [],
    );
  });
});

describe('rollout hooks', () => {
  it('answer 404 for an unknown endpoint and 409 when no rollout is in progress', async () => {
    await expect(completeRollout(emulator, 'verdict-no-such-endpoint')).rejects.toThrow(
      `rollout hook complete: HTTP 404: Could not find endpoint '${endpointArn('verdict-no-such-endpoint')}'.`,
    );
    const { name } = await blueEndpoint();
    await expect(forceRollback(emulator, name)).rejects.toThrow(
      `rollout hook rollback: HTTP 409: endpoint ${name} has no rollout in progress`,
    );
  });
});

describe('refusals', () => {
  it.each([
    {
      case: 'an unknown endpoint',
      input: () => ({ EndpointName: 'verdict-no-such-endpoint', EndpointConfigName: green }),
      message: () => `Could not find endpoint '${endpointArn('verdict-no-such-endpoint')}'.`,
    },
    {
      case: 'an unknown endpoint configuration',
      input: (name: string) => ({ EndpointName: name, EndpointConfigName: 'verdict-no-such-config' }),
      message: () => `Could not find endpoint configuration '${configArn('verdict-no-such-config')}'.`,
    },
    {
      case: 'a bake and a timeout out of bounds',
      input: (name: string) => ({
        EndpointName: name,
        EndpointConfigName: green,
        DeploymentConfig: {
          BlueGreenUpdatePolicy: {
            TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE' as const, WaitIntervalInSeconds: 3601 },
            MaximumExecutionTimeoutInSeconds: 599,
          },
        },
      }),
      message: () =>
        '2 validation errors detected: ' +
        "Value '3601' at 'deploymentConfig.blueGreenUpdatePolicy.trafficRoutingConfiguration.waitIntervalInSeconds' " +
        'failed to satisfy constraint: Member must have value less than or equal to 3600; ' +
        "Value '599' at 'deploymentConfig.blueGreenUpdatePolicy.maximumExecutionTimeoutInSeconds' " +
        'failed to satisfy constraint: Member must have value greater than or equal to 600',
    },
    {
      case: 'an empty alarm list',
      input: (name: string) => ({
        EndpointName: name,
        EndpointConfigName: green,
        DeploymentConfig: { AutoRollbackConfiguration: { Alarms: [] } },
      }),
      message: () =>
        "1 validation error detected: Value '[...]' at 'deploymentConfig.autoRollbackConfiguration.alarms' " +
        'failed to satisfy constraint: Member must have length greater than or equal to 1',
    },
  ])('UpdateEndpoint refuses $case, and nothing changes', async ({ input, message }) => {
    const { name, queueUrl } = await blueEndpoint();
    const before = await describeEndpoint(name);

    await expect(sagemaker.send(new UpdateEndpointCommand(input(name)))).rejects.toMatchObject({
      name: 'ValidationException',
      message: message(),
    });

    const after = await describeEndpoint(name);
    expect(after.EndpointStatus).toBe('InService');
    expect(after.EndpointConfigName).toBe(blue);
    expect(after.LastModifiedTime).toEqual(before.LastModifiedTime);
    expect(await drainEndpointEvents(sqs, queueUrl)).toEqual([]);
  });

  it('CreateEndpointConfig refuses an instance type outside the service model enum', async () => {
    const enumValues = serviceModel.shapes.ProductionVariantInstanceType?.enum ?? [];
    expect(enumValues).toEqual(
      expect.arrayContaining(['ml.g5.2xlarge', 'ml.g6.xlarge', 'ml.p4d.24xlarge', 'ml.p5.48xlarge']),
    );
    const name = uniqueName('verdict-bad-type');

    await expect(
      sagemaker.send(
        new CreateEndpointConfigCommand({
          EndpointConfigName: name,
          ProductionVariants: [
            {
              VariantName: 'primary',
              ModelName: model,
              InstanceType: 'ml.g9.mega' as never,
              InitialInstanceCount: 1,
            },
          ],
        }),
      ),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message:
        "1 validation error detected: Value 'ml.g9.mega' at 'productionVariants.1.member.instanceType' " +
        `failed to satisfy constraint: Member must satisfy enum value set: [${enumValues.join(', ')}]`,
    });
    await expect(
      sagemaker.send(
        new CreateEndpointCommand({ EndpointName: uniqueName('verdict-e'), EndpointConfigName: name }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });
});
