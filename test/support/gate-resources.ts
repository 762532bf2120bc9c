/**
 * What the model-registry gate's Lambda needs in the emulator, created once per test file: the decisions
 * table, the Powertools idempotency table, the Verdict bus with a rule that copies `Verdict Decision` events
 * to an SQS queue (the emulator delivers EventBridge targets to SQS, so tests read what was published), and
 * the governance bucket.
 */
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateEventBusCommand,
  type EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Decision } from '../../functions/contracts/decision.ts';
import { uniqueName } from './aws-clients.ts';
import { createDecisionTable } from './decision-table.ts';

export interface GateResourceNames {
  decisions: string;
  idempotency: string;
  bus: string;
  queue: string;
  bucket: string;
}

export const gateResourceNames = (): GateResourceNames => ({
  decisions: uniqueName('verdict-decisions'),
  idempotency: uniqueName('verdict-idempotency'),
  bus: uniqueName('verdict-bus'),
  queue: uniqueName('verdict-decision-events'),
  bucket: uniqueName('verdict-governance'),
});

/** Creates the resources; answers the URL of the queue that receives the `Verdict Decision` events. */
export async function createGateResources(
  clients: { dynamodb: DynamoDBClient; sqs: SQSClient; eventbridge: EventBridgeClient; s3: S3Client },
  names: GateResourceNames,
): Promise<string> {
  const { dynamodb, sqs, eventbridge, s3 } = clients;
  await createDecisionTable(dynamodb, names.decisions);
  // The Powertools DynamoDB persistence layer's default schema: partition key `id` (string), no sort key.
  await dynamodb.send(
    new CreateTableCommand({
      TableName: names.idempotency,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    }),
  );
  const queue = await sqs.send(new CreateQueueCommand({ QueueName: names.queue }));
  const queueUrl = queue.QueueUrl ?? '';
  const attributes = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  await eventbridge.send(new CreateEventBusCommand({ Name: names.bus }));
  await eventbridge.send(
    new PutRuleCommand({
      Name: 'verdict-decisions-to-queue',
      EventBusName: names.bus,
      EventPattern: JSON.stringify({ source: ['verdict'], 'detail-type': ['Verdict Decision'] }),
    }),
  );
  await eventbridge.send(
    new PutTargetsCommand({
      Rule: 'verdict-decisions-to-queue',
      EventBusName: names.bus,
      Targets: [{ Id: 'queue', Arn: attributes.Attributes?.QueueArn }],
    }),
  );
  await s3.send(new CreateBucketCommand({ Bucket: names.bucket }));
  return queueUrl;
}

/** A `Verdict Decision` event as the rule delivered it to the test queue. */
export interface DeliveredEvent {
  source: string;
  'detail-type': string;
  resources: string[];
  detail: Decision;
}

/** Receives and deletes every event waiting in the queue (moto delivers during PutEvents); returns them. */
export async function drainDeliveredEvents(sqs: SQSClient, queueUrl: string): Promise<DeliveredEvent[]> {
  const fresh: DeliveredEvent[] = [];
  for (;;) {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) return fresh;
    for (const message of messages) fresh.push(JSON.parse(message.Body ?? 'null') as DeliveredEvent);
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
}
