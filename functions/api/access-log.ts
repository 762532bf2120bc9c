/** `GET /access-log`: who called the API and what they asked for (never what it answered). */
import { z } from 'zod';
import { defineRoute } from './route.ts';
import { cursorParam, fromBeforeTo, limitParam, roleSchema, timeParam } from './schemas.ts';

const accessRecordSchema = z
  .object({
    id: z.string(),
    at: z.string(),
    principal: z
      .object({ id: z.string(), role: roleSchema, via: z.enum(['token', 'iam', 'jwt']) })
      .optional()
      .meta({ description: 'Absent when the call was not authenticated' }),
    caller: z.string().optional().meta({ description: 'A verified caller without a role' }),
    method: z.string(),
    route: z.string(),
    path: z.string(),
    query: z.record(z.string(), z.string()),
    status: z.number().int(),
    durationMs: z.number().min(0),
    sourceIp: z.string().optional(),
  })
  .meta({ id: 'AccessRecord' });

export const listAccessLog = defineRoute({
  id: 'access-log.list',
  tag: 'access-log',
  summary: 'Every API call, oldest first: who, what (method, route, query), the status, when',
  query: z
    .strictObject({
      from: timeParam('Calls at or after this time').optional(),
      to: timeParam('Calls before this time').optional(),
      limit: limitParam.optional(),
      cursor: cursorParam.optional(),
    })
    .superRefine(fromBeforeTo),
  responses: {
    200: {
      description: 'One page of access records',
      schema: z
        .object({ records: z.array(accessRecordSchema), nextCursor: z.string().optional() })
        .meta({ id: 'AccessRecordPage' }),
    },
  },
  problems: [400],
  async handle({ query }, deps) {
    return { status: 200, body: await deps.accessLog.list(query) };
  },
});
