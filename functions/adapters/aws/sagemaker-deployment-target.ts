/**
 * DeploymentTarget over SageMaker real-time endpoints: CreateModel from the approved model package,
 * CreateEndpointConfig, then CreateEndpoint or UpdateEndpoint with deployment guardrails (blue/green canary
 * or linear, rolling, auto-rollback alarms). Names derive from the deployment id and every step first looks
 * for what an earlier delivery created, so a redelivered step does not create or update twice.
 */
import {
  AddTagsCommand,
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DeleteEndpointCommand,
  DeleteTagsCommand,
  DescribeEndpointCommand,
  type DescribeEndpointCommandOutput,
  DescribeEndpointConfigCommand,
  type DescribeEndpointConfigCommandOutput,
  DescribeModelCommand,
  type DescribeModelCommandOutput,
  ListTagsCommand,
  type SageMakerClient,
  UpdateEndpointCommand,
} from '@aws-sdk/client-sagemaker';
import type { DeploymentRequest } from '../../contracts/deployment-request.ts';
import { DeploymentError } from '../../deployments/errors.ts';
import type {
  AppliedDeployment,
  ApprovedArtifact,
  DeploymentObservation,
  DeploymentPlan,
  DeploymentTarget,
} from '../../ports/deployment-target.ts';
import type {
  EndpointServing,
  OutOfBandRemediation,
  ServedModel,
} from '../../ports/out-of-band-remediation.ts';
import {
  createEndpointConfigInput,
  createModelInput,
  DEPLOYMENT_ID_TAG,
  deploymentConfig,
  deploymentIdOf,
  deploymentTags,
  describeChanges,
  parseRevision,
  resourceNames,
  revisionOf,
  type SageMakerDeploymentSettings,
  type SageMakerPreviousSpec,
  sagemakerCompute,
} from './sagemaker-deployment-config.ts';
import { type EndpointState, observationFromEndpointState } from './sagemaker-endpoint-observation.ts';
import { SageMakerModelRegistry } from './sagemaker-model-registry.ts';

export class SageMakerDeploymentTarget implements DeploymentTarget, OutOfBandRemediation {
  readonly kind = 'sagemaker' as const;
  private readonly registry: SageMakerModelRegistry;

  constructor(
    private readonly client: SageMakerClient,
    private readonly settings: SageMakerDeploymentSettings,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.registry = new SageMakerModelRegistry(client);
  }

  async plan(
    deploymentId: string,
    request: DeploymentRequest,
    artifact: ApprovedArtifact,
  ): Promise<DeploymentPlan> {
    const names = resourceNames(deploymentId);
    const endpointName = endpointNameOf(request);
    // Everything apply would refuse is refused here, before anything is recorded as planned.
    deploymentConfig(request.strategy, sagemakerCompute(request).instanceCount);
    createEndpointConfigInput(names, deploymentTags(deploymentId, request, artifact), request);
    await this.requireModelPackage(request, artifact);
    const endpoint = await this.describeEndpoint(endpointName);
    const previousSpec = endpoint ? await this.specOf(endpoint.EndpointConfigName ?? '') : null;
    return {
      deploymentId,
      action: endpoint ? 'update' : 'create',
      changes: describeChanges(endpointName, previousSpec, names, request),
      previousSpec,
      revision: revisionOf(endpointName, names.endpointConfig),
    };
  }

