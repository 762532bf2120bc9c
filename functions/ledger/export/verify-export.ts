/**
 * `verdict ledger verify DIR`: recomputes an exported log from scratch and checks it against its signed
 * checkpoints. It needs only the export and the log's public key(s); everything it does is RFC 8785,
 * RFC 6962/9162 and C2SP signed-note, so an auditor can redo it with their own code.
 *
 * Checks, in order:
 * 1. keys: the trusted log keys (--key; DIR/vkey only with --trust-export-key) and witness keys parse;
 * 2. every checkpoint file (DIR/checkpoint, DIR/checkpoints/<size>): a well-formed signed note, the
 *    expected origin, the size its file name says, a valid signature by a trusted log key and no invalid
 *    one; the latest must be the largest (a stale checkpoint is a rollback), no two may differ at one size
 *    (a fork); with --witness-key, the latest must carry a valid cosignature by each witness;
 * 3. every line of entries.jsonl: at most 64 KiB, UTF-8, RFC 8785 canonical JSON, an object with a unique
 *    string id;
 * 4. the RFC 6962 root of the first n entries equals the signed root of every checkpoint of size n. All
 *    checkpoints are thereby consistent with each other (each is a prefix of the same entries), which is
 *    what a consistency proof between consecutive checkpoints shows, here without trusting any prover;
 * 5. the latest checkpoint covers exactly the exported entries;
 * 6. with --since, a checkpoint seen before: the log is not smaller, and its first entries hash to that root.
 * A mismatch is narrowed to the entries between the last matching and the first mismatching checkpoint,
 * and, where the window is small, to what happened there (edited, inserted, swapped, deleted).
 */
import fs from 'node:fs';
import path from 'node:path';
import { canonicalJson } from '../../shared/canonical-json.ts';
import { nonEmptyLines } from '../../shared/lines.ts';
import { parseCheckpoint } from '../core/checkpoint.ts';
import { CompactRange } from '../core/compact-range.ts';
import { type NoteVerifier, parseVerifierKey } from '../core/note-keys.ts';
import { hashesEqual, leafHash, toBase64 } from '../core/rfc6962.ts';
import { checkSignatures, describeKey, parseNote } from '../core/signed-note.ts';
import { MAX_ENTRY_BYTES } from '../entry.ts';

export const UNPINNED_MESSAGE =
  "no trusted log key: pass --key VKEY (or a file of trusted keys) to pin the log's key, or --trust-export-key to trust the export's own vkey file";

export interface VerifyOptions {
  /** Trusted log verifier keys (vkey form). Required unless `trustExportKey`. */
  logKeys?: string[];
  /** Without `logKeys`, trust the keys in DIR/vkey (which whoever wrote the export controls). */
  trustExportKey?: boolean;
  /**
   * A signed checkpoint of this log seen before (a note). The export must reach at least its size and
   * contain it: a smaller log is a rollback, a different root at its size is a rewritten history.
   */
  since?: string;
  /** Witness keys whose cosignature the latest checkpoint must carry. */
  witnessKeys?: string[];
  /** Expected origin. Default: the name of the first log key. */
  origin?: string;
}

export interface VerifyProblem {
  /** A stable code: entry.edited, checkpoint.signature, ... */
  code: string;
  message: string;
  entryIndex?: number;
  checkpointSize?: number;
  key?: string;
}

export interface VerifyReport {
  ok: boolean;
  entries: number;
  checkpoints: number;
  latest?: { size: number; rootHash: string };
  problems: VerifyProblem[];
  warnings: string[];
}

interface CheckpointFile {
  label: string;
  size: number;
  rootHash: Uint8Array;
}

const DIAGNOSIS_WINDOW = 256;
/** Leaves past the mismatching checkpoint that a hypothesis is checked against. */
const DIAGNOSIS_EXTRA = 64;

