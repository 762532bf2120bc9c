/** `verdict deploy`'s flags spelled as a deployment request, and the exact usage errors. */
import { describe, expect, it } from 'vitest';
import { deploymentRequestSchema } from '../../../../functions/contracts/deployment-request.ts';
import {
  type DeployFlags,
  deploymentRequestFrom,
} from '../../../../functions/local/cli/deploy-request-options.ts';
import { UsageError } from '../../../../functions/local/cli/exit-codes.ts';
import { ARN, eksRequest, sagemakerRequest } from '../../../support/deployment-requests.ts';

const minimal: DeployFlags = { modelPackage: ARN, target: 'sagemaker:credit-scorer-prod', env: 'prod' };

function usage(flags: DeployFlags): string {
  try {
    deploymentRequestFrom(flags);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as UsageError).message;
  }
  throw new Error('expected a usage error');
}

describe('deploymentRequestFrom', () => {
  it('fills a SageMaker request with the defaults: a 10% canary baking 10 minutes on one ml.m5.xlarge', () => {
    const request = deploymentRequestFrom(minimal);
    expect(request).toEqual({
      modelPackageArn: ARN,
      target: { kind: 'sagemaker', endpointName: 'credit-scorer-prod' },
      environment: 'prod',
      region: 'eu-west-1',
      strategy: {
        type: 'canary',
        step: { unit: 'percent', value: 10 },
        bakeSeconds: 600,
        maxDurationSeconds: 3600,
        alarms: [],
      },
      compute: {
        kind: 'sagemaker-instances',
        instanceType: 'ml.m5.xlarge',
        instanceCount: 1,
        maxInstanceCount: 1,
      },
      tags: {},
    });
  });

  it('takes the region of the stack it is sent to (--stack) unless --region or the file names one', () => {
    expect(deploymentRequestFrom(minimal, { defaultRegion: 'eu-north-1' }).region).toBe('eu-north-1');
    expect(
      deploymentRequestFrom({ ...minimal, region: 'eu-central-1' }, { defaultRegion: 'eu-north-1' }).region,
    ).toBe('eu-central-1');
    expect(
      deploymentRequestFrom(
        { ...minimal, request: { region: 'eu-south-1' } },
        { defaultRegion: 'eu-north-1' },
      ).region,
    ).toBe('eu-south-1');
  });

  it('spells every flag', () => {
    const request = deploymentRequestFrom({
      ...minimal,
      region: 'eu-central-1',
      strategy: 'linear',
      step: '20%',
      bake: '300',
      maxDuration: '1800',
      alarm: ['p99-latency', '5xx'],
      instanceType: 'ml.g5.xlarge',
      instanceCount: '2',
      maxInstanceCount: '6',
      tag: ['owner=risk-team', 'note=a=b', 'empty='],
      networkIsolation: true,
      capture: 's3://capture/credit-scorer/',
      captureRetentionDays: '30',
      humanOversight: 's3://evidence/oversight.pdf',
    });
    expect(request).toEqual({
      modelPackageArn: ARN,
      target: { kind: 'sagemaker', endpointName: 'credit-scorer-prod' },
      environment: 'prod',
      region: 'eu-central-1',
      strategy: {
        type: 'linear',
        step: { unit: 'percent', value: 20 },
        bakeSeconds: 300,
        maxDurationSeconds: 1800,
        alarms: ['p99-latency', '5xx'],
      },
      compute: {
        kind: 'sagemaker-instances',
        instanceType: 'ml.g5.xlarge',
        instanceCount: 2,
        maxInstanceCount: 6,
      },
      tags: { owner: 'risk-team', note: 'a=b', empty: '' },
      networkIsolation: true,
      dataCapture: {
        enabled: true,
        captureRequest: true,
        captureResponse: true,
        samplingPercent: 100,
        destination: 's3://capture/credit-scorer/',
        retentionDays: 30,
      },
      humanOversightEvidence: 's3://evidence/oversight.pdf',
    });
  });

  it('reads a step as a share with % and as a number of instances without', () => {
    expect(deploymentRequestFrom({ ...minimal, step: '10%' }).strategy).toMatchObject({
      step: { unit: 'percent', value: 10 },
    });
    expect(deploymentRequestFrom({ ...minimal, step: '2' }).strategy).toMatchObject({
      step: { unit: 'instances', value: 2 },
    });
  });

  it('defaults the step per strategy, and gives all-at-once none', () => {
    const step = (strategy: string) => deploymentRequestFrom({ ...minimal, strategy }).strategy;
    expect(step('linear')).toMatchObject({ step: { unit: 'percent', value: 25 } });
    expect(step('rolling')).toMatchObject({ step: { unit: 'instances', value: 1 } });
    expect(step('all-at-once')).toEqual({
      type: 'all-at-once',
      bakeSeconds: 600,
      maxDurationSeconds: 3600,
      alarms: [],
    });
  });

  it('keeps the capture retention at 184 days unless told otherwise', () => {
    expect(deploymentRequestFrom({ ...minimal, capture: 's3://c/' }).dataCapture?.retentionDays).toBe(184);
  });

  it('spells an EKS target with its GPUs and nodes', () => {
    const request = deploymentRequestFrom({
      ...minimal,
      target: 'eks:ml-prod/serving/credit-scorer',
      strategy: 'rolling',
      gpuType: 'nvidia-l4',
      nodeType: 'g6.xlarge',
      gpus: '2',
      replicas: '3',
    });
    expect(request.target).toEqual({
      kind: 'eks',
      cluster: 'ml-prod',
      namespace: 'serving',
      name: 'credit-scorer',
    });
    expect(request.compute).toEqual({
      kind: 'gpu-replicas',
      gpuType: 'nvidia-l4',
      gpuCount: 2,
      nodeInstanceType: 'g6.xlarge',
      replicas: 3,
      maxReplicas: 3,
    });
  });

  it('builds requests the request contract accepts', () => {
    expect(deploymentRequestSchema.safeParse(deploymentRequestFrom(minimal)).success).toBe(true);
  });

  it('takes the whole request from --request, each flag given overriding the file’s value', () => {
    expect(deploymentRequestFrom({ request: sagemakerRequest })).toEqual({ ...sagemakerRequest });
    const overridden = deploymentRequestFrom({
      request: sagemakerRequest,
      env: 'staging',
      bake: '120',
      instanceCount: '3',
      tag: ['owner=platform', 'ticket=OPS-1'],
    });
    expect(overridden).toEqual({
      ...sagemakerRequest,
      environment: 'staging',
      strategy: { ...sagemakerRequest.strategy, bakeSeconds: 120 },
      compute: { ...sagemakerRequest.compute, instanceCount: 3 },
      tags: { ...(sagemakerRequest.tags as Record<string, string>), owner: 'platform', ticket: 'OPS-1' },
    });
  });

  it('keeps an EKS file’s compute when the flags name none', () => {
    expect(deploymentRequestFrom({ request: eksRequest }).compute).toEqual(eksRequest.compute);
  });

  it.each<[string, DeployFlags, string]>([
    [
      'no target',
      { modelPackage: ARN, env: 'prod' },
      '--target is required (sagemaker:ENDPOINT or eks:CLUSTER/NAMESPACE/NAME)',
    ],
    [
      'a target of no known kind',
      { ...minimal, target: 'lambda:scorer' },
      '--target lambda:scorer: expected sagemaker:ENDPOINT or eks:CLUSTER/NAMESPACE/NAME',
    ],
    [
      'an eks target short of a part',
      { ...minimal, target: 'eks:ml-prod/serving' },
      '--target eks:ml-prod/serving: expected sagemaker:ENDPOINT or eks:CLUSTER/NAMESPACE/NAME',
    ],
    ['no model package', { target: minimal.target, env: 'prod' }, '--model-package is required'],
    [
      'no environment',
      { modelPackage: ARN, target: minimal.target },
      '--env is required (dev, staging or prod)',
    ],
    [
      'an unknown strategy',
      { ...minimal, strategy: 'blue-green' },
      '--strategy blue-green: expected all-at-once, canary, linear or rolling',
    ],
    [
      'a step that is neither a share nor a count',
      { ...minimal, step: 'ten' },
      '--step ten: expected a share (10%) or a number of instances (1)',
    ],
    [
      'a fractional share',
      { ...minimal, step: '2.5%' },
      '--step 2.5%: expected a share (10%) or a number of instances (1)',
    ],
    ['a bake that is not a whole number', { ...minimal, bake: '10m' }, '--bake 10m: expected a whole number'],
    [
      'a negative max duration',
      { ...minimal, maxDuration: '-1' },
      '--max-duration -1: expected a whole number',
    ],
    [
      'a huge instance count',
      { ...minimal, instanceCount: '1234567890' },
      '--instance-count 1234567890: expected a whole number',
    ],
    [
      'a capture retention that is not a number',
      { ...minimal, capture: 's3://c/', captureRetentionDays: 'forever' },
      '--capture-retention-days forever: expected a whole number',
    ],
    [
      'an eks target without a GPU type',
      { ...minimal, target: 'eks:a/b/c', nodeType: 'g6.xlarge' },
      'an eks target needs --gpu-type (e.g. nvidia-l4) and --node-type (e.g. g6.xlarge)',
    ],
    [
      'an eks target without a node type',
      { ...minimal, target: 'eks:a/b/c', gpuType: 'nvidia-l4' },
      'an eks target needs --gpu-type (e.g. nvidia-l4) and --node-type (e.g. g6.xlarge)',
    ],
    ['a tag without a value', { ...minimal, tag: ['owner'] }, '--tag owner: expected KEY=VALUE'],
    ['a tag without a key', { ...minimal, tag: ['=risk-team'] }, '--tag =risk-team: expected KEY=VALUE'],
    [
      'a __proto__ tag',
      { ...minimal, tag: ['__proto__=polluted'] },
      '--tag __proto__=polluted: __proto__ is not a tag key',
    ],
  ])('refuses %s', (_case, flags, message) => {
    expect(usage(flags)).toBe(message);
  });

  it('leaves Object.prototype alone when refusing a __proto__ tag', () => {
    usage({ ...minimal, tag: ['__proto__=polluted'] });
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
