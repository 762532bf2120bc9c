import { randomBytes } from 'node:crypto';
import { ed25519Signer } from '../../../ledger/core/note-keys.ts';
import { Ledger } from '../../../ledger/ledger.ts';
import { type LedgerHandle, ledgerHandle } from '../../../ledger/ledger-handle.ts';
import type { LedgerStore } from '../../../ledger/ports/ledger-store.ts';
import { MemoryLedgerStore } from './memory-store.ts';

export interface MemoryLedger {
  ledger: Ledger;
  store: LedgerStore;
  close(): Promise<void>;
}

/**
 * A ledger that lives for one process, signed by a key made for it: offline evaluation and tests. The same
 * shape as openLocalLedger's, opened on first use.
 */
export function openMemoryLedger(origin = 'verdict.local/ephemeral'): LedgerHandle<MemoryLedger> {
  return ledgerHandle(
    async () => {
      const store = new MemoryLedgerStore();
      const ledger = await Ledger.open({ store, signer: ed25519Signer(origin, randomBytes(32)), origin });
      return { ledger, store, close: () => ledger.close() };
    },
    { signPending: true },
  );
}
