/**
 * Dataset versions recorded in the audit ledger first (a `note` entry `dataset/<version id>`), then in the
 * read model that lists them. The ledger keeps the first record of an id: a retry or a second process acts
 * on what it holds.
 */
import {
  type DatasetVersion,
  datasetVersionEntryId,
  datasetVersionSchema,
} from '../contracts/dataset-version.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { DatasetVersions } from '../ports/dataset-versions.ts';

/** Where versions are listed from: SQLite locally (synchronous), DynamoDB in AWS. */
export interface DatasetVersionReadModel {
  put(version: DatasetVersion): void | Promise<void>;
  get(id: string): DatasetVersion | undefined | Promise<DatasetVersion | undefined>;
  list(): DatasetVersion[] | Promise<DatasetVersion[]>;
}

export class LedgerDatasetVersions implements DatasetVersions {
  constructor(
    private readonly ledger: () => Promise<Ledger>,
    private readonly readModel: DatasetVersionReadModel,
    private readonly now: () => Date,
  ) {}

  async record(version: DatasetVersion): Promise<DatasetVersion> {
    const log = await this.ledger();
    const id = datasetVersionEntryId(version.id);
    const result = await log.append({
      id,
      type: 'note',
      recordedAt: this.now().toISOString(),
      note: { datasetVersion: version },
    });
    let stored = version;
    if (!result.created && !result.matches) {
      const entry = (await log.findById(id))?.entry;
      if (entry?.type !== 'note') throw new Error(`ledger entry ${id} is not a dataset version`);
      stored = datasetVersionSchema.parse(entry.note.datasetVersion);
    }
    await this.readModel.put(stored);
    return stored;
  }

  async get(id: string): Promise<DatasetVersion | undefined> {
    return this.readModel.get(id);
  }

  async list(): Promise<DatasetVersion[]> {
    return this.readModel.list();
  }
}
