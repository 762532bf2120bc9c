import { randomBytes } from 'node:crypto';
import { ed25519Signer } from '../../../ledger/core/note-keys.ts';
import { Ledger } from '../../../ledger/ledger.ts';
import { MemoryLedgerStore } from './memory-store.ts';

/** A ledger that lives for one process, signed by a key made for it: offline evaluation and tests. */
export function openMemoryLedger(origin = 'verdict.local/ephemeral'): Promise<Ledger> {
  return Ledger.open({
    store: new MemoryLedgerStore(),
    signer: ed25519Signer(origin, randomBytes(32)),
    origin,
  });
}
