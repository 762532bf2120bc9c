/**
 * The Verdict stack: storage (key, tables, buckets), the verdict event bus, one function per entry of the
 * function table (function-table.ts), one rule per entry of `routes` in functions/routes.ts, the auditor
 * API (HTTP API, one route per entry of functions/api/route-table.ts), least-privilege roles, alarms.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import type { Construct } from 'constructs';
import { API_ROUTE_TABLE } from '../functions/api/route-table.ts';
import { type FunctionName, functions, type Route, routes } from '../functions/routes.ts';
import type { VerdictConfig } from './config.ts';
import { Alarms } from './constructs/alarms.ts';
import { ApprovalGuard } from './constructs/approval-guard.ts';
import { AuditorApi } from './constructs/auditor-api.ts';
import { deadLetterQueue } from './constructs/dead-letter-queue.ts';
import { DecisionTamperWatch } from './constructs/decision-tamper-watch.ts';
import { DeploymentGuard } from './constructs/deployment-guard.ts';
import { DeploymentOrchestration } from './constructs/deployment-orchestration.ts';
import { EventRouting, pascalCase, ruleNameFor } from './constructs/event-routing.ts';
import { GovernanceStorage } from './constructs/governance-storage.ts';
import { LedgerStorage } from './constructs/ledger-storage.ts';
import { OPERATOR_CAPABILITIES, OperatorRole } from './constructs/operator-role.ts';
import { VerdictFunction } from './constructs/verdict-function.ts';
import {
  bakeScheduleArns,
  type Capability,
  DEPLOYMENT_RESOURCE_PREFIX,
  evidenceBucketArn,
  grantCapabilities,
  modelPackageArnPattern,
  sagemakerArn,
} from './function-permissions.ts';
import { type DeployedFunctionName, FUNCTION_TABLE, type FunctionResources } from './function-table.ts';
import { DEFAULT_POLICY_BUNDLE_PATH } from './paths.ts';

/** Verdict publishes `Verdict Decision` events (source `verdict`) on this bus: `verdict-<environment>`. */
export function verdictBusName(environment: string): string {
  return `verdict-${environment}`;
}

export interface VerdictStackProps extends StackProps {
  config: VerdictConfig;
  /** Defaults to policies/build/bundle.tar.gz (npm run build:policies). */
  policyBundlePath?: string;
  /** Defaults to the route table; tests pass their own to exercise the wiring. */
  routes?: readonly Route[];
}

export class VerdictStack extends Stack {
  readonly config: VerdictConfig;
  readonly storage: GovernanceStorage;
  readonly ledger: LedgerStorage;
  readonly verdictBus: events.EventBus;
  readonly busDeadLetterQueue: sqs.Queue;
  readonly functions: Record<DeployedFunctionName, VerdictFunction>;
  /** The auditor API's function: `functions['auditor-api']`. */
  readonly apiFunction: VerdictFunction;
  readonly api: AuditorApi;
  readonly routing: EventRouting;
  readonly alarms: Alarms;
  readonly tamperWatch: DecisionTamperWatch;
  /** With verdict:approvalGuard: the policy that reserves approval of governed versions to the gate. */
  readonly approvalGuard: ApprovalGuard | undefined;
  /** The bake schedule group, the scheduler role and the SageMaker execution role of deployments. */
  readonly deployments: DeploymentOrchestration;
  /** With verdict:enforceSageMakerDeployments: the policy that reserves governed endpoints to the orchestrator. */
  readonly deploymentGuard: DeploymentGuard | undefined;
  /** The role `verdict --stack` assumes to write (verdict:operatorRoleTrust); undefined when none may. */
  readonly operatorRole: iam.Role | undefined;

