/** A witness cosigns only checkpoints consistent with the last one it cosigned for that log. */
import { describe, expect, it } from 'vitest';
import { parseVerifierKey } from '../../../functions/ledger/core/note-keys.ts';
import { checkSignatures, parseNote } from '../../../functions/ledger/core/signed-note.ts';
import { cosignCheckpoint, WitnessRefusal, type WitnessState } from '../../../functions/ledger/witness.ts';
import { buildLog, logSigner, note, ORIGIN } from '../../support/ledger-fixture.ts';

const witness = logSigner(50, 'auditor.example/witness');
const empty: WitnessState = { logs: {} };

describe('witness', () => {
  it('pins the log key on first use, then cosigns consistent growth', async () => {
    const { ledger, signer } = await buildLog(4);
    const first = await ledger.checkpoint();
    await expect(cosignCheckpoint({ note: first.note, witness, state: empty })).rejects.toThrow(
      'pass the log',
    );
    const one = await cosignCheckpoint({
      note: first.note,
      witness,
      state: empty,
      logKeys: [signer.verifierKey],
    });
    expect(one.state.logs[ORIGIN]).toMatchObject({ size: 4, logKeys: [signer.verifierKey] });
    const sigs = checkSignatures(parseNote(one.note), [parseVerifierKey(witness.verifierKey)]);
    expect(sigs.verified).toHaveLength(1);

    for (let i = 4; i < 9; i++) await ledger.append(note(i));
    const next = await ledger.checkpoint();
    const proof = (await ledger.proveConsistency(4, 9)).consistencyPath;
    await expect(cosignCheckpoint({ note: next.note, witness, state: one.state })).rejects.toThrow(
      WitnessRefusal,
    );
    const two = await cosignCheckpoint({ note: next.note, witness, state: one.state, proof });
    expect(two).toMatchObject({ size: 9, previousSize: 4 });

    // Older than the last cosigned: refused.
    await expect(cosignCheckpoint({ note: first.note, witness, state: two.state })).rejects.toThrow(
      'is older than the last cosigned checkpoint (size 9)',
    );
    // The same size again: fine, the same root.
    expect((await cosignCheckpoint({ note: next.note, witness, state: two.state })).size).toBe(9);
  });

  it('refuses a fork (same size, other root) and a checkpoint not signed by the pinned key', async () => {
    const { ledger, signer } = await buildLog(4);
    const state = (
      await cosignCheckpoint({
        note: (await ledger.checkpoint()).note,
        witness,
        state: empty,
        logKeys: [signer.verifierKey],
      })
    ).state;
    const fork = (await buildLog(0)).ledger;
    for (let i = 0; i < 4; i++) await fork.append(note(i, { fork: 'yes' }));
    await expect(cosignCheckpoint({ note: (await fork.checkpoint()).note, witness, state })).rejects.toThrow(
      'not consistent with the last cosigned checkpoint (size 4): two different roots for tree size 4',
    );
    const other = await buildLog(6, logSigner(7));
    await expect(
      cosignCheckpoint({ note: (await other.ledger.checkpoint()).note, witness, state }),
    ).rejects.toThrow('has no valid signature by the log key');
  });
});
