/** Test helpers: in-memory ledgers with a fixed key, exported to temporary directories. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MemoryLedgerStore } from '../../functions/adapters/local/ledger/memory-store.ts';
import type { NoteEntry } from '../../functions/contracts/ledger-entry.ts';
import { ed25519Signer } from '../../functions/ledger/core/note-keys.ts';
import { exportLedger } from '../../functions/ledger/export/write-export.ts';
import { Ledger } from '../../functions/ledger/ledger.ts';
import type { Signer } from '../../functions/ledger/ports/signer.ts';

export const ORIGIN = 'verdict.local/ledger';
export const logSigner = (seed = 1, name = ORIGIN): Signer => ed25519Signer(name, Buffer.alloc(32, seed));

export function note(i: number, extra: Record<string, string> = {}): NoteEntry {
  return { id: `note/${i}`, type: 'note', recordedAt: '2026-11-28T12:00:00.000Z', note: { i, ...extra } };
}

const dirs: string[] = [];
export function tempDir(prefix = 'verdict-ledger-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}
export function removeTempDirs(): void {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** A log of `n` notes appended one by one, so there is a signed checkpoint at every size 1..n. */
export async function buildLog(n: number, signer = logSigner(), store = new MemoryLedgerStore()) {
  const ledger = await Ledger.open({ store, signer });
  for (let i = 0; i < n; i++) await ledger.append(note(i));
  return { ledger, store, signer };
}

export async function exported(ledger: Ledger): Promise<string> {
  const dir = path.join(tempDir(), 'export');
  await exportLedger(ledger, dir);
  return dir;
}

export function copyDir(dir: string): string {
  const copy = path.join(tempDir(), 'tampered');
  fs.cpSync(dir, copy, { recursive: true });
  return copy;
}

export function readLines(dir: string): string[] {
  return fs.readFileSync(path.join(dir, 'entries.jsonl'), 'utf8').split('\n').slice(0, -1);
}

export function writeLines(dir: string, lines: readonly string[]): void {
  fs.writeFileSync(path.join(dir, 'entries.jsonl'), lines.map((l) => `${l}\n`).join(''));
}
