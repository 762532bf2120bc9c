/** RFC 9457 problem details: every error the API (and the local server) answers with. */
import { z } from 'zod';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export const problemSchema = z
  .object({
    type: z.string().meta({ description: 'A URI naming the kind of problem' }),
    title: z.string(),
    status: z.number().int().min(400).max(599),
    detail: z.string().optional(),
    errors: z.array(z.string()).optional().meta({ description: 'Each invalid field: `path: message`' }),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

export type Problem = z.infer<typeof problemSchema>;

export function problem(status: number, title: string, detail?: string, errors?: string[]): Problem {
  return {
    type: `https://verdict.dev/problems/${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
    title,
    status,
    ...(detail ? { detail } : {}),
    ...(errors?.length ? { errors } : {}),
  };
}

/** Thrown by a route to answer with a problem instead of a result. */
export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  readonly problem: Problem;
  readonly headers: Record<string, string>;
  constructor(
    status: number,
    title: string,
    detail?: string,
    errors?: string[],
    headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
    this.problem = problem(status, title, detail, errors);
    this.headers = headers;
  }
}
