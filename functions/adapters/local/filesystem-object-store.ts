/**
 * The object store on one machine: `s3://bucket/key` is the file `<root>/<bucket>/<key>`.
 *
 * A key is a path below its bucket's folder and never leaves it: keys with `..`, `.` or empty segments,
 * absolute keys and NUL bytes are refused. Writes are atomic (a temporary file in the same folder,
 * flushed, then renamed over the target), so a reader sees the old object or the new one, never half.
 * Content types are not kept: the gates read JSON and YAML whatever the type says.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  type ByteRange,
  checkRange,
  noChunks,
  type ObjectStore,
  parseS3Uri,
} from '../../ports/object-store.ts';

/** A URI that names no file inside the store: refused before any file system call. */
export class ObjectKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ObjectKeyError';
  }
}

/** S3's rules for bucket names (general purpose buckets), which also keep `.` and `..` out. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export class FilesystemObjectStore implements ObjectStore {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /** The file that holds the object at `uri`; throws ObjectKeyError for a URI that names none. */
  pathFor(uri: string): string {
    const { bucket, key } = parseS3Uri(uri);
    if (!BUCKET_NAME.test(bucket)) throw new ObjectKeyError(`not a valid S3 bucket name: ${bucket}`);
    if (key.includes('\0')) throw new ObjectKeyError(`object key contains a NUL byte: ${uri}`);
    const segments = key.split('/');
    if (key.startsWith('/') || path.isAbsolute(key) || segments.includes('..')) {
      throw new ObjectKeyError(`object key would escape the store root: ${uri}`);
    }
    if (segments.some((segment) => segment === '' || segment === '.')) {
      throw new ObjectKeyError(`object key has an empty or '.' path segment, which names no file: ${uri}`);
    }
    const bucketDir = path.join(this.root, bucket);
    const file = path.join(bucketDir, ...segments);
    const relative = path.relative(bucketDir, file);
    if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
      throw new ObjectKeyError(`object key would escape the store root: ${uri}`);
    }
    return file;
  }

  async get(uri: string): Promise<Uint8Array | undefined> {
    const file = this.pathFor(uri);
    try {
      const bytes = await fs.readFile(file);
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async stat(uri: string): Promise<{ size: number } | undefined> {
    try {
      const stats = await fs.stat(this.pathFor(uri));
      return stats.isFile() ? { size: stats.size } : undefined;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async getRange(uri: string, start: number, endExclusive: number): Promise<Uint8Array | undefined> {
    checkRange(start, endExclusive);
    const file = this.pathFor(uri);
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(file, 'r');
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) return undefined;
      const length = Math.max(0, Math.min(endExclusive, stats.size) - start);
      const out = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await handle.read(out, done, length - done, start + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return done === length ? out : out.slice(0, done);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    } finally {
      await handle.close();
    }
  }

  /** Opens the file only when iterated, so a stream that is never read holds no file handle. */
  async stream(uri: string, range: ByteRange = {}): Promise<AsyncIterable<Uint8Array> | undefined> {
    const start = range.start ?? 0;
    checkRange(start, range.end);
    const stats = await this.stat(uri);
    if (!stats) return undefined;
    const end = Math.min(range.end ?? stats.size, stats.size);
    if (end <= start) return noChunks();
    const file = this.pathFor(uri);
    return (async function* () {
      // createReadStream's end is inclusive.
      const stream = createReadStream(file, { start, end: end - 1, highWaterMark: 1 << 20 });
      try {
        for await (const chunk of stream) {
          const buffer = chunk as Buffer;
          yield new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
        }
      } finally {
        stream.destroy();
      }
    })();
  }

  async put(uri: string, body: Uint8Array | string, _contentType?: string): Promise<void> {
    const file = this.pathFor(uri);
    const dir = path.dirname(file);
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const temp = path.join(dir, `.${path.basename(file)}.${randomUUID()}.tmp`);
    try {
      const handle = await fs.open(temp, 'wx', 0o600);
      try {
        await handle.writeFile(body);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(temp, file);
    } catch (error) {
      await fs.rm(temp, { force: true });
      throw error;
    }
    await syncDirectory(dir);
  }
}

/** No such object: the file is missing, a folder stands where the file would be, or a file where a folder would. */
function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR';
}

/** Makes the rename durable; some platforms cannot open a folder for syncing, which is not an error here. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // best effort
  } finally {
    await handle?.close();
  }
}
