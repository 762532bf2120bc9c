import type { DatasetVersion } from '../contracts/dataset-version.ts';

/** Registered dataset versions: recorded in the ledger first, then in a read model that lists them. */
export interface DatasetVersions {
  /** Records the version unless one with its id and manifest is recorded; returns the stored one. */
  record(version: DatasetVersion): Promise<DatasetVersion>;
  get(id: string): Promise<DatasetVersion | undefined>;
  /** Every version, oldest first. */
  list(): Promise<DatasetVersion[]>;
}
