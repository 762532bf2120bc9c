/**
 * One call to the auditor API, as the access log records it: who (principal and role), what (method,
 * route, query parameters), the answer's status and when. Never a request or response body.
 */
import { z } from 'zod';
import { principalSchema } from './principal.ts';

export const accessRecordSchema = z.object({
  /** Unique per call (the API Gateway request id in AWS, a UUID locally). */
  id: z.string(),
  /** ISO 8601 UTC with milliseconds. */
  at: z.string(),
  /** Undefined when the caller could not be authenticated (the call was answered 401). */
  principal: principalSchema.optional().meta({ description: 'Absent when the call was not authenticated' }),
  /** The IAM ARN or token subject that called without a role (answered 403), or undefined. */
  caller: z.string().optional().meta({ description: 'A verified caller without a role' }),
  method: z.string(),
  /** The route id (`decisions.list`), or `unmatched` for a path the API does not serve. */
  route: z.string(),
  /** The request path as called, e.g. `/decisions/4f1c…`. */
  path: z.string(),
  /** Query string parameters as given (the first value of a repeated one). */
  query: z.record(z.string(), z.string()),
  status: z.number().int(),
  durationMs: z.number().min(0),
  sourceIp: z.string().optional(),
});
export type AccessRecord = z.infer<typeof accessRecordSchema>;
