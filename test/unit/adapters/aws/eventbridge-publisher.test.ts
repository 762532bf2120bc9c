import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  EventBridgePublisher,
  EventPublishError,
} from '../../../../functions/adapters/aws/eventbridge-publisher.ts';

const eventBridge = mockClient(EventBridgeClient);
const publisher = new EventBridgePublisher(new EventBridgeClient({ region: 'us-east-1' }), 'verdict-bus');
const event = {
  source: 'verdict',
  detailType: 'Verdict Decision',
  detail: { subjectEmail: 'jane@example.com' },
};

beforeEach(() => eventBridge.reset());

describe('EventBridgePublisher error paths', () => {
  it('throws a retryable EventPublishError with the code when the entry is throttled', async () => {
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' }],
    });

    const error = await publisher.publish(event).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(EventPublishError);
    expect(error).toMatchObject({ code: 'ThrottlingException', retryable: true });
    expect((error as Error).message).toContain('ThrottlingException');
    expect((error as Error).message).toContain('verdict-bus');
    expect((error as Error).message).not.toContain('jane@example.com');
  });

  it('reports a failed count without entry details as UnknownError, not retryable', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1 });

    await expect(publisher.publish(event)).rejects.toMatchObject({ code: 'UnknownError', retryable: false });
  });

  it('sends one entry on the configured bus with the detail as JSON', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });

    await publisher.publish(event);

    expect(eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries).toEqual([
      {
        EventBusName: 'verdict-bus',
        Source: 'verdict',
        DetailType: 'Verdict Decision',
        Detail: JSON.stringify(event.detail),
        Resources: undefined,
      },
    ]);
  });

  it('lets a failed call (not a failed entry) through unchanged', async () => {
    eventBridge
      .on(PutEventsCommand)
      .rejects(Object.assign(new Error('bus not found'), { name: 'ResourceNotFoundException' }));

    await expect(publisher.publish(event)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});
