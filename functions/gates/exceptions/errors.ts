/** Why an exception cannot be granted or revoked; the CLI and the API turn it into a bad-input answer. */
import { type FieldNamer, fieldName, InvalidInputError } from '../../shared/validation.ts';

export const EXCEPTION_REFUSED = 'exception.refused';
export const EXCEPTION_NOT_REVOCABLE = 'exception.not_revocable';

/** One problem: the field it is about (named by the caller) and what is wrong with it. */
export interface ExceptionProblem {
  field: string;
  text: string;
}

export class ExceptionRefusedError extends InvalidInputError {
  constructor(
    code: typeof EXCEPTION_REFUSED | typeof EXCEPTION_NOT_REVOCABLE,
    readonly details: readonly ExceptionProblem[],
  ) {
    super(code, worded(details, fieldName));
  }

  /** The same problems with the fields named as `name` calls them (`--model` on the command line). */
  worded(name: FieldNamer): InvalidInputError {
    return new InvalidInputError(this.code, worded(this.details, name));
  }
}

const worded = (details: readonly ExceptionProblem[], name: FieldNamer) =>
  details.map((d) => `${name(d.field)}: ${d.text}`);

export function notWaivable(rule: string, why: string): ExceptionProblem {
  return { field: 'rule', text: `${rule} cannot be waived: ${why}` };
}

export function unknownRule(rule: string, closest: string | undefined): ExceptionProblem {
  return { field: 'rule', text: `no policy reports ${rule}${didYouMean(closest)}` };
}

export function unknownModel(subject: string, closest: string | undefined): ExceptionProblem {
  return {
    field: 'subject',
    text: `no model ${subject} is registered or has been decided${didYouMean(closest)}`,
  };
}

export function unknownException(id: string): ExceptionProblem {
  return { field: 'id', text: `no exception has the id ${id}` };
}

export function alreadyRevoked(id: string, revokedAt: string): ExceptionProblem {
  return { field: 'id', text: `exception ${id} was revoked at ${revokedAt} already` };
}

const didYouMean = (closest: string | undefined) => (closest ? `; did you mean ${closest}?` : '');
