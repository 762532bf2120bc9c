import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../../functions/local/cli/exit-codes.ts';
import { DEFAULT_TIMEOUT_SECONDS, pollUntil, timeoutMs } from '../../../../functions/local/cli/poll.ts';

describe('pollUntil', () => {
  it('reads again until the value is what it waits for', async () => {
    const values = [undefined, 'applying', 'promoted'];
    let reads = 0;
    const polled = await pollUntil(
      async () => values[reads++],
      (v) => v === 'promoted',
      { timeoutMs: 1_000, intervalMs: 1 },
    );
    expect(polled).toEqual({ value: 'promoted', reached: true });
    expect(reads).toBe(3);
  });

  it('gives the last value read, not reached, once the time is out', async () => {
    let reads = 0;
    const polled = await pollUntil(
      async () => ++reads,
      () => false,
      { timeoutMs: 30, intervalMs: 5 },
    );
    expect(polled.reached).toBe(false);
    expect(polled.value).toBe(reads);
    expect(reads).toBeGreaterThan(1);
  });

  it('reads once with no time at all', async () => {
    let reads = 0;
    const polled = await pollUntil(
      async () => ++reads,
      () => false,
      { timeoutMs: 0 },
    );
    expect(polled).toEqual({ value: 1, reached: false });
  });
});

describe('timeoutMs', () => {
  it('is 15 minutes by default, else the seconds given', () => {
    expect(timeoutMs(undefined)).toBe(DEFAULT_TIMEOUT_SECONDS * 1000);
    expect(DEFAULT_TIMEOUT_SECONDS).toBe(900);
    expect(timeoutMs('30')).toBe(30_000);
  });

  it.each(['0', '-1', '1.5', '90000', 'ten', ''])('refuses --timeout %j', (value) => {
    expect(() => timeoutMs(value)).toThrow(
      new UsageError(`--timeout ${value}: expected a number of seconds from 1 to 86400`),
    );
  });
});
