/**
 * The local ledger's high-water mark lives outside its SQLite file: a ledger.db replaced by an older copy
 * (valid, signed, only older) is refused with its own message, and nothing is signed over it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openLocalLedger } from '../../../functions/adapters/local/ledger/sqlite-ledger.ts';
import { SqliteLedgerStore } from '../../../functions/adapters/local/ledger/sqlite-store.ts';
import { openDatabase } from '../../../functions/adapters/local/sqlite-database.ts';
import { AnchorViolationError } from '../../../functions/ledger/anchored-store.ts';
import { note, removeTempDirs, tempDir } from '../../support/ledger-fixture.ts';

afterAll(removeTempDirs);

async function appendNotes(dataDir: string, from: number, to: number): Promise<string> {
  const local = await openLocalLedger({ dataDir }).open();
  try {
    for (let i = from; i < to; i++) await local.ledger.append(note(i));
    return (await local.ledger.checkpoint()).note;
  } finally {
    await local.close();
  }
}

describe('the anchored high-water mark', () => {
  it('is the largest signed checkpoint, in a private file next to ledger.db', async () => {
    const dataDir = tempDir();
    const latest = await appendNotes(dataDir, 0, 5);
    const anchor = path.join(dataDir, 'ledger', 'ledger.anchor');
    expect(fs.readFileSync(anchor, 'utf8')).toBe(latest);
    expect(fs.statSync(anchor).mode & 0o777).toBe(0o600);
    expect(
      fs.readdirSync(path.join(dataDir, 'ledger')).filter((f) => f.includes('.tmp') || f.startsWith('.')),
    ).toEqual([]);
  });

  it('refuses a ledger.db rolled back to an older copy, and signs nothing over it', async () => {
    const dataDir = tempDir();
    const db = path.join(dataDir, 'ledger', 'ledger.db');
    await appendNotes(dataDir, 0, 6);
    const older = path.join(tempDir(), 'ledger.db');
    fs.copyFileSync(db, older);
    await appendNotes(dataDir, 6, 10);

    fs.copyFileSync(older, db);
    const expected =
      /^checkpoint older than the anchored high-water mark: the store's latest checkpoint has size 6 but the log signed size 10 \(.*ledger\.anchor\); the ledger store was rolled back or replaced by an older copy$/;
    const local = await openLocalLedger({ dataDir }).open();
    try {
      await expect(local.ledger.checkpoint()).rejects.toThrow(AnchorViolationError);
      await expect(local.ledger.checkpoint()).rejects.toThrow(expected);
      await expect(local.ledger.latestCheckpoint()).rejects.toThrow(expected);
      await expect(local.ledger.append(note(6))).rejects.toThrow(expected);
    } finally {
      await local.close().catch(() => {});
    }
    const raw = new SqliteLedgerStore(openDatabase(db));
    expect(await raw.checkpointSizes()).toEqual([6]); // signed on a cadence: only the end of the first run
  });

  it('refuses to publish a checkpoint smaller than the anchored one', async () => {
    const dataDir = tempDir();
    await appendNotes(dataDir, 0, 2);
    await appendNotes(dataDir, 2, 4);
    const local = await openLocalLedger({ dataDir }).open();
    try {
      const two = await local.store.checkpointAt(2);
      await expect(
        local.store.publishCheckpoint({
          size: 2,
          rootHash: (two as { rootHash: Uint8Array }).rootHash,
          note: two?.note ?? '',
        }),
      ).rejects.toThrow(
        /^refusing to sign a tree of size 2: checkpoint older than the anchored high-water mark \(size 4, .*ledger\.anchor\)$/,
      );
    } finally {
      await local.close();
    }
  });
});
