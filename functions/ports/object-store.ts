/** Reads governance inputs (profiles, evidence) addressed by `s3://bucket/key` URIs. */
export interface ObjectStore {
  /** The object's bytes, or undefined when it does not exist. */
  get(uri: string): Promise<Uint8Array | undefined>;
  /** The object's size without reading it, or undefined when it does not exist. */
  stat(uri: string): Promise<{ size: number } | undefined>;
  put(uri: string, body: Uint8Array | string, contentType?: string): Promise<void>;
}

export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!match?.[1] || !match[2]) throw new Error(`not an s3://bucket/key URI: ${uri}`);
  return { bucket: match[1], key: match[2] };
}
