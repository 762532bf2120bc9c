/**
 * The pure translation of a deployment request into SageMaker's inputs: resource names derived from the
 * deployment id (so a redelivered apply finds what it created), CreateModel, CreateEndpointConfig and the
 * `DeploymentConfig` of UpdateEndpoint from the neutral rollout strategy. Nothing here calls AWS.
 */
import type {
  CapacitySize,
  CreateEndpointConfigInput,
  CreateModelInput,
  DataCaptureConfig,
  DeploymentConfig,
  Tag,
  VpcConfig,
} from '@aws-sdk/client-sagemaker';
import {
  type DeploymentRequest,
  MAX_TAGS,
  type RolloutStrategy,
  type StepSize,
} from '../../contracts/deployment-request.ts';
import { DeploymentError } from '../../deployments/errors.ts';
import type { ApprovedArtifact } from '../../ports/deployment-target.ts';

/** The one production variant of a Verdict endpoint; blue/green replaces its fleet. */
export const VARIANT_NAME = 'primary';
const NAME_PREFIX = 'verdict-';
/** SageMaker model and endpoint config names: at most 63 characters of `[a-zA-Z0-9](-*[a-zA-Z0-9])*`. */
const MAX_NAME_LENGTH = 63;
const NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/;

export const DEPLOYMENT_ID_TAG = 'verdict:deployment-id';
export const DECISION_ID_TAG = 'verdict:decision-id';
export const MODEL_DIGEST_TAG = 'verdict:model-digest';

/** What the target is configured with per account and environment, not per request. */
export interface SageMakerDeploymentSettings {
  /** The role SageMaker assumes to pull the model package's image and artifacts. */
  executionRoleArn: string;
  /** The environment's private subnets and security groups the model's containers run in. */
  vpcConfig?: VpcConfig;
}

export interface SageMakerResourceNames {
  model: string;
  endpointConfig: string;
}

/** The model and endpoint config of a deployment: the same for every delivery of the same deployment id. */
export function resourceNames(deploymentId: string): SageMakerResourceNames {
  const name = `${NAME_PREFIX}${deploymentId}`;
  if (name.length > MAX_NAME_LENGTH || !NAME_PATTERN.test(deploymentId)) {
    throw new DeploymentError(
      'invalid-deployment-id',
      `deployment id ${JSON.stringify(deploymentId)} cannot name SageMaker resources: expected letters, digits and inner hyphens, at most ${MAX_NAME_LENGTH - NAME_PREFIX.length} characters`,
    );
  }
  return { model: name, endpointConfig: name };
}

/** The deployment that created an endpoint config Verdict named; undefined for a config named otherwise. */
export function deploymentIdOf(endpointConfigName: string): string | undefined {
  if (!endpointConfigName.startsWith(NAME_PREFIX)) return undefined;
  return endpointConfigName.slice(NAME_PREFIX.length) || undefined;
}

/**
 * The handle of an applied deployment: `<endpoint name>/<endpoint config name>`. Neither name may contain
 * `/`, so the two parts read back unambiguously.
 */
export function revisionOf(endpointName: string, endpointConfigName: string): string {
  return `${endpointName}/${endpointConfigName}`;
}

export function parseRevision(revision: string): { endpointName: string; endpointConfigName: string } {
  const [endpointName, endpointConfigName, ...rest] = revision.split('/');
  if (!endpointName || !endpointConfigName || rest.length > 0) {
    throw new DeploymentError('invalid-deployment-id', `not a SageMaker deployment revision: ${revision}`);
  }
  return { endpointName, endpointConfigName };
}

/** The request's tags plus the three that tie the resource to its ledger entries. */
export function deploymentTags(
  deploymentId: string,
  request: DeploymentRequest,
  artifact: ApprovedArtifact,
): Tag[] {
  const own: Record<string, string> = {
    [DEPLOYMENT_ID_TAG]: deploymentId,
    [DECISION_ID_TAG]: artifact.decisionId,
    [MODEL_DIGEST_TAG]: artifact.digest,
  };
  const merged = { ...request.tags, ...own };
  const count = Object.keys(merged).length;
  if (count > MAX_TAGS) {
    throw new DeploymentError(
      'too-many-tags',
      `${count} tags with Verdict's own ${Object.keys(own).length}: SageMaker accepts at most ${MAX_TAGS}`,
    );
  }
  return Object.entries(merged).map(([Key, Value]) => ({ Key, Value }));
}