  constructor(scope: Construct, id: string, props: VerdictStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.config = config;

    this.storage = new GovernanceStorage(this, 'Storage', {
      environment: config.environment,
      retainData: config.retainData,
      reportRetentionDays: config.reportRetentionDays,
      objectLockMode: config.objectLockMode,
      breakGlassRoleArn: config.breakGlassRoleArn,
    });
    const {
      key,
      decisionsTable,
      idempotencyTable,
      governanceBucket,
      reportsBucket,
      reportJobsTable,
      deploymentsTable,
    } = this.storage;

    // Events the encrypted bus cannot deliver (e.g. a KMS failure before any rule's target is reached) land
    // here instead of being dropped; EventBridge writes with its service principal, for this bus only.
    const busName = verdictBusName(config.environment);
    const busArn = this.formatArn({ service: 'events', resource: 'event-bus', resourceName: busName });
    this.busDeadLetterQueue = deadLetterQueue(
      this,
      'VerdictBusDeadLetterQueue',
      key,
      `events the ${busName} bus could not deliver`,
    );
    this.busDeadLetterQueue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowVerdictBusDeadLetters',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.busDeadLetterQueue.queueArn],
        conditions: { ArnEquals: { 'aws:SourceArn': busArn } },
      }),
    );
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowVerdictBusDeadLetters',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { ArnEquals: { 'aws:SourceArn': busArn } },
      }),
    );
    this.verdictBus = new events.EventBus(this, 'VerdictBus', {
      eventBusName: busName,
      description: 'Verdict: decisions of the governance gates (source "verdict")',
      kmsKey: key,
      deadLetterQueue: this.busDeadLetterQueue,
    });

    this.ledger = new LedgerStorage(this, 'Ledger', {
      environment: config.environment,
      retainData: config.retainData,
      key,
      accessLogBucket: this.storage.accessLogBucket,
      checkpointRetentionDays: config.checkpointRetentionDays,
      objectLockMode: config.objectLockMode,
      breakGlassRoleArn: config.breakGlassRoleArn,
    });

    this.deployments = new DeploymentOrchestration(this, 'Deployments', {
      environment: config.environment,
      verdictBus: this.verdictBus,
      sagemakerExecutionRoleArn: config.sagemakerExecutionRoleArn,
      modelArtifactLocations: config.modelArtifactLocations,
      retainData: config.retainData,
      eksClusters: config.eksClusters,
    });

    const targets = {
      key,
      ledger: this.ledger,
      decisionsTable,
      idempotencyTable,
      governanceBucket,
      reportsBucket,
      objectLockMode: config.objectLockMode,
      reportJobsTable,
      reportSigning: this.storage.reportSigningKeyPolicy,
      verdictBus: this.verdictBus,
      evidenceBucketNames: config.evidenceBucketNames,
      evidenceKmsKeyArns: config.evidenceKmsKeyArns,
      modelPackageGroupPrefix: config.modelPackageGroupPrefix,
      deploymentsTable,
      deployment: this.deployments.targets,
    };
    const resources: FunctionResources = {
      ...targets,
      config,
      reportSigningKeyArn: this.storage.reportSigningKey.keyArn,
      policyBundlePath: props.policyBundlePath ?? DEFAULT_POLICY_BUNDLE_PATH,
    };
    const sourceMaps = config.environment !== 'prod';

    const built: Partial<Record<DeployedFunctionName, VerdictFunction>> = {};
    for (const name of Object.keys(FUNCTION_TABLE) as DeployedFunctionName[]) {
      const definition = FUNCTION_TABLE[name];
      const fn = new VerdictFunction(this, definition.constructId ?? pascalCase(name), {
        name,
        spec: definition.spec,
        key,
        environment: (role) => definition.environment(resources, { roleArn: role.roleArn }),
        ...(definition.policyBundle && { policyBundlePath: resources.policyBundlePath }),
        ...(definition.pdfFonts && { pdfFonts: true }),
        ...(definition.reservedConcurrency && {
          reservedConcurrency: definition.reservedConcurrency(config),
        }),
        asyncInvocation: definition.invocation === 'async',
        retainData: config.retainData,
        sourceMaps,
      });
      grantCapabilities(fn.role, definition.capabilities, targets);
      if (definition.subjectKeys) this.ledger.grantSubjectKeys(fn.role, { destroy: false });
      this.suppressWildcards(fn.role, definition.capabilities, config);
      built[name] = fn;
      new CfnOutput(this, `${pascalCase(name)}FunctionName`, {
        description: `Lambda function of ${name}`,
        value: fn.function.functionName,
      });
    }
    this.functions = built as Record<DeployedFunctionName, VerdictFunction>;
    this.apiFunction = this.functions['auditor-api'];
    this.api = new AuditorApi(this, 'AuditorApi', {
      handler: this.apiFunction.function,
      routes: Object.values(API_ROUTE_TABLE),
      key,
      retainData: config.retainData,
      ...(config.apiJwtIssuer && { jwt: { issuer: config.apiJwtIssuer, audience: config.apiJwtAudience } }),
    });

    const routeTable = props.routes ?? routes;
    this.routing = new EventRouting(this, 'Routing', {
      routes: routeTable,
      functions: Object.fromEntries(
        Object.keys(functions).map((name) => [name, this.functions[name as FunctionName].function]),
      ) as Record<FunctionName, VerdictFunction['function']>,
      verdictBus: this.verdictBus,
      verdictBusName: verdictBusName(config.environment),
      environment: config.environment,
      modelPackageGroupPrefix: config.modelPackageGroupPrefix,
      key,
    });

    this.approvalGuard = config.approvalGuard
      ? new ApprovalGuard(this, 'ApprovalGuard', {
          groupPrefix: config.modelPackageGroupPrefix,
          approverRoleArns: [
            this.functions['model-registry-gate'].role.roleArn,
            ...(config.breakGlassRoleArn ? [config.breakGlassRoleArn] : []),
          ],
        })
      : undefined;
    if (this.approvalGuard)
      new CfnOutput(this, 'ApprovalGuardPolicyArn', {
        description: 'Attach to every role and user of the Model Registry: only the Verdict gate approves',
        value: this.approvalGuard.policy.managedPolicyArn,
      });

    this.deployments.grantClusterAccess(this.functions['deployment-orchestrator'].role);

    this.deploymentGuard = config.enforceSageMakerDeployments
      ? new DeploymentGuard(this, 'DeploymentGuard', {
          deployerRoleArns: [
            this.functions['deployment-orchestrator'].role.roleArn,
            ...(config.breakGlassRoleArn ? [config.breakGlassRoleArn] : []),
          ],
        })
      : undefined;
    if (this.deploymentGuard) {
      new CfnOutput(this, 'DeploymentGuardPolicyArn', {
        description:
          'Attach to the human and CI roles of the account (or set as their permissions boundary): only the Verdict orchestrator changes governed endpoints',
        value: this.deploymentGuard.policy.managedPolicyArn,
      });
      new CfnOutput(this, 'DeploymentGuardServiceControlPolicy', {
        description: 'The same statements as a service control policy document, for AWS Organizations',
        value: this.deploymentGuard.scpDocument,
      });
    }

    if (config.operatorRoleTrust.length > 0) {
      const operator = new OperatorRole(this, 'Operator', { trustedRoleArns: config.operatorRoleTrust });
      grantCapabilities(operator.role, OPERATOR_CAPABILITIES, targets);
      this.ledger.grantSubjectKeys(operator.role);
      this.suppressWildcards(operator.role, OPERATOR_CAPABILITIES, config);
      this.operatorRole = operator.role;
      new CfnOutput(this, 'OperatorRoleArn', {
        description:
          'Assume for `verdict --stack` (exceptions, forget, reports): set it as role_arn of the --profile you use',
        value: operator.role.roleArn,
      });
    }

    this.tamperWatch = new DecisionTamperWatch(this, 'DecisionTamperWatch', { table: decisionsTable, key });

    this.alarms = new Alarms(this, 'Alarms', {
      key,
      functions: [...Object.entries(this.functions).map(([name, fn]) => ({ name, function: fn.function }))],
      queues: [
        ...Object.entries(this.functions).flatMap(([name, gate]) =>
          gate.failureQueue ? [{ name: `${name}-failures`, queue: gate.failureQueue }] : [],
        ),
        ...routeTable.map((route) => ({
          name: `${ruleNameFor(route, config.environment)}-dead-letters`,
          queue: this.routing.deadLetterQueue(route.id),
        })),
        { name: `${busName}-bus-dead-letters`, queue: this.busDeadLetterQueue },
        {
          name: 'decision-tampering',
          queue: this.tamperWatch.queue,
          description:
            'a recorded decision (or other record) of the decisions table was modified or removed: the messages name its keys',
        },
      ],
    });

    const outputs: Record<string, [string, string]> = {
      EventBusName: [this.verdictBus.eventBusName, 'Bus that carries Verdict Decision events'],
      EventBusArn: [this.verdictBus.eventBusArn, 'ARN of the verdict bus'],
      DecisionsTableName: [decisionsTable.tableName, 'Decisions (append-only)'],
      IdempotencyTableName: [idempotencyTable.tableName, 'Powertools idempotency records'],
      GovernanceBucketName: [governanceBucket.bucketName, 'Profiles and evidence'],
      ReportsBucketName: [
        reportsBucket.bucketName,
        `Exported reports (Object Lock, ${config.objectLockMode} mode)`,
      ],
      ReportJobsTableName: [reportJobsTable.tableName, 'Report export jobs'],
      DeploymentsTableName: [deploymentsTable.tableName, "Deployments (the orchestrator's read model)"],
      BakeScheduleGroupName: [
        this.deployments.targets.bakeScheduleGroupName,
        'EventBridge Scheduler group of the one-shot bake schedules',
      ],
      SageMakerExecutionRoleArn: [
        this.deployments.targets.sagemakerExecutionRoleArn,
        'The role SageMaker assumes for the models Verdict deploys',
      ],
      AuditorApiUrl: [this.api.iamApi.apiEndpoint, 'Auditor API for SigV4 (IAM) callers'],
      ...(this.api.jwtApi && {
        AuditorApiJwtUrl: [
          this.api.jwtApi.apiEndpoint,
          'Auditor API for bearer JWTs from the OIDC issuer',
        ] as [string, string],
      }),
      AccessLogBucketName: [
        this.storage.accessLogBucket.bucketName,
        'Server access logs of the governance bucket',
      ],
      KeyArn: [
        key.keyArn,
        'KMS key of the tables, governance and ledger tiles buckets, queues, bus and logs',
      ],
      ReportSigningKeyArn: [
        this.storage.reportSigningKey.keyArn,
        'Signs report manifests (Ed25519): trust its public key (aws kms get-public-key) to verify reports',
      ],
      AlarmTopicArn: [this.alarms.topic.topicArn, 'Subscribe here to receive Verdict alarms'],
      ObjectLockMode: [config.objectLockMode, 'Object Lock mode of reports and anchored checkpoints'],
      ModelPackageGroupPrefix: [
        config.modelPackageGroupPrefix,
        'Model package groups Verdict governs (their names start with this)',
      ],
    };
    for (const [id, [value, description]] of Object.entries(outputs))
      new CfnOutput(this, id, { value, description });
  }

  /** IAM5 findings that are inherent to the grants: objects in a bucket, and packages in any matching group. */
  private suppressWildcards(
    role: iam.IRole,
    capabilities: readonly Capability[],
    config: VerdictConfig,
  ): void {
    const readsObjects = capabilities.includes('governance-objects:read');
    const reasonSuffix =
      'the key names are only known at run time (a package names its own profile and reports).';
    const suppressions = [
      {
        id: 'AwsSolutions-IAM5',
        reason: `Model package ARNs end in <group>/<version>; "${config.modelPackageGroupPrefix}*" covers every version of every group the verdict:modelPackageGroupPrefix context allows.`,
        appliesTo: [
          `Resource::${flatten(this, modelPackageArnPattern(this, config.modelPackageGroupPrefix))}`,
        ],
      },
    ];
    if (capabilities.includes('model-packages:list')) {
      suppressions.push({
        id: 'AwsSolutions-IAM5',
        reason:
          'sagemaker:ListModelPackageGroups and sagemaker:ListModelPackages support no resource-level permissions; AWS requires Resource "*". The function lists only groups starting with verdict:modelPackageGroupPrefix.',
        appliesTo: ['Resource::*'],
      });
    }
    if (capabilities.includes('reports:download')) {
      suppressions.push({
        id: 'AwsSolutions-IAM5',
        reason:
          's3:GetObject on the objects of the reports bucket only, to presign download links: report keys are only known when a job finishes.',
        appliesTo: [`Resource::${flatten(this, this.storage.reportsBucket.bucketArn)}/*`],
      });
    }
    if (capabilities.includes('reports:archive')) {
      suppressions.push({
        id: 'AwsSolutions-IAM5',
        reason:
          's3:PutObject and s3:PutObjectRetention on the objects of the reports bucket only, in the configured Object Lock mode only: each report key is made from its job id when the job runs.',
        appliesTo: [`Resource::${flatten(this, this.storage.reportsBucket.bucketArn)}/*`],
      });
    }
    if (readsObjects) {
      suppressions.push({
        id: 'AwsSolutions-IAM5',
        reason: `s3:GetObject on the objects of the governance bucket and the configured evidence buckets only: ${reasonSuffix}`,
        appliesTo: [
          `Resource::${flatten(this, this.storage.governanceBucket.bucketArn)}/*`,
          ...config.evidenceBucketNames.map(
            (name) => `Resource::${flatten(this, evidenceBucketArn(this, name))}/*`,
          ),
        ],
      });
    }
    if (capabilities.includes('sagemaker:deploy')) {
      suppressions.push({
        id: 'AwsSolutions-IAM5',
        reason: `Models and endpoint configs are named ${DEPLOYMENT_RESOURCE_PREFIX}<deployment id> (only known when a deployment is requested); endpoints are named by each request, so creating one requires Verdict's tag on the request and changing one requires the tag on the endpoint (conditions of those statements).`,
        appliesTo: [
          `Resource::${flatten(this, sagemakerArn(this, 'model', `${DEPLOYMENT_RESOURCE_PREFIX}*`))}`,
          `Resource::${flatten(this, sagemakerArn(this, 'endpoint-config', `${DEPLOYMENT_RESOURCE_PREFIX}*`))}`,
          `Resource::${flatten(this, sagemakerArn(this, 'endpoint', '*'))}`,
        ],
      });
      suppressions.push({
        id: 'AwsSolutions-IAM5',
        reason:
          'An endpoint changed out of band is re-gated on the configs and models it serves, whoever named them: read-only (Describe, ListTags) on every endpoint config and model.',
        appliesTo: [
          `Resource::${flatten(this, sagemakerArn(this, 'endpoint-config', '*'))}`,
          `Resource::${flatten(this, sagemakerArn(this, 'model', '*'))}`,
        ],
      });
    }
    if (capabilities.includes('bake:schedule')) {
      suppressions.push({
        id: 'AwsSolutions-IAM5',
        reason:
          'One one-shot schedule per deployment, named after it when its bake starts: the schedules of the bake schedule group only.',
        appliesTo: [
          `Resource::${flatten(this, bakeScheduleArns(this, this.deployments.targets.bakeScheduleGroupName))}`,
        ],
      });
    }
    NagSuppressions.addResourceSuppressions(role, suppressions, true);
  }
}

/**
 * The form in which cdk-nag reports a resource (`arn:<AWS::Partition>:...`, `<Logical.Arn>`): the resolved
 * value with each Ref and GetAtt written as <Name> or <Logical.Attribute>.
 */
function flatten(scope: Stack, value: string): string {
  const walk = (node: unknown): string => {
    if (typeof node === 'string') return node;
    if (Array.isArray(node)) return node.map(walk).join('');
    if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if ('Ref' in record) return `<${String(record.Ref)}>`;
      if ('Fn::GetAtt' in record) return `<${(record['Fn::GetAtt'] as string[]).join('.')}>`;
      if ('Fn::Join' in record) {
        const [separator, parts] = record['Fn::Join'] as [string, unknown[]];
        return parts.map(walk).join(separator);
      }
    }
    throw new Error(`cannot flatten ${JSON.stringify(node)} for a nag suppression`);
  };
  return walk(scope.resolve(value));
}
