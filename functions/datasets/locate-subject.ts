/**
 * Where a person's data is: the subject key value is normalised and hashed as at indexing, and the index
 * answers with the dataset versions and rows holding it. The value goes nowhere else.
 */
import type { DatasetVersion } from '../contracts/dataset-version.ts';
import type { DatasetVersions } from '../ports/dataset-versions.ts';
import type { SubjectIndex } from '../ports/subject-index.ts';
import type { SubjectKeyHasher } from '../ports/subject-key-hasher.ts';
import { normaliseSubjectKey } from './subject-key.ts';

export interface SubjectHolding {
  datasetVersionId: string;
  /** The version's record; absent if the index knows a version the records do not (an interrupted registration). */
  version?: DatasetVersion;
  rows: number[];
}

export async function locateSubject(
  subjectKey: string,
  deps: { hasher: SubjectKeyHasher; index: SubjectIndex; versions: DatasetVersions },
): Promise<SubjectHolding[]> {
  const value = normaliseSubjectKey(subjectKey);
  if (value === '') return [];
  const [mac] = await deps.hasher.macs([value]);
  const found = await deps.index.locate(mac as Uint8Array);
  return Promise.all(
    found.map(async ({ datasetVersionId, rows }) => {
      const version = await deps.versions.get(datasetVersionId);
      return { datasetVersionId, rows, ...(version && { version }) };
    }),
  );
}
