/**
 * `verify` trusts only a pinned log key, and with `since` refuses a log that is smaller than, or does not
 * contain, a checkpoint seen before: a rolled-back or rewritten export that is valid on its own.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryLedgerStore } from '../../../functions/adapters/local/ledger/memory-store.ts';
import { UNPINNED_MESSAGE, verifyExport } from '../../../functions/ledger/export/verify-export.ts';
import { Ledger } from '../../../functions/ledger/ledger.ts';
import {
  buildLog,
  copyDir,
  exported,
  logSigner,
  note,
  readLines,
  removeTempDirs,
  writeLines,
} from '../../support/ledger-fixture.ts';

const N = 12;
let original: string;
const vkey = logSigner().verifierKey;
const checkpointOf = (dir: string, size: number) =>
  fs.readFileSync(path.join(dir, 'checkpoints', String(size)), 'utf8');

beforeAll(async () => {
  original = await exported((await buildLog(N)).ledger);
});
afterAll(removeTempDirs);

describe('a pinned log key', () => {
  it('is required: without one nothing is trusted', () => {
    const report = verifyExport(original);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([{ code: 'keys.unpinned', message: UNPINNED_MESSAGE }]);
  });

  it("catches a log re-signed with a forged key whose vkey replaced the export's", async () => {
    const forger = logSigner(66);
    const forged = await exported((await buildLog(N, forger)).ledger);
    expect(fs.readFileSync(path.join(forged, 'vkey'), 'utf8').trim()).toBe(forger.verifierKey);
    // Trusting the export's own key, the forgery passes: that is why the key must be pinned.
    expect(verifyExport(forged, { trustExportKey: true }).ok).toBe(true);
    const report = verifyExport(forged, { logKeys: [vkey] });
    expect(report.ok).toBe(false);
    expect(report.problems[0]?.code).toBe('checkpoint.unknown-key');
    expect(report.problems[0]?.message).toMatch(
      /^checkpoints\/1: \(size 1\) is not signed by a trusted log key; it has signatures by unknown key verdict\.local\/ledger\+[0-9a-f]{8} \(trusted: verdict\.local\/ledger\+[0-9a-f]{8}\)$/,
    );
  });
});

describe('since a checkpoint seen before', () => {
  it('passes for the same log and for a log that grew from it', () => {
    for (const size of [1, 6, N])
      expect(
        verifyExport(original, { logKeys: [vkey], since: checkpointOf(original, size) }).problems,
      ).toEqual([]);
  });

  it('rejects a smaller log (rolled back), though it verifies on its own', () => {
    const rolledBack = copyDir(original);
    writeLines(rolledBack, readLines(rolledBack).slice(0, 6));
    for (let size = 7; size <= N; size++) fs.rmSync(path.join(rolledBack, 'checkpoints', String(size)));
    fs.writeFileSync(path.join(rolledBack, 'checkpoint'), checkpointOf(original, 6));
    expect(verifyExport(rolledBack, { logKeys: [vkey] }).problems).toEqual([]);

    const report = verifyExport(rolledBack, { logKeys: [vkey], since: checkpointOf(original, 10) });
    expect(report.problems).toEqual([
      {
        code: 'since.rollback',
        message:
          'rolled back: the log has size 6, smaller than the checkpoint of size 10 seen before (--since); a log never shrinks',
        checkpointSize: 10,
      },
    ]);
  });

  it('rejects a rewritten history signed with the log key, naming the checkpoint it contradicts, not an entry', async () => {
    const ledger = await Ledger.open({ store: new MemoryLedgerStore(), signer: logSigner() });
    for (let i = 0; i < N; i++) await ledger.append(i === 3 ? note(i, { rewritten: 'yes' }) : note(i));
    const rewritten = await exported(ledger);
    expect(verifyExport(rewritten, { logKeys: [vkey] }).problems).toEqual([]);

    const report = verifyExport(rewritten, { logKeys: [vkey], since: checkpointOf(original, 6) });
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({ code: 'since.inconsistent', checkpointSize: 6 });
    expect(report.problems[0]?.message).toMatch(
      /^not consistent with the checkpoint seen before \(--since, size 6\): it commits to root [A-Za-z0-9+/]{43}= but entries 0\.\.5 of this log hash to [A-Za-z0-9+/]{43}=; the history was rewritten$/,
    );
    // A checkpoint before the rewrite is still contained.
    expect(verifyExport(rewritten, { logKeys: [vkey], since: checkpointOf(original, 3) }).ok).toBe(true);
  });

  it('refuses a --since checkpoint not signed by the pinned key', async () => {
    const other = await exported((await buildLog(4, logSigner(9))).ledger);
    const report = verifyExport(original, { logKeys: [vkey], since: checkpointOf(other, 4) });
    expect(report.problems.map((p) => p.code)).toEqual(['since.signature']);
    expect(report.problems[0]?.message).toMatch(
      /^--since: checkpoint 4 has no valid signature by a trusted log key \(verdict\.local\/ledger\+[0-9a-f]{8}\)$/,
    );
  });
});