export function verifyExport(dir: string, options: VerifyOptions = {}): VerifyReport {
  const problems: VerifyProblem[] = [];
  const warnings: string[] = [];
  const report = (extra: Partial<VerifyReport> = {}): VerifyReport => ({
    ok: problems.length === 0,
    entries: 0,
    checkpoints: 0,
    problems,
    warnings,
    ...extra,
  });

  // 1. Keys.
  let logKeyLines = options.logKeys;
  if (!logKeyLines) {
    if (!options.trustExportKey) {
      problems.push({ code: 'keys.unpinned', message: UNPINNED_MESSAGE });
      return report();
    }
    const file = path.join(dir, 'vkey');
    if (!fs.existsSync(file)) {
      problems.push({ code: 'keys.missing', message: 'no --key given and no vkey file in the export' });
      return report();
    }
    logKeyLines = nonEmptyLines(readText(file));
    warnings.push(
      "trusting the keys in the export's own vkey file (--trust-export-key): anyone who rewrote the export could have replaced them; pass --key to pin the log's key",
    );
  }
  const logKeys = parseKeys(logKeyLines, 'log key', problems);
  const witnessKeys = parseKeys(options.witnessKeys ?? [], 'witness key', problems);
  if (problems.length > 0 || logKeys.length === 0) {
    if (logKeys.length === 0 && problems.length === 0)
      problems.push({ code: 'keys.missing', message: 'no trusted log key' });
    return report();
  }
  const origin = options.origin ?? (logKeys[0] as NoteVerifier).name;
  const since =
    options.since === undefined ? undefined : checkSince(options.since, origin, logKeys, problems);

  // 2. Checkpoints.
  const files: { label: string; file: string; expectedSize?: number }[] = [];
  const latestFile = path.join(dir, 'checkpoint');
  if (!fs.existsSync(latestFile)) {
    problems.push({ code: 'checkpoint.missing', message: 'the export has no checkpoint file' });
    return report();
  }
  const historyDir = path.join(dir, 'checkpoints');
  if (fs.existsSync(historyDir)) {
    for (const name of fs.readdirSync(historyDir)) {
      if (!/^(0|[1-9][0-9]*)$/.test(name)) {
        problems.push({ code: 'checkpoint.name', message: `checkpoints/${name}: not named by a tree size` });
        continue;
      }
      files.push({
        label: `checkpoints/${name}`,
        file: path.join(historyDir, name),
        expectedSize: Number(name),
      });
    }
  }
  files.sort((a, b) => (a.expectedSize ?? 0) - (b.expectedSize ?? 0));
  files.push({ label: 'checkpoint', file: latestFile });

  const trusted: CheckpointFile[] = [];
  let latest: CheckpointFile | undefined;
  for (const f of files) {
    const checked = checkCheckpointFile(f, origin, logKeys, problems);
    if (!checked) continue;
    trusted.push(checked);
    if (f.label === 'checkpoint') {
      latest = checked;
      checkWitnesses(f.file, checked, witnessKeys, problems);
    }
  }

  const bySize = new Map<number, CheckpointFile[]>();
  for (const c of trusted) bySize.set(c.size, [...(bySize.get(c.size) ?? []), c]);
  for (const [size, list] of bySize) {
    const first = list[0] as CheckpointFile;
    const other = list.find((c) => !hashesEqual(c.rootHash, first.rootHash));
    if (other)
      problems.push({
        code: 'checkpoint.fork',
        message: `fork: ${first.label} and ${other.label} are both signed for tree size ${size} but with different roots (${toBase64(first.rootHash)} and ${toBase64(other.rootHash)})`,
        checkpointSize: size,
      });
  }
  const newest = trusted.reduce<CheckpointFile | undefined>(
    (a, c) => (!a || c.size > a.size ? c : a),
    undefined,
  );
  if (latest && newest && newest.size > latest.size)
    problems.push({
      code: 'checkpoint.stale',
      message: `stale checkpoint: the latest checkpoint has size ${latest.size} but ${newest.label} (size ${newest.size}) is newer; a log never goes back to an older checkpoint`,
      checkpointSize: latest.size,
    });

  // 3-4. Entries against every trusted checkpoint.
  const scan = scanEntries(path.join(dir, 'entries.jsonl'), bySize, problems, since?.size);
  const count = scan.count;
  if (since) checkAgainstSince(since, latest?.size ?? count, scan.probeRoot, problems);

  if (scan.mismatch) problems.push(diagnose(scan.mismatch, count, latest?.size));
  // 5. Coverage.
  if (latest) {
    if (count < latest.size) {
      const beyond = [...bySize.keys()].filter((s) => s > count).sort((a, b) => a - b);
      problems.push({
        code: scan.mismatch ? 'entries.missing' : 'entries.truncated',
        message: scan.mismatch
          ? `entries.jsonl has ${count} entries but the latest checkpoint covers ${latest.size}: ${latest.size - count} missing`
          : `truncated: entries.jsonl ends after ${count} entries but checkpoint ${beyond.join(', ')} ${beyond.length > 1 ? 'are' : 'is'} signed: entries ${count}..${latest.size - 1} are missing`,
        entryIndex: count,
        checkpointSize: latest.size,
      });
    } else if (count > latest.size) {
      problems.push({
        code: 'entries.uncovered',
        message: `entries ${latest.size}..${count - 1} are not covered by the latest checkpoint (size ${latest.size})`,
        entryIndex: latest.size,
        checkpointSize: latest.size,
      });
    }
  }

  return report({
    entries: count,
    checkpoints: bySize.size,
    ...(latest ? { latest: { size: latest.size, rootHash: toBase64(latest.rootHash) } } : {}),
  });
}

