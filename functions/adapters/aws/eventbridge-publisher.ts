/** EventPublisher over one EventBridge bus (PutEvents, one entry per call). */
import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { EventPublisher, PublishedEvent } from '../../ports/event-publisher.ts';

/** Error codes of a failed PutEvents entry that a later attempt may not meet again. */
const RETRYABLE_CODES = new Set(['ThrottlingException', 'InternalFailure', 'InternalException']);

/** EventBridge accepted the call but rejected the entry. The message names the event type, not its detail. */
export class EventPublishError extends Error {
  override readonly name = 'EventPublishError';
  readonly retryable: boolean;
  constructor(
    readonly code: string,
    detailType: string,
    busName: string,
    reason?: string,
  ) {
    super(`EventBridge rejected "${detailType}" on bus ${busName}: ${code}${reason ? ` (${reason})` : ''}`);
    this.retryable = RETRYABLE_CODES.has(code);
  }
}

export class EventBridgePublisher implements EventPublisher {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish(event: PublishedEvent): Promise<void> {
    const out = await this.client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: this.busName,
            Source: event.source,
            DetailType: event.detailType,
            Detail: JSON.stringify(event.detail ?? {}),
            Resources: event.resources,
          },
        ],
      }),
    );
    if ((out.FailedEntryCount ?? 0) > 0) {
      const failed = out.Entries?.find((entry) => entry.ErrorCode) ?? out.Entries?.[0];
      throw new EventPublishError(
        failed?.ErrorCode ?? 'UnknownError',
        event.detailType,
        this.busName,
        failed?.ErrorMessage,
      );
    }
  }
}
