import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { S3ObjectStore } from '../../../../functions/adapters/aws/s3-object-store.ts';

const s3 = mockClient(S3Client);
const store = new S3ObjectStore(new S3Client({ region: 'us-east-1' }));

function s3Error(name: string, status: number): Error {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
}

beforeEach(() => s3.reset());

describe('S3ObjectStore error paths', () => {
  it('reads a bare 404 as a missing object', async () => {
    s3.on(GetObjectCommand).rejects(s3Error('NotFound', 404));

    await expect(store.get('s3://bucket/key')).resolves.toBeUndefined();
  });

  it('throws AccessDenied (what S3 answers for a missing key without s3:ListBucket)', async () => {
    s3.on(GetObjectCommand).rejects(s3Error('AccessDenied', 403));

    await expect(store.get('s3://bucket/key')).rejects.toMatchObject({ name: 'AccessDenied' });
  });

  it('throws for a missing bucket even though it is a 404', async () => {
    s3.on(GetObjectCommand).rejects(s3Error('NoSuchBucket', 404));

    await expect(store.get('s3://bucket/key')).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });
});