  async apply(
    plan: DeploymentPlan,
    request: DeploymentRequest,
    artifact: ApprovedArtifact,
  ): Promise<AppliedDeployment> {
    const { deploymentId } = plan;
    const names = resourceNames(deploymentId);
    const endpointName = endpointNameOf(request);
    const tags = deploymentTags(deploymentId, request, artifact);
    const modelInput = createModelInput(names, tags, request, artifact, this.settings);
    const configInput = createEndpointConfigInput(names, tags, request);
    const rollout = deploymentConfig(request.strategy, sagemakerCompute(request).instanceCount);
    await this.requireModelPackage(request, artifact);

    if (!(await this.describeModel(names.model))) await this.client.send(new CreateModelCommand(modelInput));
    if (!(await this.describeConfig(names.endpointConfig))) {
      await this.client.send(new CreateEndpointConfigCommand(configInput));
    }
    const applied: AppliedDeployment = {
      deploymentId,
      revision: revisionOf(endpointName, names.endpointConfig),
      status: 'applying',
    };
    const endpoint = await this.describeEndpoint(endpointName);
    if (!endpoint) {
      if (plan.action === 'update') {
        throw new DeploymentError(
          'target-busy',
          `endpoint ${endpointName} was deleted since the deployment was planned`,
        );
      }
      await this.client.send(
        new CreateEndpointCommand({
          EndpointName: endpointName,
          EndpointConfigName: names.endpointConfig,
          Tags: tags,
        }),
      );
      return applied;
    }
    if (await this.alreadyStarted(endpoint, deploymentId, names.endpointConfig)) return applied;
    if (plan.action === 'create') {
      throw new DeploymentError(
        'target-busy',
        `endpoint ${endpointName} was created by another change since the deployment was planned`,
      );
    }
    if (endpoint.EndpointStatus !== 'InService') {
      throw new DeploymentError(
        'target-busy',
        `endpoint ${endpointName} is ${endpoint.EndpointStatus}; retry when it is InService`,
      );
    }
    // Marked before the update: a redelivery that finds the mark never starts the rollout a second time. An
    // update SageMaker refuses takes the mark off again, so that a retry does start it.
    const mark = {
      ResourceArn: endpoint.EndpointArn,
      Tags: [{ Key: DEPLOYMENT_ID_TAG, Value: deploymentId }],
    };
    await this.client.send(new AddTagsCommand(mark));
    try {
      await this.sendUpdate(endpointName, {
        EndpointName: endpointName,
        EndpointConfigName: names.endpointConfig,
        DeploymentConfig: rollout,
      });
    } catch (error) {
      await this.client.send(
        new DeleteTagsCommand({ ResourceArn: endpoint.EndpointArn, TagKeys: [DEPLOYMENT_ID_TAG] }),
      );
      throw error;
    }
    return applied;
  }

  async observe(applied: AppliedDeployment): Promise<DeploymentObservation> {
    const { endpointName } = parseRevision(applied.revision);
    const endpoint = await this.describeEndpoint(endpointName);
    if (!endpoint) {
      return this.observation(applied, 'failed', 'NotFound', `endpoint ${endpointName} does not exist`);
    }
    const observed = observationFromEndpointState(endpointState(endpoint), applied, this.now().toISOString());
    return (
      observed ??
      this.observation(
        applied,
        'failed',
        endpoint.EndpointStatus ?? 'Unknown',
        `endpoint ${endpointName} is rolling out another config, ${endpoint.PendingDeploymentSummary?.EndpointConfigName}`,
      )
    );
  }

  /**
   * SageMaker has no call that ends a bake early: traffic shifts on the schedule the deployment config set
   * when the update started, and a second UpdateEndpoint would start another deployment, not finish this
   * one. Promote reports where the rollout stands; the orchestration promotes once observe says promoted.
   */
  async promote(applied: AppliedDeployment): Promise<DeploymentObservation> {
    return this.observe(applied);
  }

