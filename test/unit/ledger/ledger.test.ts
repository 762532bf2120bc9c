/**
 * The Ledger API over the in-memory and SQLite stores: idempotent batched appends, proofs an auditor
 * verifies offline, refusal to sign an inconsistent checkpoint, and the SQLite store's append-only rules.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOrCreateSignerKey } from '../../../functions/adapters/local/ledger/key-file.ts';
import { MemoryLedgerStore } from '../../../functions/adapters/local/ledger/memory-store.ts';
import { openLocalLedger } from '../../../functions/adapters/local/ledger/sqlite-ledger.ts';
import {
  LEDGER_IMMUTABLE_MESSAGE,
  SqliteLedgerStore,
} from '../../../functions/adapters/local/ledger/sqlite-store.ts';
import { openDatabase } from '../../../functions/adapters/local/sqlite-database.ts';
import type { Decision } from '../../../functions/contracts/decision.ts';
import { Checkpointer } from '../../../functions/ledger/checkpointer.ts';
import { parseCheckpoint } from '../../../functions/ledger/core/checkpoint.ts';
import type { Integrate } from '../../../functions/ledger/core/integrate.ts';
import { parseVerifierKey } from '../../../functions/ledger/core/note-keys.ts';
import { verifyConsistency, verifyInclusion } from '../../../functions/ledger/core/proofs.ts';
import { leafHash } from '../../../functions/ledger/core/rfc6962.ts';
import { checkSignatures, parseNote } from '../../../functions/ledger/core/signed-note.ts';
import { MAX_ENTRY_BYTES } from '../../../functions/ledger/entry.ts';
import {
  InconsistentCheckpointError,
  InvalidEntryError,
  LedgerRangeError,
} from '../../../functions/ledger/errors.ts';
import { Ledger } from '../../../functions/ledger/ledger.ts';
import type { LedgerStore } from '../../../functions/ledger/ports/ledger-store.ts';
import { buildLog, logSigner, note, ORIGIN, removeTempDirs, tempDir } from '../../support/ledger-fixture.ts';

afterEach(removeTempDirs);

const b64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));

/** The store with some methods replaced (a store that was tampered with, or that counts calls). */
function overlay(base: LedgerStore, overrides: Partial<LedgerStore>): LedgerStore {
  return new Proxy(base, {
    get(target, prop) {
      if (prop in overrides) return overrides[prop as keyof LedgerStore];
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Serves another store's head and nodes: a store whose tree was rewritten under its checkpoints. */
const rewrittenTree = (store: LedgerStore, other: LedgerStore) =>
  overlay(store, { head: () => other.head(), nodeHashes: (ids) => other.nodeHashes(ids) });

describe('appending', () => {
  it('is idempotent by entry id: the first entry with an id is kept', async () => {
    const { ledger } = await buildLog(3);
    const again = await ledger.append(note(1));
    expect(again).toMatchObject({ id: 'note/1', index: 1, created: false });
    const changed = await ledger.append({ ...note(1), recordedAt: '2030-01-01T00:00:00.000Z' });
    expect(changed).toMatchObject({ index: 1, created: false, leafHash: again.leafHash });
    expect(await ledger.size()).toBe(3);
    expect((await ledger.findById('note/1'))?.entry).toEqual(note(1));
    expect((await ledger.get(2))?.text).toBe(
      '{"id":"note/2","note":{"i":2},"recordedAt":"2026-11-28T12:00:00.000Z","type":"note"}',
    );
  });

  it('batches concurrent appends into few writes, one checkpoint per batch', async () => {
    const store = new MemoryLedgerStore();
    let writes = 0;
    const counting = overlay(store, {
      sequence: (entries, integrate: Integrate) => {
        writes++;
        return store.sequence(entries, integrate);
      },
    });
    const ledger = await Ledger.open({ store: counting, signer: logSigner(), batch: { maxEntries: 100 } });
    const results = await Promise.all(Array.from({ length: 250 }, (_, i) => ledger.append(note(i))));
    expect(results.map((r) => r.index)).toEqual(Array.from({ length: 250 }, (_, i) => i));
    expect(writes).toBeLessThanOrEqual(4);
    expect(await store.checkpointSizes()).toEqual([100, 200, 250].slice(0, writes));
    // Duplicates inside one batch get the same index.
    const [a, b] = await Promise.all([ledger.append(note(900)), ledger.append(note(900))]);
    expect([a.created, b.created, a.index === b.index]).toEqual([true, false, true]);
  });

  it('rejects entries that are not JSON data, too large, or without id and known type', async () => {
    const { ledger } = await buildLog(0);
    await expect(ledger.append({ ...note(1), id: '' })).rejects.toThrow(InvalidEntryError);
    await expect(ledger.append({ ...note(1), type: 'nope' } as never)).rejects.toThrow('type must be one of');
    await expect(ledger.append({ ...note(1), note: { at: new Date() } } as never)).rejects.toThrow(
      '$.note.at: Date is not a plain JSON object',
    );
    await expect(ledger.append({ ...note(1), note: { big: 'x'.repeat(MAX_ENTRY_BYTES) } })).rejects.toThrow(
      'the limit is 65536',
    );
  });

  it('records decisions, rejections and actions under namespaced ids', async () => {
    const { ledger } = await buildLog(0);
    const decision = { id: 'd-1', decision: 'deny' } as unknown as Decision;
    expect(await ledger.recordDecision(decision)).toMatchObject({ id: 'decision/d-1', index: 0 });
    expect((await ledger.recordDecision(decision)).created).toBe(false);
    await ledger.recordRejection({
      id: 'r-1',
      gate: 'g',
      eventId: null,
      code: 'c',
      message: 'm',
      rejectedAt: 'now',
    });
    await ledger.recordAction({
      id: 'a-1',
      decisionId: 'd-1',
      kind: 'reject-package',
      target: 'arn',
      outcome: 'succeeded',
      at: 'now',
    });
    expect((await ledger.findById('rejection/r-1'))?.index).toBe(1);
    expect((await ledger.findById('action/a-1'))?.entry).toMatchObject({
      type: 'action',
      action: { decisionId: 'd-1' },
    });
  });
});

describe('proofs, verifiable offline', () => {
  it('inclusion proof documents verify against their signed checkpoint', async () => {
    const { ledger, signer } = await buildLog(13);
    for (const index of [0, 5, 12]) {
      const doc = await ledger.proveInclusion(index);
      expect(doc).toMatchObject({
        format: 'rfc9162-inclusion-proof',
        origin: ORIGIN,
        leafIndex: index,
        treeSize: 13,
      });
      const checkpointNote = parseNote(doc.checkpoint as string);
      expect(checkSignatures(checkpointNote, [parseVerifierKey(signer.verifierKey)]).verified).toHaveLength(
        1,
      );
      const checkpoint = parseCheckpoint(checkpointNote.text);
      expect(Buffer.from(leafHash(Buffer.from(doc.entry))).toString('base64')).toBe(doc.leafHash);
      verifyInclusion(
        index,
        doc.treeSize,
        b64(doc.leafHash),
        doc.inclusionPath.map(b64),
        checkpoint.rootHash,
      );
    }
    const older = await ledger.proveInclusion(2, 7);
    verifyInclusion(2, 7, b64(older.leafHash), older.inclusionPath.map(b64), b64(older.rootHash));
    await expect(ledger.proveInclusion(13, 13)).rejects.toThrow(LedgerRangeError);
    await expect(ledger.proveInclusion(0, 14)).rejects.toThrow(LedgerRangeError);
  });

  it('consistency proof documents verify between any two sizes', async () => {
    const { ledger } = await buildLog(11);
    for (const [a, b] of [
      [0, 11],
      [1, 11],
      [4, 7],
      [7, 11],
      [11, 11],
    ] as const) {
      const doc = await ledger.proveConsistency(a, b);
      verifyConsistency(a, b, b64(doc.rootHash1), b64(doc.rootHash2), doc.consistencyPath.map(b64));
      expect(parseCheckpoint(parseNote(doc.checkpoint2 as string).text).size).toBe(b);
    }
    await expect(ledger.proveConsistency(5, 3)).rejects.toThrow(LedgerRangeError);
  });
});

describe('never signing an inconsistent checkpoint', () => {
  it('refuses when the stored tree no longer extends the last signed checkpoint', async () => {
    const { store } = await buildLog(5);
    const other = (await buildLog(0)).ledger;
    for (let i = 0; i < 6; i++) await other.append(i === 2 ? note(i, { x: 'y' }) : note(i));
    const checkpointer = new Checkpointer(rewrittenTree(store, other.store), logSigner(), ORIGIN);
    await expect(checkpointer.sign()).rejects.toThrow(InconsistentCheckpointError);
    await expect(checkpointer.sign()).rejects.toThrow(
      /^refusing to sign size 6: not consistent with the signed checkpoint of size 5/,
    );
    expect(await store.checkpointSizes()).toEqual([1, 2, 3, 4, 5]);
  });

  it('refuses a head behind the last checkpoint, and a different root at the same size', async () => {
    const { store } = await buildLog(5);
    const behind = (await buildLog(3)).store;
    const fork = (await buildLog(0)).ledger;
    for (let i = 0; i < 5; i++) await fork.append(note(i, { fork: 'yes' }));
    await expect(new Checkpointer(rewrittenTree(store, behind), logSigner(), ORIGIN).sign()).rejects.toThrow(
      'is behind the last signed checkpoint (size 5)',
    );
    await expect(
      new Checkpointer(rewrittenTree(store, fork.store), logSigner(), ORIGIN).sign(),
    ).rejects.toThrow('(a fork)');
  });

  it('refuses to build on a stored checkpoint that is not signed by a log key', async () => {
    const { ledger, store } = await buildLog(2);
    const stored = (await store.latestCheckpoint())?.note as string;
    const line = stored.split('\n')[4] as string;
    const at = line.length - 12;
    const forged = stored.replace(
      line,
      line.slice(0, at) + (line[at] === 'A' ? 'B' : 'A') + line.slice(at + 1),
    );
    await ledger.append(note(3));
    const tampered = overlay(store, {
      latestCheckpoint: async () => ({ size: 2, rootHash: new Uint8Array(32), note: forged }),
    });
    await expect(new Checkpointer(tampered, logSigner(), ORIGIN).sign()).rejects.toThrow(
      'stored checkpoint 2 has no valid signature by the log',
    );
  });
});

describe('SQLite store', () => {
  it('is append-only: updates and deletes of sequenced data abort; the head only grows', async () => {
    const db = openDatabase(':memory:');
    const store = new SqliteLedgerStore(db);
    const ledger = await Ledger.open({ store, signer: logSigner() });
    for (let i = 0; i < 4; i++) await ledger.append(note(i));
    for (const sql of [
      "UPDATE ledger_entries SET body = X'00' WHERE idx = 1",
      'DELETE FROM ledger_entries WHERE idx = 3',
      'DELETE FROM ledger_nodes',
      "UPDATE ledger_checkpoints SET note = 'x'",
      'DELETE FROM ledger_keys',
      "INSERT OR REPLACE INTO ledger_entries (idx, id, leaf_hash, body) SELECT idx, id, leaf_hash, X'00' FROM ledger_entries WHERE idx = 0",
    ])
      expect(() => db.exec(sql), sql).toThrow(LEDGER_IMMUTABLE_MESSAGE);
    expect(() => db.exec('UPDATE ledger_head SET size = 1')).toThrow('the ledger head can only grow');
    expect((await ledger.checkpoint()).size).toBe(4);
    db.close();
  });

  it('keeps everything across reopen; signer key file is 0600 and reused', async () => {
    const dataDir = tempDir();
    const first = await openLocalLedger({ dataDir }).open();
    await first.ledger.appendMany([note(1), note(2)]);
    const cp1 = await first.ledger.checkpoint();
    await first.close();
    const keyFile = path.join(dataDir, 'ledger', 'signer.key');
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(dataDir, 'ledger', 'pseudonym.key')).mode & 0o777).toBe(0o600);
    const second = await openLocalLedger({ dataDir }).open();
    expect((await second.ledger.latestCheckpoint())?.note).toBe(cp1.note);
    expect((await second.ledger.append(note(3))).index).toBe(2);
    expect(await second.store.verifierKeys()).toHaveLength(1);
    await second.close();
    expect(loadOrCreateSignerKey(keyFile, ORIGIN).verifierKey).toBe(
      (
        await openLocalLedger({ dataDir })
          .open()
          .then(async (l) => {
            const keys = await l.store.verifierKeys();
            await l.close();
            return keys;
          })
      )[0],
    );
    fs.chmodSync(keyFile, 0o644);
    await expect(openLocalLedger({ dataDir }).open()).rejects.toThrow('readable by others');
  });

  it('the origin is fixed when the log is created', async () => {
    const dataDir = tempDir();
    const local = await openLocalLedger({ dataDir, origin: 'example.com/audit' }).open();
    expect(local.ledger.origin).toBe('example.com/audit');
    await local.close();
    const again = await openLocalLedger({ dataDir, origin: 'other.example/log' }).open();
    expect(again.ledger.origin).toBe('example.com/audit');
    await again.close();
  });
});

describe('LedgerDecisionStore', () => {
  it('appends decisions and rejections to the ledger before the read model, idempotently', async () => {
    const { LedgerDecisionStore } = await import('../../../functions/ledger/ledger-decision-store.ts');
    const { SqliteDecisionStore } = await import(
      '../../../functions/adapters/local/sqlite-decision-store.ts'
    );
    const db = openDatabase(':memory:');
    const { ledger } = await buildLog(0);
    const store = new LedgerDecisionStore(ledger, new SqliteDecisionStore(db));
    const decision = {
      id: 'd-1',
      gate: 'model-registry',
      decision: 'allow',
      subject: { kind: 'model-package', id: 'arn:pkg/1', group: 'g', version: '1' },
      violations: [],
      obligations: [],
      policy: { bundleSha256: 'a'.repeat(64), version: '1', entrypoint: 'e' },
      inputSha256: 'b'.repeat(64),
      evaluatedAt: '2026-11-28T12:00:00.000Z',
      trigger: { eventId: 'ev', source: 's', detailType: 't' },
    } as Decision;
    expect((await store.record(decision)).created).toBe(true);
    expect((await store.record(decision)).created).toBe(false);
    await store.recordRejection({
      id: 'r-1',
      gate: 'g',
      eventId: null,
      code: 'c',
      message: 'm',
      rejectedAt: '2026-11-28T12:00:00.000Z',
    });
    expect(await ledger.size()).toBe(2);
    expect((await ledger.findById('decision/d-1'))?.entry).toMatchObject({
      type: 'decision',
      decision: { id: 'd-1' },
    });
    expect(await store.get('d-1')).toEqual(decision);
    db.close();
  });
});

describe('checkpoint on an interval', () => {
  it('acknowledges on commit and signs the head on the interval', async () => {
    const store = new MemoryLedgerStore();
    const ledger = await Ledger.open({ store, signer: logSigner(), checkpoint: { intervalMs: 20 } });
    await ledger.appendMany([note(1), note(2), note(3)]);
    expect(await ledger.latestCheckpoint()).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect((await ledger.latestCheckpoint())?.size).toBe(3);
    await ledger.close();
  });
});