/** CreateModel from the approved model package: SageMaker takes image and artifacts from the package. */
export function createModelInput(
  names: SageMakerResourceNames,
  tags: Tag[],
  request: DeploymentRequest,
  artifact: ApprovedArtifact,
  settings: SageMakerDeploymentSettings,
): CreateModelInput {
  return {
    ModelName: names.model,
    ExecutionRoleArn: settings.executionRoleArn,
    Containers: [{ ModelPackageName: artifact.modelPackageArn }],
    EnableNetworkIsolation: request.networkIsolation,
    ...(settings.vpcConfig && { VpcConfig: settings.vpcConfig }),
    Tags: tags,
  };
}

/** Request and response capture as asked; the retention is the capture bucket's lifecycle, not SageMaker's. */
export function dataCaptureConfig(request: DeploymentRequest): DataCaptureConfig | undefined {
  const capture = request.dataCapture;
  if (!capture?.enabled) return undefined;
  const modes = [
    ...(capture.captureRequest ? [{ CaptureMode: 'Input' as const }] : []),
    ...(capture.captureResponse ? [{ CaptureMode: 'Output' as const }] : []),
  ];
  if (modes.length === 0) {
    throw new DeploymentError(
      'invalid-data-capture',
      'data capture is enabled but captures neither requests nor responses',
    );
  }
  return {
    EnableCapture: true,
    InitialSamplingPercentage: capture.samplingPercent,
    DestinationS3Uri: capture.destination,
    CaptureOptions: modes,
  };
}

export function createEndpointConfigInput(
  names: SageMakerResourceNames,
  tags: Tag[],
  request: DeploymentRequest,
): CreateEndpointConfigInput {
  const compute = sagemakerCompute(request);
  const capture = dataCaptureConfig(request);
  return {
    EndpointConfigName: names.endpointConfig,
    ProductionVariants: [
      {
        VariantName: VARIANT_NAME,
        ModelName: names.model,
        InstanceType: compute.instanceType as NonNullable<
          CreateEndpointConfigInput['ProductionVariants']
        >[number]['InstanceType'],
        InitialInstanceCount: compute.instanceCount,
        InitialVariantWeight: 1,
      },
    ],
    ...(capture && { DataCaptureConfig: capture }),
    Tags: tags,
  };
}

export function sagemakerCompute(
  request: DeploymentRequest,
): Extract<DeploymentRequest['compute'], { kind: 'sagemaker-instances' }> {
  if (request.target.kind !== 'sagemaker' || request.compute.kind !== 'sagemaker-instances') {
    throw new DeploymentError(
      'wrong-target',
      `the SageMaker target does not run ${request.target.kind} requests`,
    );
  }
  return request.compute;
}

/** What SageMaker's documentation allows a step to be, as a share of the variant's instances. */
const STEP_BOUNDS: Record<
  Exclude<RolloutStrategy['type'], 'all-at-once'>,
  { min: number; max: number; member: string }
> = {
  canary: { min: 0, max: 50, member: 'CanarySize' },
  linear: { min: 10, max: 50, member: 'LinearStepSize' },
  rolling: { min: 5, max: 50, member: 'MaximumBatchSize' },
};

function capacitySize(step: StepSize): CapacitySize {
  return step.unit === 'instances'
    ? { Type: 'INSTANCE_COUNT', Value: step.value }
    : { Type: 'CAPACITY_PERCENT', Value: step.value };
}

function sharePercent(step: StepSize, instanceCount: number): number {
  return step.unit === 'percent' ? step.value : (step.value * 100) / instanceCount;
}

function checkStep(type: keyof typeof STEP_BOUNDS, step: StepSize, instanceCount: number): void {
  const { min, max, member } = STEP_BOUNDS[type];
  const share = sharePercent(step, instanceCount);
  if (share > max || share < min) {
    const size = step.unit === 'percent' ? `${step.value}%` : `${step.value} of ${instanceCount} instances`;
    const range = min === 0 ? `at most ${max}%` : `${min}-${max}%`;
    throw new DeploymentError(
      'unsupported-strategy',
      `a ${type} step of ${size} is outside what SageMaker accepts for ${member} (${range} of the instances)`,
    );
  }
}