  async rollback(applied: AppliedDeployment, plan: DeploymentPlan): Promise<DeploymentObservation> {
    const { endpointName, endpointConfigName } = parseRevision(applied.revision);
    const endpoint = await this.describeEndpoint(endpointName);
    const previous = plan.previousSpec as SageMakerPreviousSpec | null;
    if (previous === null) {
      // A created endpoint has nothing to go back to: removing it restores the state before the deployment,
      // unless it has moved on to another deployment's config since, which this rollback must not remove.
      const configs = [endpoint?.EndpointConfigName, endpoint?.PendingDeploymentSummary?.EndpointConfigName];
      if (endpoint && !configs.includes(endpointConfigName)) {
        return this.observation(
          applied,
          'rolled-back',
          endpoint.EndpointStatus ?? 'Unknown',
          `endpoint ${endpointName} serves ${endpoint.EndpointConfigName} now: nothing of this deployment to remove`,
        );
      }
      if (endpoint && endpoint.EndpointStatus !== 'Deleting') {
        await this.client.send(new DeleteEndpointCommand({ EndpointName: endpointName }));
      }
      return this.observation(
        applied,
        'rolled-back',
        endpoint ? 'Deleting' : 'NotFound',
        `endpoint ${endpointName} removed`,
      );
    }
    if (!endpoint) {
      return this.observation(applied, 'failed', 'NotFound', `endpoint ${endpointName} does not exist`);
    }
    const state = endpointState(endpoint);
    if (state.endpointStatus === 'InService' && state.endpointConfigName === previous.endpointConfigName) {
      return this.observation(applied, 'rolled-back', 'InService', endpoint.FailureReason);
    }
    if (state.endpointStatus !== 'InService' && state.endpointStatus !== 'Failed') {
      throw new DeploymentError(
        'target-busy',
        `endpoint ${endpointName} is ${state.endpointStatus}: SageMaker cannot stop a rollout in progress (its alarms roll it back); retry when it ends`,
      );
    }
    if (state.endpointConfigName !== endpointConfigName && state.endpointStatus === 'InService') {
      throw new DeploymentError(
        'target-busy',
        `endpoint ${endpointName} serves ${state.endpointConfigName}, neither this deployment's config nor the one before it`,
      );
    }
    await this.sendUpdate(endpointName, {
      EndpointName: endpointName,
      EndpointConfigName: previous.endpointConfigName,
    });
    const after = await this.describeEndpoint(endpointName);
    const done =
      after?.EndpointStatus === 'InService' && after.EndpointConfigName === previous.endpointConfigName;
    return this.observation(
      applied,
      done ? 'rolled-back' : 'rolling-back',
      after?.EndpointStatus ?? 'NotFound',
      `restored endpoint config ${previous.endpointConfigName}`,
    );
  }

  /**
   * Deletes the endpoint that serves the revoked model. Scaling it to zero would not do: an instance-backed
   * variant cannot scale below one instance, and a scaled-down endpoint still holds the revoked model's
   * config, which any later scaling would bring back. The model and endpoint config stay for the audit trail.
   */
  async revoke(artifact: ApprovedArtifact, request: DeploymentRequest): Promise<DeploymentObservation> {
    const endpointName = endpointNameOf(request);
    const endpoint = await this.describeEndpoint(endpointName);
    const applied = { deploymentId: deploymentIdOf(endpoint?.EndpointConfigName ?? '') ?? '' };
    const reason = `approval of ${artifact.modelPackageArn} revoked (decision ${artifact.decisionId})`;
    if (!endpoint) return this.observation(applied, 'revoked', 'NotFound', reason);
    if (endpoint.EndpointStatus === 'Deleting')
      return this.observation(applied, 'revoked', 'Deleting', reason);
    const configs = [endpoint.EndpointConfigName, endpoint.PendingDeploymentSummary?.EndpointConfigName];
    const packages = new Set<string>();
    for (const config of configs)
      if (config) for (const arn of await this.packagesOf(config)) packages.add(arn);
    if (!packages.has(artifact.modelPackageArn)) {
      throw new DeploymentError(
        'not-serving-model',
        `endpoint ${endpointName} does not serve ${artifact.modelPackageArn}`,
      );
    }
    await this.client.send(new DeleteEndpointCommand({ EndpointName: endpointName }));
    return this.observation(applied, 'revoked', 'Deleting', reason);
  }

  revisionOf(endpointName: string, endpointConfigName: string): string {
    return revisionOf(endpointName, endpointConfigName);
  }

