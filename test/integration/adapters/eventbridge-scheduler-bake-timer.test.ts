/**
 * The EventBridge Scheduler bake timer against the emulator through the real SDK client: the one-shot schedule
 * it creates (expression, time zone, target, input, role, deletion after it fires), a second scheduling that
 * replaces it, a bake end already past, the schedule names it derives, and a refusal passed on.
 */
import {
  CreateScheduleGroupCommand,
  GetScheduleCommand,
  ListSchedulesCommand,
  SchedulerClient,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import {
  bakeScheduleName,
  EventBridgeSchedulerBakeTimer,
  PUT_EVENTS_TARGET_ARN,
} from '../../../functions/adapters/aws/eventbridge-scheduler-bake-timer.ts';
import { awsClientConfig, EMULATOR_ACCOUNT, EMULATOR_REGION, uniqueName } from '../../support/aws-clients.ts';

const scheduler = new SchedulerClient(awsClientConfig(inject('motoEndpoint')));
const BUS_ARN = `arn:aws:events:${EMULATOR_REGION}:${EMULATOR_ACCOUNT}:event-bus/verdict`;
const ROLE_ARN = `arn:aws:iam::${EMULATOR_ACCOUNT}:role/verdict-bake-scheduler`;
const NOW = new Date('2026-11-28T10:00:00.000Z');

let groupName: string;

function timer(group = groupName): EventBridgeSchedulerBakeTimer {
  return new EventBridgeSchedulerBakeTimer(scheduler, {
    groupName: group,
    eventBusArn: BUS_ARN,
    roleArn: ROLE_ARN,
    now: () => NOW,
  });
}

async function schedule(deploymentId: string) {
  return scheduler.send(
    new GetScheduleCommand({ GroupName: groupName, Name: bakeScheduleName(deploymentId) }),
  );
}

beforeAll(async () => {
  groupName = uniqueName('verdict-bakes');
  await scheduler.send(new CreateScheduleGroupCommand({ Name: groupName }));
});

describe('EventBridgeSchedulerBakeTimer against the emulator', () => {
  it('creates a one-shot UTC schedule putting the bake end on the bus, deleted once it has fired', async () => {
    await timer().scheduleBakeEnd('dep-1', '2026-11-28T10:10:00.250Z');
    const out = await schedule('dep-1');
    expect(out).toMatchObject({
      GroupName: groupName,
      ScheduleExpression: 'at(2026-11-28T10:10:01)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      State: 'ENABLED',
      Target: { Arn: PUT_EVENTS_TARGET_ARN, RoleArn: ROLE_ARN },
    });
    expect(JSON.parse(out.Target?.Input ?? '')).toEqual({
      Entries: [
        {
          Source: 'verdict',
          DetailType: 'Verdict Deployment Bake Ended',
          Detail: JSON.stringify({ deploymentId: 'dep-1' }),
          EventBusName: BUS_ARN,
        },
      ],
    });
  });

  it('replaces the schedule when the same deployment is scheduled again', async () => {
    await timer().scheduleBakeEnd('dep-2', '2026-11-28T10:10:00.000Z');
    await timer().scheduleBakeEnd('dep-2', '2026-11-28T10:30:00.000Z');
    expect((await schedule('dep-2')).ScheduleExpression).toBe('at(2026-11-28T10:30:00)');
    const listed = await scheduler.send(
      new ListSchedulesCommand({ GroupName: groupName, NamePrefix: bakeScheduleName('dep-2') }),
    );
    expect(listed.Schedules?.map((s) => s.Name)).toEqual([bakeScheduleName('dep-2')]);
  });

  it('schedules a bake end already past a minute from now, so that it still fires', async () => {
    await timer().scheduleBakeEnd('dep-3', '2026-11-28T09:00:00.000Z');
    expect((await schedule('dep-3')).ScheduleExpression).toBe('at(2026-11-28T10:01:00)');
  });

  it('rethrows any refusal but a conflict, without updating', async () => {
    // A hand-written client: the emulator answers a missing group with a bare 500, not the service's error.
    const sent: string[] = [];
    const refusing = {
      async send(command: object) {
        sent.push(command.constructor.name);
        throw new ValidationException({
          Message: 'bad expression',
          message: 'bad expression',
          $metadata: {},
        });
      },
    } as unknown as SchedulerClient;
    const refused = new EventBridgeSchedulerBakeTimer(refusing, {
      groupName,
      eventBusArn: BUS_ARN,
      roleArn: ROLE_ARN,
      now: () => NOW,
    });
    await expect(refused.scheduleBakeEnd('dep-4', '2026-11-28T10:10:00.000Z')).rejects.toBeInstanceOf(
      ValidationException,
    );
    expect(sent).toEqual(['CreateScheduleCommand']);
  });

  it('names schedules within 64 of [0-9a-zA-Z-_.], one per deployment id', async () => {
    const long = `deployment:${'x/'.repeat(60)}`;
    const names = [long, `${long}y`, 'a:b', 'a-b', '3f1c4a9e-2b7d-4c55-9d1e-6a2f0b8c7d11'].map(
      bakeScheduleName,
    );
    for (const name of names) expect(name).toMatch(/^[0-9a-zA-Z_.-]{1,64}$/);
    expect(new Set(names).size).toBe(names.length);
    expect(bakeScheduleName('3f1c4a9e-2b7d-4c55-9d1e-6a2f0b8c7d11')).toMatch(
      /^bake-3f1c4a9e-2b7d-4c55-9d1e-6a2f0b8c7d11-[0-9a-f]{16}$/,
    );
    await timer().scheduleBakeEnd(long, '2026-11-28T10:10:00.000Z');
    expect((await schedule(long)).Name).toBe(bakeScheduleName(long));
  });
});
