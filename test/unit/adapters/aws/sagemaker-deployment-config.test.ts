import { describe, expect, it } from 'vitest';
import {
  createEndpointConfigInput,
  createModelInput,
  deploymentConfig,
  deploymentIdOf,
  deploymentTags,
  describeChanges,
  parseRevision,
  resourceNames,
  revisionOf,
} from '../../../../functions/adapters/aws/sagemaker-deployment-config.ts';
import {
  type DeploymentRequest,
  deploymentRequestSchema,
  type RolloutStrategy,
} from '../../../../functions/contracts/deployment-request.ts';
import { DeploymentError } from '../../../../functions/deployments/errors.ts';
import { ARN, sagemakerRequest } from '../../../support/deployment-requests.ts';

const request: DeploymentRequest = deploymentRequestSchema.parse(sagemakerRequest);
const artifact = { modelPackageArn: ARN, digest: `sha256:${'ab'.repeat(32)}`, decisionId: 'dec-42' };
const names = resourceNames('dep-1');
const common = { bakeSeconds: 300, alarms: ['credit-scorer-5xx'], maxDurationSeconds: 3600 };
const ROLLBACK = { AutoRollbackConfiguration: { Alarms: [{ AlarmName: 'credit-scorer-5xx' }] } };

function refusal(run: () => unknown): { problem: string; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof DeploymentError) return { problem: error.problem, message: error.message };
    throw error;
  }
  throw new Error('expected a DeploymentError');
}

describe('deploymentConfig', () => {
  it('turns a canary into a blue/green canary: bake between steps and before the old fleet goes', () => {
    const strategy: RolloutStrategy = { type: 'canary', step: { unit: 'percent', value: 10 }, ...common };
    expect(deploymentConfig(strategy, 2)).toEqual({
      BlueGreenUpdatePolicy: {
        TrafficRoutingConfiguration: {
          Type: 'CANARY',
          CanarySize: { Type: 'CAPACITY_PERCENT', Value: 10 },
          WaitIntervalInSeconds: 300,
        },
        TerminationWaitInSeconds: 300,
        MaximumExecutionTimeoutInSeconds: 3600,
      },
      ...ROLLBACK,
    });
  });

  it('turns a linear rollout of instances into LINEAR steps of INSTANCE_COUNT', () => {
    const strategy: RolloutStrategy = { type: 'linear', step: { unit: 'instances', value: 2 }, ...common };
    expect(deploymentConfig(strategy, 10)).toEqual({
      BlueGreenUpdatePolicy: {
        TrafficRoutingConfiguration: {
          Type: 'LINEAR',
          LinearStepSize: { Type: 'INSTANCE_COUNT', Value: 2 },
          WaitIntervalInSeconds: 300,
        },
        TerminationWaitInSeconds: 300,
        MaximumExecutionTimeoutInSeconds: 3600,
      },
      ...ROLLBACK,
    });
  });

  it('turns all-at-once into ALL_AT_ONCE and leaves out AutoRollbackConfiguration without alarms', () => {
    const strategy: RolloutStrategy = {
      type: 'all-at-once',
      bakeSeconds: 0,
      alarms: [],
      maxDurationSeconds: 600,
    };
    expect(deploymentConfig(strategy, 1)).toEqual({
      BlueGreenUpdatePolicy: {
        TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 0 },
        TerminationWaitInSeconds: 0,
        MaximumExecutionTimeoutInSeconds: 600,
      },
    });
  });

  it('turns rolling into a RollingUpdatePolicy with its rollback batch', () => {
    const strategy: RolloutStrategy = {
      type: 'rolling',
      step: { unit: 'percent', value: 25 },
      rollbackStep: { unit: 'instances', value: 4 },
      ...common,
    };
    expect(deploymentConfig(strategy, 8)).toEqual({
      RollingUpdatePolicy: {
        MaximumBatchSize: { Type: 'CAPACITY_PERCENT', Value: 25 },
        WaitIntervalInSeconds: 300,
        MaximumExecutionTimeoutInSeconds: 3600,
        RollbackMaximumBatchSize: { Type: 'INSTANCE_COUNT', Value: 4 },
      },
      ...ROLLBACK,
    });
  });

  it.each([
    {
      strategy: { type: 'canary', step: { unit: 'percent', value: 60 }, ...common },
      count: 4,
      message:
        'a canary step of 60% is outside what SageMaker accepts for CanarySize (at most 50% of the instances)',
    },
    {
      strategy: { type: 'canary', step: { unit: 'instances', value: 1 }, ...common },
      count: 1,
      message:
        'a canary step of 1 of 1 instances is outside what SageMaker accepts for CanarySize (at most 50% of the instances)',
    },
    {
      strategy: { type: 'linear', step: { unit: 'percent', value: 5 }, ...common },
      count: 4,
      message:
        'a linear step of 5% is outside what SageMaker accepts for LinearStepSize (10-50% of the instances)',
    },
    {
      strategy: { type: 'rolling', step: { unit: 'instances', value: 1 }, ...common },
      count: 40,
      message:
        'a rolling step of 1 of 40 instances is outside what SageMaker accepts for MaximumBatchSize (5-50% of the instances)',
    },
    {
      strategy: { type: 'linear', step: { unit: 'percent', value: 10 }, ...common, bakeSeconds: 600 },
      count: 10,
      message: 'a linear rollout with a 600 s bake needs 6600 s, more than the 3600 s it is allowed',
    },
  ] as const)(
    'refuses $strategy.type $strategy.step that SageMaker would not accept',
    ({ strategy, count, message }) => {
      expect(refusal(() => deploymentConfig(strategy as RolloutStrategy, count))).toEqual({
        problem: 'unsupported-strategy',
        message,
      });
    },
  );

  it('refuses a canary whose two bakes do not fit the rollout time, and takes one that just fits', () => {
    const fits: RolloutStrategy = {
      type: 'canary',
      step: { unit: 'percent', value: 10 },
      ...common,
      bakeSeconds: 1800,
    };
    expect(() => deploymentConfig(fits, 10)).not.toThrow();
    const strategy: RolloutStrategy = {
      type: 'canary',
      step: { unit: 'percent', value: 10 },
      ...common,
      bakeSeconds: 1801,
    };
    expect(refusal(() => deploymentConfig(strategy, 10))).toEqual({
      problem: 'unsupported-strategy',
      message: 'a canary rollout with a 1801 s bake needs 3602 s, more than the 3600 s it is allowed',
    });
  });
});

