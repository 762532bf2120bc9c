/**
 * The orchestrator gates, applies and rolls back, but anyone with SageMaker rights can change an endpoint
 * behind its back. This optional construct (`verdict:enforceSageMakerDeployments`) reserves the endpoints
 * Verdict governs — those carrying its tag (GOVERNED_ENDPOINT_TAG), which it writes on every endpoint it
 * creates — to the orchestrator's role (and the break-glass role):
 *
 * - nobody else may update or delete a governed endpoint, or change its instance counts;
 * - nobody else may write or remove Verdict's tags (`verdict:*`) on any SageMaker resource, so an endpoint
 *   can neither be un-governed by removing the tag nor made to look governed by adding it;
 * - nobody else may create, or delete, a model or endpoint config under a deployment's name (`verdict-*`),
 *   which a redelivered apply would otherwise take as its own.
 *
 * It cannot stop a new, ungoverned endpoint (untagged, named otherwise), nor changes through inference
 * components, nor invocations; docs/operating.md says so. Deny statements only: attached as a customer
 * managed policy (or a permissions boundary) to the account's human and CI roles it can only take rights
 * away; the same statements as a service control policy bind every principal of an account.
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { DEPLOYMENT_RESOURCE_PREFIX, GOVERNED_ENDPOINT_TAG } from '../function-permissions.ts';

export interface DeploymentGuardProps {
  /** Who may still change governed endpoints: the orchestrator's role, and the break-glass role if any. */
  deployerRoleArns: readonly string[];
}

/** Deny statements reserving governed endpoints and Verdict's names and tags to the deployers. */
export function deploymentGuardStatements(props: DeploymentGuardProps): iam.PolicyStatement[] {
  if (props.deployerRoleArns.length === 0)
    throw new Error('the deployment guard needs at least one deployer');
  const notADeployer = { ArnNotLike: { 'aws:PrincipalArn': [...props.deployerRoleArns] } };
  const arn = (resource: string) => `arn:*:sagemaker:*:*:${resource}`;
  return [
    new iam.PolicyStatement({
      sid: 'OnlyVerdictChangesGovernedEndpoints',
      effect: iam.Effect.DENY,
      actions: [
        'sagemaker:UpdateEndpoint',
        'sagemaker:UpdateEndpointWeightsAndCapacities',
        'sagemaker:DeleteEndpoint',
      ],
      resources: [arn('endpoint/*')],
      conditions: { Null: { [`aws:ResourceTag/${GOVERNED_ENDPOINT_TAG}`]: 'false' }, ...notADeployer },
    }),
    new iam.PolicyStatement({
      sid: 'OnlyVerdictWritesVerdictTags',
      effect: iam.Effect.DENY,
      actions: [
        'sagemaker:AddTags',
        'sagemaker:DeleteTags',
        'sagemaker:CreateEndpoint',
        'sagemaker:CreateEndpointConfig',
        'sagemaker:CreateModel',
      ],
      resources: ['*'],
      conditions: { 'ForAnyValue:StringLike': { 'aws:TagKeys': ['verdict:*'] }, ...notADeployer },
    }),
    new iam.PolicyStatement({
      sid: 'OnlyVerdictUsesDeploymentNames',
      effect: iam.Effect.DENY,
      actions: [
        'sagemaker:CreateModel',
        'sagemaker:DeleteModel',
        'sagemaker:CreateEndpointConfig',
        'sagemaker:DeleteEndpointConfig',
      ],
      resources: [
        arn(`model/${DEPLOYMENT_RESOURCE_PREFIX}*`),
        arn(`endpoint-config/${DEPLOYMENT_RESOURCE_PREFIX}*`),
      ],
      conditions: notADeployer,
    }),
  ];
}

export class DeploymentGuard extends Construct {
  readonly policy: iam.ManagedPolicy;
  /** The same statements as a service control policy document (JSON, tokens resolved at deploy). */
  readonly scpDocument: string;

  constructor(scope: Construct, id: string, props: DeploymentGuardProps) {
    super(scope, id);
    const statements = deploymentGuardStatements(props);
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description:
        'Verdict: only the deployment orchestrator changes the SageMaker endpoints Verdict governs (attach to human and CI roles)',
      statements,
    });
    this.scpDocument = Stack.of(this).toJsonString(new iam.PolicyDocument({ statements }).toJSON());
  }
}
