import type { z } from 'zod';

/** A payload that does not have the shape a gate needs; carries every problem with where it is. */
export class InvalidInputError extends Error {
  override readonly name = 'InvalidInputError';
  constructor(
    readonly code: string,
    readonly problems: string[],
  ) {
    super(`${code}: ${problems.join('; ')}`);
  }
}

/**
 * How a problem names a field of what was asked: domain code by the field's own name (`model`), the
 * command line by its flag (`--model`). Domain code words such problems with a namer it is given, so
 * each caller reads them in its own terms.
 */
export type FieldNamer = (field: string) => string;

/** The domain's namer: a field is called by its name. */
export const fieldName: FieldNamer = (field) => field;

/** A zod issue or a Standard Schema issue (what Powertools' parser reports). */
export interface SchemaIssue {
  readonly message: string;
  readonly path?: readonly (PropertyKey | { readonly key: PropertyKey })[] | undefined;
}

/** `detail.ModelPackageArn: expected string, received number` for every issue, in order. */
export function describeIssues(issues: readonly SchemaIssue[], root = ''): string[] {
  return issues.map((issue) => {
    const keys = (issue.path ?? []).map((p) => String(typeof p === 'object' ? p.key : p));
    const path = [root, ...keys].filter(Boolean).join('.');
    return `${path || '(root)'}: ${issue.message}`;
  });
}

export function parseOrThrow<T extends z.ZodType>(
  schema: T,
  value: unknown,
  code: string,
  root = '',
): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new InvalidInputError(code, describeIssues(result.error.issues, root));
  return result.data;
}
