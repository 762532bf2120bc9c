/**
 * What the tests of the deployment orchestrator against the AWS emulator share: an approved model package
 * in moto's registry, and the orchestrator's Lambda environment naming the emulator's resources.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CreateModelPackageCommand, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import {
  type DeploymentOrchestratorEnvironment,
  readDeploymentOrchestratorEnvironment,
} from '../../functions/deployments/environment.ts';
import { policyBundlePath } from '../../functions/gates/policy/engine-cache.ts';
import { EMULATOR_ACCOUNT, EMULATOR_REGION } from './aws-clients.ts';

/** A new approved version in `group`, with one inference container; its ARN. */
export async function approvedPackage(sagemaker: SageMakerClient, group: string): Promise<string> {
  const out = await sagemaker.send(
    new CreateModelPackageCommand({
      ModelPackageGroupName: group,
      ModelApprovalStatus: 'Approved',
      InferenceSpecification: {
        Containers: [{ Image: `${EMULATOR_ACCOUNT}.dkr.ecr.${EMULATOR_REGION}.amazonaws.com/credit:1` }],
        SupportedContentTypes: ['text/csv'],
        SupportedResponseMIMETypes: ['text/csv'],
      },
    }),
  );
  return out.ModelPackageArn ?? '';
}

export interface EmulatorOrchestratorResources {
  decisionsTable: string;
  deploymentsTable: string;
  bus: string;
  busArn: string;
  scheduleGroup: string;
  orchestratorRoleArn?: string;
  outOfBandMode?: 'alert' | 'restore' | 'delete';
  /** `verdict:promotions` as the stack sets it (JSON); default none. */
  promotions?: unknown[];
}

/** The environment the stack would set, parsed by the orchestrator's own schema, in prod with the built bundle. */
export function emulatorOrchestratorEnvironment(
  resources: EmulatorOrchestratorResources,
): DeploymentOrchestratorEnvironment {
  const bundle = policyBundlePath();
  const role = (name: string) => `arn:aws:iam::${EMULATOR_ACCOUNT}:role/${name}`;
  return readDeploymentOrchestratorEnvironment({
    VERDICT_ENVIRONMENT: 'prod',
    VERDICT_DECISIONS_TABLE: resources.decisionsTable,
    VERDICT_DEPLOYMENTS_TABLE: resources.deploymentsTable,
    VERDICT_EVENT_BUS_NAME: resources.bus,
    VERDICT_EVENT_BUS_ARN: resources.busArn,
    VERDICT_POLICY_BUNDLE: bundle,
    VERDICT_POLICY_BUNDLE_SHA256: createHash('sha256').update(readFileSync(bundle)).digest('hex'),
    VERDICT_SAGEMAKER_EXECUTION_ROLE_ARN: role('verdict-inference'),
    VERDICT_BAKE_SCHEDULE_GROUP: resources.scheduleGroup,
    VERDICT_BAKE_SCHEDULER_ROLE_ARN: role('verdict-bake-scheduler'),
    VERDICT_ORCHESTRATOR_ROLE_ARN: resources.orchestratorRoleArn ?? role('verdict-deployment-orchestrator'),
    VERDICT_OUT_OF_BAND_MODE: resources.outOfBandMode ?? 'alert',
    VERDICT_PROMOTIONS: JSON.stringify(resources.promotions ?? []),
  });
}
