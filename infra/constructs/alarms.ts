/**
 * Alarms for what needs a human: function errors, throttles and lost failure records, and any message in
 * a dead-letter queue. All notify one KMS-encrypted SNS topic; subscribe to it after deploying.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { pascalCase } from './event-routing.ts';

export interface AlarmsProps {
  key: kms.IKey;
  functions: ReadonlyArray<{ name: string; function: lambda.IFunction }>;
  /** Any message in one of these is an alarm; `description` says what it means (default: a dead-letter queue). */
  queues: ReadonlyArray<{ name: string; queue: sqs.IQueue; description?: string }>;
}

export class Alarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const fromThisAccountsAlarms = {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm:*' }) },
    };

    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'Verdict alarms',
      masterKey: props.key,
      enforceSSL: true,
    });
    // A topic policy replaces the default one, so CloudWatch needs its own Allow, and the encrypted topic
    // needs a key grant (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html).
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarms',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: fromThisAccountsAlarms,
      }),
    );
    props.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToEncryptedTopic',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: fromThisAccountsAlarms,
      }),
    );

    const fiveMinutes = Duration.minutes(5);
    for (const { name, function: fn } of props.functions) {
      const id = pascalCase(name);
      this.add(
        `${id}Errors`,
        fn.metricErrors({ period: fiveMinutes, statistic: 'Sum' }),
        `${name}: invocations failed`,
      );
      this.add(
        `${id}Throttles`,
        fn.metricThrottles({ period: fiveMinutes, statistic: 'Sum' }),
        `${name}: invocations throttled`,
      );
      this.add(
        `${id}DestinationDeliveryFailures`,
        fn.metric('DestinationDeliveryFailures', { period: fiveMinutes, statistic: 'Sum' }),
        `${name}: a failed event could not be written to its failure queue and is lost`,
      );
    }
    for (const { name, queue, description } of props.queues) {
      this.add(
        `${pascalCase(name)}Messages`,
        queue.metricApproximateNumberOfMessagesVisible({ period: fiveMinutes, statistic: 'Maximum' }),
        `${name}: ${description ?? 'events are waiting in a dead-letter queue'}`,
      );
    }
  }

  private add(id: string, metric: cloudwatch.IMetric, description: string): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `Verdict: ${description}`,
    });
    alarm.addAlarmAction(new actions.SnsAction(this.topic));
    this.alarms.push(alarm);
  }
}
