import type { Violation } from '../contracts/decision.ts';

/** The violation a gate reports when it cannot decide: it denies rather than let a model through. */
export function cannotDecide(rule: string, message: string): Violation {
  return {
    rule,
    severity: 'critical',
    message,
    reference: 'Verdict fail-closed: no decision without a complete evaluation',
    remediation: 'Fix the cause named in the message, then re-register the model version to re-run the gate.',
  };
}

class DeadlineExceededError extends Error {
  override readonly name = 'DeadlineExceededError';
}

/** Rejects when `work` does not settle within `ms`; the caller turns that into a deny. */
export async function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceededError(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
