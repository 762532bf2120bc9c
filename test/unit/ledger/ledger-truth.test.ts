/**
 * What the ledger answers is what it holds: appends compare bytes as well as ids, a checkpoint racing another
 * writer never reports a committed entry as failed, checkpoints follow a cadence (and are always signed
 * before a proof or an export), and an export while the signer is down reports its unsigned tail.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryLedgerStore } from '../../../functions/adapters/local/ledger/memory-store.ts';
import type { Decision } from '../../../functions/contracts/decision.ts';
import { verifyExport } from '../../../functions/ledger/export/verify-export.ts';
import { exportLedger } from '../../../functions/ledger/export/write-export.ts';
import { type CheckpointCadence, Ledger } from '../../../functions/ledger/ledger.ts';
import type { LedgerStore } from '../../../functions/ledger/ports/ledger-store.ts';
import type { Signer } from '../../../functions/ledger/ports/signer.ts';
import { logSigner, note, removeTempDirs, tempDir } from '../../support/ledger-fixture.ts';

afterEach(removeTempDirs);

/** A signer that can be taken down, as KMS can. */
function switchableSigner(): Signer & { down: boolean } {
  const real = logSigner();
  return {
    name: real.name,
    keyId: real.keyId,
    verifierKey: real.verifierKey,
    down: false,
    sign(message) {
      if (this.down) return Promise.reject(new Error('KMS Sign: ServiceUnavailable'));
      return real.sign(message);
    },
  };
}

describe('appends compare bytes, not only ids', () => {
  it('reports an id already held with other content, and recordDecision answers with the ledger decision', async () => {
    const ledger = await Ledger.open({ store: new MemoryLedgerStore(), signer: logSigner() });
    const first = {
      id: 'd-1',
      decision: 'deny',
      evaluatedAt: '2026-01-01T00:00:00.000Z',
    } as unknown as Decision;
    const second = { ...first, decision: 'allow', evaluatedAt: '2026-01-01T00:05:00.000Z' } as Decision;

    expect(await ledger.recordDecision(first)).toMatchObject({
      created: true,
      matches: true,
      decision: first,
    });
    expect(await ledger.recordDecision(first)).toMatchObject({
      created: false,
      matches: true,
      decision: first,
    });
    expect(await ledger.recordDecision(second)).toMatchObject({
      created: false,
      matches: false,
      decision: first,
    });
    expect(await ledger.append({ ...note(1), recordedAt: '2030-01-01T00:00:00.000Z' })).toMatchObject({
      created: true,
    });
    expect(await ledger.append(note(1))).toMatchObject({ created: false, matches: true });
    expect(await ledger.append(note(1, { other: 'content' }))).toMatchObject({
      created: false,
      matches: false,
    });
    expect(await ledger.size()).toBe(2);
  });
});

describe('checkpoints under two writers', () => {
  it('a writer whose head read is overtaken by another writer signing does not fail a committed append', async () => {
    const store = new MemoryLedgerStore();
    const other = await Ledger.open({ store, signer: logSigner() });
    await other.append(note(0));
    let overtake = false;
    // Between this writer's reads, the other writer appends and signs a larger checkpoint.
    const racing: LedgerStore = new Proxy(store, {
      get(target, prop) {
        if (prop === 'head')
          return async () => {
            const head = await target.head();
            if (overtake) {
              overtake = false;
              await other.append(note(99));
            }
            return head;
          };
        const value = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const ledger = await Ledger.open({ store: racing, signer: logSigner() });
    await ledger.append(note(1));
    overtake = true;

    await expect(ledger.append(note(2))).resolves.toMatchObject({ created: true });
    expect(await store.checkpointSizes()).toContain(4);
  });
});

describe('checkpoints on a cadence', () => {
  it('signs once per `entries` appended, where every batch signed before', async () => {
    const count = async (checkpoint: CheckpointCadence) => {
      const store = new MemoryLedgerStore();
      const ledger = await Ledger.open({ store, signer: logSigner(), checkpoint });
      for (let i = 0; i < 500; i++) await ledger.append(note(i));
      const checkpoints = (await store.checkpointSizes()).length;
      await ledger.close();
      return { checkpoints, after: await store.checkpointSizes() };
    };
    const everyBatch = await count('every-batch');
    const cadence = await count({ entries: 100 });

    expect(everyBatch.checkpoints).toBe(500);
    expect(cadence.checkpoints).toBe(5);
    expect(cadence.after.at(-1)).toBe(500);
  });

  it('signs the unsigned tail before answering a proof request or an export', async () => {
    const store = new MemoryLedgerStore();
    const ledger = await Ledger.open({ store, signer: logSigner(), checkpoint: { entries: 1000 } });
    for (let i = 0; i < 5; i++) await ledger.append(note(i));
    expect(await ledger.latestCheckpoint()).toBeUndefined();

    const proof = await ledger.proveInclusion(4);
    expect(proof).toMatchObject({ leafIndex: 4, treeSize: 5, checkpoint: expect.any(String) });
    await ledger.append(note(5));
    const summary = await exportLedger(ledger, path.join(tempDir(), 'export'));
    expect(summary).toMatchObject({ entries: 6 });
    expect(summary.unsignedTail).toBeUndefined();
  });

  it('acknowledges appends while the signer is down; export reports the unsigned tail and verifies', async () => {
    const signer = switchableSigner();
    const ledger = await Ledger.open({ store: new MemoryLedgerStore(), signer, checkpoint: { entries: 2 } });
    for (let i = 0; i < 4; i++) await ledger.append(note(i));
    signer.down = true;
    for (let i = 4; i < 7; i++)
      await expect(ledger.append(note(i))).resolves.toMatchObject({ created: true });

    const dir = path.join(tempDir(), 'export');
    const summary = await exportLedger(ledger, dir);

    expect(summary).toMatchObject({
      entries: 4,
      unsignedTail: { entries: 3, reason: 'KMS Sign: ServiceUnavailable' },
    });
    expect(verifyExport(dir, { logKeys: [signer.verifierKey] })).toMatchObject({ ok: true, entries: 4 });
    signer.down = false;
    expect((await exportLedger(ledger, path.join(tempDir(), 'again'))).entries).toBe(7);
  });
});
