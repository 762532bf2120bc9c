import type { DecisionStore } from '../../ports/decision-store.ts';
import type { ModelCatalog } from '../../ports/model-catalog.ts';

/** The most decisions read to learn which models have been decided; a data directory holds far fewer. */
const MAX_DECISIONS_READ = 100_000;

/** Where models are known: the registry, and the decisions (`verdict gate` decides on packages no registry lists). */
export interface ModelSources {
  catalog: Pick<ModelCatalog, 'listModelPackages'>;
  decisions: Pick<DecisionStore, 'list'>;
}

/** The group and version a model package ARN names (`…:model-package/<group>/<version>`). */
function packageOf(arn: string): { group: string; version: string } | undefined {
  const match = /:model-package\/([^/]+)\/(\d+)$/.exec(arn);
  return match ? { group: match[1] as string, version: match[2] as string } : undefined;
}

/** Whether a model package group name or package ARN is registered or has been decided: a few cheap reads. */
export async function isKnownModel(subject: string, sources: ModelSources): Promise<boolean> {
  const pkg = subject.startsWith('arn:') ? packageOf(subject) : { group: subject, version: undefined };
  if (!pkg) return false;
  const registered = await sources.catalog.listModelPackages({ groupName: pkg.group });
  if (registered.some((p) => (pkg.version === undefined ? p.groupName === subject : p.arn === subject)))
    return true;
  const filter = { model: pkg.group, ...(pkg.version !== undefined && { version: pkg.version }) };
  const { decisions } = await sources.decisions.list({ limit: 100, filter });
  return decisions.some(
    (d) =>
      d.subject.kind === 'model-package' &&
      (pkg.version === undefined ? d.subject.group === subject : d.subject.id === subject),
  );
}

/**
 * Every name a model goes by (its package group and each package ARN), registered or decided: what a
 * mistyped name is compared with. Reads every decision, so only on a miss.
 */
export async function knownModelNames(sources: ModelSources): Promise<Set<string>> {
  const names = new Set<string>();
  for (const pkg of await sources.catalog.listModelPackages()) names.add(pkg.groupName).add(pkg.arn);
  let cursor: string | undefined;
  let read = 0;
  do {
    const page = await sources.decisions.list({ limit: 1000, ...(cursor !== undefined && { cursor }) });
    for (const { subject } of page.decisions) {
      // A dataset version's decision names a dataset, not a model an exception could waive rules for.
      if (subject.kind === 'model-package') names.add(subject.group).add(subject.id);
    }
    read += page.decisions.length;
    cursor = page.nextCursor;
  } while (cursor !== undefined && read < MAX_DECISIONS_READ);
  return names;
}

/** The model checks of an exception grant (ExceptionAdmission), on these sources. */
export function modelChecks(sources: ModelSources) {
  return {
    isKnownModel: (subject: string) => isKnownModel(subject, sources),
    modelNames: () => knownModelNames(sources),
  };
}
