/**
 * `verdict ledger export`: the layout of the ledger reference, for an auditor who trusts nobody:
 *   DIR/entries.jsonl        every entry in log order, each line exactly the leaf bytes, `\n` after each
 *   DIR/checkpoint           the latest signed checkpoint, covering exactly the exported entries
 *   DIR/checkpoints/<size>   every signed checkpoint up to it (the latest too), for consistency checks
 *   DIR/vkey                 the log's verifier keys, one per line, oldest first
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SignedCheckpoint } from '../checkpointer.ts';
import { InconsistentCheckpointError, LedgerRangeError } from '../errors.ts';
import type { Ledger } from '../ledger.ts';

export interface ExportSummary {
  dir: string;
  entries: number;
  checkpoints: number;
  rootHash: string;
  /**
   * Entries committed after the exported checkpoint that could not be signed now (the signer is down, or
   * the ledger is opened read-only): they are left out of the export, which stays verifiable, and reported.
   */
  unsignedTail?: { entries: number; reason: string };
}

export interface ExportOptions {
  /**
   * Export up to this tree size, which must be a size the log signed a checkpoint at (LedgerRangeError
   * otherwise). Default: everything committed, signed now where the ledger can sign.
   */
  size?: number;
}

export async function exportLedger(
  ledger: Ledger,
  dir: string,
  options: ExportOptions = {},
): Promise<ExportSummary> {
  const existed = fs.existsSync(dir);
  if (existed && fs.readdirSync(dir).length > 0) throw new Error(`${dir} is not empty`);
  const { latest, unsignedTail } =
    options.size === undefined ? await signedHead(ledger) : { latest: await signedAt(ledger, options.size) };
  // Written beside DIR and renamed into place: a failed or interrupted export leaves no DIR that looks whole.
  const partial = `${path.resolve(dir)}.partial-${process.pid}`;
  fs.rmSync(partial, { recursive: true, force: true });
  try {
    const checkpoints = await writeExport(ledger, partial, latest);
    if (existed) fs.rmdirSync(dir);
    fs.renameSync(partial, dir);
    return {
      dir,
      entries: latest.size,
      checkpoints,
      rootHash: Buffer.from(latest.rootHash).toString('base64'),
      ...(unsignedTail ? { unsignedTail } : {}),
    };
  } catch (error) {
    fs.rmSync(partial, { recursive: true, force: true });
    throw error;
  }
}

/** The export's files, in `dir`; returns how many checkpoints it holds. */
async function writeExport(ledger: Ledger, dir: string, latest: SignedCheckpoint): Promise<number> {
  fs.mkdirSync(path.join(dir, 'checkpoints'), { recursive: true });

  const out = fs.openSync(path.join(dir, 'entries.jsonl'), 'w');
  try {
    const newline = Buffer.from('\n');
    let chunk: Buffer[] = [];
    let bytes = 0;
    const flush = () => {
      fs.writeSync(out, Buffer.concat(chunk, bytes));
      chunk = [];
      bytes = 0;
    };
    for await (const entry of ledger.store.entries(0, latest.size)) {
      chunk.push(Buffer.from(entry.bytes.buffer, entry.bytes.byteOffset, entry.bytes.byteLength), newline);
      bytes += entry.bytes.byteLength + 1;
      if (bytes > 1 << 20) flush();
    }
    flush();
    fs.fsyncSync(out);
  } finally {
    fs.closeSync(out);
  }

  let checkpoints = 0;
  for (const size of await ledger.store.checkpointSizes()) {
    if (size > latest.size) break;
    const stored = await ledger.store.checkpointAt(size);
    if (!stored) continue;
    fs.writeFileSync(path.join(dir, 'checkpoints', String(size)), stored.note);
    checkpoints++;
  }
  fs.writeFileSync(path.join(dir, 'checkpoint'), latest.note);
  fs.writeFileSync(path.join(dir, 'vkey'), `${(await ledger.store.verifierKeys()).join('\n')}\n`);
  return checkpoints;
}

/** The checkpoint the log signed at `size`. */
async function signedAt(ledger: Ledger, size: number): Promise<SignedCheckpoint> {
  const stored = await ledger.store.checkpointAt(size);
  if (!stored) {
    const latest = await ledger.latestCheckpoint();
    throw new LedgerRangeError(
      latest && size > latest.size
        ? `tree size ${size} is beyond the newest signed checkpoint (size ${latest.size})`
        : `the log signed no checkpoint at tree size ${size}`,
    );
  }
  return { origin: ledger.origin, size: stored.size, rootHash: stored.rootHash, note: stored.note };
}

/** A checkpoint of everything committed, signed now; else the latest signed one and what it leaves out. */
async function signedHead(
  ledger: Ledger,
): Promise<{ latest: SignedCheckpoint; unsignedTail?: ExportSummary['unsignedTail'] }> {
  try {
    return { latest: await ledger.checkpoint() };
  } catch (error) {
    if (error instanceof InconsistentCheckpointError) throw error;
    const latest = await ledger.latestCheckpoint();
    if (!latest) throw error;
    const entries = (await ledger.size()) - latest.size;
    return { latest, unsignedTail: { entries, reason: (error as Error).message } };
  }
}