/** How many bakes a rollout waits through: one per traffic step, plus the old fleet's termination wait. */
function bakesNeeded(strategy: RolloutStrategy, instanceCount: number): number {
  switch (strategy.type) {
    case 'all-at-once':
    case 'canary':
      return 2;
    case 'linear':
      return stepsOf(strategy.step, instanceCount) + 1;
    case 'rolling':
      return stepsOf(strategy.step, instanceCount);
  }
}

function stepsOf(step: StepSize, instanceCount: number): number {
  return step.unit === 'percent' ? Math.ceil(100 / step.value) : Math.ceil(instanceCount / step.value);
}

/**
 * UpdateEndpoint's `DeploymentConfig` for a strategy. Canary, linear and all-at-once are blue/green: the
 * bake is the wait between traffic steps, and the old fleet is kept for one more bake after the last shift
 * (`TerminationWaitInSeconds`) so that an alarm can still roll back to it. Rolling replaces capacity in
 * batches. The request's alarms roll back any of them.
 */
export function deploymentConfig(strategy: RolloutStrategy, instanceCount: number): DeploymentConfig {
  if (strategy.type !== 'all-at-once') checkStep(strategy.type, strategy.step, instanceCount);
  const needed = bakesNeeded(strategy, instanceCount) * strategy.bakeSeconds;
  if (needed > strategy.maxDurationSeconds) {
    throw new DeploymentError(
      'unsupported-strategy',
      `a ${strategy.type} rollout with a ${strategy.bakeSeconds} s bake needs ${needed} s, more than the ${strategy.maxDurationSeconds} s it is allowed`,
    );
  }
  const rollback =
    strategy.alarms.length > 0
      ? { AutoRollbackConfiguration: { Alarms: strategy.alarms.map((AlarmName) => ({ AlarmName })) } }
      : {};
  if (strategy.type === 'rolling') {
    return {
      RollingUpdatePolicy: {
        MaximumBatchSize: capacitySize(strategy.step),
        WaitIntervalInSeconds: strategy.bakeSeconds,
        MaximumExecutionTimeoutInSeconds: strategy.maxDurationSeconds,
        ...(strategy.rollbackStep && { RollbackMaximumBatchSize: capacitySize(strategy.rollbackStep) }),
      },
      ...rollback,
    };
  }
  const routing =
    strategy.type === 'canary'
      ? { Type: 'CANARY' as const, CanarySize: capacitySize(strategy.step) }
      : strategy.type === 'linear'
        ? { Type: 'LINEAR' as const, LinearStepSize: capacitySize(strategy.step) }
        : { Type: 'ALL_AT_ONCE' as const };
  return {
    BlueGreenUpdatePolicy: {
      TrafficRoutingConfiguration: { ...routing, WaitIntervalInSeconds: strategy.bakeSeconds },
      TerminationWaitInSeconds: strategy.bakeSeconds,
      MaximumExecutionTimeoutInSeconds: strategy.maxDurationSeconds,
    },
    ...rollback,
  };
}

/** The running endpoint config, recorded by plan so that a rollback can go back to it. */
export interface SageMakerPreviousSpec {
  endpointConfigName: string;
  variants: { variantName: string; modelName: string; instanceType?: string; instanceCount?: number }[];
}

/** Human-readable changes from the running config (none for a create) to the requested one. */
export function describeChanges(
  endpointName: string,
  previous: SageMakerPreviousSpec | null,
  names: SageMakerResourceNames,
  request: DeploymentRequest,
): string[] {
  const compute = sagemakerCompute(request);
  const strategy = `strategy ${request.strategy.type}, bake ${request.strategy.bakeSeconds} s, alarms ${request.strategy.alarms.join(', ') || 'none'}`;
  if (previous === null) {
    return [
      `create endpoint ${endpointName}`,
      `model package ${request.modelPackageArn}`,
      `instance type ${compute.instanceType}, ${compute.instanceCount} instance(s)`,
    ];
  }
  const before = previous.variants[0];
  const changes = [`endpoint config ${previous.endpointConfigName} -> ${names.endpointConfig}`];
  changes.push(`model ${before?.modelName ?? 'none'} -> ${names.model} (${request.modelPackageArn})`);
  if (before?.instanceType !== compute.instanceType) {
    changes.push(`instance type ${before?.instanceType ?? 'none'} -> ${compute.instanceType}`);
  }
  if (before?.instanceCount !== compute.instanceCount) {
    changes.push(`instance count ${before?.instanceCount ?? 0} -> ${compute.instanceCount}`);
  }
  changes.push(strategy);
  return changes;
}
