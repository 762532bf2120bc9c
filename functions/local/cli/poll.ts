/**
 * Waiting on a deployed stack from the CLI: what the stack's functions do happens asynchronously, so the
 * command reads the record again every few seconds until it says what the command waits for, or until the
 * caller's `--timeout` has passed.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { UsageError } from './exit-codes.ts';

/** How often a record is read again while waiting. */
export const POLL_INTERVAL_MS = 2_000;
/** `--timeout`'s default, in seconds. */
export const DEFAULT_TIMEOUT_SECONDS = 15 * 60;

export interface Polled<T> {
  value: T;
  /** `until` held for `value`; false when the time ran out first. */
  reached: boolean;
}

/** Reads until `until(value)` holds or `timeoutMs` has passed; the last value read either way. */
export async function pollUntil<T>(
  read: () => Promise<T>,
  until: (value: T) => boolean,
  { timeoutMs, intervalMs = POLL_INTERVAL_MS }: { timeoutMs: number; intervalMs?: number },
): Promise<Polled<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (until(value)) return { value, reached: true };
    if (Date.now() >= deadline) return { value, reached: false };
    await sleep(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
  }
}

/** `--timeout SECONDS` as milliseconds (1 to 86400 s; default 15 minutes). */
export function timeoutMs(seconds: string | undefined): number {
  if (seconds === undefined) return DEFAULT_TIMEOUT_SECONDS * 1000;
  if (!/^\d{1,5}$/.test(seconds) || Number(seconds) < 1 || Number(seconds) > 86_400)
    throw new UsageError(`--timeout ${seconds}: expected a number of seconds from 1 to 86400`);
  return Number(seconds) * 1000;
}