  /** DescribeEndpoint, its configs' variants and their models: which package (or containers) each came from. */
  async describeServing(endpointName: string): Promise<EndpointServing | undefined> {
    const endpoint = await this.describeEndpoint(endpointName);
    if (!endpoint || endpoint.EndpointStatus === 'Deleting') return undefined;
    const configs = [
      endpoint.EndpointConfigName,
      endpoint.PendingDeploymentSummary?.EndpointConfigName,
    ].filter((name): name is string => Boolean(name));
    const models: ServedModel[] = [];
    for (const configName of new Set(configs)) {
      const config = await this.describeConfig(configName);
      for (const variant of config?.ProductionVariants ?? []) {
        if (!variant.ModelName) continue;
        const model = await this.describeModel(variant.ModelName);
        const containers = [model?.PrimaryContainer, ...(model?.Containers ?? [])].filter(
          (c) => c !== undefined,
        );
        const modelPackageArn = containers.find((c) => c.ModelPackageName)?.ModelPackageName;
        models.push({
          name: variant.ModelName,
          ...(modelPackageArn && { modelPackageArn }),
          images: containers.flatMap((c) => (c.Image ? [c.Image] : [])),
          modelDataUrls: containers.flatMap((c) => (c.ModelDataUrl ? [c.ModelDataUrl] : [])),
        });
      }
    }
    return {
      endpointName,
      status: endpoint.EndpointStatus ?? 'Unknown',
      revisions: [...new Set(configs)].map((config) => revisionOf(endpointName, config)),
      models,
    };
  }

  /** UpdateEndpoint back to the deployment's config, or CreateEndpoint with it when the endpoint was deleted. */
  async restore(endpointName: string, revision: string): Promise<string> {
    const { endpointConfigName } = parseRevision(revision);
    const endpoint = await this.describeEndpoint(endpointName);
    if (!endpoint) {
      const config = await this.describeConfig(endpointConfigName);
      if (!config) {
        throw new DeploymentError(
          'not-serving-model',
          `endpoint config ${endpointConfigName} no longer exists`,
        );
      }
      const tags = await this.client.send(new ListTagsCommand({ ResourceArn: config.EndpointConfigArn }));
      await this.client.send(
        new CreateEndpointCommand({
          EndpointName: endpointName,
          EndpointConfigName: endpointConfigName,
          Tags: (tags.Tags ?? []).filter((tag) => tag.Key?.startsWith('verdict:')),
        }),
      );
      return 'Creating';
    }
    if (endpoint.EndpointStatus === 'Deleting') {
      throw new DeploymentError(
        'target-busy',
        `endpoint ${endpointName} is being deleted; retry when it is gone`,
      );
    }
    if (endpoint.EndpointConfigName === endpointConfigName && !endpoint.PendingDeploymentSummary) {
      return endpoint.EndpointStatus ?? 'Unknown';
    }
    await this.sendUpdate(endpointName, {
      EndpointName: endpointName,
      EndpointConfigName: endpointConfigName,
    });
    return (await this.describeEndpoint(endpointName))?.EndpointStatus ?? 'Updating';
  }

  async remove(endpointName: string): Promise<string> {
    const endpoint = await this.describeEndpoint(endpointName);
    if (!endpoint) return 'NotFound';
    if (endpoint.EndpointStatus !== 'Deleting') {
      await this.client.send(new DeleteEndpointCommand({ EndpointName: endpointName }));
    }
    return 'Deleting';
  }

  private observation(
    applied: Pick<AppliedDeployment, 'deploymentId'>,
    status: DeploymentObservation['status'],
    targetStatus: string,
    reason: string | undefined,
  ): DeploymentObservation {
    return {
      deploymentId: applied.deploymentId,
      status,
      targetStatus,
      ...(reason && { reason }),
      observedAt: this.now().toISOString(),
    };
  }

  private async requireModelPackage(request: DeploymentRequest, artifact: ApprovedArtifact): Promise<void> {
    if (artifact.modelPackageArn !== request.modelPackageArn) {
      throw new DeploymentError(
        'artifact-mismatch',
        `the request names ${request.modelPackageArn} but the approval is for ${artifact.modelPackageArn}`,
      );
    }
    if (!(await this.registry.describeModelPackage(artifact.modelPackageArn))) {
      throw new DeploymentError(
        'unknown-model-package',
        `model package ${artifact.modelPackageArn} does not exist`,
      );
    }
  }

