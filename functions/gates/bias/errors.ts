/** Why bias metrics cannot be computed from what was given. */
import { type FieldNamer, fieldName, InvalidInputError } from '../../shared/validation.ts';

/** The code of every problem with a data file of labels and predictions. */
export const BIAS_DATA_INVALID = 'bias.data_invalid';

/** Why a selection names values the counts do not have; the CLI turns it into exit 2. */
export class GroupSelectionError extends Error {
  override readonly name = 'GroupSelectionError';
}

/**
 * A label or prediction that is neither the positive value nor a known negative. `detail` says where and
 * what; the message adds which settings name the values, worded by the caller (`worded`).
 */
export class UnknownLabelError extends InvalidInputError {
  constructor(readonly detail: string) {
    super(BIAS_DATA_INVALID, [unknownLabel(detail, fieldName)]);
  }

  /** The same problem with the settings named as `name` calls them (`--positive` on the command line). */
  worded(name: FieldNamer): InvalidInputError {
    return new InvalidInputError(this.code, [unknownLabel(this.detail, name)]);
  }
}

const unknownLabel = (detail: string, name: FieldNamer) =>
  `${detail}; name the values with ${name('positive')} and ${name('negative')}`;