function parseKeys(lines: readonly string[], what: string, problems: VerifyProblem[]): NoteVerifier[] {
  const keys: NoteVerifier[] = [];
  lines.forEach((line, i) => {
    try {
      keys.push(parseVerifierKey(line.trim()));
    } catch (error) {
      problems.push({
        code: 'keys.malformed',
        message: `${what} ${i + 1} ("${line}"): ${(error as Error).message}`,
      });
    }
  });
  return keys;
}

function readText(file: string): string {
  return new TextDecoder('utf-8', { fatal: true }).decode(fs.readFileSync(file));
}

function checkCheckpointFile(
  f: { label: string; file: string; expectedSize?: number },
  origin: string,
  logKeys: readonly NoteVerifier[],
  problems: VerifyProblem[],
): CheckpointFile | undefined {
  const fail = (code: string, message: string, extra: Partial<VerifyProblem> = {}) => {
    problems.push({ code, message: `${f.label}: ${message}`, ...extra });
    return undefined;
  };
  let note: ReturnType<typeof parseNote>;
  let checkpoint: ReturnType<typeof parseCheckpoint>;
  try {
    note = parseNote(readText(f.file));
    checkpoint = parseCheckpoint(note.text);
  } catch (error) {
    return fail('checkpoint.malformed', `not a signed checkpoint: ${(error as Error).message}`, {
      ...(f.expectedSize !== undefined ? { checkpointSize: f.expectedSize } : {}),
    });
  }
  const size = checkpoint.size;
  if (checkpoint.origin !== origin)
    return fail('checkpoint.origin', `origin is "${checkpoint.origin}", expected "${origin}"`, {
      checkpointSize: size,
    });
  if (f.expectedSize !== undefined && f.expectedSize !== size)
    return fail(
      'checkpoint.name',
      `the file is named for size ${f.expectedSize} but the checkpoint has size ${size}`,
      {
        checkpointSize: size,
      },
    );
  const sigs = checkSignatures(note, logKeys);
  for (const bad of sigs.invalid)
    fail(
      'checkpoint.signature',
      `invalid signature by key ${describeKey(bad)} (size ${size}): the checkpoint was altered`,
      {
        checkpointSize: size,
        key: describeKey(bad),
      },
    );
  if (sigs.invalid.length > 0) return undefined;
  if (sigs.verified.length === 0) {
    const unknown = sigs.unknown.map(describeKey).join(', ');
    return fail(
      'checkpoint.unknown-key',
      `(size ${size}) is not signed by a trusted log key; it has signatures by unknown key ${unknown} (trusted: ${logKeys.map((k) => describeKey(k)).join(', ')})`,
      { checkpointSize: size, key: sigs.unknown[0] ? describeKey(sigs.unknown[0]) : '' },
    );
  }
  return { label: f.label, size, rootHash: checkpoint.rootHash };
}

