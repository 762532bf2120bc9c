/**
 * Where a command's stores are: the local data directory (`--data-dir`, the default), or a deployed stack
 * (`--stack`, stack-stores.ts, loaded only then with the AWS SDK). Commands take their stores from here and
 * never choose themselves.
 */
import { openLocalLedger } from '../../adapters/local/ledger/sqlite-ledger.ts';
import { modelChecks } from '../../gates/exceptions/known-models.ts';
import type { Ledger } from '../../ledger/ledger.ts';
import type { DecisionStore } from '../../ports/decision-store.ts';
import type { ExceptionStore } from '../../ports/exception-store.ts';
import type { FieldSealer } from '../../ports/field-sealer.ts';
import type { LedgerReader } from '../../ports/ledger-reader.ts';
import { requireLedger } from './data-dir.ts';
import { UsageError } from './exit-codes.ts';
import { chosenStack, openChosenStack, type StackChoice } from './stack-option.ts';
import type { StackStores } from './stack-stores.ts';

export interface StoreOptions extends StackChoice {
  dataDir: string;
  /** The local log's origin (a stack's is its LedgerOrigin output). */
  origin?: string;
}

/** `read-only` reads what is there and creates nothing; a `writer` appends to the ledger. */
export type StoreMode = 'read-only' | 'writer';

export interface LedgerStores {
  ledger: Ledger;
  /** The verifier keys this ledger's exports are checked against when none is pinned. */
  verifierKeys(): Promise<string[]>;
}

/** Decisions and exceptions, the ledger behind them, and the sealer of the personal data in them. */
export interface RecordStores {
  decisions: DecisionStore;
  /** Writes go to the ledger first (an entry per grant and revocation), then to the read model. */
  exceptions: ExceptionStore;
  sealer: FieldSealer;
  ledger: LedgerReader;
  models: ReturnType<typeof modelChecks>;
}

/** The deployed stack's stores with --stack; undefined for the data directory. */
export async function deployedStack(
  options: StackChoice & { origin?: string },
): Promise<StackStores | undefined> {
  if (options.origin !== undefined && chosenStack(options))
    throw new UsageError("--origin names a local log: a stack's log is named by its LedgerOrigin output");
  return openChosenStack(options);
}

export async function withLedger<T>(
  options: StoreOptions,
  { mode, create = false }: { mode: StoreMode; create?: boolean },
  fn: (stores: LedgerStores) => Promise<T>,
): Promise<T> {
  const stack = await deployedStack(options);
  if (stack) return stack.withLedger(mode, fn);
  if (!create) requireLedger(options.dataDir);
  const handle = openLocalLedger({
    dataDir: options.dataDir,
    ...(options.origin ? { origin: options.origin } : {}),
  });
  const local = await handle.open();
  try {
    return await fn({ ledger: local.ledger, verifierKeys: () => local.store.verifierKeys() });
  } finally {
    await handle.close();
  }
}

export async function withRecords<T>(
  options: StoreOptions,
  mode: StoreMode,
  fn: (stores: RecordStores) => Promise<T>,
): Promise<T> {
  const stack = await deployedStack(options);
  if (stack) return stack.withRecords(mode, fn);
  const { openLocalRuntimeAt } = await import('../runtime.ts');
  const runtime = openLocalRuntimeAt(options.dataDir);
  try {
    return await fn({
      decisions: runtime.decisions,
      exceptions: runtime.exceptions,
      sealer: runtime.personal,
      ledger: runtime.ledger as LedgerReader,
      models: modelChecks({ catalog: runtime.registry, decisions: runtime.decisions }),
    });
  } finally {
    await runtime.close();
  }
}
