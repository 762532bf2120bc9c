/**
 * The deployment request contract: a valid request for each target, and the exact path of each problem in
 * a bad one, including hostile input (prototype keys, huge numbers, negative GPU counts).
 */
import { describe, expect, it } from 'vitest';
import { deploymentRequestSchema } from '../../../functions/contracts/deployment-request.ts';
import { ARN, eksRequest, sagemakerRequest } from '../../support/deployment-requests.ts';

function paths(value: unknown): string[] {
  const result = deploymentRequestSchema.safeParse(value);
  expect(result.success).toBe(false);
  return [...new Set(result.error?.issues.map((i) => i.path.join('.')))];
}

function messages(value: unknown): string[] {
  const result = deploymentRequestSchema.safeParse(value);
  return result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
}

describe('the deployment request', () => {
  it('accepts a SageMaker canary and an EKS rolling update, with defaults filled in', () => {
    expect(deploymentRequestSchema.parse(sagemakerRequest).strategy.alarms).toEqual(['credit-scorer-5xx']);
    const eks = deploymentRequestSchema.parse(eksRequest);
    expect(eks.strategy.alarms).toEqual([]);
    expect(
      deploymentRequestSchema.parse({ ...sagemakerRequest, tags: undefined, networkIsolation: undefined }),
    ).toMatchObject({
      tags: {},
      networkIsolation: false,
    });
  });

  it('refuses a model package ARN without a version, and an unknown environment', () => {
    expect(
      messages({
        ...sagemakerRequest,
        modelPackageArn: 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/credit-scorer',
        environment: 'qa',
      }),
    ).toEqual([
      'modelPackageArn: expected a versioned SageMaker model-package ARN',
      'environment: Invalid option: expected one of "dev"|"staging"|"prod"',
    ]);
  });

  it('refuses an unknown strategy type and an unknown field', () => {
    expect(
      paths({ ...sagemakerRequest, strategy: { ...sagemakerRequest.strategy, type: 'big-bang' } }),
    ).toEqual(['strategy.type']);
    expect(messages({ ...sagemakerRequest, replicas: 3 })).toEqual([': Unrecognized key: "replicas"']);
  });

  it.each([
    ['bake over an hour', { bakeSeconds: 3601 }, 'strategy.bakeSeconds'],
    ['negative bake', { bakeSeconds: -1 }, 'strategy.bakeSeconds'],
    ['rollout under ten minutes', { maxDurationSeconds: 599 }, 'strategy.maxDurationSeconds'],
    ['rollout over eight hours', { maxDurationSeconds: 28801 }, 'strategy.maxDurationSeconds'],
    ['eleven alarms', { alarms: Array.from({ length: 11 }, (_, i) => `a${i}`) }, 'strategy.alarms'],
    ['a step of 101 percent', { step: { unit: 'percent', value: 101 } }, 'strategy.step.value'],
    ['a step of 0 instances', { step: { unit: 'instances', value: 0 } }, 'strategy.step.value'],
    ['a step larger than the fleet', { step: { unit: 'instances', value: 3 } }, 'strategy.step.value'],
  ])('refuses %s, where SageMaker would', (_, change, path) => {
    expect(paths({ ...sagemakerRequest, strategy: { ...sagemakerRequest.strategy, ...change } })).toEqual([
      path,
    ]);
  });

  it('accepts the bounds SageMaker accepts', () => {
    const strategy = { ...sagemakerRequest.strategy, bakeSeconds: 3600, maxDurationSeconds: 28800 };
    expect(deploymentRequestSchema.safeParse({ ...sagemakerRequest, strategy }).success).toBe(true);
    const shortest = { ...sagemakerRequest.strategy, bakeSeconds: 0, maxDurationSeconds: 600 };
    expect(deploymentRequestSchema.safeParse({ ...sagemakerRequest, strategy: shortest }).success).toBe(true);
  });

  it('refuses negative, fractional and huge GPU counts', () => {
    const gpus = (gpuCount: number) => ({ ...eksRequest, compute: { ...eksRequest.compute, gpuCount } });
    expect(messages(gpus(-1))).toEqual(['compute.gpuCount: Too small: expected number to be >=1']);
    expect(paths(gpus(0.5))).toEqual(['compute.gpuCount']);
    expect(paths(gpus(1e308))).toEqual(['compute.gpuCount']);
    expect(paths(gpus(Number.POSITIVE_INFINITY))).toEqual(['compute.gpuCount']);
  });

  it('refuses an autoscaling maximum below the count and huge counts', () => {
    const compute = { ...sagemakerRequest.compute, maxInstanceCount: 1 };
    expect(messages({ ...sagemakerRequest, compute })).toEqual([
      'compute.maxInstanceCount: must be at least instanceCount',
    ]);
    const huge = { ...sagemakerRequest.compute, maxInstanceCount: 2 ** 53 };
    expect(paths({ ...sagemakerRequest, compute: huge })).toEqual(['compute.maxInstanceCount']);
  });

  it('refuses compute that does not fit the target', () => {
    expect(
      messages({ ...sagemakerRequest, compute: eksRequest.compute, strategy: eksRequest.strategy }),
    ).toEqual(['compute.kind: a sagemaker target runs on sagemaker-instances']);
    expect(messages({ ...eksRequest, compute: sagemakerRequest.compute })).toEqual([
      'compute.kind: an eks target runs gpu-replicas',
    ]);
  });

  it('refuses bad target names', () => {
    expect(
      paths({
        ...eksRequest,
        target: { kind: 'eks', cluster: 'ml-prod', namespace: 'Serving', name: '../x' },
      }),
    ).toEqual(['target.namespace', 'target.name']);
    expect(paths({ ...sagemakerRequest, target: { kind: 'lambda', functionName: 'x' } })).toEqual([
      'target.kind',
    ]);
  });

  it('refuses reserved and oversized tag keys, and keeps __proto__ as plain data', () => {
    expect(paths({ ...sagemakerRequest, tags: { 'aws:createdBy': 'me' } })).toEqual(['tags.aws:createdBy']);
    expect(paths({ ...sagemakerRequest, tags: { ['k'.repeat(129)]: 'v' } })).toEqual([
      `tags.${'k'.repeat(129)}`,
    ]);
    const hostile = JSON.parse(
      `{"modelPackageArn": "${ARN}", "target": {"kind": "sagemaker", "endpointName": "e"}, "environment": "dev",
        "region": "eu-west-1", "strategy": {"type": "all-at-once", "bakeSeconds": 0, "maxDurationSeconds": 600},
        "compute": {"kind": "sagemaker-instances", "instanceType": "ml.m5.large", "instanceCount": 1, "maxInstanceCount": 1},
        "tags": {"__proto__": {"polluted": "yes"}}}`,
    );
    expect(paths(hostile)).toEqual(['tags.__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a region that is not an AWS region name', () => {
    expect(paths({ ...sagemakerRequest, region: 'europe' })).toEqual(['region']);
  });

  it('refuses data capture without an s3:// destination or with a sampling over 100 %', () => {
    const capture = {
      enabled: true,
      captureRequest: true,
      captureResponse: true,
      samplingPercent: 101,
      destination: 'https://example.com/logs',
      retentionDays: 200,
    };
    expect(paths({ ...sagemakerRequest, dataCapture: capture })).toEqual([
      'dataCapture.samplingPercent',
      'dataCapture.destination',
    ]);
  });
});
