/** `GET /access-log`: who called the API and what they asked for (never what it answered). */
import { z } from 'zod';
import { accessRecordSchema as accessRecordContract } from '../contracts/access-record.ts';
import { defineRoute } from './route.ts';
import { cursorParam, fromBeforeTo, limitParam, timeParam } from './schemas.ts';

const accessRecordSchema = accessRecordContract.meta({ id: 'AccessRecord' });

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