function checkWitnesses(
  file: string,
  latest: CheckpointFile,
  witnesses: readonly NoteVerifier[],
  problems: VerifyProblem[],
): void {
  if (witnesses.length === 0) return;
  const note = parseNote(readText(file));
  const sigs = checkSignatures(note, witnesses);
  for (const w of witnesses) {
    const key = describeKey(w);
    if (sigs.invalid.some((s) => describeKey(s) === key))
      problems.push({
        code: 'witness.invalid',
        message: `checkpoint (size ${latest.size}): invalid cosignature by witness ${key}`,
        checkpointSize: latest.size,
        key,
      });
    else if (!sigs.verified.includes(w))
      problems.push({
        code: 'witness.missing',
        message: `checkpoint (size ${latest.size}): no cosignature by witness ${key}`,
        checkpointSize: latest.size,
        key,
      });
  }
}

interface Mismatch {
  /** The last size whose checkpoints matched (0 if none), and the compact range there. */
  goodSize: number;
  goodRange: CompactRange;
  badSize: number;
  badLabel: string;
  signedRoot: Uint8Array;
  computedRoot: Uint8Array;
  /** Leaf hashes from goodSize on (bounded), and the signed roots of later sizes. */
  leaves: Uint8Array[];
  signedRoots: Map<number, Uint8Array>;
}

interface Scan {
  count: number;
  mismatch?: Mismatch;
  /** The root of the first `probeSize` entries, when there are that many. */
  probeRoot?: Uint8Array;
}

function scanEntries(
  file: string,
  bySize: Map<number, CheckpointFile[]>,
  problems: VerifyProblem[],
  probeSize?: number,
): Scan {
  if (!fs.existsSync(file)) {
    problems.push({ code: 'entries.missing-file', message: 'the export has no entries.jsonl' });
    return { count: 0 };
  }
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const range = CompactRange.empty();
  const ids = new Map<number, number>();
  const collisions: [number, number][] = [];
  let goodSize = 0;
  let goodRange = range.clone();
  let window: Uint8Array[] | undefined = [];
  let mismatch: Mismatch | undefined;
  let index = 0;
  let probeRoot: Uint8Array | undefined;

  const checkAt = (size: number) => {
    if (size === probeSize) probeRoot = range.root();
    const list = bySize.get(size);
    if (!list) return;
    const root = range.root();
    for (const c of list) {
      if (hashesEqual(c.rootHash, root)) {
        if (!mismatch) {
          goodSize = size;
          goodRange = range.clone();
          window = [];
        }
      } else if (!mismatch) {
        mismatch = {
          goodSize,
          goodRange,
          badSize: size,
          badLabel: c.label,
          signedRoot: c.rootHash,
          computedRoot: root,
          leaves: window ?? [],
          signedRoots: new Map(),
        };
      } else if (size > mismatch.badSize) {
        mismatch.signedRoots.set(size, c.rootHash);
      }
    }
  };
  checkAt(0);

  const onLine = (line: Buffer) => {
    const at = index;
    const problem = (code: string, message: string) =>
      problems.push({ code, message: `entry ${at}: ${message}`, entryIndex: at });
    if (line.length > MAX_ENTRY_BYTES)
      problem('entry.too-large', `${line.length} bytes, the limit is ${MAX_ENTRY_BYTES}`);
    let text: string | undefined;
    try {
      text = decoder.decode(line);
    } catch {
      problem('entry.encoding', 'not valid UTF-8');
    }
    if (text !== undefined) {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        problem('entry.json', 'not JSON');
      }
      if (value !== undefined) {
        let canonical: string | undefined;
        try {
          canonical = canonicalJson(value);
        } catch {}
        if (canonical !== text) problem('entry.not-canonical', 'not in RFC 8785 canonical form');
        const id = (value as { id?: unknown } | null)?.id;
        if (typeof value !== 'object' || value === null || Array.isArray(value) || typeof id !== 'string') {
          problem('entry.shape', 'not a JSON object with a string id');
        } else {
          const key = fingerprint(id);
          const first = ids.get(key);
          if (first === undefined) ids.set(key, at);
          else collisions.push([first, at]);
        }
      }
    }
    const leaf = leafHash(line);
    range.append(leaf);
    if (window) {
      window.push(leaf);
      if (window.length > DIAGNOSIS_WINDOW * 2) window = undefined;
    }
    index++;
    checkAt(index);
  };

  const fd = fs.openSync(file, 'r');
  try {
    const chunk = Buffer.allocUnsafe(1 << 20);
    let carry: Buffer = Buffer.alloc(0);
    for (;;) {
      const read = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      let data = carry.length ? Buffer.concat([carry, chunk.subarray(0, read)]) : chunk.subarray(0, read);
      let start = 0;
      for (let nl = data.indexOf(0x0a, start); nl >= 0; nl = data.indexOf(0x0a, start)) {
        const line = data.subarray(start, nl);
        if (line.length === 0)
          problems.push({ code: 'entry.empty', message: `entry ${index}: empty line`, entryIndex: index });
        onLine(line);
        start = nl + 1;
      }
      data = data.subarray(start);
      carry = Buffer.from(data);
    }
    if (carry.length > 0) onLine(carry);
  } finally {
    fs.closeSync(fd);
  }

  if (collisions.length > 0) reportDuplicates(file, collisions, problems);
  return { count: index, ...(mismatch ? { mismatch } : {}), ...(probeRoot ? { probeRoot } : {}) };
}

