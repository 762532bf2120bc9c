import type { Outcome } from '../../contracts/decision.ts';

/**
 * `untrusted`: a signature holds but is by a key the caller did not pin (`ledger verify`, `report verify`),
 * unlike `deny` there, which says bytes were changed.
 */
export const EXIT = { ok: 0, internal: 1, badInput: 2, deny: 3, review: 4, untrusted: 5 } as const;

export function exitCodeFor(outcome: Outcome): number {
  return outcome === 'allow' ? EXIT.ok : outcome === 'deny' ? EXIT.deny : EXIT.review;
}

/** A problem with what the user gave us; the CLI prints it and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    readonly problems: string[] = [],
  ) {
    super(message);
  }
}
