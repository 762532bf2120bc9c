/**
 * The Verdict stack: storage (key, tables, buckets), the verdict event bus, one function per entry of
 * `functions` and one rule per entry of `routes` in functions/routes.ts, least-privilege roles, alarms.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { NagSuppressions } from 'cdk-nag';
import type { Construct } from 'constructs';
import { type FunctionName, functions, type Route, routes } from '../functions/routes.ts';
import type { VerdictConfig } from './config.ts';
import { Alarms } from './constructs/alarms.ts';
import { EventRouting, pascalCase, ruleNameFor } from './constructs/event-routing.ts';
import { GateFunction } from './constructs/gate-function.ts';
import { GovernanceStorage } from './constructs/governance-storage.ts';
import {
  evidenceBucketArn,
  FUNCTION_CAPABILITIES,
  grantCapabilities,
  modelPackageArnPattern,
} from './function-permissions.ts';
import { DEFAULT_POLICY_BUNDLE_PATH } from './paths.ts';

/** Verdict publishes `Verdict Decision` events (source `verdict`) on this bus. */
export const VERDICT_BUS_NAME = 'verdict';

export interface VerdictStackProps extends StackProps {
  config: VerdictConfig;
  /** Defaults to policies/build/bundle.tar.gz (npm run build:policies). */
  policyBundlePath?: string;
  /** Defaults to the route table; tests pass their own to exercise the wiring. */
  routes?: readonly Route[];
}

export class VerdictStack extends Stack {
  readonly storage: GovernanceStorage;
  readonly verdictBus: events.EventBus;
  readonly functions: Record<FunctionName, GateFunction>;
  readonly routing: EventRouting;
  readonly alarms: Alarms;

  constructor(scope: Construct, id: string, props: VerdictStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.storage = new GovernanceStorage(this, 'Storage', {
      environment: config.environment,
      retainData: config.retainData,
    });
    const { key, decisionsTable, idempotencyTable, governanceBucket } = this.storage;

    this.verdictBus = new events.EventBus(this, 'VerdictBus', {
      eventBusName: VERDICT_BUS_NAME,
      description: 'Verdict: decisions of the governance gates (source "verdict")',
      kmsKey: key,
    });

    const environment = {
      VERDICT_ENVIRONMENT: config.environment,
      VERDICT_DECISIONS_TABLE: decisionsTable.tableName,
      VERDICT_IDEMPOTENCY_TABLE: idempotencyTable.tableName,
      VERDICT_EVENT_BUS_NAME: this.verdictBus.eventBusName,
      POWERTOOLS_SERVICE_NAME: 'verdict',
      POWERTOOLS_METRICS_NAMESPACE: 'Verdict',
      POWERTOOLS_LOG_LEVEL: 'INFO',
    };
    const targets = {
      key,
      decisionsTable,
      idempotencyTable,
      governanceBucket,
      verdictBus: this.verdictBus,
      evidenceBucketNames: config.evidenceBucketNames,
      evidenceKmsKeyArns: config.evidenceKmsKeyArns,
      modelPackageGroupPrefix: config.modelPackageGroupPrefix,
    };

    const built: Partial<Record<FunctionName, GateFunction>> = {};
    for (const name of Object.keys(functions) as FunctionName[]) {
      const gate = new GateFunction(this, pascalCase(name), {
        name,
        spec: functions[name],
        key,
        policyBundlePath: props.policyBundlePath ?? DEFAULT_POLICY_BUNDLE_PATH,
        environment,
        retainData: config.retainData,
      });
      grantCapabilities(gate.role, FUNCTION_CAPABILITIES[name], targets);
      this.suppressWildcards(gate, FUNCTION_CAPABILITIES[name].includes('governance-objects:read'), config);
      built[name] = gate;
      new CfnOutput(this, `${pascalCase(name)}FunctionName`, {
        description: `Lambda function of ${name}`,
        value: gate.function.functionName,
      });
    }
    this.functions = built as Record<FunctionName, GateFunction>;

    const routeTable = props.routes ?? routes;
    this.routing = new EventRouting(this, 'Routing', {
      routes: routeTable,
      functions: Object.fromEntries(
        Object.entries(this.functions).map(([name, gate]) => [name, gate.function]),
      ) as Record<FunctionName, GateFunction['function']>,
      verdictBus: this.verdictBus,
      verdictBusName: VERDICT_BUS_NAME,
      key,
    });

    this.alarms = new Alarms(this, 'Alarms', {
      key,
      functions: Object.entries(this.functions).map(([name, gate]) => ({ name, function: gate.function })),
      queues: [
        ...Object.entries(this.functions).map(([name, gate]) => ({
          name: `${name}-failures`,
          queue: gate.failureQueue,
        })),
        ...routeTable.map((route) => ({
          name: `${ruleNameFor(route)}-dead-letters`,
          queue: this.routing.deadLetterQueue(route.id),
        })),
      ],
    });

    const outputs: Record<string, [string, string]> = {
      EventBusName: [this.verdictBus.eventBusName, 'Bus that carries Verdict Decision events'],
      EventBusArn: [this.verdictBus.eventBusArn, 'ARN of the verdict bus'],
      DecisionsTableName: [decisionsTable.tableName, 'Decisions (append-only)'],
      IdempotencyTableName: [idempotencyTable.tableName, 'Powertools idempotency records'],
      GovernanceBucketName: [governanceBucket.bucketName, 'Profiles and evidence'],
      AccessLogBucketName: [
        this.storage.accessLogBucket.bucketName,
        'Server access logs of the governance bucket',
      ],
      KeyArn: [key.keyArn, 'KMS key of every Verdict resource'],
      AlarmTopicArn: [this.alarms.topic.topicArn, 'Subscribe here to receive Verdict alarms'],
    };
    for (const [id, [value, description]] of Object.entries(outputs))
      new CfnOutput(this, id, { value, description });
  }

  /** IAM5 findings that are inherent to the grants: objects in a bucket, and packages in any matching group. */
  private suppressWildcards(gate: GateFunction, readsObjects: boolean, config: VerdictConfig): void {
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
    NagSuppressions.addResourceSuppressions(gate.role, suppressions, true);
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
