/**
 * A `verdict ledger export` folder as one file: a tar archive holding exactly entries.jsonl, checkpoint,
 * checkpoints/<size> and vkey (what `tar -xf FILE -C DIR` gives back), for downloads of the auditor API.
 * `verdict ledger verify` reads such a file (plain or gzipped) by unpacking it into a private folder.
 * Unpacking takes regular files of that layout only: any other name, a link or a path that climbs out is
 * refused, so an archive cannot write outside the folder or smuggle anything past the verifier.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import * as tar from 'tar-stream';

/** The files of an export, in the order they are archived. */
function exportFiles(dir: string): string[] {
  const checkpoints = fs
    .readdirSync(path.join(dir, 'checkpoints'))
    .sort((a, b) => Number(a) - Number(b))
    .map((name) => `checkpoints/${name}`);
  return ['entries.jsonl', 'checkpoint', ...checkpoints, 'vkey'];
}

/** Writes the export in `dir` as a tar file at `file`; returns its SHA-256 (hex) and size. */
export async function packExport(
  dir: string,
  file: string,
  mtime: Date,
): Promise<{ sha256: string; bytes: number }> {
  const pack = tar.pack();
  const hash = createHash('sha256');
  let bytes = 0;
  const measured = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  const written = pipeline(pack, measured, fs.createWriteStream(file, { mode: 0o600 }));
  try {
    await addEntry(pack, { name: 'checkpoints/', type: 'directory', mode: 0o755, mtime });
    for (const name of exportFiles(dir)) {
      const source = path.join(dir, name);
      await addEntry(
        pack,
        { name, type: 'file', size: fs.statSync(source).size, mode: 0o644, mtime },
        source,
      );
    }
    pack.finalize();
  } catch (error) {
    pack.destroy(error as Error);
  }
  await written;
  return { sha256: hash.digest('hex'), bytes };
}

/** One member: a directory, or a file streamed from `source` (its size in the header). */
function addEntry(pack: tar.Pack, header: tar.Headers, source?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const sink = pack.entry(header, (error) => (error ? reject(error) : resolve()));
    if (source !== undefined) fs.createReadStream(source).on('error', reject).pipe(sink);
  });
}

/** A file of the export layout: entries.jsonl, checkpoint, vkey, checkpoints/<size>. */
const EXPORT_FILE = /^(entries\.jsonl|checkpoint|vkey|checkpoints\/(0|[1-9][0-9]{0,15}))$/;

/** Why an archive is not an export: the message names the member. */
export class ExportArchiveError extends Error {
  override readonly name = 'ExportArchiveError';
}

/** Unpacks an export archive (tar, or tar.gz by its magic bytes) into the empty folder `dir`. */
export async function unpackExport(file: string, dir: string): Promise<void> {
  const head = Buffer.alloc(2);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, head, 0, 2, 0);
  } finally {
    fs.closeSync(fd);
  }
  const gzipped = head[0] === 0x1f && head[1] === 0x8b;
  fs.mkdirSync(path.join(dir, 'checkpoints'), { recursive: true, mode: 0o700 });
  const seen = new Set<string>();
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    const name = header.name.replace(/^\.\//, '');
    const drain = () => {
      stream.on('end', () => next());
      stream.resume();
    };
    // The folder itself (`./`, from `tar -C DIR -cf FILE .`) and checkpoints/ are the layout's directories.
    if (header.type === 'directory' && ['', '.', 'checkpoints', 'checkpoints/'].includes(name))
      return drain();
    if (header.type !== 'file' || !EXPORT_FILE.test(name)) {
      stream.resume();
      return next(
        new ExportArchiveError(
          `${name}: not a file of a ledger export (entries.jsonl, checkpoint, checkpoints/<size>, vkey)`,
        ),
      );
    }
    if (seen.has(name)) {
      stream.resume();
      return next(new ExportArchiveError(`${name}: in the archive twice`));
    }
    seen.add(name);
    pipeline(stream, fs.createWriteStream(path.join(dir, name), { flags: 'wx', mode: 0o600 })).then(
      () => next(),
      (error: unknown) => next(error),
    );
  });
  try {
    await pipeline(fs.createReadStream(file), gzipped ? createGunzip() : new PassThrough(), extract);
  } catch (error) {
    if (error instanceof ExportArchiveError) throw error;
    throw new ExportArchiveError(
      `${path.basename(file)}: not a readable tar archive: ${(error as Error).message}`,
    );
  }
}
