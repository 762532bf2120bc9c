/** The local bake timer: one schedule per deployment, fired in time order, surviving a re-arm. */
import { describe, expect, it } from 'vitest';
import { SqliteBakeTimer } from '../../../../functions/adapters/local/sqlite-bake-timer.ts';
import { openDatabase } from '../../../../functions/adapters/local/sqlite-database.ts';

const T0 = '2026-11-28T10:00:00.000Z';
const T1 = '2026-11-28T10:10:00.000Z';
const T2 = '2026-11-28T10:20:00.000Z';

function timer(): SqliteBakeTimer {
  return new SqliteBakeTimer(openDatabase(':memory:'));
}

describe('SqliteBakeTimer', () => {
  it('has nothing next nor due when nothing is scheduled', () => {
    const t = timer();
    expect(t.next()).toBeUndefined();
    expect(t.due(new Date(T2))).toEqual([]);
  });

  it('fires due schedules earliest first, ties by deployment id, and none before its time', async () => {
    const t = timer();
    await t.scheduleBakeEnd('dep-c', T1);
    await t.scheduleBakeEnd('dep-b', T0);
    await t.scheduleBakeEnd('dep-a', T1);
    await t.scheduleBakeEnd('dep-z', T2);
    expect(t.due(new Date(Date.parse(T0) - 1))).toEqual([]);
    expect(t.due(new Date(T0))).toEqual(['dep-b']);
    expect(t.due(new Date(T1))).toEqual(['dep-b', 'dep-a', 'dep-c']);
    expect(t.next()).toEqual(new Date(T0));
  });

  it('replaces a deployment’s schedule when it is scheduled again', async () => {
    const t = timer();
    await t.scheduleBakeEnd('dep-1', T0);
    await t.scheduleBakeEnd('dep-1', T2);
    expect(t.due(new Date(T1))).toEqual([]);
    expect(t.due(new Date(T2))).toEqual(['dep-1']);
    expect(t.next()).toEqual(new Date(T2));
  });

  it('stores times in UTC, whatever offset they were given with', async () => {
    const t = timer();
    await t.scheduleBakeEnd('dep-1', '2026-11-28T11:10:00+01:00');
    expect(t.next()).toEqual(new Date(T1));
    expect(t.due(new Date(T1))).toEqual(['dep-1']);
  });

  it('deletes a fired schedule', async () => {
    const t = timer();
    await t.scheduleBakeEnd('dep-1', T0);
    await t.scheduleBakeEnd('dep-2', T1);
    t.fired('dep-1', new Date(T0));
    expect(t.due(new Date(T2))).toEqual(['dep-2']);
    expect(t.next()).toEqual(new Date(T1));
  });

  it('keeps a schedule re-armed later than the time it fired', async () => {
    const t = timer();
    await t.scheduleBakeEnd('dep-1', T0);
    // The step the firing ran re-armed the timer (a bake still under way): that schedule must survive.
    await t.scheduleBakeEnd('dep-1', T2);
    t.fired('dep-1', new Date(T1));
    expect(t.next()).toEqual(new Date(T2));
    expect(t.due(new Date(T2))).toEqual(['dep-1']);
  });

  it('refuses a time that is not one, and schedules nothing', async () => {
    const t = timer();
    await expect(t.scheduleBakeEnd('dep-1', 'tomorrow-ish')).rejects.toThrow(
      new RangeError('not a time: tomorrow-ish'),
    );
    await expect(t.scheduleBakeEnd('dep-1', '')).rejects.toThrow(new RangeError('not a time: '));
    expect(t.next()).toBeUndefined();
  });

  it('outlives the timer object on the same database', async () => {
    const db = openDatabase(':memory:');
    await new SqliteBakeTimer(db).scheduleBakeEnd('dep-1', T1);
    expect(new SqliteBakeTimer(db).due(new Date(T1))).toEqual(['dep-1']);
  });
});