/** The checkpoint given with --since: a signed note of this log, by a trusted key. */
function checkSince(
  text: string,
  origin: string,
  logKeys: readonly NoteVerifier[],
  problems: VerifyProblem[],
): { size: number; rootHash: Uint8Array } | undefined {
  const fail = (code: string, message: string) => {
    problems.push({ code, message: `--since: ${message}` });
    return undefined;
  };
  let note: ReturnType<typeof parseNote>;
  let checkpoint: ReturnType<typeof parseCheckpoint>;
  try {
    note = parseNote(text);
    checkpoint = parseCheckpoint(note.text);
  } catch (error) {
    return fail('since.malformed', `not a signed checkpoint: ${(error as Error).message}`);
  }
  if (checkpoint.origin !== origin)
    return fail('since.origin', `the checkpoint is for "${checkpoint.origin}", not "${origin}"`);
  const sigs = checkSignatures(note, logKeys);
  if (sigs.invalid.length > 0 || sigs.verified.length === 0)
    return fail(
      'since.signature',
      `checkpoint ${checkpoint.size} has no valid signature by a trusted log key (${logKeys.map((k) => describeKey(k)).join(', ')})`,
    );
  return { size: checkpoint.size, rootHash: checkpoint.rootHash };
}

/** A log seen at `since` must still contain it: not be smaller, and hash to the same root at its size. */
function checkAgainstSince(
  since: { size: number; rootHash: Uint8Array },
  reached: number,
  probeRoot: Uint8Array | undefined,
  problems: VerifyProblem[],
): void {
  if (since.size > reached)
    problems.push({
      code: 'since.rollback',
      message: `rolled back: the log has size ${reached}, smaller than the checkpoint of size ${since.size} seen before (--since); a log never shrinks`,
      checkpointSize: since.size,
    });
  else if (probeRoot && !hashesEqual(probeRoot, since.rootHash))
    problems.push({
      code: 'since.inconsistent',
      message: `not consistent with the checkpoint seen before (--since, size ${since.size}): it commits to root ${toBase64(since.rootHash)} but entries 0..${since.size - 1} of this log hash to ${toBase64(probeRoot)}; the history was rewritten`,
      checkpointSize: since.size,
    });
}

