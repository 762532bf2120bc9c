/**
 * What a function may do, as capabilities, and the IAM statements each one grants. Which function has
 * which capabilities is in the function table (function-table.ts).
 */
import { Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import {
  ACCESS_KEY_PREFIX,
  DECISION_TABLE_LIST_INDEX,
} from '../functions/adapters/aws/decision-table-schema.ts';
import { TARGET_CLAIM_KEY_PREFIX } from '../functions/adapters/aws/deployment-table-schema.ts';
import { KMS_SIGNING_ALGORITHM } from '../functions/adapters/aws/kms-usage.ts';
import {
  DECISION_REVOKED,
  DEPLOYMENT_BAKE_ENDED,
  DEPLOYMENT_REQUESTED,
  DEPLOYMENT_ROLLBACK_REQUESTED,
  DEPLOYMENT_STATUS_CHANGED,
  OUT_OF_BAND_DEPLOYMENT,
} from '../functions/contracts/deployment-events.ts';
import type { ObjectLockMode } from '../functions/contracts/environment.ts';
import { DECISION_EVENT } from '../functions/contracts/verdict-decision-event.ts';
import { REPORT_REQUESTED_EVENT } from '../functions/routes.ts';
import { deploymentTableIndexes } from './constructs/governance-storage.ts';
import type { LedgerStorage } from './constructs/ledger-storage.ts';
import type { SigningKeyPolicy } from './constructs/signing-key-policy.ts';

export type Capability =
  /** sagemaker:DescribeModelPackage on the governed model packages. */
  | 'model-packages:read'
  /** sagemaker:UpdateModelPackage (approve / reject) on the governed model packages. */
  | 'model-packages:approve'
  /**
   * Revoke a model-registry approval: sagemaker:UpdateModelPackage to Rejected only, on the governed model
   * packages, and `Verdict Decision Revoked` on the verdict bus.
   */
  | 'decisions:revoke'
  /** Read profiles and evidence from the governance bucket and the configured evidence buckets. */
  | 'governance-objects:read'
  /** dynamodb:PutItem on the decisions table (conditional puts: append-only). */
  | 'decisions:append'
  /** dynamodb:GetItem on the decisions table, dynamodb:Query on its list index. */
  | 'decisions:read'
  /** The Powertools idempotency record lifecycle. */
  | 'idempotency:use'
  /** events:PutEvents of `source: verdict` events on the verdict bus. */
  | 'decisions:publish'
  /** dynamodb:PutItem of API access records only (`ACCESS#` keys) in the decisions table. */
  | 'access-log:append'
  /** sagemaker:ListModelPackageGroups and ListModelPackages, for the model inventory. */
  | 'model-packages:list'
  /** Record report jobs and publish `Verdict Report Requested` for the report worker. */
  | 'reports:start'
  /** s3:GetObject on the reports bucket, to sign time-limited download links. */
  | 'reports:download'
  /** The report worker's side of a job: read it, claim it, record progress and outcome (no new jobs). */
  | 'reports:build'
  /** s3:PutObject (+ PutObjectRetention) of reports in the reports bucket, in the configured Object Lock mode only. */
  | 'reports:archive'
  /** kms:Sign (ED25519_SHA_512, RAW) and GetPublicKey on the report signing key (not the ledger's), for manifests. */
  | 'reports:sign'
  /** Append to the audit ledger: conditional writes only, sign and anchor checkpoints (LedgerStorage.grantAppend). */
  | 'ledger:append'
  /** Read the audit ledger: entries, tiles, checkpoints, proofs (LedgerStorage.grantRead). */
  | 'ledger:read'
  /** dynamodb:GetItem and Query on the deployments table and each of its indexes. */
  | 'deployments:read'
  /** dynamodb:PutItem on the deployments table (the store's compare-and-set writes), DeleteItem of target claims. */
  | 'deployments:write'
  /** Publish `Verdict Deployment Requested` and `Verdict Deployment Rollback Requested` on the verdict bus. */
  | 'deployments:request'
  /** Publish `Verdict Deployment Status Change` on the verdict bus. */
  | 'deployments:publish'
  /** Publish `Verdict Deployment Requested` on the verdict bus: what a promotion rule asks (gated like any). */
  | 'deployments:promote'
  /**
   * Create, update and remove the SageMaker models, endpoint configs (named `verdict-*`) and endpoints
   * (created with, or carrying, Verdict's tag) of deployments; pass the SageMaker execution role.
   */
  | 'sagemaker:deploy'
  /** The one-shot bake schedules in the bake schedule group; pass the scheduler role. */
  | 'bake:schedule';

/** The `source` of every event Verdict publishes. */
export const VERDICT_EVENT_SOURCE = DECISION_EVENT.source;

/** Writes that would change or remove a recorded decision. Denied explicitly to every function role. */
export const DECISION_MUTATING_ACTIONS = [
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:PartiQLUpdate',
  'dynamodb:PartiQLDelete',
] as const;

/** The event types each publishing capability may put on the verdict bus (all with source `verdict`). */
export const PUBLISHED_DETAIL_TYPES = {
  'deployments:request': [DEPLOYMENT_REQUESTED, DEPLOYMENT_ROLLBACK_REQUESTED],
  'deployments:publish': [DEPLOYMENT_STATUS_CHANGED, OUT_OF_BAND_DEPLOYMENT],
  'deployments:promote': [DEPLOYMENT_REQUESTED],
  'decisions:revoke': [DECISION_REVOKED],
  bakeEnded: [DEPLOYMENT_BAKE_ENDED],
} as const;

/**
 * The tag that marks an endpoint as Verdict's: the SageMaker deployment target writes it (DECISION_ID_TAG of
 * adapters/aws/sagemaker-deployment-config.ts, a runtime module synth does not load; a test keeps the two
 * equal) on every endpoint it creates and never removes it (a rollout's mark is another tag). IAM lets the orchestrator change only endpoints
 * that carry it, and the deployment guard reserves those endpoints to the orchestrator.
 */
export const GOVERNED_ENDPOINT_TAG = 'verdict:decision-id';

/** Models and endpoint configs of deployments are named `verdict-<deployment id>`. */
export const DEPLOYMENT_RESOURCE_PREFIX = 'verdict-';

/** What the deployment capabilities act on besides the table: roles to pass and the schedule group. */
export interface DeploymentTargets {
  /** The role SageMaker assumes for deployed models (passed on CreateModel). */
  sagemakerExecutionRoleArn: string;
  /** The EventBridge Scheduler group the bake schedules are created in. */
  bakeScheduleGroupName: string;
  /** The role the bake schedules run as (passed on CreateSchedule). */
  bakeSchedulerRoleArn: string;
  /** EKS clusters (this account and region) GPU workloads are deployed to. */
  eksClusterNames: readonly string[];
}

export function sagemakerArn(stack: Stack, resource: string, name: string): string {
  return stack.formatArn({ service: 'sagemaker', resource, resourceName: name });
}

export function bakeScheduleArns(stack: Stack, groupName: string): string {
  return stack.formatArn({ service: 'scheduler', resource: 'schedule', resourceName: `${groupName}/*` });
}

/** Events of these types, with source `verdict`, on the verdict bus only. */
export function putEventsStatement(sid: string, bus: events.IEventBus, detailTypes: readonly string[]) {
  return new iam.PolicyStatement({
    sid,
    actions: ['events:PutEvents'],
    resources: [bus.eventBusArn],
    conditions: {
      StringEquals: { 'events:source': [VERDICT_EVENT_SOURCE], 'events:detail-type': [...detailTypes] },
    },
  });
}

export interface PermissionTargets {
  key: kms.IKey;
  /** The audit ledger's resources; required by the ledger capabilities. */
  ledger?: LedgerStorage;
  decisionsTable: dynamodb.ITable;
  idempotencyTable: dynamodb.ITable;
  governanceBucket: s3.IBucket;
  reportsBucket: s3.IBucket;
  /** The Object Lock mode reports are written in (`verdict:objectLockMode`); the only one reports:archive allows. */
  objectLockMode: ObjectLockMode;
  reportJobsTable: dynamodb.ITable;
  /** The report manifest key and its policy; required by reports:sign. */
  reportSigning?: SigningKeyPolicy;
  verdictBus: events.IEventBus;
  evidenceBucketNames: readonly string[];
  evidenceKmsKeyArns: readonly string[];
  modelPackageGroupPrefix: string;
  deploymentsTable: dynamodb.ITable;
  /** Required by sagemaker:deploy and bake:schedule. */
  deployment?: DeploymentTargets;
}

/** `arn:<partition>:sagemaker:<region>:<account>:model-package/<prefix>*`: versioned packages are `<group>/<n>`. */
export function modelPackageArnPattern(stack: Stack, prefix: string): string {
  return stack.formatArn({ service: 'sagemaker', resource: 'model-package', resourceName: `${prefix}*` });
}

export function evidenceBucketArn(stack: Stack, name: string): string {
  return stack.formatArn({ service: 's3', region: '', account: '', resource: name });
}

export function grantCapabilities(
  role: iam.IRole,
  capabilities: readonly Capability[],
  t: PermissionTargets,
): void {
  const stack = Stack.of(role);
  const via = (service: string) => ({
    StringEquals: { 'kms:ViaService': `${service}.${stack.region}.amazonaws.com` },
  });
  const add = (statement: iam.PolicyStatement) => role.addToPrincipalPolicy(statement);
  const has = (capability: Capability) => capabilities.includes(capability);

  const sagemakerActions = [
    ...(has('model-packages:read') ? ['sagemaker:DescribeModelPackage'] : []),
    ...(has('model-packages:approve') ? ['sagemaker:UpdateModelPackage'] : []),
  ];
  if (sagemakerActions.length > 0) {
    add(
      new iam.PolicyStatement({
        sid: 'GovernModelPackages',
        actions: sagemakerActions,
        resources: [modelPackageArnPattern(stack, t.modelPackageGroupPrefix)],
      }),
    );
  }
  if (has('decisions:revoke') && !has('model-packages:approve')) {
    add(
      new iam.PolicyStatement({
        sid: 'RejectModelPackages',
        actions: ['sagemaker:UpdateModelPackage'],
        resources: [modelPackageArnPattern(stack, t.modelPackageGroupPrefix)],
        conditions: { StringEquals: { 'sagemaker:ModelApprovalStatus': 'Rejected' } },
      }),
    );
  }

  if (has('decisions:revoke')) {
    add(putEventsStatement('PublishRevocations', t.verdictBus, PUBLISHED_DETAIL_TYPES['decisions:revoke']));
  }

  if (has('governance-objects:read')) {
    const buckets = [
      t.governanceBucket.bucketArn,
      ...t.evidenceBucketNames.map((n) => evidenceBucketArn(stack, n)),
    ];
    add(
      new iam.PolicyStatement({
        sid: 'ReadGovernanceObjects',
        actions: ['s3:GetObject'],
        resources: buckets.map((arn) => `${arn}/*`),
      }),
    );
    // Without ListBucket S3 answers 403 instead of 404 for a missing key, and a missing profile or report
    // would read as an access error rather than as missing evidence.
    add(
      new iam.PolicyStatement({
        sid: 'ListGovernanceObjects',
        actions: ['s3:ListBucket'],
        resources: buckets,
      }),
    );
    add(
      new iam.PolicyStatement({
        sid: 'DecryptGovernanceObjects',
        actions: ['kms:Decrypt'],
        resources: [t.key.keyArn, ...t.evidenceKmsKeyArns],
        conditions: via('s3'),
      }),
    );
  }

  if (has('model-packages:list')) {
    // Neither List action supports resource-level permissions: AWS requires Resource "*".
    add(
      new iam.PolicyStatement({
        sid: 'ListModelPackages',
        actions: ['sagemaker:ListModelPackageGroups', 'sagemaker:ListModelPackages'],
        resources: ['*'],
      }),
    );
  }

  const usesDecisions = has('decisions:append') || has('decisions:read') || has('access-log:append');
  if (has('decisions:append')) {
    add(
      new iam.PolicyStatement({
        sid: 'AppendDecisions',
        actions: ['dynamodb:PutItem'],
        resources: [t.decisionsTable.tableArn],
      }),
    );
  }
  if (has('decisions:read')) {
    add(
      new iam.PolicyStatement({
        sid: 'ReadDecisions',
        actions: ['dynamodb:GetItem'],
        resources: [t.decisionsTable.tableArn],
      }),
    );
    add(
      new iam.PolicyStatement({
        sid: 'ListDecisions',
        actions: ['dynamodb:Query'],
        resources: [`${t.decisionsTable.tableArn}/index/${DECISION_TABLE_LIST_INDEX.indexName}`],
      }),
    );
  }

  if (has('access-log:append')) {
    add(
      new iam.PolicyStatement({
        sid: 'AppendAccessRecords',
        actions: ['dynamodb:PutItem'],
        resources: [t.decisionsTable.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${ACCESS_KEY_PREFIX}*`] } },
      }),
    );
  }

  if (has('reports:start')) {
    add(
      new iam.PolicyStatement({
        sid: 'RecordReportJobs',
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        resources: [t.reportJobsTable.tableArn],
      }),
    );
    add(putEventsStatement('RequestReports', t.verdictBus, [REPORT_REQUESTED_EVENT.detailType]));
  }

  if (has('reports:download')) {
    add(
      new iam.PolicyStatement({
        sid: 'SignReportDownloads',
        actions: ['s3:GetObject'],
        resources: [`${t.reportsBucket.bucketArn}/*`],
      }),
    );
  }

  if (has('reports:build')) {
    add(
      new iam.PolicyStatement({
        sid: 'BuildReportJobs',
        actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        resources: [t.reportJobsTable.tableArn],
      }),
    );
  }

  if (has('reports:archive')) {
    // Object Lock parameters on a PUT need s3:PutObjectRetention too; the condition refuses any other mode.
    // The bucket is SSE-S3 (a locked report must outlive any customer key): no KMS grant.
    add(
      new iam.PolicyStatement({
        sid: 'ArchiveReports',
        actions: ['s3:PutObject', 's3:PutObjectRetention'],
        resources: [`${t.reportsBucket.bucketArn}/*`],
        conditions: { StringEquals: { 's3:object-lock-mode': t.objectLockMode } },
      }),
    );
  }

  if (has('reports:sign')) {
    if (!t.reportSigning) throw new Error('reports:sign needs the reportSigning target (its key)');
    t.reportSigning.allowSigner(role);
    add(
      new iam.PolicyStatement({
        sid: 'SignReportManifests',
        actions: ['kms:Sign'],
        resources: [t.reportSigning.key.keyArn],
        conditions: {
          StringEquals: { 'kms:SigningAlgorithm': KMS_SIGNING_ALGORITHM, 'kms:MessageType': 'RAW' },
        },
      }),
    );
    add(
      new iam.PolicyStatement({
        sid: 'ReadManifestVerifierKey',
        actions: ['kms:GetPublicKey'],
        resources: [t.reportSigning.key.keyArn],
      }),
    );
  }

  if (has('idempotency:use')) {
    add(
      new iam.PolicyStatement({
        sid: 'UseIdempotencyRecords',
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        resources: [t.idempotencyTable.tableArn],
      }),
    );
  }

  grantDeployments(role, capabilities, t);

  const usesDeployments = has('deployments:read') || has('deployments:write');
  if (
    usesDecisions ||
    usesDeployments ||
    has('idempotency:use') ||
    has('reports:start') ||
    has('reports:build')
  ) {
    add(
      new iam.PolicyStatement({
        sid: 'UseTableKey',
        actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
        resources: [t.key.keyArn],
        conditions: via('dynamodb'),
      }),
    );
  }

  if (has('decisions:publish')) {
    add(
      new iam.PolicyStatement({
        sid: 'PublishDecisions',
        actions: ['events:PutEvents'],
        resources: [t.verdictBus.eventBusArn],
        conditions: { StringEquals: { 'events:source': [VERDICT_EVENT_SOURCE] } },
      }),
    );
  }

  if (has('ledger:append') || has('ledger:read')) {
    if (!t.ledger) throw new Error('the ledger capabilities need the LedgerStorage target');
    if (has('ledger:append')) t.ledger.grantAppend(role);
    else t.ledger.grantRead(role);
  }

  // Recorded decisions are immutable: whatever else a role is granted, it cannot change or remove one.
  add(
    new iam.PolicyStatement({
      sid: 'DecisionsAreImmutable',
      effect: iam.Effect.DENY,
      actions: [...DECISION_MUTATING_ACTIONS],
      resources: [t.decisionsTable.tableArn],
    }),
  );
}

/** The deployment capabilities: the deployments table, deployment events, SageMaker and the bake schedules. */
function grantDeployments(role: iam.IRole, capabilities: readonly Capability[], t: PermissionTargets): void {
  const stack = Stack.of(role);
  const add = (statement: iam.PolicyStatement) => role.addToPrincipalPolicy(statement);
  const has = (capability: Capability) => capabilities.includes(capability);
  const table = t.deploymentsTable.tableArn;

  if (has('deployments:read')) {
    add(
      new iam.PolicyStatement({ sid: 'ReadDeployments', actions: ['dynamodb:GetItem'], resources: [table] }),
    );
    add(
      new iam.PolicyStatement({
        sid: 'ListDeployments',
        actions: ['dynamodb:Query'],
        resources: [table, ...deploymentTableIndexes().map((index) => `${table}/index/${index.indexName}`)],
      }),
    );
  }
  if (has('deployments:write')) {
    add(
      new iam.PolicyStatement({ sid: 'WriteDeployments', actions: ['dynamodb:PutItem'], resources: [table] }),
    );
    // Only a target's claim is ever deleted (released); a deployment record never is.
    add(
      new iam.PolicyStatement({
        sid: 'ReleaseTargetClaims',
        actions: ['dynamodb:DeleteItem'],
        resources: [table],
        conditions: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${TARGET_CLAIM_KEY_PREFIX}*`] },
        },
      }),
    );
  }
  if (has('deployments:request')) {
    add(
      putEventsStatement('RequestDeployments', t.verdictBus, PUBLISHED_DETAIL_TYPES['deployments:request']),
    );
  }
  if (has('deployments:publish')) {
    add(
      putEventsStatement(
        'PublishDeploymentStatus',
        t.verdictBus,
        PUBLISHED_DETAIL_TYPES['deployments:publish'],
      ),
    );
  }
  if (has('deployments:promote')) {
    add(putEventsStatement('PromoteVersions', t.verdictBus, PUBLISHED_DETAIL_TYPES['deployments:promote']));
  }
  if (!has('sagemaker:deploy') && !has('bake:schedule')) return;
  const targets = t.deployment;
  if (!targets) throw new Error('sagemaker:deploy and bake:schedule need the deployment targets');
  // A policy of their own: with the ledger's grants they would outgrow a role's inline policy quota, and the
  // overflow policy CDK would split off late would miss the role's cdk-nag suppressions.
  const policy = new iam.ManagedPolicy(role, 'DeploymentPolicy', {
    description: 'Verdict: the SageMaker resources and bake schedules of deployments',
    roles: [role],
  });
  const allow = (statement: iam.PolicyStatement) => policy.addStatements(statement);

  if (has('sagemaker:deploy') && targets.eksClusterNames.length > 0) {
    // The endpoint and CA of each cluster; what the role may do inside is its access entry's RBAC group.
    allow(
      new iam.PolicyStatement({
        sid: 'DescribeDeploymentClusters',
        actions: ['eks:DescribeCluster'],
        resources: targets.eksClusterNames.map((name) =>
          stack.formatArn({ service: 'eks', resource: 'cluster', resourceName: name }),
        ),
      }),
    );
  }

  if (has('sagemaker:deploy')) {
    const models = sagemakerArn(stack, 'model', `${DEPLOYMENT_RESOURCE_PREFIX}*`);
    const configs = sagemakerArn(stack, 'endpoint-config', `${DEPLOYMENT_RESOURCE_PREFIX}*`);
    const endpoints = sagemakerArn(stack, 'endpoint', '*');
    const tag = GOVERNED_ENDPOINT_TAG;
    // Tags given on Create* are authorised as sagemaker:AddTags on the new resource as well.
    allow(
      new iam.PolicyStatement({
        sid: 'ManageDeploymentModels',
        actions: [
          'sagemaker:CreateModel',
          'sagemaker:DescribeModel',
          'sagemaker:CreateEndpointConfig',
          'sagemaker:DescribeEndpointConfig',
          'sagemaker:AddTags',
        ],
        resources: [models, configs],
      }),
    );
    // A missing endpoint must read as missing (a first deployment creates it), so reads are not
    // conditioned on its tags; they disclose an endpoint's config and tags, nothing else.
    allow(
      new iam.PolicyStatement({
        sid: 'ReadEndpoints',
        actions: ['sagemaker:DescribeEndpoint', 'sagemaker:ListTags'],
        resources: [endpoints],
      }),
    );
    // An endpoint changed out of band is re-gated on what it serves: its configs and models, whoever named
    // them (and a deleted governed endpoint is recreated with its config's tags).
    allow(
      new iam.PolicyStatement({
        sid: 'ReadServedModels',
        actions: ['sagemaker:DescribeEndpointConfig', 'sagemaker:DescribeModel', 'sagemaker:ListTags'],
        resources: [sagemakerArn(stack, 'endpoint-config', '*'), sagemakerArn(stack, 'model', '*')],
      }),
    );
    allow(
      new iam.PolicyStatement({
        sid: 'CreateGovernedEndpoints',
        actions: ['sagemaker:CreateEndpoint', 'sagemaker:AddTags'],
        resources: [endpoints, configs],
        conditions: { Null: { [`aws:RequestTag/${tag}`]: 'false' } },
      }),
    );
    allow(
      new iam.PolicyStatement({
        sid: 'ChangeGovernedEndpoints',
        actions: ['sagemaker:UpdateEndpoint', 'sagemaker:DeleteEndpoint', 'sagemaker:AddTags'],
        resources: [endpoints, configs],
        conditions: { Null: { [`aws:ResourceTag/${tag}`]: 'false' } },
      }),
    );
    // Only a rollout's mark comes off again: Verdict's tag stays, so the endpoint stays governed.
    allow(
      new iam.PolicyStatement({
        sid: 'UnmarkGovernedEndpoints',
        actions: ['sagemaker:DeleteTags'],
        resources: [endpoints],
        conditions: {
          Null: { [`aws:ResourceTag/${tag}`]: 'false' },
          'ForAllValues:StringNotEquals': { 'aws:TagKeys': [tag] },
        },
      }),
    );
    allow(
      new iam.PolicyStatement({
        sid: 'PassSageMakerExecutionRole',
        actions: ['iam:PassRole'],
        resources: [targets.sagemakerExecutionRoleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
      }),
    );
  }

  if (has('bake:schedule')) {
    allow(
      new iam.PolicyStatement({
        sid: 'ScheduleBakeEnds',
        actions: [
          'scheduler:CreateSchedule',
          'scheduler:UpdateSchedule',
          'scheduler:DeleteSchedule',
          'scheduler:GetSchedule',
        ],
        resources: [bakeScheduleArns(stack, targets.bakeScheduleGroupName)],
      }),
    );
    allow(
      new iam.PolicyStatement({
        sid: 'PassBakeSchedulerRole',
        actions: ['iam:PassRole'],
        resources: [targets.bakeSchedulerRoleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
  }
}
