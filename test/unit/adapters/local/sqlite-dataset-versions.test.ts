import { describe } from 'vitest';
import { openDatabase } from '../../../../functions/adapters/local/sqlite-database.ts';
import { SqliteDatasetVersions } from '../../../../functions/adapters/local/sqlite-dataset-versions.ts';
import { datasetVersionReadModelContract } from '../../../support/dataset-version-read-model-contract.ts';

describe('SqliteDatasetVersions', () => {
  datasetVersionReadModelContract(async () => new SqliteDatasetVersions(openDatabase(':memory:')));
});
