/**
 * A request to run one approved model version on one target: a SageMaker real-time endpoint or a GPU
 * workload on an EKS cluster. The deployment gate decides on it; the targets carry it out. One neutral
 * rollout strategy serves both targets; its bounds are those SageMaker's `DeploymentConfig` accepts, so a
 * strategy that passes here is one the SageMaker target can express.
 */
import { z } from 'zod';
import { ENVIRONMENTS } from './environment.ts';

/** `BlueGreenUpdatePolicy.TrafficRoutingConfiguration.WaitIntervalInSeconds` and `TerminationWaitInSeconds`. */
export const MAX_BAKE_SECONDS = 3600;
/** `MaximumExecutionTimeoutInSeconds` of both update policies. */
export const MIN_ROLLOUT_SECONDS = 600;
export const MAX_ROLLOUT_SECONDS = 28800;
/** `AutoRollbackConfiguration.Alarms`: at most 10 alarms, names of 1-255 characters. */
export const MAX_ROLLBACK_ALARMS = 10;
/** AWS resource tags: at most 50 per resource, keys of 1-128 and values of 0-256 characters. */
export const MAX_TAGS = 50;
/** Above any instance or replica count a deployment can ask for; the policy caps it far lower. */
const MAX_COUNT = 1000;

export const modelPackageArnSchema = z
  .string()
  .max(2048)
  .regex(/^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:model-package\/[A-Za-z0-9-]{1,63}\/\d{1,10}$/, {
    message: 'expected a versioned SageMaker model-package ARN',
  });

/** A Kubernetes object name (RFC 1123 label) for a namespace, or (DNS subdomain) for a workload. */
const dnsLabel = z
  .string()
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: 'expected a lower-case RFC 1123 label' });

export const deploymentTargetSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('sagemaker'),
    /** SageMaker `EndpointName`. */
    endpointName: z
      .string()
      .max(63)
      .regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/, { message: 'expected a SageMaker endpoint name' }),
  }),
  z.strictObject({
    kind: z.literal('eks'),
    /** EKS cluster name. */
    cluster: z
      .string()
      .max(100)
      .regex(/^[0-9A-Za-z][A-Za-z0-9\-_]*$/, { message: 'expected an EKS cluster name' }),
    namespace: dnsLabel,
    /** The Deployment (or InferenceService) name. */
    name: dnsLabel,
  }),
]);
export type DeploymentTarget = z.infer<typeof deploymentTargetSchema>;

/** `sagemaker:credit-scorer-prod` or `eks:ml-prod/serving/credit-scorer`: how actions and listings name a target. */
export function deploymentTargetName(target: DeploymentTarget): string {
  return target.kind === 'sagemaker'
    ? `sagemaker:${target.endpointName}`
    : `eks:${target.cluster}/${target.namespace}/${target.name}`;
}

/** A step of a canary, linear or rolling rollout: a number of instances (replicas) or a share of capacity. */
export const stepSizeSchema = z.discriminatedUnion('unit', [
  z.strictObject({ unit: z.literal('instances'), value: z.number().int().min(1).max(MAX_COUNT) }),
  z.strictObject({ unit: z.literal('percent'), value: z.number().int().min(1).max(100) }),
]);
export type StepSize = z.infer<typeof stepSizeSchema>;

const alarmName = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[^\p{Cc}]+$/u, { message: 'expected an alarm name without control characters' });

const rolloutCommon = {
  /** Seconds between steps (the bake), during which an alarm rolls the deployment back. */
  bakeSeconds: z.number().int().min(0).max(MAX_BAKE_SECONDS),
  /** CloudWatch alarms whose ALARM state rolls the deployment back. */
  alarms: z.array(alarmName).max(MAX_ROLLBACK_ALARMS).default([]),
  /** The whole rollout must finish within this; past it, it is rolled back. */
  maxDurationSeconds: z.number().int().min(MIN_ROLLOUT_SECONDS).max(MAX_ROLLOUT_SECONDS),
};

export const ROLLOUT_STRATEGIES = ['all-at-once', 'canary', 'linear', 'rolling'] as const;

export const rolloutStrategySchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('all-at-once'), ...rolloutCommon }),
  /** One step of `step` first, bake, then the rest. */
  z.strictObject({ type: z.literal('canary'), step: stepSizeSchema, ...rolloutCommon }),
  /** Equal steps of `step`, baking after each. */
  z.strictObject({ type: z.literal('linear'), step: stepSizeSchema, ...rolloutCommon }),
  /** Replaces capacity in batches of `step`; a rollback restores `rollbackStep` at a time (default all). */
  z.strictObject({
    type: z.literal('rolling'),
    step: stepSizeSchema,
    rollbackStep: stepSizeSchema.optional(),
    ...rolloutCommon,
  }),
]);
export type RolloutStrategy = z.infer<typeof rolloutStrategySchema>;
export type RolloutStrategyType = (typeof ROLLOUT_STRATEGIES)[number];

