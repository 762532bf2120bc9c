/**
 * `verdict deploy`'s flags as a deployment request: either the whole request from `--request FILE` (what
 * `POST /deployments` takes), or one built from the flags. Either way the request contract checks it; the
 * flags only spell it. A flag given with `--request` overrides the file's value.
 */
import type { DeploymentRequestInput } from '../../contracts/deployment-request.ts';
import { UsageError } from './exit-codes.ts';

export interface DeployFlags {
  request?: unknown;
  modelPackage?: string;
  target?: string;
  env?: string;
  region?: string;
  strategy?: string;
  step?: string;
  bake?: string;
  maxDuration?: string;
  alarm?: string[];
  instanceType?: string;
  instanceCount?: string;
  maxInstanceCount?: string;
  gpus?: string;
  gpuType?: string;
  nodeType?: string;
  replicas?: string;
  maxReplicas?: string;
  tag?: string[];
  networkIsolation?: boolean;
  capture?: string;
  captureRetentionDays?: string;
  humanOversight?: string;
}

const DEFAULT_REGION = 'eu-west-1';

/** `defaultRegion`: the request's region when neither `--region` nor the file names one (eu-west-1). */
export function deploymentRequestFrom(
  flags: DeployFlags,
  { defaultRegion = DEFAULT_REGION }: { defaultRegion?: string } = {},
): DeploymentRequestInput {
  const base = (flags.request ?? {}) as Partial<DeploymentRequestInput>;
  const target = flags.target === undefined ? base.target : parseTarget(flags.target);
  if (!target)
    throw new UsageError('--target is required (sagemaker:ENDPOINT or eks:CLUSTER/NAMESPACE/NAME)');
  const modelPackageArn = flags.modelPackage ?? base.modelPackageArn;
  if (!modelPackageArn) throw new UsageError('--model-package is required');
  const environment = (flags.env ?? base.environment) as DeploymentRequestInput['environment'] | undefined;
  if (!environment) throw new UsageError('--env is required (dev, staging or prod)');
  const request: DeploymentRequestInput = {
    ...base,
    modelPackageArn,
    target,
    environment,
    region: flags.region ?? base.region ?? defaultRegion,
    strategy: strategyFrom(flags, base.strategy),
    compute: computeFrom(flags, target.kind, base.compute),
    tags: { ...(base.tags ?? {}), ...tagsFrom(flags.tag ?? []) },
  };
  if (flags.networkIsolation !== undefined) request.networkIsolation = flags.networkIsolation;
  if (flags.capture !== undefined) {
    request.dataCapture = {
      enabled: true,
      captureRequest: true,
      captureResponse: true,
      samplingPercent: 100,
      destination: flags.capture,
      retentionDays: integer('--capture-retention-days', flags.captureRetentionDays ?? '184'),
    };
  }
  if (flags.humanOversight !== undefined) request.humanOversightEvidence = flags.humanOversight;
  return request;
}

function parseTarget(spec: string): DeploymentRequestInput['target'] {
  const sagemaker = /^sagemaker:(.+)$/.exec(spec);
  if (sagemaker) return { kind: 'sagemaker', endpointName: sagemaker[1] as string };
  const eks = /^eks:([^/]+)\/([^/]+)\/([^/]+)$/.exec(spec);
  if (eks)
    return { kind: 'eks', cluster: eks[1] as string, namespace: eks[2] as string, name: eks[3] as string };
  throw new UsageError(`--target ${spec}: expected sagemaker:ENDPOINT or eks:CLUSTER/NAMESPACE/NAME`);
}

function strategyFrom(
  flags: DeployFlags,
  base: DeploymentRequestInput['strategy'] | undefined,
): DeploymentRequestInput['strategy'] {
  const type = flags.strategy ?? base?.type ?? 'canary';
  const bakeSeconds = flags.bake === undefined ? (base?.bakeSeconds ?? 600) : integer('--bake', flags.bake);
  const maxDurationSeconds =
    flags.maxDuration === undefined
      ? (base?.maxDurationSeconds ?? 3600)
      : integer('--max-duration', flags.maxDuration);
  const alarms = flags.alarm ?? base?.alarms ?? [];
  const common = { bakeSeconds, maxDurationSeconds, alarms };
  if (type === 'all-at-once') return { type, ...common };
  if (type !== 'canary' && type !== 'linear' && type !== 'rolling') {
    throw new UsageError(`--strategy ${type}: expected all-at-once, canary, linear or rolling`);
  }
  const baseStep = base && 'step' in base ? base.step : undefined;
  const step = flags.step === undefined ? (baseStep ?? defaultStep(type)) : parseStep(flags.step);
  return { type, step, ...common };
}

function defaultStep(type: 'canary' | 'linear' | 'rolling') {
  return type === 'rolling'
    ? { unit: 'instances' as const, value: 1 }
    : { unit: 'percent' as const, value: type === 'canary' ? 10 : 25 };
}

function parseStep(spec: string) {
  const percent = /^(\d+)%$/.exec(spec);
  if (percent) return { unit: 'percent' as const, value: Number(percent[1]) };
  if (/^\d+$/.test(spec)) return { unit: 'instances' as const, value: Number(spec) };
  throw new UsageError(`--step ${spec}: expected a share (10%) or a number of instances (1)`);
}

function computeFrom(
  flags: DeployFlags,
  kind: 'sagemaker' | 'eks',
  base: DeploymentRequestInput['compute'] | undefined,
): DeploymentRequestInput['compute'] {
  if (kind === 'sagemaker') {
    const from = base?.kind === 'sagemaker-instances' ? base : undefined;
    const instanceCount = count('--instance-count', flags.instanceCount, from?.instanceCount ?? 1);
    return {
      kind: 'sagemaker-instances',
      instanceType: flags.instanceType ?? from?.instanceType ?? 'ml.m5.xlarge',
      instanceCount,
      maxInstanceCount: count(
        '--max-instance-count',
        flags.maxInstanceCount,
        from?.maxInstanceCount ?? instanceCount,
      ),
    };
  }
  const from = base?.kind === 'gpu-replicas' ? base : undefined;
  const replicas = count('--replicas', flags.replicas, from?.replicas ?? 1);
  const gpuType = flags.gpuType ?? from?.gpuType;
  const nodeInstanceType = flags.nodeType ?? from?.nodeInstanceType;
  if (!gpuType || !nodeInstanceType) {
    throw new UsageError('an eks target needs --gpu-type (e.g. nvidia-l4) and --node-type (e.g. g6.xlarge)');
  }
  return {
    kind: 'gpu-replicas',
    gpuType,
    gpuCount: count('--gpus', flags.gpus, from?.gpuCount ?? 1),
    nodeInstanceType,
    replicas,
    maxReplicas: count('--max-replicas', flags.maxReplicas, from?.maxReplicas ?? replicas),
  };
}

function tagsFrom(specs: readonly string[]): Record<string, string> {
  const tags: Record<string, string> = Object.create(null);
  for (const spec of specs) {
    const at = spec.indexOf('=');
    if (at <= 0) throw new UsageError(`--tag ${spec}: expected KEY=VALUE`);
    const key = spec.slice(0, at);
    if (key === '__proto__') throw new UsageError(`--tag ${spec}: __proto__ is not a tag key`);
    tags[key] = spec.slice(at + 1);
  }
  return { ...tags };
}

function count(flag: string, value: string | undefined, fallback: number): number {
  return value === undefined ? fallback : integer(flag, value);
}

function integer(flag: string, value: string): number {
  if (!/^\d{1,9}$/.test(value)) throw new UsageError(`${flag} ${value}: expected a whole number`);
  return Number(value);
}
