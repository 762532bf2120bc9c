/**
 * BakeTimer over EventBridge Scheduler: one one-shot `at()` schedule per deployment, whose target is the
 * EventBridge PutEvents universal target putting `Verdict Deployment Bake Ended` on Verdict's bus. The
 * schedule deletes itself once it has fired; scheduling the same deployment again updates it in place.
 */
import { createHash } from 'node:crypto';
import {
  ConflictException,
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  type SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { DEPLOYMENT_BAKE_ENDED, VERDICT_SOURCE } from '../../contracts/deployment-events.ts';
import type { BakeTimer } from '../../ports/bake-timer.ts';

/** The universal target that calls EventBridge PutEvents. */
export const PUT_EVENTS_TARGET_ARN = 'arn:aws:scheduler:::aws-sdk:eventbridge:putEvents';

/**
 * An `at()` already past may never fire (a late redelivery of the step that started the bake): it is moved
 * to this long after now, and the bake ends a little later instead of never.
 */
export const MIN_LEAD_MS = 60_000;

const NAME_PREFIX = 'bake-';
const NAME_MAX = 64;
const HASH_CHARS = 16;

export interface SchedulerBakeTimerOptions {
  /** The schedule group the bake schedules live in. */
  groupName: string;
  /** Verdict's bus, where the bake's end is put. */
  eventBusArn: string;
  /** The role EventBridge Scheduler assumes to call PutEvents on that bus. */
  roleArn: string;
  now: () => Date;
}

export class EventBridgeSchedulerBakeTimer implements BakeTimer {
  constructor(
    private readonly client: SchedulerClient,
    private readonly options: SchedulerBakeTimerOptions,
  ) {}

  async scheduleBakeEnd(deploymentId: string, at: string): Promise<void> {
    const input = this.scheduleInput(deploymentId, at);
    try {
      await this.client.send(new CreateScheduleCommand(input));
    } catch (error) {
      if (!(error instanceof ConflictException)) throw error;
      // UpdateSchedule replaces every field: the input is the whole schedule again.
      await this.client.send(new UpdateScheduleCommand(input));
    }
  }

  scheduleInput(deploymentId: string, at: string): CreateScheduleCommandInput {
    const { groupName, eventBusArn, roleArn, now } = this.options;
    const entry = {
      Source: VERDICT_SOURCE,
      DetailType: DEPLOYMENT_BAKE_ENDED,
      Detail: JSON.stringify({ deploymentId }),
      EventBusName: eventBusArn,
    };
    return {
      Name: bakeScheduleName(deploymentId),
      GroupName: groupName,
      ScheduleExpression: atExpression(at, now()),
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      State: 'ENABLED',
      Target: {
        Arn: PUT_EVENTS_TARGET_ARN,
        RoleArn: roleArn,
        Input: JSON.stringify({ Entries: [entry] }),
      },
    };
  }
}

/**
 * The schedule's name: at most 64 of [0-9a-zA-Z-_.], readable, and distinct per deployment id (a hash of the
 * id keeps two ids that read the same once cleaned or cut from sharing, and so replacing, one schedule).
 */
export function bakeScheduleName(deploymentId: string): string {
  const hash = createHash('sha256').update(deploymentId, 'utf8').digest('hex').slice(0, HASH_CHARS);
  const room = NAME_MAX - NAME_PREFIX.length - 1 - HASH_CHARS;
  const readable = deploymentId.replace(/[^0-9a-zA-Z_.-]/g, '-').slice(0, room);
  return `${NAME_PREFIX}${readable}-${hash}`;
}

/** `at(yyyy-mm-ddThh:mm:ss)` in UTC, rounded up to the second (never before the bake's end). */
export function atExpression(at: string, now: Date): string {
  const requested = Date.parse(at);
  if (Number.isNaN(requested)) throw new RangeError(`not a timestamp: ${at}`);
  const when = Math.ceil(Math.max(requested, now.getTime() + MIN_LEAD_MS) / 1000) * 1000;
  return `at(${new Date(when).toISOString().slice(0, 19)})`;
}
