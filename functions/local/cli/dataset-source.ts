/**
 * What `--data` names: a local CSV file, copied into the local object store once the gate has decided
 * (`s3://verdict-datasets/<name>/<sha256>/<file>`: content-addressed, so a version is never overwritten), or
 * an object already in it (`s3://bucket/key`). A missing file or object is a usage error; nothing is written.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { DatasetSource } from '../../datasets/register-dataset.ts';
import { fileSource, objectSource } from '../../gates/pii/byte-source.ts';
import type { ObjectStore } from '../../ports/object-store.ts';
import { UsageError } from './exit-codes.ts';

export const LOCAL_DATASET_BUCKET = 'verdict-datasets';

export async function datasetSource(
  data: string,
  name: string,
  objects: ObjectStore,
): Promise<DatasetSource> {
  if (data.startsWith('s3://')) {
    if (!/^s3:\/\/[^/]+\/.+/.test(data)) throw new UsageError(`--data ${data}: not an s3://bucket/key URI`);
    const found = await objects.stat(data);
    if (!found) throw new UsageError(`--data ${data}: no such object in the local object store`);
    return {
      name: data,
      uri: data,
      open: async () => (await objects.stream(data)) ?? missing(data),
      bytes: objectSource(objects, data, found.size),
    };
  }
  const file = await stat(data).catch(() => undefined);
  if (!file?.isFile()) throw new UsageError(`--data ${data}: no such file`);
  if (!data.toLowerCase().endsWith('.csv'))
    throw new UsageError(`--data ${data}: only CSV datasets (.csv) are registered for now`);
  const sha256 = await fileSha256(data);
  const uri = `s3://${LOCAL_DATASET_BUCKET}/${name}/${sha256}/${basename(data)}`;
  return {
    name: data,
    uri,
    open: async () => createReadStream(data),
    bytes: await fileSource(data),
    store: async () => {
      if (!(await objects.stat(uri))) await objects.put(uri, await readFile(data), 'text/csv');
    },
  };
}

async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function missing(uri: string): never {
  throw new UsageError(`--data ${uri}: the object disappeared while it was read`);
}
