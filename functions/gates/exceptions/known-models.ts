import type { DecisionStore } from '../../ports/decision-store.ts';
import type { ModelCatalog } from '../../ports/model-catalog.ts';

/** The most decisions read to learn which models have been decided; a data directory holds far fewer. */
const MAX_DECISIONS_READ = 100_000;

/**
 * The names an exception can give a model (its package group and each package ARN): those the registry
 * holds and those a decision was made about (`verdict gate` decides on packages no registry lists).
 */
export async function knownModelNames(
  catalog: Pick<ModelCatalog, 'listModelPackages'>,
  decisions: Pick<DecisionStore, 'list'>,
): Promise<Set<string>> {
  const names = new Set<string>();
  for (const pkg of await catalog.listModelPackages()) names.add(pkg.groupName).add(pkg.arn);
  let cursor: string | undefined;
  let read = 0;
  do {
    const page = await decisions.list({ limit: 1000, ...(cursor !== undefined && { cursor }) });
    for (const { subject } of page.decisions) names.add(subject.group).add(subject.id);
    read += page.decisions.length;
    cursor = page.nextCursor;
  } while (cursor !== undefined && read < MAX_DECISIONS_READ);
  return names;
}
