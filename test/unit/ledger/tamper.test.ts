/**
 * The tamper suite: build a log, export it, tamper with a copy, and require `verify` to fail with the message
 * that names what failed and where (entry index, checkpoint size, key). Valid changes (a key rotation, a
 * shredded person) must pass.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryLedgerStore } from '../../../functions/adapters/local/ledger/memory-store.ts';
import { SqliteSubjectKeyStore } from '../../../functions/adapters/local/ledger/sqlite-subject-keys.ts';
import { openDatabase } from '../../../functions/adapters/local/sqlite-database.ts';
import { encodeCheckpoint, parseCheckpoint } from '../../../functions/ledger/core/checkpoint.ts';
import { CompactRange } from '../../../functions/ledger/core/compact-range.ts';
import { leafHash } from '../../../functions/ledger/core/rfc6962.ts';
import { cosignNote, formatNote, parseNote, signNote } from '../../../functions/ledger/core/signed-note.ts';
import { forgetSubject } from '../../../functions/ledger/erasure.ts';
import { type VerifyReport, verifyExport } from '../../../functions/ledger/export/verify-export.ts';
import { Ledger } from '../../../functions/ledger/ledger.ts';
import { PersonalData, SubjectForgottenError } from '../../../functions/ledger/personal-data.ts';
import { canonicalJson } from '../../../functions/shared/canonical-json.ts';
import {
  buildLog,
  copyDir,
  exported,
  logSigner,
  note,
  ORIGIN,
  readLines,
  removeTempDirs,
  writeLines,
} from '../../support/ledger-fixture.ts';

const N = 12;
let original: string;
let vkey: string;

beforeAll(async () => {
  const { ledger, signer } = await buildLog(N);
  original = await exported(ledger);
  vkey = signer.verifierKey;
});
afterAll(removeTempDirs);

const keyName = (v: string) => v.split('+').slice(0, 2).join('+');
const first = (report: VerifyReport) => report.problems[0];
const codes = (report: VerifyReport) => report.problems.map((p) => p.code);
const cp = (dir: string, size: number) => path.join(dir, 'checkpoints', String(size));

describe('an untouched export', () => {
  it('verifies, pinned to the log key or trusting its vkey file when told to', () => {
    const trusting = verifyExport(original, { trustExportKey: true });
    for (const report of [verifyExport(original, { logKeys: [vkey] }), trusting]) {
      expect(report.problems).toEqual([]);
      expect(report).toMatchObject({ ok: true, entries: N, checkpoints: N, latest: { size: N } });
    }
    expect(trusting.warnings[0]).toContain('pass --key');
  });
});

describe('tampering is detected and located', () => {
  it('edited entry', () => {
    const dir = copyDir(original);
    const lines = readLines(dir);
    lines[5] = (lines[5] as string).replace('"i":5', '"i":55');
    writeLines(dir, lines);
    const report = verifyExport(dir, { logKeys: [vkey] });
    expect(report.ok).toBe(false);
    expect(first(report)).toMatchObject({ code: 'entries.edited', entryIndex: 5, checkpointSize: 6 });
    expect(first(report)?.message).toMatch(
      /^entry 5 is not the entry that was signed \(edited\): checkpoints\/6 \(size 6\) commits to root .* but entries 0..5 hash to .*; entries 0..4 match the checkpoint of size 5$/,
    );
  });

  it('edited entry with its leaf hash and every root recomputed into the checkpoints', () => {
    const dir = copyDir(original);
    const lines = readLines(dir);
    lines[5] = (lines[5] as string).replace('"i":5', '"i":55');
    writeLines(dir, lines);
    const range = CompactRange.empty();
    lines.forEach((line, i) => {
      range.append(leafHash(Buffer.from(line)));
      const size = i + 1;
      if (size < 6) return;
      for (const file of [cp(dir, size), ...(size === N ? [path.join(dir, 'checkpoint')] : [])]) {
        const signed = parseNote(fs.readFileSync(file, 'utf8'));
        const text = encodeCheckpoint({ ...parseCheckpoint(signed.text), rootHash: range.root() });
        fs.writeFileSync(file, formatNote({ text, signatures: signed.signatures }));
      }
    });
    const report = verifyExport(dir, { logKeys: [vkey] });
    expect(first(report)).toMatchObject({
      code: 'checkpoint.signature',
      checkpointSize: 6,
      key: keyName(vkey),
    });
    expect(first(report)?.message).toBe(
      `checkpoints/6: invalid signature by key ${keyName(vkey)} (size 6): the checkpoint was altered`,
    );
    expect(codes(report).filter((c) => c === 'checkpoint.signature')).toHaveLength(N - 5 + 1);
  });

  it('deleted middle entry', () => {
    const dir = copyDir(original);
    const lines = readLines(dir);
    lines.splice(5, 1);
    writeLines(dir, lines);
    const report = verifyExport(dir, { logKeys: [vkey] });
    expect(first(report)).toMatchObject({ code: 'entries.deleted', entryIndex: 5, checkpointSize: 6 });
    expect(first(report)?.message).toContain(
      'entry 5 is not the entry that was signed: deleted (entries.jsonl has 1 fewer entries than the log signed) or edited',
    );
    expect(report.problems[1]?.message).toBe(
      `entries.jsonl has ${N - 1} entries but the latest checkpoint covers ${N}: 1 missing`,
    );
  });

  it('truncated tail', () => {
    const dir = copyDir(original);
    writeLines(dir, readLines(dir).slice(0, 9));
    const report = verifyExport(dir, { logKeys: [vkey] });
    expect(report.problems).toHaveLength(1);
    expect(first(report)).toMatchObject({ code: 'entries.truncated', entryIndex: 9, checkpointSize: N });
    expect(first(report)?.message).toBe(
      'truncated: entries.jsonl ends after 9 entries but checkpoint 10, 11, 12 are signed: entries 9..11 are missing',
    );
  });

  it('truncated and re-signed with an unknown key', async () => {
    const dir = copyDir(original);
    writeLines(dir, readLines(dir).slice(0, 9));
    for (const size of [10, 11, 12]) fs.rmSync(cp(dir, size));
    const range = CompactRange.empty();
    for (const line of readLines(dir)) range.append(leafHash(Buffer.from(line)));
    const evil = logSigner(66);
    const body = encodeCheckpoint({ origin: ORIGIN, size: 9, rootHash: range.root() });
    fs.writeFileSync(path.join(dir, 'checkpoint'), await signNote(body, [evil]));
    const report = verifyExport(dir, { logKeys: [vkey] });
    expect(report.problems).toHaveLength(1);
    expect(first(report)).toMatchObject({
      code: 'checkpoint.unknown-key',
      checkpointSize: 9,
      key: keyName(evil.verifierKey),
    });
    expect(first(report)?.message).toBe(
      `checkpoint: (size 9) is not signed by a trusted log key; it has signatures by unknown key ${keyName(evil.verifierKey)} (trusted: ${keyName(vkey)})`,
    );
  });

  it('reordered entries', () => {
    const dir = copyDir(original);
    const lines = readLines(dir);
    [lines[4], lines[5]] = [lines[5] as string, lines[4] as string];
    writeLines(dir, lines);
    const report = verifyExport(dir, { logKeys: [vkey] });
    expect(report.problems).toHaveLength(1);
    expect(first(report)).toMatchObject({ code: 'entries.reordered', entryIndex: 4, checkpointSize: 5 });
    expect(first(report)?.message).toMatch(
      /^entries 4 and 5 are swapped \(reordered\): checkpoints\/5 \(size 5\)/,
    );
  });

  it('inserted entry', () => {
    const dir = copyDir(original);
    const lines = readLines(dir);
    lines.splice(5, 0, canonicalJson(note(99)));
    writeLines(dir, lines);
    const report = verifyExport(dir, { logKeys: [vkey] });
    expect(first(report)).toMatchObject({ code: 'entries.inserted', entryIndex: 5, checkpointSize: 6 });
    expect(first(report)?.message).toMatch(/^entry 5 is not in the signed log \(inserted\)/);
    expect(report.problems[1]?.message).toBe(
      'entries 12..12 are not covered by the latest checkpoint (size 12)',
    );
  });

  it('duplicated entry', () => {
    const dir = copyDir(original);
    const lines = readLines(dir);
    lines.splice(6, 0, lines[5] as string);
    writeLines(dir, lines);
    const report = verifyExport(dir, { logKeys: [vkey] });
    expect(first(report)).toMatchObject({ code: 'entry.duplicate', entryIndex: 6 });
    expect(first(report)?.message).toBe(
      'entry 6: duplicates entry 5 (id "note/5"); appends are idempotent by id, so the log never holds an id twice',
    );
  });

  it('forked checkpoint: same size, different root, both signed by the log key', async () => {
    const fork = new MemoryLedgerStore();
    const forked = await Ledger.open({ store: fork, signer: logSigner() });
    for (let i = 0; i < N; i++) await forked.append(i === 11 ? note(i, { forked: 'yes' }) : note(i));
    const dir = copyDir(original);
    fs.writeFileSync(cp(dir, N), (await fork.checkpointAt(N))?.note as string);
    const report = verifyExport(dir, { logKeys: [vkey] });
    expect(first(report)).toMatchObject({ code: 'checkpoint.fork', checkpointSize: N });
    expect(first(report)?.message).toMatch(
      /^fork: checkpoints\/12 and checkpoint are both signed for tree size 12 but with different roots/,
    );
  });

  it('an older checkpoint presented after a newer one', () => {
    const dir = copyDir(original);
    fs.copyFileSync(cp(dir, 8), path.join(dir, 'checkpoint'));
    const report = verifyExport(dir, { logKeys: [vkey] });
    expect(first(report)).toMatchObject({ code: 'checkpoint.stale', checkpointSize: 8 });
    expect(first(report)?.message).toBe(
      'stale checkpoint: the latest checkpoint has size 8 but checkpoints/12 (size 12) is newer; a log never goes back to an older checkpoint',
    );
  });

  it('wrong origin: a checkpoint signed by the log key for another log', async () => {
    const dir = copyDir(original);
    const latest = parseCheckpoint(parseNote(fs.readFileSync(path.join(dir, 'checkpoint'), 'utf8')).text);
    const body = encodeCheckpoint({ ...latest, origin: 'verdict.local/staging' });
    fs.writeFileSync(path.join(dir, 'checkpoint'), await signNote(body, [logSigner()]));
    const report = verifyExport(dir, { logKeys: [vkey] });
    expect(first(report)).toMatchObject({ code: 'checkpoint.origin', checkpointSize: N });
    expect(first(report)?.message).toBe(
      'checkpoint: origin is "verdict.local/staging", expected "verdict.local/ledger"',
    );
    expect(first(verifyExport(original, { logKeys: [vkey], origin: 'example.com/log' }))?.code).toBe(
      'checkpoint.origin',
    );
  });

  it('unknown key: the auditor pins a key the log did not sign with', () => {
    const other = logSigner(9).verifierKey;
    const report = verifyExport(original, { logKeys: [other] });
    expect(codes(report)).toEqual(Array(N + 1).fill('checkpoint.unknown-key'));
    expect(first(report)?.message).toBe(
      `checkpoints/1: (size 1) is not signed by a trusted log key; it has signatures by unknown key ${keyName(vkey)} (trusted: ${keyName(other)})`,
    );
  });

  it('a malformed vkey is named', () => {
    expect(first(verifyExport(original, { logKeys: ['not-a-key'] }))?.message).toMatch(
      /^log key 1 \("not-a-key"\)/,
    );
  });
});

describe('valid changes pass', () => {
  it('key rotation: checkpoints before by the old key, after by the new one; vkey lists both', async () => {
    const store = new MemoryLedgerStore();
    const { ledger: before } = await buildLog(6, logSigner(1), store);
    await before.close();
    const after = await Ledger.open({ store, signer: logSigner(2) });
    for (let i = 6; i < N; i++) await after.append(note(i));
    const dir = await exported(after);
    expect(fs.readFileSync(path.join(dir, 'vkey'), 'utf8').trim().split('\n')).toEqual([
      logSigner(1).verifierKey,
      logSigner(2).verifierKey,
    ]);
    expect(verifyExport(dir, { trustExportKey: true }).problems).toEqual([]);
    expect(verifyExport(dir, { logKeys: [logSigner(1).verifierKey, logSigner(2).verifierKey] }).ok).toBe(
      true,
    );
    // Pinning only the new key rejects the old checkpoints: the auditor must know both.
    expect(first(verifyExport(dir, { logKeys: [logSigner(2).verifierKey] }))?.code).toBe(
      'checkpoint.unknown-key',
    );
  });

  it('a shredded entry: the log still verifies and the details can no longer be read', async () => {
    const db = openDatabase(':memory:');
    const personal = new PersonalData(Buffer.alloc(32, 5), new SqliteSubjectKeyStore(db));
    const { ledger } = await buildLog(3);
    const entry = { ...note(3), id: 'note/with-person' };
    const part = await personal.seal('alice@example.com', { name: 'Alice Example', score: 612 }, entry.id);
    await ledger.append({ ...entry, personal: part });
    expect(await personal.open(part, entry.id)).toEqual({ name: 'Alice Example', score: 612 });

    const erased = await forgetSubject(ledger, personal, 'alice@example.com');
    expect(erased).toMatchObject({
      subject: part.subject,
      keyDestroyed: true,
      entry: { index: 4, created: true },
    });
    const dir = await exported(ledger);
    expect(verifyExport(dir, { logKeys: [logSigner().verifierKey] }).problems).toEqual([]);
    await expect(personal.open(part, entry.id)).rejects.toThrow(SubjectForgottenError);
    const text = fs.readFileSync(path.join(dir, 'entries.jsonl'), 'utf8');
    expect(text).not.toMatch(/alice|Alice|612/);
    expect(JSON.parse(readLines(dir)[4] as string)).toMatchObject({
      type: 'erasure',
      erasure: { subject: part.subject },
    });
    // Forgetting again is idempotent: same erasure entry.
    expect((await forgetSubject(ledger, personal, 'alice@example.com')).keyDestroyed).toBe(false);
    db.close();
  });
});

describe('witness cosignatures', () => {
  const witness = logSigner(40, 'auditor.example/witness');
  it('verify --witness-key requires a valid cosignature on the latest checkpoint', async () => {
    const missing = verifyExport(original, { logKeys: [vkey], witnessKeys: [witness.verifierKey] });
    expect(first(missing)).toMatchObject({
      code: 'witness.missing',
      checkpointSize: N,
      key: keyName(witness.verifierKey),
    });
    expect(first(missing)?.message).toBe(
      `checkpoint (size ${N}): no cosignature by witness ${keyName(witness.verifierKey)}`,
    );

    const dir = copyDir(original);
    const file = path.join(dir, 'checkpoint');
    fs.writeFileSync(file, await cosignNote(fs.readFileSync(file, 'utf8'), witness));
    expect(verifyExport(dir, { logKeys: [vkey], witnessKeys: [witness.verifierKey] }).problems).toEqual([]);

    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const line = lines[5] as string;
    const at = line.length - 12;
    lines[5] = line.slice(0, at) + (line[at] === 'A' ? 'B' : 'A') + line.slice(at + 1);
    fs.writeFileSync(file, lines.join('\n'));
    expect(first(verifyExport(dir, { logKeys: [vkey], witnessKeys: [witness.verifierKey] }))?.code).toBe(
      'witness.invalid',
    );
  });
});
