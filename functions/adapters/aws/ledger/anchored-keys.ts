/**
 * The verifier keys a log published in its anchor bucket (`vkeys/<hex key id>`, anchor.ts): what a
 * deployed ledger's export is verified against when no key is pinned. They sit under Object Lock, written
 * by the appending role only, so no one with the read access the export needs can swap them.
 */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { nonEmptyLines } from '../../../shared/lines.ts';

const PREFIX = 'vkeys/';

export async function anchoredVerifierKeys(s3: S3Client, bucket: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: PREFIX, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) {
      if (!object.Key) continue;
      const body = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: object.Key }));
      keys.push(...nonEmptyLines((await body.Body?.transformToString('utf8')) ?? '').map((l) => l.trim()));
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}
