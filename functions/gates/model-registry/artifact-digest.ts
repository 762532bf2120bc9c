/**
 * The digest of what a model version runs: each container's image and the SHA-256 of its model artifact's
 * bytes, hashed in canonical form. The model-registry gate records it with its decision; the deployment gate
 * recomputes it and deploys only when both agree, so an artifact overwritten after its approval is refused.
 */
import { createHash } from 'node:crypto';
import type { ModelPackage } from '../../ports/model-registry.ts';
import type { ObjectStore } from '../../ports/object-store.ts';
import { canonicalSha256 } from '../../shared/hashing.ts';

/** An image named by digest: a tag can be moved to other bytes after the approval, a digest cannot. */
const PINNED_IMAGE = /@sha256:[0-9a-f]{64}$/;

/**
 * `sha256:<hex>`; null when the package names no container, names an image by tag rather than by digest,
 * or names an artifact that does not exist: what cannot be pinned cannot be approved for deployment.
 */
export async function artifactDigest(pkg: ModelPackage, objects: ObjectStore): Promise<string | null> {
  const containers = pkg.containers ?? [];
  if (containers.length === 0) return null;
  if (!containers.every(({ image }) => PINNED_IMAGE.test(image))) return null;
  const pinned: { image: string; modelData?: { uri: string; sha256: string } }[] = [];
  for (const { image, modelDataUrl } of containers) {
    if (modelDataUrl === undefined) {
      pinned.push({ image });
      continue;
    }
    const sha256 = await objectSha256(objects, modelDataUrl);
    if (sha256 === undefined) return null;
    pinned.push({ image, modelData: { uri: modelDataUrl, sha256 } });
  }
  return `sha256:${canonicalSha256({ containers: pinned })}`;
}

async function objectSha256(objects: ObjectStore, uri: string): Promise<string | undefined> {
  const chunks = await objects.stream(uri);
  if (!chunks) return undefined;
  const hash = createHash('sha256');
  for await (const chunk of chunks) hash.update(chunk);
  return hash.digest('hex');
}
