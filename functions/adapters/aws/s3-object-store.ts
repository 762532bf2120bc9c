/**
 * ObjectStore over S3. A missing object reads as undefined; S3 answers 404 for it only when the caller
 * may s3:ListBucket, otherwise 403 (AccessDenied), which is thrown like any other error.
 */
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  type ByteRange,
  checkRange,
  noChunks,
  type ObjectStore,
  parseS3Uri,
} from '../../ports/object-store.ts';

export class S3ObjectStore implements ObjectStore {
  constructor(private readonly client: S3Client) {}

  async get(uri: string): Promise<Uint8Array | undefined> {
    const { bucket, key } = parseS3Uri(uri);
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!out.Body) return new Uint8Array();
      return await out.Body.transformToByteArray();
    } catch (error) {
      if (isMissingKey(error)) return undefined;
      throw error;
    }
  }

  async stat(uri: string): Promise<{ size: number } | undefined> {
    const { bucket, key } = parseS3Uri(uri);
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return { size: out.ContentLength ?? 0 };
    } catch (error) {
      if (isMissingKey(error)) return undefined;
      throw error;
    }
  }

  /** GetObject with a Range header; a range that starts at or past the end (416 InvalidRange) reads as empty. */
  async getRange(uri: string, start: number, endExclusive: number): Promise<Uint8Array | undefined> {
    checkRange(start, endExclusive);
    if (endExclusive <= start) return (await this.stat(uri)) ? new Uint8Array() : undefined;
    const { bucket, key } = parseS3Uri(uri);
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${start}-${endExclusive - 1}` }),
      );
      if (!out.Body) return new Uint8Array();
      return await out.Body.transformToByteArray();
    } catch (error) {
      if (isMissingKey(error)) return undefined;
      if (isInvalidRange(error)) return new Uint8Array();
      throw error;
    }
  }

  /** The response body of a (ranged) GetObject, read as it arrives. */
  async stream(uri: string, range: ByteRange = {}): Promise<AsyncIterable<Uint8Array> | undefined> {
    const start = range.start ?? 0;
    checkRange(start, range.end);
    if (range.end !== undefined && range.end <= start) return (await this.stat(uri)) ? noChunks() : undefined;
    const { bucket, key } = parseS3Uri(uri);
    const header =
      start > 0 || range.end !== undefined
        ? `bytes=${start}-${range.end === undefined ? '' : range.end - 1}`
        : undefined;
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: header }));
      if (!out.Body) return noChunks();
      const body = out.Body as unknown as Partial<AsyncIterable<Uint8Array>>;
      if (typeof body[Symbol.asyncIterator] !== 'function') {
        throw new Error('S3 GetObject returned a body that is not a stream');
      }
      return body as AsyncIterable<Uint8Array>;
    } catch (error) {
      if (isMissingKey(error)) return undefined;
      if (isInvalidRange(error)) return noChunks();
      throw error;
    }
  }

  async put(uri: string, body: Uint8Array | string, contentType?: string): Promise<void> {
    const { bucket, key } = parseS3Uri(uri);
    await this.client.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }),
    );
  }
}

/** NoSuchKey, or a bare 404; a missing bucket (NoSuchBucket) is a configuration error and is thrown. */
function isMissingKey(error: unknown): boolean {
  if (!(error instanceof Error) || error.name === 'NoSuchBucket') return false;
  if (error.name === 'NoSuchKey' || error.name === 'NotFound') return true;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === 404;
}

/** 416: the range starts at or past the end of the object. */
function isInvalidRange(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return error.name === 'InvalidRange' || status === 416;
}
