/**
 * What every ledger opener returns (`openAwsLedger`, `openLocalLedger`, `openMemoryLedger`): the ledger,
 * opened on first use, and the two views the rest of Verdict takes of it. Gates write through `audit`; the
 * auditor API and reports read through `reader`. Nothing is opened until a view or `open()` is first used.
 */
import type { ActionLog, RecordedActions } from '../ports/action-log.ts';
import type { LedgerReader } from '../ports/ledger-reader.ts';
import { once } from '../shared/once.ts';
import { toBase64 } from './core/rfc6962.ts';
import { LedgerRangeError, NoLogYetError } from './errors.ts';
import type { Ledger } from './ledger.ts';
import type { DecisionLedger } from './ledger-decision-store.ts';
import type { ExceptionLedger } from './ledger-exception-store.ts';
import { vouchForDecision } from './vouch.ts';

/** What gates write to (and read back from) the audit ledger. */
export type LedgerAudit = DecisionLedger & ExceptionLedger & ActionLog & RecordedActions;

/** What an opener opens: at least the ledger and a way to close it; drivers add their store and keys. */
export interface OpenedLedger {
  ledger: Ledger;
  close(): Promise<void>;
}

export interface LedgerHandle<Opened extends OpenedLedger = OpenedLedger> {
  /** Opens the ledger on the first call; later calls share it, and a failed open is retried by the next. */
  open(): Promise<Opened>;
  audit: LedgerAudit;
  reader: LedgerReader;
  /** Closes the ledger if it was opened. */
  close(): Promise<void>;
}

export interface LedgerHandleOptions {
  /**
   * Sign the unsigned tail before answering for a checkpoint (a ledger that signs on a cadence, locally), so
   * that every proof covers the entries it is asked about. A read-only ledger cannot sign.
   */
  signPending?: boolean;
}

export function ledgerHandle<Opened extends OpenedLedger>(
  open: () => Promise<Opened>,
  options: LedgerHandleOptions = {},
): LedgerHandle<Opened> {
  const opened = once(open);
  const ledger = async () => (await opened()).ledger;
  return {
    open: opened,
    audit: ledgerAudit(ledger),
    reader: ledgerReader(ledger, options),
    close: async () => {
      if (opened.started()) await (await opened()).close();
    },
  };
}

function ledgerAudit(ledger: () => Promise<Ledger>): LedgerAudit {
  return {
    recordDecision: async (decision) => (await ledger()).recordDecision(decision),
    recordRejection: async (rejection) => (await ledger()).recordRejection(rejection),
    findDecision: async (id) => (await ledger()).findDecision(id),
    recordException: async (event, exception) => (await ledger()).recordException(event, exception),
    recordAction: async (action) => (await ledger()).recordAction(action),
    hasAction: async (id) => (await ledger()).hasAction(id),
    findAction: async (id) => (await ledger()).findAction(id),
  };
}

/**
 * The read view. A read-only ledger with no log yet (nothing was ever recorded) answers as an empty log: no
 * checkpoint, no entry, every decision missing from it, every proof out of range; the next call looks again.
 */
function ledgerReader(ledger: () => Promise<Ledger>, options: LedgerHandleOptions): LedgerReader {
  const orEmpty = async <T>(read: (log: Ledger) => Promise<T>, empty: () => T | Promise<T>): Promise<T> => {
    let log: Ledger;
    try {
      log = await ledger();
    } catch (error) {
      if (error instanceof NoLogYetError) return empty();
      throw error;
    }
    return read(log);
  };
  const noProof = (what: string) => () => {
    throw new LedgerRangeError(`${what}: the ledger holds no log yet`);
  };
  return {
    latestCheckpoint: () =>
      orEmpty(
        async (log) => {
          const latest = options.signPending ? await log.checkpoint() : await log.latestCheckpoint();
          return latest && { text: latest.note, size: latest.size, rootHash: toBase64(latest.rootHash) };
        },
        () => undefined,
      ),
    proveInclusion: (index, size) =>
      orEmpty((log) => log.proveInclusion(index, size), noProof(`no entry ${index}`)),
    proveConsistency: (from, to) =>
      orEmpty((log) => log.proveConsistency(from, to), noProof(`no tree of size ${to}`)),
    indexOfEntry: (id) =>
      orEmpty(
        async (log) => (await log.findById(id))?.index,
        () => undefined,
      ),
    vouchForDecision: async (decision) => {
      const { index, leafHash } = await orEmpty(
        (log) => vouchForDecision(log.store, decision),
        () => vouchForDecision(EMPTY_LOG, decision),
      );
      return { index, leafHash: toBase64(leafHash) };
    },
  };
}

const EMPTY_LOG = { entryById: async () => undefined, nodeHashes: async () => [] };
