/** A ledger export as one tar file: packed with exactly the folder layout, verified from the file. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseTar } from 'nanotar';
import * as tar from 'tar-stream';
import { afterEach, describe, expect, it } from 'vitest';
import { LedgerRangeError } from '../../../functions/ledger/errors.ts';
import { packExport } from '../../../functions/ledger/export/export-archive.ts';
import { verifyExportAt } from '../../../functions/ledger/export/verify-export-file.ts';
import { exportLedger } from '../../../functions/ledger/export/write-export.ts';
import { buildLog, removeTempDirs, tempDir } from '../../support/ledger-fixture.ts';

afterEach(removeTempDirs);

async function packed(n: number, size?: number) {
  const { ledger, signer } = await buildLog(n);
  const dir = path.join(tempDir(), 'export');
  await exportLedger(ledger, dir, size === undefined ? {} : { size });
  const file = path.join(tempDir(), 'export.tar');
  const result = await packExport(dir, file, new Date('2026-12-01T00:00:00Z'));
  return { dir, file, result, keys: { logKeys: [signer.verifierKey] } };
}

/** A tar of the given members, written with tar-stream. */
async function tarOf(
  members: { name: string; body?: string; type?: 'file' | 'symlink'; linkname?: string }[],
) {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise((resolve) => pack.on('end', resolve));
  for (const m of members)
    pack.entry(
      { name: m.name, type: m.type ?? 'file', ...(m.linkname && { linkname: m.linkname }) } as tar.Headers,
      m.body ?? '',
    );
  pack.finalize();
  await done;
  const file = path.join(tempDir(), 'crafted.tar');
  fs.writeFileSync(file, Buffer.concat(chunks));
  return file;
}

describe('packExport', () => {
  it('holds exactly the export layout, byte for byte, and reports its hash and size', async () => {
    const { dir, file, result } = await packed(3);
    const bytes = fs.readFileSync(file);
    expect(result.bytes).toBe(bytes.length);
    expect(result.sha256).toBe(
      (await import('node:crypto')).createHash('sha256').update(bytes).digest('hex'),
    );
    const members = parseTar(bytes);
    expect(members.map((m) => m.name)).toEqual([
      'checkpoints/',
      'entries.jsonl',
      'checkpoint',
      'checkpoints/1',
      'checkpoints/2',
      'checkpoints/3',
      'vkey',
    ]);
    for (const m of members.filter((m) => m.type === 'file'))
      expect(Buffer.from(m.data ?? new Uint8Array())).toEqual(fs.readFileSync(path.join(dir, m.name)));
  });

  it('exports up to a signed size, and refuses a size the log signed no checkpoint at', async () => {
    const { file, keys } = await packed(5, 2);
    expect(await verifyExportAt(file, keys)).toMatchObject({ ok: true, entries: 2, latest: { size: 2 } });
    const { ledger } = await buildLog(2);
    await expect(exportLedger(ledger, path.join(tempDir(), 'x'), { size: 9 })).rejects.toThrow(
      new LedgerRangeError('tree size 9 is beyond the newest signed checkpoint (size 2)'),
    );
  });
});

describe('exportLedger, interrupted', () => {
  it('leaves neither the folder nor a partial copy when reading the log fails midway', async () => {
    const { ledger } = await buildLog(5);
    const parent = tempDir();
    const dir = path.join(parent, 'export');
    const entries = ledger.store.entries.bind(ledger.store);
    ledger.store.entries = async function* (from, to) {
      let n = 0;
      for await (const entry of entries(from, to)) {
        if (++n === 3) throw new Error('store unavailable');
        yield entry;
      }
    };
    await expect(exportLedger(ledger, dir)).rejects.toThrow('store unavailable');
    expect(fs.readdirSync(parent)).toEqual([]);
  });

  it('fills an empty folder it was given, and refuses one that is not empty, writing nothing', async () => {
    const { ledger } = await buildLog(2);
    const dir = tempDir();
    await expect(exportLedger(ledger, dir)).resolves.toMatchObject({ dir, entries: 2 });
    expect(fs.readdirSync(dir).sort()).toEqual(['checkpoint', 'checkpoints', 'entries.jsonl', 'vkey']);
    await expect(exportLedger(ledger, dir)).rejects.toThrow(`${dir} is not empty`);
    expect(fs.readdirSync(path.dirname(dir)).filter((f) => f.includes('.partial-'))).toEqual([]);
  });
});

describe('verifyExportAt a file', () => {
  it('verifies the tar and the tar.gz of an export, and leaves no temporary folder behind', async () => {
    const { file, keys } = await packed(4);
    const before = fs
      .readdirSync((await import('node:os')).tmpdir())
      .filter((n) => n.startsWith('verdict-verify-'));
    expect(await verifyExportAt(file, keys)).toMatchObject({ ok: true, entries: 4, checkpoints: 4 });
    const gz = `${file}.gz`;
    fs.writeFileSync(gz, gzipSync(fs.readFileSync(file)));
    expect(await verifyExportAt(gz, keys)).toMatchObject({ ok: true, entries: 4 });
    const after = fs
      .readdirSync((await import('node:os')).tmpdir())
      .filter((n) => n.startsWith('verdict-verify-'));
    expect(after).toEqual(before);
  });

  it('verifies the folder tarred by the system tar as well (`tar -C DIR -czf FILE .`)', async () => {
    const { dir, keys } = await packed(3);
    const file = path.join(tempDir(), 'by-tar.tar.gz');
    execFileSync('tar', ['-C', dir, '-czf', file, '.']);
    expect(await verifyExportAt(file, keys)).toMatchObject({ ok: true, entries: 3 });
  });

  it('fails on one byte changed inside entries.jsonl', async () => {
    const { file, keys } = await packed(4);
    const bytes = fs.readFileSync(file);
    const at = bytes.indexOf('"i":2');
    bytes[at + 4] = '7'.charCodeAt(0);
    fs.writeFileSync(file, bytes);
    const report = await verifyExportAt(file, keys);
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatchObject({ code: 'entries.edited', entryIndex: 2 });
  });

  it.each([
    [
      [{ name: '../escape' }],
      '../escape: not a file of a ledger export (entries.jsonl, checkpoint, checkpoints/<size>, vkey)',
    ],
    [
      [{ name: 'checkpoints/../../x' }],
      'checkpoints/../../x: not a file of a ledger export (entries.jsonl, checkpoint, checkpoints/<size>, vkey)',
    ],
    [
      [{ name: 'vkey', type: 'symlink' as const, linkname: '/etc/passwd' }],
      'vkey: not a file of a ledger export (entries.jsonl, checkpoint, checkpoints/<size>, vkey)',
    ],
    [[{ name: 'vkey' }, { name: 'vkey' }], 'vkey: in the archive twice'],
  ])('refuses an archive with %j, writing nothing outside its folder', async (members, message) => {
    const file = await tarOf(members);
    const report = await verifyExportAt(file, { logKeys: [] });
    expect(report).toMatchObject({
      ok: false,
      problems: [{ code: 'archive.malformed', message: `${file}: ${message}` }],
    });
    expect(fs.existsSync(path.join(path.dirname(file), 'escape'))).toBe(false);
  });

  it('refuses a file that is not a tar archive', async () => {
    const file = path.join(tempDir(), 'notes.txt');
    fs.writeFileSync(file, 'x'.repeat(1024));
    const report = await verifyExportAt(file, { logKeys: [] });
    expect(report.problems[0]?.code).toBe('archive.malformed');
    expect(report.problems[0]?.message).toMatch(/not a readable tar archive/);
  });
});