  /** Has this deployment already been started on the endpoint (by an earlier delivery of apply)? */
  private async alreadyStarted(
    endpoint: DescribeEndpointCommandOutput,
    deploymentId: string,
    endpointConfigName: string,
  ): Promise<boolean> {
    if (endpoint.EndpointConfigName === endpointConfigName) return true;
    if (endpoint.PendingDeploymentSummary?.EndpointConfigName === endpointConfigName) return true;
    const tags = await this.client.send(new ListTagsCommand({ ResourceArn: endpoint.EndpointArn }));
    return (tags.Tags ?? []).some((tag) => tag.Key === DEPLOYMENT_ID_TAG && tag.Value === deploymentId);
  }

  private async sendUpdate(
    endpointName: string,
    input: ConstructorParameters<typeof UpdateEndpointCommand>[0],
  ) {
    try {
      await this.client.send(new UpdateEndpointCommand(input));
    } catch (error) {
      if (error instanceof Error && /in-progress endpoint/i.test(error.message)) {
        throw new DeploymentError(
          'target-busy',
          `endpoint ${endpointName} is being updated by another change`,
          {
            cause: error,
          },
        );
      }
      throw error;
    }
  }

  private async specOf(endpointConfigName: string): Promise<SageMakerPreviousSpec> {
    const config = await this.describeConfig(endpointConfigName);
    return {
      endpointConfigName,
      variants: (config?.ProductionVariants ?? []).map((variant) => ({
        variantName: variant.VariantName ?? '',
        modelName: variant.ModelName ?? '',
        ...(variant.InstanceType && { instanceType: variant.InstanceType }),
        ...(variant.InitialInstanceCount !== undefined && { instanceCount: variant.InitialInstanceCount }),
      })),
    };
  }

  /** The model packages the models of an endpoint config run. */
  private async packagesOf(endpointConfigName: string): Promise<string[]> {
    const config = await this.describeConfig(endpointConfigName);
    const arns: string[] = [];
    for (const variant of config?.ProductionVariants ?? []) {
      const model = variant.ModelName ? await this.describeModel(variant.ModelName) : undefined;
      for (const container of [model?.PrimaryContainer, ...(model?.Containers ?? [])]) {
        if (container?.ModelPackageName) arns.push(container.ModelPackageName);
      }
    }
    return arns;
  }

  private describeEndpoint(name: string): Promise<DescribeEndpointCommandOutput | undefined> {
    return orUndefined(this.client.send(new DescribeEndpointCommand({ EndpointName: name })));
  }

  private describeConfig(name: string): Promise<DescribeEndpointConfigCommandOutput | undefined> {
    return orUndefined(this.client.send(new DescribeEndpointConfigCommand({ EndpointConfigName: name })));
  }

  private describeModel(name: string): Promise<DescribeModelCommandOutput | undefined> {
    return orUndefined(this.client.send(new DescribeModelCommand({ ModelName: name })));
  }
}

function endpointNameOf(request: DeploymentRequest): string {
  if (request.target.kind !== 'sagemaker') {
    throw new DeploymentError(
      'wrong-target',
      `the SageMaker target does not run ${request.target.kind} requests`,
    );
  }
  return request.target.endpointName;
}

function endpointState(endpoint: DescribeEndpointCommandOutput): EndpointState {
  const pending = endpoint.PendingDeploymentSummary;
  return {
    endpointName: endpoint.EndpointName ?? '',
    endpointStatus: endpoint.EndpointStatus ?? '',
    endpointConfigName: endpoint.EndpointConfigName ?? '',
    ...(pending?.EndpointConfigName && {
      pendingConfigName: pending.EndpointConfigName,
      variantStatuses: (pending.ProductionVariants ?? []).flatMap((variant) =>
        (variant.VariantStatus ?? []).map((s) => s.Status ?? ''),
      ),
    }),
    ...(endpoint.FailureReason && { failureReason: endpoint.FailureReason }),
  };
}

/** A missing endpoint, config or model is a ValidationException "Could not find ..." (AWS and the emulator). */
async function orUndefined<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (
      error instanceof Error &&
      error.name === 'ValidationException' &&
      /could not find/i.test(error.message)
    ) {
      return undefined;
    }
    throw error;
  }
}
