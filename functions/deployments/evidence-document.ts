/** An evidence document read in full from the object store: the SHA-256 and size of its bytes. */
import { createHash } from 'node:crypto';
import type { EvidenceDocument } from '../ports/deployment-facts.ts';
import type { ObjectStore } from '../ports/object-store.ts';

/** Undefined when there is no such object; throws when the store cannot be read. Streamed, never held whole. */
export async function readEvidenceDocument(
  objects: ObjectStore,
  uri: string,
): Promise<EvidenceDocument | undefined> {
  const chunks = await objects.stream(uri);
  if (!chunks) return undefined;
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of chunks) {
    hash.update(chunk);
    size += chunk.byteLength;
  }
  return { sha256: hash.digest('hex'), size };
}
