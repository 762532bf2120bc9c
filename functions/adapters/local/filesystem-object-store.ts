/**
 * The object store on one machine: `s3://bucket/key` is the file `<root>/<bucket>/<key>`.
 *
 * A key is a path below its bucket's folder and never leaves it: keys with `..`, `.` or empty segments,
 * absolute keys and NUL bytes are refused. Writes are atomic (a temporary file in the same folder,
 * flushed, then renamed over the target), so a reader sees the old object or the new one, never half.
 * Content types are not kept: the gates read JSON and YAML whatever the type says.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { type ObjectStore, parseS3Uri } from '../../ports/object-store.ts';

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
