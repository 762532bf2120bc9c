/**
 * Replays the pattern case table through the AWS emulator (moto) by real delivery, and compares what it
 * delivers with what our matcher decides. moto's TestEventPattern is a stub, so each case gets its own bus with
 * an archive filtered by the case's pattern (an archive is a managed rule whose target stores matching events;
 * it goes through the same rule matching as any other target), the event is put on that bus, and
 * DescribeArchive's EventCount says whether it was delivered. moto adds `"replay-name": [{"exists": false}]` to
 * an archive's pattern, which every case event satisfies.
 *
 * The case table follows documented EventBridge semantics; where moto departs from them, the case is listed
 * below with the reason, and the test asserts that moto still departs, so the list stays honest.
 */
import {
  CreateArchiveCommand,
  CreateEventBusCommand,
  DeleteArchiveCommand,
  DeleteEventBusCommand,
  DescribeArchiveCommand,
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
} from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { matchesPattern } from '../../functions/events/event-pattern.ts';
import { awsClientConfig, uniqueName } from '../support/aws-clients.ts';
import { type CaseEvent, type PatternCase, patternCases } from '../support/event-pattern-cases.ts';

const events = new EventBridgeClient(awsClientConfig(inject('motoEndpoint')));

/** Cases where moto (5.2.x, moto/events/models.py `EventPattern`) departs from EventBridge, and why. */
const EMULATOR_DEVIATIONS: Readonly<Record<string, string>> = {
  'boolean pattern does not match the number 1': 'moto compares with Python ==, where True == 1',
  'number pattern 1 does not match true': 'moto compares with Python ==, where 1 == True',
  'numeric does not match a boolean': 'moto accepts bool as a number (bool is an int subclass in Python)',
  'field inside an array of objects':
    'moto flattens nested objects but not arrays, so it never looks inside array elements',
  'nested event arrays are flattened':
    'moto tests membership in the outer array only, without flattening nested arrays',
  'exists true on an empty array':
    'moto treats a key holding [] as present; EventBridge sees no leaf value there',
  'exists false on an empty array':
    'moto treats a key holding [] as present; EventBridge sees no leaf value there',
  'exists true on an empty object': 'moto keeps {} as a leaf value; EventBridge sees no leaf value there',
};

async function deliveredByEmulator(testCase: PatternCase): Promise<boolean> {
  const name = uniqueName('pattern-case');
  const { EventBusArn } = await events.send(new CreateEventBusCommand({ Name: name }));
  await events.send(
    new CreateArchiveCommand({
      ArchiveName: name,
      EventSourceArn: EventBusArn,
      EventPattern: JSON.stringify(testCase.pattern),
    }),
  );
  try {
    const put = await events.send(new PutEventsCommand({ Entries: [putEventsEntry(testCase.event, name)] }));
    expect(put.FailedEntryCount).toBe(0);
    const { EventCount } = await events.send(new DescribeArchiveCommand({ ArchiveName: name }));
    return EventCount === 1;
  } finally {
    await events.send(new DeleteArchiveCommand({ ArchiveName: name }));
    await events.send(new DeleteEventBusCommand({ Name: name }));
  }
}

const putEventsEntry = (event: CaseEvent, busName: string) => ({
  EventBusName: busName,
  Source: event.source,
  DetailType: event['detail-type'],
  Resources: event.resources,
  Detail: JSON.stringify(event.detail),
});

describe('event patterns: our matcher against the AWS emulator', () => {
  it('lists only deviations that name a case', () => {
    const names = new Set(patternCases.map(({ name }) => name));
    expect(Object.keys(EMULATOR_DEVIATIONS).filter((name) => !names.has(name))).toEqual([]);
  });

  it.each(patternCases.map((c) => [c.name, c] as const))('%s', async (name, testCase) => {
    expect(matchesPattern(testCase.pattern, testCase.event)).toBe(testCase.matches);
    const delivered = await deliveredByEmulator(testCase);
    const deviation = EMULATOR_DEVIATIONS[name];
    if (deviation) {
      expect(delivered, `listed as an emulator deviation (${deviation}) but moto now agrees`).toBe(
        !testCase.matches,
      );
    } else {
      expect(delivered, 'the emulator disagrees with the case table').toBe(testCase.matches);
    }
  });
});

describe('event patterns the emulator rejects', () => {
  const bus = uniqueName('pattern-validation');
  beforeAll(async () => {
    await events.send(new CreateEventBusCommand({ Name: bus }));
  });
  afterAll(async () => {
    await events.send(new DeleteEventBusCommand({ Name: bus }));
  });

  // moto validates only these two rules of the pattern grammar; validatePattern is checked against the rest
  // in the unit tests.
  it.each([
    ['an empty list', { source: [] }, 'Empty arrays are not allowed'],
    ['a leaf that is not a list', { source: 'verdict' }, "'source' must be an object or an array"],
  ])('rejects %s, as validatePattern does', async (_name, pattern, reason) => {
    const put = events.send(
      new PutRuleCommand({
        Name: uniqueName('invalid'),
        EventBusName: bus,
        EventPattern: JSON.stringify(pattern),
      }),
    );
    await expect(put).rejects.toMatchObject({ name: 'InvalidEventPatternException' });
    await expect(put).rejects.toThrow(reason);
    expect(() => matchesPattern(pattern as never, {})).toThrow('Invalid event pattern at source');
  });
});
