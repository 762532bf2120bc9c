/**
 * A report's citations: for every decision it lists, in report order, the ledger entry it was checked
 * against. One JSON line each, `{"decision":id,"index":n,"leafHash":hex,"outcome":...}`, written next to the
 * report as `<report file>.citations`; the signed manifest holds their count and SHA-256, so `report verify
 * --ledger DIR` can check every cited entry against a ledger export, for every report format alike.
 * Nothing is held in memory: lines go to the sink as they come and only the running hash is kept.
 */
import { createHash } from 'node:crypto';
import type { Decision } from '../contracts/decision.ts';
import type { EvidenceRef } from './report-model.ts';

export const CITATIONS_SUFFIX = '.citations';

export interface Citation {
  decision: string;
  index: number;
  /** SHA-256(0x00 || entry bytes), hex, as the report shows it. */
  leafHash: string;
  outcome: Decision['decision'];
}

export interface CitationsSummary {
  count: number;
  /** SHA-256 of the citations file, hex. */
  sha256: string;
}

export class CitationLog {
  readonly #hash = createHash('sha256');
  #count = 0;

  constructor(readonly sink?: (line: string) => void) {}

  add(decision: Decision, ref: EvidenceRef): void {
    if (ref.ledgerIndex === undefined || ref.entryHash === undefined) return;
    const citation: Citation = {
      decision: decision.id,
      index: ref.ledgerIndex,
      leafHash: ref.entryHash,
      outcome: decision.decision,
    };
    const line = `${JSON.stringify(citation)}\n`;
    this.#hash.update(line, 'utf8');
    this.#count++;
    this.sink?.(line);
  }

  summary(): CitationsSummary {
    return { count: this.#count, sha256: this.#hash.copy().digest('hex') };
  }
}
