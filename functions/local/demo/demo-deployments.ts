/**
 * The demo's second act: the approved credit scorer is deployed to an (embedded) SageMaker endpoint; a
 * retrained version is registered, gated and rolled out to the same endpoint by canary, baked and promoted;
 * with a local Kubernetes control plane, the same version also goes to a GPU workload on it; the rejected CV
 * ranker's deployment is refused with the reasons. Then the third act's incidents
 * (demo-incidents.ts). Each request goes on the bus as in AWS and every step is a ledger entry.
 */
import { readFileSync } from 'node:fs';
import type { Deployment } from '../../contracts/deployment.ts';
import {
  type DeploymentRequestInput,
  deploymentRequestSchema,
  deploymentTargetName,
} from '../../contracts/deployment-request.ts';
import { PROFILE_METADATA_KEY } from '../../gates/model-registry/governance-inputs.ts';
import { requestLocalDeployment, waitForDeployment } from '../local-deployments.ts';
import { emitStateChange } from '../register-version.ts';
import type { LocalRuntime } from '../runtime.ts';
import { DEMO_NAMESPACE } from './demo-cluster.ts';
import { type DemoIncident, runIncidentAct, versionOf } from './demo-incidents.ts';

export interface DemoDeployment {
  story: string;
  /** The model version it deploys (group and version). */
  version: string;
  deployment: Deployment;
}

/** One L4 GPU per replica on the node pool's g6.xlarge nodes; the policy's cost estimate prices it. */
const GPU_WORKLOAD = {
  kind: 'gpu-replicas',
  gpuType: 'nvidia-l4',
  gpuCount: 1,
  nodeInstanceType: 'g6.xlarge',
  replicas: 1,
  maxReplicas: 2,
} as const;

/** The image the demo's packages name: a sample ECR URI pinned by digest (nothing is pulled). */
export const DEMO_IMAGE = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/verdict-demo/sklearn-serving@sha256:${'5e'.repeat(32)}`;

export async function runDeploymentAct(
  runtime: LocalRuntime,
  options: {
    samples: URL;
    bucket: string;
    /** The credit scorer's and the CV ranker's packages, as the first act registered and gated them. */
    creditScorerArn: string;
    cvRankerArn: string;
    /** The Kubernetes cluster the retrained version also goes to, as a GPU workload, when there is one. */
    eksCluster?: string;
  },
): Promise<{ deployments: DemoDeployment[]; incidents: DemoIncident[] }> {
  const sample = (name: string) => readFileSync(new URL(name, options.samples));
  const base = JSON.parse(sample('credit-scorer.deployment.json').toString('utf8')) as Omit<
    DeploymentRequestInput,
    'modelPackageArn'
  >;
  if (base.humanOversightEvidence) {
    await runtime.objects.put(
      base.humanOversightEvidence,
      sample('credit-scorer.human-oversight.md'),
      'text/markdown',
    );
  }
  const deploy = async (
    story: string,
    arn: string,
    request: Omit<DeploymentRequestInput, 'modelPackageArn'>,
  ) => {
    const parsed = deploymentRequestSchema.parse({ ...request, modelPackageArn: arn });
    const requested = await requestLocalDeployment(
      runtime,
      `demo-${arn}-${request.environment}-${deploymentTargetName(parsed.target)}`,
      parsed,
    );
    const deployment = await waitForDeployment(runtime, requested.id);
    return { story, version: versionOf(arn), deployment };
  };

  const results: DemoDeployment[] = [];
  results.push(await deploy('approved', options.creditScorerArn, base));

  const retrained = await registerRetrained(runtime, options, sample('credit-scorer-retrained.model.json'));
  results.push(await deploy('retrained, canary', retrained, base));
  if (options.eksCluster) {
    results.push(
      await deploy('retrained, GPU workload', retrained, {
        ...base,
        target: {
          kind: 'eks',
          cluster: options.eksCluster,
          namespace: DEMO_NAMESPACE,
          name: 'credit-scorer',
        },
        compute: GPU_WORKLOAD,
      }),
    );
  }

  results.push(
    await deploy('rejected by the registry gate', options.cvRankerArn, {
      ...base,
      target: { kind: 'sagemaker', endpointName: 'cv-ranker-prod' },
      tags: { ...(base.tags ?? {}), model: 'cv-ranker' },
    }),
  );
  const incidents = await runIncidentAct(runtime, {
    base,
    cvRankerArn: options.cvRankerArn,
    registerRetrained: () =>
      registerRetrained(runtime, options, sample('credit-scorer-retrained.model.json')),
  });
  return { deployments: results, incidents };
}

/** The credit scorer's next version: the same governance inputs, new weights; gated on its event. */
async function registerRetrained(
  runtime: LocalRuntime,
  options: { creditScorerArn: string; bucket: string },
  weights: Uint8Array,
): Promise<string> {
  const current = await runtime.registry.describeModelPackage(options.creditScorerArn);
  if (!current) throw new Error(`${options.creditScorerArn} is not registered`);
  const artifact = `${options.bucket}/${current.groupName}/model/retrained-${Date.now()}.json`;
  await runtime.objects.put(artifact, weights, 'application/json');
  const pkg = await runtime.registry.createModelPackage({
    groupName: current.groupName,
    customerMetadata: { [PROFILE_METADATA_KEY]: current.customerMetadata[PROFILE_METADATA_KEY] ?? '' },
    biasReports: current.biasReports,
    containers: [{ image: DEMO_IMAGE, modelDataUrl: artifact }],
  });
  await emitStateChange(runtime, runtime.registry.toStateChangeEvent(pkg));
  return pkg.arn;
}
