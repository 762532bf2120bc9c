/**
 * Every decision the API serves must be the one its ledger entry holds. Any that is not turns the whole
 * answer into a 409 problem naming each one: nothing the read model says is served next to a proof that
 * says otherwise. Without a ledger wired in, decisions are served as stored.
 */

import type { Decision } from '../contracts/decision.ts';
import { type LedgerPosition, type LedgerReader, ReadModelDivergenceError } from '../ports/ledger-reader.ts';
import { plural } from '../shared/plural.ts';
import { ProblemError } from './problem.ts';

const DIVERGENCE_TITLE = 'Read model diverges from the ledger';

export async function vouchForDecisions(
  ledger: LedgerReader | undefined,
  decisions: readonly Decision[],
): Promise<LedgerPosition[]> {
  if (!ledger) return [];
  const results = await Promise.allSettled(decisions.map((d) => ledger.vouchForDecision(d)));
  const diverged = results.flatMap((r) =>
    r.status === 'rejected' && r.reason instanceof ReadModelDivergenceError ? [r.reason.message] : [],
  );
  if (diverged.length)
    throw new ProblemError(
      409,
      DIVERGENCE_TITLE,
      `${plural(diverged.length, 'decision')} in the read model ${diverged.length === 1 ? 'does' : 'do'} not match the audit ledger; ${diverged.length === 1 ? 'it is' : 'they are'} not served`,
      diverged,
    );
  return results.map((r) => {
    if (r.status === 'rejected') throw r.reason;
    return r.value;
  });
}
