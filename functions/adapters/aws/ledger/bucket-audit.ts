/**
 * Checking that a ledger bucket is still write-once. The ledger writes every object exactly once
 * (`If-None-Match: *`) into a versioned bucket, so each key has exactly one version and no delete marker.
 * Anyone who overwrote an object with a raw PutObject (If-None-Match does not bind other writers), or deleted
 * one, left a second version or a delete marker behind: S3 keeps them, and this audit lists them by key.
 */
import { ListObjectVersionsCommand, type S3Client } from '@aws-sdk/client-s3';

export interface WriteOnceProblem {
  key: string;
  versions: number;
  deleteMarkers: number;
  message: string;
}

export interface WriteOnceAudit {
  bucket: string;
  /** Keys seen. */
  keys: number;
  problems: WriteOnceProblem[];
}

export async function auditWriteOnceBucket(
  s3: S3Client,
  bucket: string,
  options: { prefix?: string } = {},
): Promise<WriteOnceAudit> {
  const counts = new Map<string, { versions: number; deleteMarkers: number; times: Date[] }>();
  const at = (key: string) => {
    let entry = counts.get(key);
    if (!entry) {
      entry = { versions: 0, deleteMarkers: 0, times: [] };
      counts.set(key, entry);
    }
    return entry;
  };
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectVersionsCommand({
        Bucket: bucket,
        ...(options.prefix ? { Prefix: options.prefix } : {}),
        ...(keyMarker ? { KeyMarker: keyMarker } : {}),
        ...(versionIdMarker ? { VersionIdMarker: versionIdMarker } : {}),
      }),
    );
    for (const version of page.Versions ?? []) {
      if (!version.Key) continue;
      const entry = at(version.Key);
      entry.versions++;
      if (version.LastModified) entry.times.push(version.LastModified);
    }
    for (const marker of page.DeleteMarkers ?? []) if (marker.Key) at(marker.Key).deleteMarkers++;
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    versionIdMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
  } while (keyMarker !== undefined);

  const problems: WriteOnceProblem[] = [];
  for (const [key, entry] of [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (entry.versions <= 1 && entry.deleteMarkers === 0) continue;
    const uri = `s3://${bucket}/${key}`;
    const times = entry.times.map((t) => t.toISOString()).sort();
    const message =
      entry.deleteMarkers > 0
        ? `${uri} was deleted: ${entry.deleteMarkers} delete marker(s) on a write-once object`
        : `${uri} has ${entry.versions} versions: a write-once object was overwritten (versions written ${times.join(', ')})`;
    problems.push({ key, versions: entry.versions, deleteMarkers: entry.deleteMarkers, message });
  }
  return { bucket, keys: counts.size, problems };
}
