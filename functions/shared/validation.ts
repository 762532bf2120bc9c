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

/** `detail.ModelPackageArn: expected string, received number` for every issue, in order. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], root = ''): string[] {
  return issues.map((issue) => {
    const path = [root, ...issue.path.map(String)].filter(Boolean).join('.');
    return `${path || '(root)'}: ${issue.message}`;
  });
}

export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, code: string, root = ''): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new InvalidInputError(code, describeIssues(result.error.issues, root));
  return result.data;
}
