import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';
import type { DecisionStore } from '../../ports/decision-store.ts';
import { deterministicId } from '../../shared/hashing.ts';
import { logger, metrics } from '../../shared/observability.ts';
import { InvalidInputError } from '../../shared/validation.ts';

/** EventBridge's own limit for one event. */
export const MAX_EVENT_BYTES = 256 * 1024;

/**
 * Bad input never reaches a policy and never changes a model's status. The rejection is recorded (code and
 * problems, not the payload, which may hold personal data) and the error is rethrown so that, in AWS, the
 * event lands in the dead-letter queue.
 */
export function rejectBadInput(gate: string, store: () => DecisionStore, now: () => Date): MiddlewareObj {
  // Later middlewares replace request.event with its parsed form; keep the id of what actually arrived.
  const eventIds = new WeakMap<object, string | null>();
  return {
    before: (request) => {
      eventIds.set(request, eventIdOf(request.event));
      const bytes = Buffer.byteLength(JSON.stringify(request.event) ?? '');
      if (bytes > MAX_EVENT_BYTES) {
        throw new InvalidInputError('event.too_large', [`(root): ${bytes} bytes exceeds ${MAX_EVENT_BYTES}`]);
      }
    },
    onError: async (request) => {
      const error = request.error;
      if (!(error instanceof InvalidInputError)) return;
      const eventId = eventIds.get(request) ?? eventIdOf(request.event);
      await store().recordRejection({
        id: deterministicId(gate, 'rejection', eventId ?? `${now().toISOString()}:${Math.random()}`),
        gate,
        eventId,
        code: error.code,
        message: error.problems.join('; ').slice(0, 2000),
        rejectedAt: now().toISOString(),
      });
      metrics.addMetric('Rejections', MetricUnit.Count, 1);
      logger.warn('event rejected', { code: error.code, problems: error.problems, eventId });
    },
  };
}

function eventIdOf(event: unknown): string | null {
  const id = (event as { id?: unknown } | null)?.id;
  return typeof id === 'string' && id.length <= 128 ? id : null;
}
