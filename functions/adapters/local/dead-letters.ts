/**
 * Dead letters: deliveries the in-process bus could not complete, kept until they are redriven (as an
 * EventBridge rule's dead-letter queue keeps them). A dead letter holds what redrive needs and nothing more:
 * the event's envelope and only the detail fields the route's pattern reads (for the model-registry gate:
 * the package ARN, group, version and statuses, never the registration's metadata).
 */
import type { EventPattern } from '../../events/event-pattern.ts';
import type { FunctionName } from '../../routes.ts';
import type { BusEvent } from './in-process-event-bus.ts';

export interface DeadLetter {
  id: string;
  routeId: string;
  target: FunctionName;
  eventId: string;
  /** ISO 8601, the first failure. */
  failedAt: string;
  /** Deliveries tried: 1 at first, one more per failed redrive. */
  attempts: number;
  /** The last failure's message, shortened. */
  error: string;
  event: BusEvent;
}

export type NewDeadLetter = Omit<DeadLetter, 'id' | 'failedAt' | 'attempts'>;

export interface DeadLetterStore {
  /** Keeps the letter durably and returns its id; throws when it cannot (the caller must not acknowledge). */
  record(letter: NewDeadLetter): Promise<string>;
  /** Oldest first. */
  list(options?: { limit?: number }): Promise<DeadLetter[]>;
  get(id: string): Promise<DeadLetter | undefined>;
  /** After a successful redrive. */
  remove(id: string): Promise<void>;
  /** After a failed redrive. */
  noteFailure(id: string, error: string): Promise<void>;
}

/** Thrown when a store holds its maximum: redrive (or fix the target) before more can be kept. */
export class DeadLetterStoreFullError extends Error {
  override readonly name = 'DeadLetterStoreFullError';
}

const MAX_ERROR_LENGTH = 500;
const ENVELOPE = ['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources'];

export const shortError = (error: string): string => error.slice(0, MAX_ERROR_LENGTH);

/** The event reduced to its envelope and the fields `pattern` reads, so it still matches on redrive. */
export function projectForRedrive(event: BusEvent, pattern: EventPattern): BusEvent {
  const envelope = Object.fromEntries(
    ENVELOPE.filter((key) => key in event).map((key) => [
      key,
      (event as unknown as Record<string, unknown>)[key],
    ]),
  );
  const detail = project((event as { detail?: unknown }).detail, (pattern as { detail?: unknown }).detail);
  return { ...envelope, detail: detail ?? {} } as BusEvent;
}

function project(value: unknown, pattern: unknown): unknown {
  if (pattern === undefined || value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(pattern)) return value; // a match list: the field itself is what the pattern reads
  if (Array.isArray(value)) return value.map((item) => project(item, pattern) ?? {});
  const out: Record<string, unknown> = {};
  const fields = pattern as Record<string, unknown>;
  const alternatives = Array.isArray(fields.$or) ? (fields.$or as Record<string, unknown>[]) : [];
  for (const sub of [fields, ...alternatives]) {
    for (const [key, subPattern] of Object.entries(sub)) {
      if (key === '$or' || !(key in value)) continue;
      const field = (value as Record<string, unknown>)[key];
      const kept = Array.isArray(subPattern) ? field : project(field, subPattern);
      if (kept !== undefined) out[key] = kept;
    }
  }
  return out;
}
