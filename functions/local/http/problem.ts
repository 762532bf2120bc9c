/** RFC 9457 problem details. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: string[];
}

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
  constructor(status: number, title: string, detail?: string, errors?: string[]) {
    super(detail ?? title);
    this.problem = problem(status, title, detail, errors);
  }
}