describe('names', () => {
  it('derives the same model and endpoint config names from the same deployment id', () => {
    expect(resourceNames('dep-1')).toEqual({ model: 'verdict-dep-1', endpointConfig: 'verdict-dep-1' });
    expect(resourceNames('a'.repeat(55)).model).toHaveLength(63);
  });

  it.each(['', 'dep_1', '-dep', 'a'.repeat(56)])('refuses the deployment id %j', (id) => {
    expect(refusal(() => resourceNames(id)).problem).toBe('invalid-deployment-id');
  });

  it('reads the deployment id back from a config Verdict named, and none from another', () => {
    expect(deploymentIdOf(resourceNames('dep-1').endpointConfig)).toBe('dep-1');
    expect(deploymentIdOf('hand-made-config')).toBeUndefined();
    expect(deploymentIdOf('verdict-')).toBeUndefined();
  });

  it('reads a revision back into endpoint and config', () => {
    expect(parseRevision(revisionOf('credit-scorer-prod', 'verdict-dep-1'))).toEqual({
      endpointName: 'credit-scorer-prod',
      endpointConfigName: 'verdict-dep-1',
    });
    expect(refusal(() => parseRevision('credit-scorer-prod')).problem).toBe('invalid-deployment-id');
  });
});

describe('inputs', () => {
  const tags = deploymentTags('dep-1', request, artifact);

  it('tags with the request tags and the deployment, decision and digest', () => {
    expect(tags).toEqual([
      { Key: 'owner', Value: 'risk-team' },
      { Key: 'cost-centre', Value: 'cc-credit' },
      { Key: 'model', Value: 'credit-scorer' },
      { Key: 'risk-class', Value: 'high' },
      { Key: 'verdict:deployment-id', Value: 'dep-1' },
      { Key: 'verdict:decision-id', Value: 'dec-42' },
      { Key: 'verdict:model-digest', Value: artifact.digest },
    ]);
  });

  it('refuses more than 50 tags once its own are added', () => {
    const many = Object.fromEntries(Array.from({ length: 48 }, (_, i) => [`t${i}`, 'v']));
    expect(refusal(() => deploymentTags('dep-1', { ...request, tags: many }, artifact))).toEqual({
      problem: 'too-many-tags',
      message: "51 tags with Verdict's own 3: SageMaker accepts at most 50",
    });
  });

  it('creates the model from the approved package, isolated and in the configured VPC', () => {
    const vpcConfig = { SecurityGroupIds: ['sg-1'], Subnets: ['subnet-1'] };
    expect(
      createModelInput(names, tags, request, artifact, { executionRoleArn: 'arn:role', vpcConfig }),
    ).toEqual({
      ModelName: 'verdict-dep-1',
      ExecutionRoleArn: 'arn:role',
      Containers: [{ ModelPackageName: ARN }],
      EnableNetworkIsolation: true,
      VpcConfig: vpcConfig,
      Tags: tags,
    });
    const open = createModelInput(names, tags, { ...request, networkIsolation: false }, artifact, {
      executionRoleArn: 'arn:role',
    });
    expect(open.EnableNetworkIsolation).toBe(false);
    expect(open).not.toHaveProperty('VpcConfig');
  });

  it('configures the instances and captures requests and responses when asked', () => {
    const capture = {
      enabled: true,
      captureRequest: true,
      captureResponse: true,
      samplingPercent: 100,
      destination: 's3://capture-bucket/credit',
      retentionDays: 200,
    };
    expect(createEndpointConfigInput(names, tags, { ...request, dataCapture: capture })).toEqual({
      EndpointConfigName: 'verdict-dep-1',
      ProductionVariants: [
        {
          VariantName: 'primary',
          ModelName: 'verdict-dep-1',
          InstanceType: 'ml.m5.xlarge',
          InitialInstanceCount: 2,
          InitialVariantWeight: 1,
        },
      ],
      DataCaptureConfig: {
        EnableCapture: true,
        InitialSamplingPercentage: 100,
        DestinationS3Uri: 's3://capture-bucket/credit',
        CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }],
      },
      Tags: tags,
    });
    expect(createEndpointConfigInput(names, tags, request)).not.toHaveProperty('DataCaptureConfig');
    expect(
      refusal(() =>
        createEndpointConfigInput(names, tags, {
          ...request,
          dataCapture: { ...capture, captureRequest: false, captureResponse: false },
        }),
      ),
    ).toEqual({
      problem: 'invalid-data-capture',
      message: 'data capture is enabled but captures neither requests nor responses',
    });
  });

  it('describes a create and an update in words', () => {
    expect(describeChanges('credit-scorer-prod', null, names, request)).toEqual([
      'create endpoint credit-scorer-prod',
      `model package ${ARN}`,
      'instance type ml.m5.xlarge, 2 instance(s)',
    ]);
    const previous = {
      endpointConfigName: 'verdict-dep-0',
      variants: [
        { variantName: 'primary', modelName: 'verdict-dep-0', instanceType: 'ml.m5.large', instanceCount: 1 },
      ],
    };
    expect(describeChanges('credit-scorer-prod', previous, names, request)).toEqual([
      'endpoint config verdict-dep-0 -> verdict-dep-1',
      `model verdict-dep-0 -> verdict-dep-1 (${ARN})`,
      'instance type ml.m5.large -> ml.m5.xlarge',
      'instance count 1 -> 2',
      'strategy canary, bake 600 s, alarms credit-scorer-5xx',
    ]);
  });
});
