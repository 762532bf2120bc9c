/** Why a dataset cannot be read as registered data (the CLI turns it into exit 2). */
import { InvalidInputError } from '../../shared/validation.ts';

/** The code of every problem with a dataset file itself (not a policy finding about it). */
export const DATASET_DATA_INVALID = 'dataset.data_invalid';

export class DatasetDataError extends InvalidInputError {
  constructor(problems: string[]) {
    super(DATASET_DATA_INVALID, problems);
  }
}
