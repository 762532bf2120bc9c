/**
 * The local runtime's event bus: PutEvents semantics (envelope, per-entry errors, limits) and routing by the same
 * route table and pattern matcher the CDK stack turns into EventBridge rules. One in-process bus stands for both
 * the default and the verdict bus. Targets run one after another; a target that throws is kept as a dead
 * letter (as an EventBridge rule's DLQ would receive it) and does not fail the PutEvents call. A dead letter
 * that cannot be kept does: `DeadLetterUnavailableError`, so that nothing is acknowledged and lost.
 * Background targets (long jobs: the report worker) are invoked after the call returns, one after another,
 * as EventBridge invokes a Lambda function asynchronously; their failures become dead letters all the same.
 */
import { randomUUID } from 'node:crypto';
import type { EventBridgeEvent } from 'aws-lambda';
import { matchesPattern, validatePattern } from '../../events/event-pattern.ts';
import type { EventPublisher, PublishedEvent } from '../../ports/event-publisher.ts';
import type { FunctionName, Route } from '../../routes.ts';
import { logger } from '../../shared/observability.ts';
import { type DeadLetter, type DeadLetterStore, projectForRedrive } from './dead-letters.ts';
import { MemoryDeadLetterStore } from './memory-dead-letter-store.ts';

export type BusEvent = EventBridgeEvent<string, unknown>;
export type TargetInvoker = (event: BusEvent) => Promise<unknown>;

/** One entry of a PutEvents request body. */
export interface PutEventsRequestEntry {
  Source?: string;
  DetailType?: string;
  /** A JSON object, serialised. */
  Detail?: string;
  Resources?: string[];
  Time?: Date | string | number;
  EventBusName?: string;
}

export type PutEventsResultEntry = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

export interface PutEventsResponse {
  FailedEntryCount: number;
  Entries: PutEventsResultEntry[];
}

export type Delivery =
  | { routeId: string; target: FunctionName; ok: true; result: unknown }
  | { routeId: string; target: FunctionName; ok: false; error: string; deadLetterId?: string };

export interface InProcessEventBusOptions {
  region?: string;
  account?: string;
  now?: () => Date;
  newEventId?: () => string;
  /** Where failed deliveries are kept; default in memory (bounded). */
  deadLetters?: DeadLetterStore;
  /** Targets invoked in the background: PutEvents returns once their event is queued. */
  background?: readonly FunctionName[];
}

/** Thrown for a request EventBridge rejects as a whole (HTTP 400 ValidationException). */
export class PutEventsValidationError extends Error {
  override readonly name = 'ValidationException';
}

/** A failed delivery could not be kept as a dead letter: the event must not be acknowledged. */
export class DeadLetterUnavailableError extends Error {
  override readonly name = 'DeadLetterUnavailableError';
}

const MAX_ENTRIES_PER_PUT = 10;
/** EventBridge limits an entry to 256 KiB, counted as its docs describe (see `entrySize`). */
export const MAX_ENTRY_BYTES = 256 * 1024;

export class InProcessEventBus implements EventPublisher {
  readonly deadLetters: DeadLetterStore;
  private readonly region: string;
  private readonly account: string;
  private readonly now: () => Date;
  private readonly newEventId: () => string;
  private readonly background: ReadonlySet<FunctionName>;
  /** Background deliveries, one after another. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly routes: readonly Route[],
    private readonly invokers: Readonly<Record<FunctionName, TargetInvoker>>,
    options: InProcessEventBusOptions = {},
  ) {
    for (const route of routes) validatePattern(route.pattern);
    this.region = options.region ?? 'us-east-1';
    this.account = options.account ?? '000000000000';
    this.now = options.now ?? (() => new Date());
    this.newEventId = options.newEventId ?? randomUUID;
    this.deadLetters = options.deadLetters ?? new MemoryDeadLetterStore();
    this.background = new Set(options.background ?? []);
  }

  /** Resolves once every background delivery queued so far has finished (tests, shutdown). */
  idle(): Promise<void> {
    return this.queue;
  }

  async putEvents(request: { Entries: readonly PutEventsRequestEntry[] }): Promise<PutEventsResponse> {
    return (await this.accept(request)).response;
  }

  /** PutEvents, and what became of each delivery (the local server answers 503 unless all succeeded). */
  async accept(request: {
    Entries: readonly PutEventsRequestEntry[];
  }): Promise<{ response: PutEventsResponse; deliveries: Delivery[] }> {
    const count = request.Entries.length;
    if (count < 1 || count > MAX_ENTRIES_PER_PUT) {
      const constraint =
        count < 1 ? 'greater than or equal to 1' : `less than or equal to ${MAX_ENTRIES_PER_PUT}`;
      throw new PutEventsValidationError(
        `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length ${constraint}`,
      );
    }
    const results: PutEventsResultEntry[] = [];
    const deliveries: Delivery[] = [];
    for (const entry of request.Entries) {
      const built = this.toEvent(entry);
      if ('ErrorCode' in built) {
        results.push(built);
        continue;
      }
      results.push({ EventId: built.id });
      deliveries.push(...(await this.dispatch(built)));
    }
    const response = {
      FailedEntryCount: results.filter((result) => 'ErrorCode' in result).length,
      Entries: results,
    };
    return { response, deliveries };
  }

