import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FilesystemObjectStore,
  ObjectKeyError,
} from '../../../../functions/adapters/local/filesystem-object-store.ts';
import { describeRangedReads } from '../../../support/object-store-ranges.ts';

let root: string;
let store: FilesystemObjectStore;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'verdict-objects-'));
  store = new FilesystemObjectStore(root);
});

afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const text = (bytes: Uint8Array | undefined) => (bytes ? new TextDecoder().decode(bytes) : undefined);

describe('FilesystemObjectStore', () => {
  it('maps s3://bucket/key to <root>/<bucket>/<key>, creating folders on put', async () => {
    await store.put('s3://governance/profiles/credit/v1.yaml', 'risk: high\n', 'application/yaml');

    expect(fs.readFileSync(path.join(root, 'governance', 'profiles', 'credit', 'v1.yaml'), 'utf8')).toBe(
      'risk: high\n',
    );
    expect(store.pathFor('s3://governance/profiles/credit/v1.yaml')).toBe(
      path.join(root, 'governance/profiles/credit/v1.yaml'),
    );
  });

  it('reads back bytes and strings as a plain Uint8Array', async () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    await store.put('s3://evidence/blob.bin', bytes);
    await store.put('s3://evidence/analysis.json', '{"ok":true}');

    const read = await store.get('s3://evidence/blob.bin');
    expect(read).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(read)).toBe(false);
    expect(read).toEqual(bytes);
    expect(text(await store.get('s3://evidence/analysis.json'))).toBe('{"ok":true}');
  });

  it('returns undefined for a missing object, bucket, or a key that names a folder or passes through a file', async () => {
    await store.put('s3://evidence/a/b.json', '{}');

    await expect(store.get('s3://evidence/missing.json')).resolves.toBeUndefined();
    await expect(store.get('s3://no-such-bucket/x.json')).resolves.toBeUndefined();
    await expect(store.get('s3://evidence/a')).resolves.toBeUndefined();
    await expect(store.get('s3://evidence/a/b.json/c')).resolves.toBeUndefined();
  });

  it('replaces an object whole and leaves no temporary files behind', async () => {
    await store.put('s3://evidence/report.json', 'first version, which is longer');
    await store.put('s3://evidence/report.json', 'second');

    expect(text(await store.get('s3://evidence/report.json'))).toBe('second');
    expect(fs.readdirSync(path.join(root, 'evidence'))).toEqual(['report.json']);
  });

  it('keeps objects private to the user', async () => {
    await store.put('s3://evidence/pii/scan.json', '{}');

    expect(fs.statSync(path.join(root, 'evidence', 'pii', 'scan.json')).mode & 0o777).toBe(0o600);
  });

  it('refuses keys that would escape the store root, with the exact message', async () => {
    const outside = path.join(path.dirname(root), 'escaped.txt');
    const attempts = [
      's3://evidence/../../escaped.txt',
      's3://evidence/a/../../other-bucket/x',
      's3://evidence/..',
      's3://evidence//etc/passwd',
    ];
    for (const uri of attempts) {
      await expect(store.put(uri, 'x'), uri).rejects.toThrow(
        new ObjectKeyError(`object key would escape the store root: ${uri}`),
      );
      await expect(store.get(uri), uri).rejects.toThrow(`object key would escape the store root: ${uri}`);
    }
    expect(fs.existsSync(outside)).toBe(false);
    expect(fs.readdirSync(root)).toEqual([]);
  });

  it('refuses bucket names S3 refuses, which keeps "." and ".." out as buckets', async () => {
    for (const bucket of ['..', '.', 'Evidence', 'a', 'has_underscore']) {
      await expect(store.get(`s3://${bucket}/x.json`)).rejects.toThrow(
        `not a valid S3 bucket name: ${bucket}`,
      );
    }
  });

  it('refuses keys with empty or "." segments and NUL bytes, which name no single file', async () => {
    await expect(store.put('s3://evidence/a//b', 'x')).rejects.toThrow(
      "object key has an empty or '.' path segment, which names no file: s3://evidence/a//b",
    );
    await expect(store.put('s3://evidence/folder/', 'x')).rejects.toBeInstanceOf(ObjectKeyError);
    await expect(store.put('s3://evidence/./a', 'x')).rejects.toBeInstanceOf(ObjectKeyError);
    await expect(store.get('s3://evidence/a\0b')).rejects.toThrow(
      'object key contains a NUL byte: s3://evidence/a\0b',
    );
  });

  it('refuses what is not an s3:// URI', async () => {
    await expect(store.get('/etc/passwd')).rejects.toThrow('not an s3://bucket/key URI: /etc/passwd');
    await expect(store.get('file:///etc/passwd')).rejects.toThrow('not an s3://bucket/key URI');
  });

  it('allows dots inside names', async () => {
    await store.put('s3://my.bucket/v1.2/..hidden..json', '{}');

    expect(fs.existsSync(path.join(root, 'my.bucket', 'v1.2', '..hidden..json'))).toBe(true);
  });
});

describeRangedReads('FilesystemObjectStore', () => ({ store, uri: (name) => `s3://evidence/${name}` }));

describe('FilesystemObjectStore ranged reads of what is not a file', () => {
  it('reads a folder, a missing bucket or a path through a file as a missing object', async () => {
    await store.put('s3://evidence/a/b.json', '{}');
    await expect(store.getRange('s3://evidence/a', 0, 4)).resolves.toBeUndefined();
    await expect(store.stream('s3://evidence/a')).resolves.toBeUndefined();
    await expect(store.getRange('s3://no-such-bucket/x', 0, 4)).resolves.toBeUndefined();
    await expect(store.getRange('s3://evidence/a/b.json/c', 0, 4)).resolves.toBeUndefined();
    await expect(store.getRange('s3://evidence/../x', 0, 4)).rejects.toBeInstanceOf(ObjectKeyError);
  });
});