export const computeSchema = z.discriminatedUnion('kind', [
  /** SageMaker instances behind an endpoint, scaled between `instanceCount` and `maxInstanceCount`. */
  z.strictObject({
    kind: z.literal('sagemaker-instances'),
    instanceType: z
      .string()
      .max(64)
      .regex(/^ml\.[a-z0-9-]+\.[a-z0-9]+$/, {
        message: 'expected a SageMaker instance type like ml.g5.xlarge',
      }),
    instanceCount: z.number().int().min(1).max(MAX_COUNT),
    maxInstanceCount: z.number().int().min(1).max(MAX_COUNT),
  }),
  /** Replicas of a GPU workload, each on its own node of `nodeInstanceType`. */
  z.strictObject({
    kind: z.literal('gpu-replicas'),
    /** e.g. `nvidia-l4`, `nvidia-a10g`, `nvidia-a100`. */
    gpuType: z
      .string()
      .max(64)
      .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, { message: 'expected a GPU type like nvidia-l4' }),
    /** `nvidia.com/gpu` limit of each replica. */
    gpuCount: z.number().int().min(1).max(64),
    /** The EC2 instance type of the GPU node pool, e.g. `g6.xlarge`: what the cost is estimated from. */
    nodeInstanceType: z
      .string()
      .max(64)
      .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { message: 'expected an EC2 instance type like g6.xlarge' }),
    replicas: z.number().int().min(1).max(MAX_COUNT),
    maxReplicas: z.number().int().min(1).max(MAX_COUNT),
  }),
]);
export type Compute = z.infer<typeof computeSchema>;

/** Request/response capture (SageMaker `DataCaptureConfig`, or the workload's inference log). */
export const dataCaptureSchema = z.strictObject({
  enabled: z.boolean(),
  captureRequest: z.boolean(),
  captureResponse: z.boolean(),
  samplingPercent: z.number().int().min(0).max(100),
  destination: z
    .string()
    .max(1024)
    .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/, { message: 'expected an s3:// URI' }),
  /** How long the captured records are kept, in days (Art. 26(6): at least six months). */
  retentionDays: z.number().int().min(0).max(36500),
});
export type DataCapture = z.infer<typeof dataCaptureSchema>;

const tagKey = z
  .string()
  .min(1)
  .max(128)
  .regex(/^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u, { message: 'expected an AWS tag key (not aws:)' });
const tagValue = z
  .string()
  .max(256)
  .regex(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u, { message: 'expected an AWS tag value' });

/**
 * zod drops a `__proto__` key from a record without a word; a request that carries one is refused instead,
 * so that a tag never disappears silently.
 */
const tagsSchema = z.preprocess(
  (raw, ctx) => {
    if (typeof raw === 'object' && raw !== null && Object.hasOwn(raw, '__proto__')) {
      ctx.addIssue({ code: 'custom', path: ['__proto__'], message: 'expected an AWS tag key', input: raw });
    }
    return raw;
  },
  z
    .record(tagKey, tagValue)
    .refine((tags) => Object.keys(tags).length <= MAX_TAGS, { message: `at most ${MAX_TAGS} tags` }),
);

export const deploymentRequestSchema = z
  .strictObject({
    modelPackageArn: modelPackageArnSchema,
    target: deploymentTargetSchema,
    environment: z.enum(ENVIRONMENTS),
    /** The AWS region the target runs in (data residency). */
    region: z
      .string()
      .max(32)
      .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, { message: 'expected an AWS region like eu-west-1' }),
    strategy: rolloutStrategySchema,
    compute: computeSchema,
    tags: tagsSchema.default({}),
    /** SageMaker `EnableNetworkIsolation`; on EKS, a NetworkPolicy that denies egress. */
    networkIsolation: z.boolean().default(false),
    dataCapture: dataCaptureSchema.optional(),
    /** Where the assigned human oversight is documented (Art. 26(2)), when the approval does not name it. */
    humanOversightEvidence: z
      .string()
      .max(1024)
      .regex(/^s3:\/\/.+/, { message: 'expected an s3:// URI' })
      .optional(),
  })
  .superRefine((request, ctx) => {
    const { target, compute } = request;
    if (target.kind === 'sagemaker' && compute.kind !== 'sagemaker-instances') {
      ctx.addIssue({
        code: 'custom',
        path: ['compute', 'kind'],
        message: 'a sagemaker target runs on sagemaker-instances',
      });
    }
    if (target.kind === 'eks' && compute.kind !== 'gpu-replicas') {
      ctx.addIssue({ code: 'custom', path: ['compute', 'kind'], message: 'an eks target runs gpu-replicas' });
    }
    if (compute.kind === 'sagemaker-instances' && compute.maxInstanceCount < compute.instanceCount) {
      ctx.addIssue({
        code: 'custom',
        path: ['compute', 'maxInstanceCount'],
        message: 'must be at least instanceCount',
      });
    }
    if (compute.kind === 'gpu-replicas' && compute.maxReplicas < compute.replicas) {
      ctx.addIssue({
        code: 'custom',
        path: ['compute', 'maxReplicas'],
        message: 'must be at least replicas',
      });
    }
    const { strategy } = request;
    if (
      strategy.type !== 'all-at-once' &&
      strategy.step.unit === 'instances' &&
      strategy.step.value >
        (compute.kind === 'sagemaker-instances' ? compute.instanceCount : compute.replicas)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['strategy', 'step', 'value'],
        message: 'a step cannot exceed the instances (replicas) deployed',
      });
    }
  });
export type DeploymentRequest = z.infer<typeof deploymentRequestSchema>;
export type DeploymentRequestInput = z.input<typeof deploymentRequestSchema>;
