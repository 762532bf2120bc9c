/**
 * Recorded decisions are immutable: IAM denies every Verdict role UpdateItem and DeleteItem on the
 * decisions table, and every record is written once with `attribute_not_exists`. What IAM cannot stop is
 * someone outside Verdict with table rights (an administrator, a leaked credential). This watches the
 * table's stream: any MODIFY or REMOVE of a record (decision, rejection, exception or access record, none
 * of which Verdict ever changes) goes, keys only, through an EventBridge pipe to an encrypted queue, and a
 * message there raises an alarm. The queue is also the pipe's dead-letter queue: a record the pipe could
 * not deliver alarms too.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as pipes from 'aws-cdk-lib/aws-pipes';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { DEAD_LETTER_RETENTION } from './dead-letter-queue.ts';

/** The pipe's filter: what changes a record that exists (a first write is an INSERT). */
const TAMPER_EVENT_PATTERN = { eventName: ['MODIFY', 'REMOVE'] } as const;

export interface DecisionTamperWatchProps {
  /** The decisions table, with a stream (KEYS_ONLY is enough: the alarm says which record, not what). */
  table: dynamodb.ITable;
  key: kms.IKey;
}

export class DecisionTamperWatch extends Construct {
  /** Keys of changed or removed records; any message here is an alarm (see Alarms). */
  readonly queue: sqs.Queue;
  readonly pipe: pipes.CfnPipe;

  constructor(scope: Construct, id: string, props: DecisionTamperWatchProps) {
    super(scope, id);
    const region = Stack.of(this).region;
    const streamArn = props.table.tableStreamArn;
    if (!streamArn) throw new Error('the decisions table needs a stream for the tamper watch');

    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      dataKeyReuse: Duration.minutes(5),
      enforceSSL: true,
      retentionPeriod: DEAD_LETTER_RETENTION,
    });
    NagSuppressions.addResourceSuppressions(this.queue, [
      {
        id: 'AwsSolutions-SQS3',
        reason:
          'This queue is the end of the tamper alarm (and the pipe dead-letter queue): its messages are the evidence a human reads; nothing consumes it.',
      },
    ]);

    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('pipes.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'Verdict decisions tamper watch: reads the table stream, writes the alarm queue',
    });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadDecisionStream',
        actions: [
          'dynamodb:DescribeStream',
          'dynamodb:GetRecords',
          'dynamodb:GetShardIterator',
          'dynamodb:ListStreams',
        ],
        resources: [streamArn],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'SendTamperRecords',
        actions: ['sqs:SendMessage'],
        resources: [this.queue.queueArn],
      }),
    );
    for (const [service, actions] of [
      ['dynamodb', ['kms:Decrypt']],
      ['sqs', ['kms:GenerateDataKey', 'kms:Decrypt']],
    ] as const)
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: `UseKeyVia${service === 'sqs' ? 'Sqs' : 'DynamoDB'}`,
          actions: [...actions],
          resources: [props.key.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `${service}.${region}.amazonaws.com` } },
        }),
      );

    this.pipe = new pipes.CfnPipe(this, 'Pipe', {
      description: 'Verdict: a decision record was modified or removed',
      roleArn: role.roleArn,
      source: streamArn,
      sourceParameters: {
        filterCriteria: { filters: [{ pattern: JSON.stringify(TAMPER_EVENT_PATTERN) }] },
        dynamoDbStreamParameters: {
          startingPosition: 'TRIM_HORIZON',
          batchSize: 1,
          maximumRetryAttempts: 10,
          deadLetterConfig: { arn: this.queue.queueArn },
        },
      },
      target: this.queue.queueArn,
    });
    this.pipe.node.addDependency(role);
  }
}
