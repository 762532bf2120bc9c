/**
 * The handle every ledger opener returns: opened on first use and once, retried after a failed open, and a
 * reader that answers as for an empty log when a read-only ledger finds no log yet.
 */
import { describe, expect, it } from 'vitest';
import { openMemoryLedger } from '../../../functions/adapters/local/ledger/memory-ledger.ts';
import type { Decision } from '../../../functions/contracts/decision.ts';
import { LedgerRangeError, NoLogYetError } from '../../../functions/ledger/errors.ts';
import { ledgerHandle } from '../../../functions/ledger/ledger-handle.ts';
import { ReadModelDivergenceError } from '../../../functions/ports/ledger-reader.ts';

const decision = { id: 'd-1', decision: 'allow' } as unknown as Decision;

describe('ledgerHandle', () => {
  it('opens nothing until first used, then opens once', async () => {
    let opens = 0;
    const memory = openMemoryLedger('verdict.test/handle');
    const handle = ledgerHandle(async () => {
      opens += 1;
      return memory.open();
    });
    expect(opens).toBe(0);
    await handle.close();
    expect(opens).toBe(0);
    expect(await handle.reader.latestCheckpoint()).toBeUndefined();
    await handle.audit.recordAction({
      id: 'a-1',
      kind: 'sagemaker:UpdateModelPackage',
      target: 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/m/1',
      outcome: 'succeeded',
      at: '2026-01-01T00:00:00Z',
    });
    expect(await handle.audit.hasAction('a-1')).toBe(true);
    expect(opens).toBe(1);
    await handle.close();
  });

  it('retries a failed open on the next use', async () => {
    let attempts = 0;
    const memory = openMemoryLedger('verdict.test/handle');
    const handle = ledgerHandle(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('KMS unreachable');
      return memory.open();
    });
    await expect(handle.reader.latestCheckpoint()).rejects.toThrow('KMS unreachable');
    expect(await handle.reader.indexOfEntry('decision/none')).toBeUndefined();
    expect(attempts).toBe(2);
    await handle.close();
  });

  it('answers as an empty log while a read-only ledger has no log yet', async () => {
    const handle = ledgerHandle(async () => {
      throw new NoLogYetError('the ledger table t holds no log yet');
    });
    expect(await handle.reader.latestCheckpoint()).toBeUndefined();
    expect(await handle.reader.indexOfEntry('decision/d-1')).toBeUndefined();
    await expect(handle.reader.vouchForDecision(decision)).rejects.toThrowError(
      new ReadModelDivergenceError('d-1', 'decision d-1 is in the read model but not in the ledger'),
    );
    await expect(handle.reader.proveInclusion(0)).rejects.toThrowError(
      new LedgerRangeError('no entry 0: the ledger holds no log yet'),
    );
    await expect(handle.reader.proveConsistency(1, 2)).rejects.toBeInstanceOf(RangeError);
    // Any other failure is not an empty log.
    const broken = ledgerHandle(async () => {
      throw new Error('access denied');
    });
    await expect(broken.reader.latestCheckpoint()).rejects.toThrow('access denied');
  });

  it('gives the API and reports one reader, signing the pending tail locally', async () => {
    const handle = openMemoryLedger('verdict.test/handle');
    const { ledger } = await handle.open();
    await ledger.append({ id: 'note/1', type: 'note', recordedAt: '2026-01-01T00:00:00Z', note: {} });
    const checkpoint = await handle.reader.latestCheckpoint();
    expect(checkpoint).toMatchObject({ size: 1 });
    expect(checkpoint?.text).toContain('verdict.test/handle\n1\n');
    await handle.close();
  });
});
