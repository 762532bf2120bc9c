import { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
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

describe('S3ObjectStore ranged reads', () => {
  /** What the SDK returns in Node: a Readable with the SDK's transform methods. */
  const body = (text: string) =>
    Object.assign(Readable.from([Buffer.from(text)]), {
      transformToByteArray: async () => new Uint8Array(Buffer.from(text)),
    }) as never;

  it('asks for an inclusive byte range and reads the body', async () => {
    s3.on(GetObjectCommand, { Range: 'bytes=10-19' }).resolves({ Body: body('0123456789') });

    expect(new TextDecoder().decode(await store.getRange('s3://bucket/key', 10, 20))).toBe('0123456789');
  });

  it('reads a range starting past the end (416 InvalidRange) as empty, and a missing key as undefined', async () => {
    s3.on(GetObjectCommand).rejects(s3Error('InvalidRange', 416));
    await expect(store.getRange('s3://bucket/key', 100, 200)).resolves.toEqual(new Uint8Array());
    await expect(store.stream('s3://bucket/key', { start: 100 })).resolves.toBeDefined();

    s3.reset();
    s3.on(GetObjectCommand).rejects(s3Error('NoSuchKey', 404));
    await expect(store.getRange('s3://bucket/key', 0, 10)).resolves.toBeUndefined();
    await expect(store.stream('s3://bucket/key')).resolves.toBeUndefined();
  });

  it('answers an empty range from HeadObject without a GetObject', async () => {
    s3.on(HeadObjectCommand).resolvesOnce({ ContentLength: 5 }).rejectsOnce(s3Error('NotFound', 404));
    await expect(store.getRange('s3://bucket/key', 3, 3)).resolves.toEqual(new Uint8Array());
    await expect(store.getRange('s3://bucket/key', 3, 3)).resolves.toBeUndefined();
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
  });

  it('streams without a Range header for the whole object, with an open one from an offset', async () => {
    s3.on(GetObjectCommand).callsFake(() => ({ Body: body('abc') }));
    for await (const _ of (await store.stream('s3://bucket/key')) ?? []) break;
    for await (const _ of (await store.stream('s3://bucket/key', { start: 5 })) ?? []) break;
    for await (const _ of (await store.stream('s3://bucket/key', { end: 5 })) ?? []) break;
    expect(s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input.Range)).toEqual([
      undefined,
      'bytes=5-',
      'bytes=0-4',
    ]);
  });

  it('throws AccessDenied and refuses a body it cannot stream', async () => {
    s3.on(GetObjectCommand).rejects(s3Error('AccessDenied', 403));
    await expect(store.getRange('s3://bucket/key', 0, 1)).rejects.toMatchObject({ name: 'AccessDenied' });
    s3.reset();
    s3.on(GetObjectCommand).resolves({ Body: 'not a stream' as never });
    await expect(store.stream('s3://bucket/key')).rejects.toThrow('not a stream');
  });
});
