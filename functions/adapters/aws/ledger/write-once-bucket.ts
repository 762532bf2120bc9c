/**
 * Write-once S3 objects for the ledger: every put is conditional (`If-None-Match: *`), so an object, once
 * written, is never replaced by this code. A put that finds the key taken reads what is there: the same bytes
 * (another writer published the same tile, or a retry) is success; anything else is reported as tampering,
 * naming the object. Reads return undefined for a missing key.
 */
import {
  GetObjectCommand,
  HeadObjectCommand,
  type ObjectLockMode,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';

/** Stored ledger data is not what was written: an overwritten or extra object version, a different anchor. */
export class LedgerStorageTamperError extends Error {
  override readonly name = 'LedgerStorageTamperError';
}

export interface WriteOnceOptions {
  contentType?: string;
  /** Object Lock retention for this object (the bucket must have Object Lock enabled). */
  lock?: { mode: ObjectLockMode; retainUntil: Date };
  /** Whether an existing object counts as the one being written (default: the same bytes). */
  same?: (existing: Uint8Array, body: Uint8Array) => boolean;
  /** The error message when the existing object is not the same (default: names the key and sizes). */
  conflict?: (uri: string) => string;
}

const CONFLICT_RETRIES = 5;

function status(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

export function isMissing(error: unknown): boolean {
  const name = errorName(error);
  return name === 'NoSuchKey' || name === 'NotFound' || status(error) === 404;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class WriteOnceBucket {
  constructor(
    readonly s3: S3Client,
    readonly bucket: string,
  ) {}

  uri(key: string): string {
    return `s3://${this.bucket}/${key}`;
  }

  /** Writes `body` at `key` unless the key exists; true if this call created it. */
  async put(key: string, body: Uint8Array, options: WriteOnceOptions = {}): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.s3.send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key: key,
            Body: body,
            IfNoneMatch: '*',
            ContentType: options.contentType ?? 'application/octet-stream',
            // The SDK sends the SHA-256 (S3 checks it on receipt); Object Lock puts require a checksum.
            ChecksumAlgorithm: 'SHA256',
            ...(options.lock
              ? {
                  ObjectLockMode: options.lock.mode,
                  ObjectLockRetainUntilDate: options.lock.retainUntil,
                }
              : {}),
          }),
        );
        return true;
      } catch (error) {
        // 409: another conditional write to this key is in flight; 412: the key exists.
        if (status(error) === 409 && attempt < CONFLICT_RETRIES) {
          await sleep(20 * 2 ** attempt);
          continue;
        }
        if (status(error) !== 412 && errorName(error) !== 'PreconditionFailed' && status(error) !== 409)
          throw error;
      }
      const existing = await this.get(key);
      if (existing === undefined) {
        if (attempt < CONFLICT_RETRIES) continue;
        throw new LedgerStorageTamperError(`${this.uri(key)} exists but cannot be read`);
      }
      const same = options.same ?? ((a, b) => Buffer.compare(a, b) === 0);
      if (same(existing, body)) return false;
      throw new LedgerStorageTamperError(
        options.conflict?.(this.uri(key)) ??
          `${this.uri(key)} is write-once but holds other content than the log's (${existing.length} bytes, expected ${body.length})`,
      );
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!out.Body) return new Uint8Array();
      return await out.Body.transformToByteArray();
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }
}
