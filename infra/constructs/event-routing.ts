/**
 * The route table (functions/routes.ts) as EventBridge rules: one rule per route, on the account's default
 * bus (where AWS services publish) or on the verdict bus, each targeting its function with retries and an
 * encrypted dead-letter queue.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type FunctionName, type Route, UNGOVERNED_GROUP_PREFIX } from '../../functions/routes.ts';
import { deadLetterQueue } from './dead-letter-queue.ts';

/** EventBridge's retry policy for delivering a matched event to its target. */
const TARGET_MAX_EVENT_AGE = Duration.hours(2);
const TARGET_RETRY_ATTEMPTS = 8;

/**
 * Rule names are fixed (not generated) so the key policy can name each rule without a dependency cycle,
 * and carry the environment so each environment's stack has its own: `verdict-<environment>-<route id>`.
 */
export function ruleNameFor(route: Pick<Route, 'id'>, environment: string): string {
  return `verdict-${environment}-${route.id}`;
}

const RULE_NAME = /^[.\-_A-Za-z0-9]{1,64}$/;

/**
 * The route table writes patterns as EventBridge does (`detail-type`); the CDK EventPattern spells that one
 * key `detailType` and renders it back, and passes every other key through unchanged.
 */
export function toCdkEventPattern(pattern: Route['pattern']): events.EventPattern {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pattern)) out[key === 'detail-type' ? 'detailType' : key] = value;
  return out as events.EventPattern;
}

/**
 * IAM lets the gate describe and approve only groups starting with `verdict:modelPackageGroupPrefix`, so the
 * rule must deliver only those groups' events: any other would fail, be retried for hours and alarm. A route
 * that excludes ungoverned groups by name gets the prefix instead; the configuration guarantees the prefix
 * cannot start "sandbox-", so the exclusion still holds. Other routes are returned unchanged.
 */
export function scopeToGroupPrefix(pattern: Route['pattern'], prefix: string): Route['pattern'] {
  const detail = pattern.detail as Record<string, unknown> | undefined;
  const groupName = detail?.ModelPackageGroupName;
  if (prefix === '' || groupName === undefined) return pattern;
  const ungovernedOnly = [{ 'anything-but': { prefix: UNGOVERNED_GROUP_PREFIX } }];
  if (JSON.stringify(groupName) !== JSON.stringify(ungovernedOnly))
    throw new Error(
      `functions/routes.ts: a ModelPackageGroupName condition other than ${JSON.stringify(ungovernedOnly)} cannot take verdict:modelPackageGroupPrefix`,
    );
  return { ...pattern, detail: { ...detail, ModelPackageGroupName: [{ prefix }] } } as Route['pattern'];
}

export interface EventRoutingProps {
  routes: readonly Route[];
  functions: Record<FunctionName, lambda.IFunction>;
  verdictBus: events.IEventBus;
  /** The bus name as a literal (the key policy must not reference the bus resource, which uses the key). */
  verdictBusName: string;
  /** The deployment environment: part of every rule name. */
  environment: string;
  /** verdict:modelPackageGroupPrefix ("" for every group): see scopeToGroupPrefix. */
  modelPackageGroupPrefix: string;
  key: kms.IKey;
}

export class EventRouting extends Construct {
  readonly rules = new Map<string, events.Rule>();
  readonly deadLetterQueues = new Map<string, sqs.Queue>();

  constructor(scope: Construct, id: string, props: EventRoutingProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const seen = new Set<string>();

    for (const route of props.routes) {
      if (seen.has(route.id)) throw new Error(`functions/routes.ts: route id "${route.id}" is used twice`);
      seen.add(route.id);
      const ruleName = ruleNameFor(route, props.environment);
      if (!RULE_NAME.test(ruleName)) {
        throw new Error(
          `functions/routes.ts: route id "${route.id}" gives rule name "${ruleName}"; EventBridge allows 1-64 of [.-_A-Za-z0-9]`,
        );
      }
      const target = props.functions[route.target];
      if (!target)
        throw new Error(
          `functions/routes.ts: route "${route.id}" targets unknown function "${route.target}"`,
        );

      const constructId = pascalCase(route.id);
      const dlq = deadLetterQueue(
        this,
        `${constructId}DeadLetterQueue`,
        props.key,
        `events of rule ${ruleName}`,
      );
      const rule = new events.Rule(this, `${constructId}Rule`, {
        ruleName,
        description: route.description,
        eventBus: route.bus === 'verdict' ? props.verdictBus : undefined,
        eventPattern: toCdkEventPattern(scopeToGroupPrefix(route.pattern, props.modelPackageGroupPrefix)),
      });
      rule.addTarget(
        new targets.LambdaFunction(target, {
          deadLetterQueue: dlq,
          maxEventAge: TARGET_MAX_EVENT_AGE,
          retryAttempts: TARGET_RETRY_ATTEMPTS,
        }),
      );

      // EventBridge writes to the KMS-encrypted DLQ with its own service principal, so the key must let it,
      // for this rule only (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html).
      const ruleArn = stack.formatArn({
        service: 'events',
        resource: 'rule',
        resourceName: route.bus === 'verdict' ? `${props.verdictBusName}/${ruleName}` : ruleName,
      });
      props.key.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: `AllowEventBridgeDeadLetters${constructId}`,
          principals: [new iam.ServicePrincipal('events.amazonaws.com')],
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: ['*'],
          conditions: { ArnEquals: { 'aws:SourceArn': ruleArn } },
        }),
      );

      this.rules.set(route.id, rule);
      this.deadLetterQueues.set(route.id, dlq);
    }
  }

  deadLetterQueue(routeId: string): sqs.Queue {
    const queue = this.deadLetterQueues.get(routeId);
    if (!queue) throw new Error(`no route "${routeId}"`);
    return queue;
  }
}

export function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join('');
}