  /** Delivers an already-built envelope to every route whose pattern matches, in route-table order. */
  async dispatch(event: BusEvent): Promise<Delivery[]> {
    const deliveries: Delivery[] = [];
    for (const route of this.routes) {
      if (!matchesPattern(route.pattern, event)) continue;
      if (!this.background.has(route.target)) {
        deliveries.push(await this.deliverOrKeep(route, event));
        continue;
      }
      const copy = structuredClone(event);
      this.queue = this.queue.then(async () => {
        try {
          await this.deliverOrKeep(route, copy);
        } catch (error) {
          logger.error('background delivery failed and could not be kept as a dead letter', {
            routeId: route.id,
            eventId: copy.id,
            error: error as Error,
          });
        }
      });
      deliveries.push({ routeId: route.id, target: route.target, ok: true, result: { status: 'queued' } });
    }
    return deliveries;
  }

  /** One delivery; a failed one is kept as a dead letter, or DeadLetterUnavailableError is thrown. */
  private async deliverOrKeep(route: Route, event: BusEvent): Promise<Delivery> {
    const { id: routeId, target } = route;
    const delivery = await this.deliver(route, event);
    if (delivery.ok) return delivery;
    let deadLetterId: string;
    try {
      deadLetterId = await this.deadLetters.record({
        routeId,
        target,
        eventId: event.id,
        error: delivery.error,
        event: projectForRedrive(event, route.pattern),
      });
    } catch (cause) {
      throw new DeadLetterUnavailableError(
        `delivery to ${target} failed (${delivery.error}) and could not be kept as a dead letter: ${(cause as Error).message}`,
        { cause },
      );
    }
    return { ...delivery, deadLetterId };
  }

  /** Delivers a dead letter's event again, to its route's target only; the letter itself is left as it is. */
  async redeliver(letter: DeadLetter): Promise<Delivery> {
    const route = this.routes.find((r) => r.id === letter.routeId);
    if (!route) {
      return { routeId: letter.routeId, target: letter.target, ok: false, error: 'no such route any more' };
    }
    return this.deliver(route, letter.event);
  }

  private async deliver(route: Route, event: BusEvent): Promise<Delivery> {
    const { id: routeId, target } = route;
    try {
      // Each target gets its own copy, as each Lambda invocation gets its own deserialised event.
      const result = await this.invokers[target](structuredClone(event));
      return { routeId, target, ok: true, result };
    } catch (thrown) {
      const error = thrown instanceof Error ? thrown.message : String(thrown);
      return { routeId, target, ok: false, error };
    }
  }

  /** EventPublisher: puts the event on the bus, so it is routed like any other. */
  async publish(event: PublishedEvent): Promise<void> {
    const { Entries } = await this.putEvents({
      Entries: [
        {
          Source: event.source,
          DetailType: event.detailType,
          Detail: JSON.stringify(event.detail),
          Resources: event.resources,
        },
      ],
    });
    const [result] = Entries;
    if (result && 'ErrorCode' in result) {
      throw new Error(`event rejected by the bus: ${result.ErrorCode}: ${result.ErrorMessage}`);
    }
  }

  private toEvent(entry: PutEventsRequestEntry): BusEvent | { ErrorCode: string; ErrorMessage: string } {
    for (const name of ['Source', 'DetailType', 'Detail'] as const) {
      if (!entry[name]) {
        return invalid(`Parameter ${name} is not valid. Reason: ${name} is a required argument.`);
      }
    }
    const size = entrySize(entry);
    if (size > MAX_ENTRY_BYTES) {
      return invalid(`Event entry is ${size} bytes; the limit is ${MAX_ENTRY_BYTES} bytes.`);
    }
    const detail = parseObject(entry.Detail ?? '');
    if (detail === undefined) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    const time = entry.Time === undefined ? this.now() : new Date(timeMillis(entry.Time));
    if (Number.isNaN(time.getTime())) return invalid('Parameter Time is not valid.');
    return {
      version: '0',
      id: this.newEventId(),
      'detail-type': entry.DetailType ?? '',
      source: entry.Source ?? '',
      account: this.account,
      time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: this.region,
      resources: [...(entry.Resources ?? [])],
      detail,
    };
  }
}

const invalid = (message: string) => ({ ErrorCode: 'InvalidArgument', ErrorMessage: message });

/** A number is epoch seconds, as in the PutEvents JSON body. */
const timeMillis = (time: Date | string | number): number =>
  time instanceof Date ? time.getTime() : typeof time === 'number' ? time * 1000 : Date.parse(time);

/** The entry size as EventBridge computes it: Time counts 14 bytes, the strings their UTF-8 length. */
export function entrySize(entry: PutEventsRequestEntry): number {
  const bytes = (text: string | undefined) => (text === undefined ? 0 : Buffer.byteLength(text, 'utf8'));
  return (
    (entry.Time === undefined ? 0 : 14) +
    bytes(entry.Source) +
    bytes(entry.DetailType) +
    bytes(entry.Detail) +
    (entry.Resources ?? []).reduce((sum, resource) => sum + bytes(resource), 0)
  );
}

const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function parseObject(json: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(json);
    return isJsonObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
