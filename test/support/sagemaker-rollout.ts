/**
 * Drives SageMaker endpoint rollouts in the AWS emulator (tools/emulator/verdict_moto.py) and collects
 * the endpoint events SageMaker sends to EventBridge.
 *
 * Without a hold, UpdateEndpoint completes at once (Updating, then InService). `holdRollouts` keeps the
 * endpoint's next updates in Baking until `completeRollout` or `forceRollback` (an auto-rollback alarm
 * firing); `releaseRollouts` returns to the default.
 */
import { type EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { EMULATOR_ACCOUNT, EMULATOR_REGION, uniqueName } from './aws-clients.ts';

export const ENDPOINT_STATE_CHANGE = 'SageMaker Endpoint State Change';
export const DEPLOYMENT_STATE_CHANGE = 'SageMaker Endpoint Deployment State Change';

/** What the hooks answer after `completeRollout` or `forceRollback`. */
export interface RolloutOutcome {
  EndpointName: string;
  EndpointStatus: string;
  EndpointConfigName: string;
}

async function callHook(
  emulator: string,
  action: 'hold' | 'release' | 'complete' | 'rollback',
  body: Record<string, unknown>,
): Promise<unknown> {
  const response = await fetch(`${emulator}/_verdict/sagemaker/rollouts/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accountId: EMULATOR_ACCOUNT, region: EMULATOR_REGION, ...body }),
  });
  const answer = (await response.json()) as { message?: string };
  if (!response.ok) throw new Error(`rollout hook ${action}: HTTP ${response.status}: ${answer.message}`);
  return answer;
}

export async function holdRollouts(emulator: string, endpointName: string): Promise<void> {
  await callHook(emulator, 'hold', { endpointName });
}

export async function releaseRollouts(emulator: string, endpointName: string): Promise<void> {
  await callHook(emulator, 'release', { endpointName });
}

/** Ends the bake of a held update: the endpoint serves the new configuration. */
export async function completeRollout(emulator: string, endpointName: string): Promise<RolloutOutcome> {
  return (await callHook(emulator, 'complete', { endpointName })) as RolloutOutcome;
}

/** As if an auto-rollback alarm fired during the bake (default: the first alarm of the deployment). */
export async function forceRollback(
  emulator: string,
  endpointName: string,
  alarmNames: string[] = [],
): Promise<RolloutOutcome> {
  return (await callHook(emulator, 'rollback', { endpointName, alarmNames })) as RolloutOutcome;
}

/** An `aws.sagemaker` endpoint event as an EventBridge rule delivered it to SQS. */
export interface SageMakerEndpointEvent {
  source: string;
  'detail-type': string;
  account: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown> & { EndpointName: string; EndpointStatus: string };
}

/**
 * A queue receiving the endpoint's two kinds of events through a rule on the default bus (where
 * SageMaker puts them); filtered on the endpoint name, so parallel test files do not see each other's.
 */
export async function routeEndpointEvents(
  clients: { eventbridge: EventBridgeClient; sqs: SQSClient },
  endpointName: string,
): Promise<string> {
  const queue = await clients.sqs.send(new CreateQueueCommand({ QueueName: uniqueName('sagemaker-events') }));
  const queueUrl = queue.QueueUrl ?? '';
  const attributes = await clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  const rule = uniqueName('sagemaker-endpoint-events');
  await clients.eventbridge.send(
    new PutRuleCommand({
      Name: rule,
      EventPattern: JSON.stringify({
        source: ['aws.sagemaker'],
        'detail-type': [ENDPOINT_STATE_CHANGE, DEPLOYMENT_STATE_CHANGE],
        detail: { EndpointName: [endpointName] },
      }),
    }),
  );
  await clients.eventbridge.send(
    new PutTargetsCommand({ Rule: rule, Targets: [{ Id: 'queue', Arn: attributes.Attributes?.QueueArn }] }),
  );
  return queueUrl;
}

/** Receives and deletes every event waiting in the queue (the emulator delivers during the API call). */
export async function drainEndpointEvents(
  sqs: SQSClient,
  queueUrl: string,
): Promise<SageMakerEndpointEvent[]> {
  const events: SageMakerEndpointEvent[] = [];
  for (;;) {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) return events;
    for (const message of messages) events.push(JSON.parse(message.Body ?? 'null') as SageMakerEndpointEvent);
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle,
        })),
      }),
    );
  }
}
