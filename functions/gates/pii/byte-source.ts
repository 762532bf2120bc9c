/**
 * Where a scan reads its bytes from: a local file or an object in an ObjectStore. Reads are by range, so
 * a scan holds one chunk (or one Parquet column chunk) at a time, whatever the size of the file.
 */
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import type { ObjectStore } from '../../ports/object-store.ts';
import { PiiScanError } from './errors.ts';

export interface ByteSource {
  /** How findings name the file: the path or the s3:// URI. */
  readonly name: string;
  readonly size: number;
  /** Bytes [start, end) as a stream of chunks; ending the iteration early stops the read. */
  stream(start: number, end: number): AsyncIterable<Uint8Array>;
  /** Bytes [start, end) at once (Parquet footers and column chunks). */
  read(start: number, end: number): Promise<Uint8Array>;
}

const CHUNK = 1 << 20;

/** A local file; a missing or unreadable one is a PiiScanError('unreadable'). */
export async function fileSource(path: string): Promise<ByteSource> {
  let size: number;
  try {
    const stats = await fs.stat(path);
    if (!stats.isFile()) throw new PiiScanError('unreadable', path, 'not a regular file');
    size = stats.size;
  } catch (error) {
    if (error instanceof PiiScanError) throw error;
    throw new PiiScanError('unreadable', path, `cannot be read (${errnoCode(error)})`);
  }
  return {
    name: path,
    size,
    async *stream(start, end) {
      if (end <= start) return;
      const stream = createReadStream(path, { start, end: end - 1, highWaterMark: CHUNK });
      try {
        for await (const chunk of stream) yield chunk as Buffer;
      } catch (error) {
        throw new PiiScanError('unreadable', path, `read failed (${errnoCode(error)})`);
      } finally {
        stream.destroy();
      }
    },
    async read(start, end) {
      const length = Math.max(0, Math.min(end, size) - start);
      const out = new Uint8Array(length);
      if (length === 0) return out;
      let handle: fs.FileHandle | undefined;
      try {
        handle = await fs.open(path, 'r');
        let done = 0;
        while (done < length) {
          const { bytesRead } = await handle.read(out, done, length - done, start + done);
          if (bytesRead === 0) break;
          done += bytesRead;
        }
        return done === length ? out : out.subarray(0, done);
      } catch (error) {
        throw new PiiScanError('unreadable', path, `read failed (${errnoCode(error)})`);
      } finally {
        await handle?.close();
      }
    },
  };
}

/** An object of an ObjectStore, whose size the caller already knows (from stat). */
export function objectSource(objects: ObjectStore, uri: string, size: number): ByteSource {
  const gone = () => new PiiScanError('unreadable', uri, 'the object disappeared during the scan');
  return {
    name: uri,
    size,
    async *stream(start, end) {
      if (end <= start) return;
      const chunks = await objects.stream(uri, { start, end });
      if (!chunks) throw gone();
      yield* chunks;
    },
    async read(start, end) {
      const bytes = await objects.getRange(uri, start, end);
      if (!bytes) throw gone();
      return bytes;
    },
  };
}

function errnoCode(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? 'error';
}
