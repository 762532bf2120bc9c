/**
 * What the deployment orchestrator acts through besides its own role: the EventBridge Scheduler group its
 * one-shot bake schedules live in, the role those schedules run as (it may only put `Verdict Deployment
 * Bake Ended` on the verdict bus) and the role SageMaker assumes for the models Verdict deploys — the one
 * `verdict:sagemakerExecutionRoleArn` names, or else one created here with least privilege: pull images from
 * this account's ECR, read the `verdict:modelArtifactLocations`, write the endpoints' logs.
 */
import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { EKS_DEPLOYER_GROUP, type EksCluster } from '../../functions/contracts/eks-cluster.ts';
import { parseS3Location } from '../config.ts';
import {
  type DeploymentTargets,
  PUBLISHED_DETAIL_TYPES,
  putEventsStatement,
} from '../function-permissions.ts';

export interface DeploymentOrchestrationProps {
  environment: string;
  verdictBus: events.IEventBus;
  /** `verdict:sagemakerExecutionRoleArn`; "" creates the execution role. */
  sagemakerExecutionRoleArn: string;
  /** `verdict:modelArtifactLocations`: what the created execution role may read. */
  modelArtifactLocations: readonly string[];
  retainData: boolean;
  /** `verdict:eksClusters`: the clusters GPU workloads are deployed to. */
  eksClusters: readonly EksCluster[];
}

/** `verdict-<environment>-bakes`: one group per environment, so staging and production can share an account. */
export function bakeScheduleGroupName(environment: string): string {
  return `verdict-${environment}-bakes`;
}

export class DeploymentOrchestration extends Construct {
  readonly scheduleGroup: scheduler.ScheduleGroup;
  readonly schedulerRole: iam.Role;
  /** The clusters' names, for the orchestrator's access entries. */
  private readonly eksClusterNames: readonly string[];
  /** The created execution role; undefined when `verdict:sagemakerExecutionRoleArn` names one. */
  readonly executionRole: iam.Role | undefined;
  readonly targets: DeploymentTargets;

  constructor(scope: Construct, id: string, props: DeploymentOrchestrationProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const fromThisAccount = { StringEquals: { 'aws:SourceAccount': stack.account } };

    const groupName = bakeScheduleGroupName(props.environment);
    this.scheduleGroup = new scheduler.ScheduleGroup(this, 'BakeSchedules', {
      scheduleGroupName: groupName,
      // A deleted group takes its schedules with it; a bake that never ends stays `baking`, visibly.
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    this.schedulerRole = new iam.Role(this, 'BakeSchedulerRole', {
      description: 'Verdict: the bake schedules put "Verdict Deployment Bake Ended" on the verdict bus',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          ...fromThisAccount,
          ArnEquals: { 'aws:SourceArn': this.scheduleGroup.scheduleGroupArn },
        },
      }),
    });
    this.schedulerRole.addToPrincipalPolicy(
      putEventsStatement('EndBakes', props.verdictBus, PUBLISHED_DETAIL_TYPES.bakeEnded),
    );

    this.executionRole =
      props.sagemakerExecutionRoleArn === '' ? this.createExecutionRole(props, fromThisAccount) : undefined;

    this.targets = {
      sagemakerExecutionRoleArn: this.executionRole?.roleArn ?? props.sagemakerExecutionRoleArn,
      bakeScheduleGroupName: this.scheduleGroup.scheduleGroupName,
      bakeSchedulerRoleArn: this.schedulerRole.roleArn,
      eksClusterNames: props.eksClusters.map((cluster) => cluster.name),
    };
    this.eksClusterNames = this.targets.eksClusterNames;
  }

  /**
   * Gives the orchestrator's role an access entry in each cluster, in the Kubernetes group its RBAC binds:
   * it authenticates with a token signed by that role, so no kubeconfig or long-lived secret exists.
   */
  grantClusterAccess(orchestratorRole: iam.IRole): void {
    for (const clusterName of this.eksClusterNames) {
      new eks.CfnAccessEntry(this, `AccessEntry-${clusterName}`, {
        clusterName,
        principalArn: orchestratorRole.roleArn,
        type: 'STANDARD',
        kubernetesGroups: [EKS_DEPLOYER_GROUP],
      });
    }
  }

  private createExecutionRole(
    props: DeploymentOrchestrationProps,
    fromThisAccount: Record<string, unknown>,
  ): iam.Role {
    const stack = Stack.of(this);
    const role = new iam.Role(this, 'SageMakerExecutionRole', {
      description:
        'Verdict: SageMaker runs the deployed models as this role (ECR images of this account, model artifacts, endpoint logs)',
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com', { conditions: fromThisAccount }),
    });
    const add = (statement: iam.PolicyStatement) => role.addToPrincipalPolicy(statement);
    const repositories = stack.formatArn({ service: 'ecr', resource: 'repository', resourceName: '*' });
    const endpointLogs = stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: '/aws/sagemaker/Endpoints/*',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    add(
      new iam.PolicyStatement({
        sid: 'AuthenticateToEcr',
        actions: ['ecr:GetAuthorizationToken'],
        resources: ['*'],
      }),
    );
    add(
      new iam.PolicyStatement({
        sid: 'PullModelImages',
        actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
        resources: [repositories],
      }),
    );
    add(
      new iam.PolicyStatement({
        sid: 'WriteEndpointLogs',
        actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [endpointLogs],
      }),
    );
    const locations = props.modelArtifactLocations.map(parseS3Location);
    if (locations.length > 0) {
      add(
        new iam.PolicyStatement({
          sid: 'ReadModelArtifacts',
          actions: ['s3:GetObject'],
          resources: locations.map(
            ({ bucket, prefix }) => `arn:${stack.partition}:s3:::${bucket}/${prefix}*`,
          ),
        }),
      );
    }
    const artifactSuppressions = locations.map(({ bucket, prefix }) => ({
      id: 'AwsSolutions-IAM5',
      reason: `s3:GetObject under the configured verdict:modelArtifactLocations only (s3://${bucket}/${prefix}): artifact keys are named by each model package.`,
      appliesTo: [`Resource::arn:<AWS::Partition>:s3:::${bucket}/${prefix}*`],
    }));
    NagSuppressions.addResourceSuppressions(
      role,
      [
        ...artifactSuppressions,
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'ecr:GetAuthorizationToken supports no resource-level permissions (AWS requires Resource "*"); image pulls are limited to this account\'s repositories, because a model package names its image only when it is deployed.',
          appliesTo: [
            'Resource::*',
            `Resource::arn:<AWS::Partition>:ecr:<AWS::Region>:<AWS::AccountId>:repository/*`,
          ],
        },
        {
          id: 'AwsSolutions-IAM5',
          reason:
            "SageMaker names an endpoint's log group after the endpoint (/aws/sagemaker/Endpoints/<name>), chosen by each deployment request.",
          appliesTo: [
            'Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/sagemaker/Endpoints/*',
          ],
        },
      ],
      true,
    );
    return role;
  }
}
