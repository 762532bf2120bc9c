import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import {
  EventBridgePublisher,
  EventPublishError,
} from '../../../functions/adapters/aws/eventbridge-publisher.ts';
import { awsClientConfig, EMULATOR_REGION, uniqueName } from '../../support/aws-clients.ts';

const endpoint = inject('motoEndpoint');
const events = new EventBridgeClient(awsClientConfig(endpoint));
const busName = uniqueName('verdict-bus');
const queueName = uniqueName('verdict-decisions');
const publisher = new EventBridgePublisher(events, busName);

/**
 * A minimal SQS client over the JSON protocol (@aws-sdk/client-sqs is not a dependency). The emulator
 * routes on the credential scope of the Authorization header and does not check the signature.
 */
async function sqs<T>(action: string, body: object): Promise<T> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `AmazonSQS.${action}`,
      authorization: `AWS4-HMAC-SHA256 Credential=testing/20250101/${EMULATOR_REGION}/sqs/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`SQS ${action}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function receiveAll(queueUrl: string): Promise<unknown[]> {
  const out = await sqs<{ Messages?: { Body: string }[] }>('ReceiveMessage', {
    QueueUrl: queueUrl,
    MaxNumberOfMessages: 10,
    WaitTimeSeconds: 1,
  });
  return (out.Messages ?? []).map((message) => JSON.parse(message.Body));
}

let queueUrl: string;

beforeAll(async () => {
  ({ QueueUrl: queueUrl } = await sqs<{ QueueUrl: string }>('CreateQueue', { QueueName: queueName }));
  const { Attributes } = await sqs<{ Attributes: { QueueArn: string } }>('GetQueueAttributes', {
    QueueUrl: queueUrl,
    AttributeNames: ['QueueArn'],
  });
  await events.send(new CreateEventBusCommand({ Name: busName }));
  await events.send(
    new PutRuleCommand({
      Name: 'verdict-decisions-to-queue',
      EventBusName: busName,
      EventPattern: JSON.stringify({ source: ['verdict'], 'detail-type': ['Verdict Decision'] }),
    }),
  );
  await events.send(
    new PutTargetsCommand({
      Rule: 'verdict-decisions-to-queue',
      EventBusName: busName,
      Targets: [{ Id: 'queue', Arn: Attributes.QueueArn }],
    }),
  );
});

describe('EventBridgePublisher against the emulator', () => {
  it('publishes an event that a rule on the bus delivers to its target', async () => {
    const resource = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/credit/3';

    await publisher.publish({
      source: 'verdict',
      detailType: 'Verdict Decision',
      detail: { decisionId: 'd-1', decision: 'deny' },
      resources: [resource],
    });
    await publisher.publish({ source: 'verdict.other', detailType: 'Not Routed', detail: {} });

    const delivered = await receiveAll(queueUrl);
    expect(delivered).toEqual([
      expect.objectContaining({
        source: 'verdict',
        'detail-type': 'Verdict Decision',
        detail: { decisionId: 'd-1', decision: 'deny' },
        resources: [resource],
      }),
    ]);
  });

  it('throws with the error code when EventBridge rejects the entry', async () => {
    const rejected = publisher.publish({ source: '', detailType: 'Verdict Decision', detail: { a: 1 } });

    await expect(rejected).rejects.toBeInstanceOf(EventPublishError);
    await expect(rejected).rejects.toMatchObject({ code: 'InvalidArgument', retryable: false });
  });
});
