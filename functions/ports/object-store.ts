/** Reads governance inputs (profiles, evidence) addressed by `s3://bucket/key` URIs. */
export interface ObjectStore {
  /** The object's bytes, or undefined when it does not exist. */
  get(uri: string): Promise<Uint8Array | undefined>;
  /** The object's size without reading it, or undefined when it does not exist. */
  stat(uri: string): Promise<{ size: number } | undefined>;
  put(uri: string, body: Uint8Array | string, contentType?: string): Promise<void>;
  /**
   * Bytes [start, endExclusive) of the object: fewer when the range runs past its end, none when it starts
   * there or later; undefined when the object does not exist.
   */
  getRange(uri: string, start: number, endExclusive: number): Promise<Uint8Array | undefined>;
  /**
   * The object's bytes from `range.start` (default 0) to `range.end` (exclusive, default its end) as a
   * stream of chunks, so that a large object is read without holding it; undefined when it does not
   * exist. Ending the iteration early releases the read.
   */
  stream(uri: string, range?: ByteRange): Promise<AsyncIterable<Uint8Array> | undefined>;
}

export interface ByteRange {
  start?: number;
  /** Exclusive. */
  end?: number;
}

/** Throws a RangeError unless start and end are non-negative integers (adapters call it first). */
export function checkRange(start: number, end?: number): void {
  const valid = (n: number) => Number.isSafeInteger(n) && n >= 0;
  if (!valid(start) || (end !== undefined && !valid(end))) {
    throw new RangeError(`invalid byte range [${start}, ${end ?? 'end'})`);
  }
}

/** No chunks: the stream of an empty range. */
export async function* noChunks(): AsyncIterable<Uint8Array> {}

export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!match?.[1] || !match[2]) throw new Error(`not an s3://bucket/key URI: ${uri}`);
  return { bucket: match[1], key: match[2] };
}