/** A 52-bit FNV-1a style fingerprint of an id; collisions are confirmed by reading the ids again. */
function fingerprint(id: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return (a >>> 0) * 0x100000 + ((b >>> 0) & 0xfffff);
}

/** Confirms id collisions of the 48-bit fingerprints by reading those lines again. */
function reportDuplicates(file: string, pairs: [number, number][], problems: VerifyProblem[]): void {
  const wanted = new Set(pairs.flat());
  const ids = new Map<number, string>();
  let index = 0;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (wanted.has(index)) ids.set(index, (JSON.parse(line) as { id: string }).id);
    index++;
  }
  for (const [first, second] of pairs) {
    const id = ids.get(second);
    if (id !== undefined && id === ids.get(first))
      problems.push({
        code: 'entry.duplicate',
        message: `entry ${second}: duplicates entry ${first} (id "${id}"); appends are idempotent by id, so the log never holds an id twice`,
        entryIndex: second,
      });
  }
}

/** True when `leaves` after the last good size reproduce every signed root they reach, one of them >= `confirm`. */
function explains(m: Mismatch, leaves: readonly Uint8Array[], confirm: number): boolean {
  const range = m.goodRange.clone();
  let confirmed = false;
  for (let k = 0; k < leaves.length; k++) {
    range.append(leaves[k] as Uint8Array);
    const size = m.goodSize + k + 1;
    const signed = size === m.badSize ? m.signedRoot : m.signedRoots.get(size);
    if (!signed) continue;
    if (!hashesEqual(range.root(), signed)) return false;
    if (size >= confirm) confirmed = true;
  }
  return confirmed;
}

/** Names the first mismatch and, in a small window, what happened there. */
function diagnose(m: Mismatch, count: number, latestSize: number | undefined): VerifyProblem {
  const span = m.badSize - m.goodSize;
  const where = span === 1 ? `entry ${m.goodSize}` : `an entry in ${m.goodSize}..${m.badSize - 1}`;
  const base = `${m.badLabel} (size ${m.badSize}) commits to root ${toBase64(m.signedRoot)} but entries 0..${m.badSize - 1} hash to ${toBase64(m.computedRoot)}`;
  const problem = (code: string, entryIndex: number, what: string): VerifyProblem => ({
    code,
    message: `${what}: ${base}${m.goodSize > 0 ? `; entries 0..${m.goodSize - 1} match the checkpoint of size ${m.goodSize}` : ''}`,
    entryIndex,
    checkpointSize: m.badSize,
  });
  // Hypotheses are accepted only when every signed root they reach matches, including one past the change.
  const leaves = m.leaves.slice(0, span + DIAGNOSIS_EXTRA);
  if (leaves.length >= span && span <= DIAGNOSIS_WINDOW) {
    for (let j = 0; j < span && j + 1 < leaves.length; j++) {
      const swapped = [...leaves];
      [swapped[j], swapped[j + 1]] = [swapped[j + 1] as Uint8Array, swapped[j] as Uint8Array];
      if (explains(m, swapped, m.goodSize + j + 2))
        return problem(
          'entries.reordered',
          m.goodSize + j,
          `entries ${m.goodSize + j} and ${m.goodSize + j + 1} are swapped (reordered)`,
        );
    }
    for (let j = 0; j < span && j < leaves.length; j++) {
      const without = [...leaves];
      without.splice(j, 1);
      if (explains(m, without, m.goodSize + j + 1))
        return problem(
          'entries.inserted',
          m.goodSize + j,
          `entry ${m.goodSize + j} is not in the signed log (inserted)`,
        );
    }
  }
  if (latestSize !== undefined && count < latestSize)
    return problem(
      'entries.deleted',
      m.goodSize,
      `${where} is not the entry that was signed: deleted (entries.jsonl has ${latestSize - count} fewer entries than the log signed) or edited`,
    );
  return problem('entries.edited', m.goodSize, `${where} is not the entry that was signed (edited)`);
}
