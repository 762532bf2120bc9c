/**
 * `GET /exceptions?model=` : the exceptions (waivers) recorded for a model, lapsed and revoked ones included,
 * each with its status now. Approvers and reasons are personal data and stay sealed, as in `GET /models`.
 */
import { z } from 'zod';
import { exceptionStatusAt } from '../contracts/exception.ts';
import { defineRoute } from './route.ts';
import { exceptionSchema, modelName } from './schemas.ts';

const listedExceptionSchema = exceptionSchema
  .extend({
    status: z.enum(['active', 'expired', 'revoked']).meta({ description: 'What the exception is now' }),
  })
  .meta({ id: 'ListedException' });

const modelPackageArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:model-package\/[a-zA-Z0-9-]{1,63}\/\d+$/, {
    error: 'expected a model package group name or a model package ARN',
  });

export const listExceptions = defineRoute({
  id: 'exceptions.list',
  tag: 'exceptions',
  summary: "A model's exceptions (waivers): granted, lapsed and revoked",
  description:
    'For a model package group, the exceptions granted for the group and for each of its versions; for a package ARN, those granted for that version.',
  query: z.strictObject({
    model: z
      .union([modelName, modelPackageArn])
      .meta({ description: 'Model package group name or package ARN' }),
  }),
  responses: {
    200: {
      description: 'Every exception of the model, oldest grant first',
      schema: z.object({ exceptions: z.array(listedExceptionSchema) }).meta({ id: 'ExceptionList' }),
    },
  },
  problems: [400],
  async handle({ query }, deps) {
    const versions = query.model.startsWith('arn:')
      ? []
      : (await deps.models.listModelPackages({ groupName: query.model })).map((p) => p.arn);
    const now = deps.now();
    const exceptions = (await deps.exceptions.listFor([query.model, ...versions]))
      .sort((a, b) => a.grantedAt.localeCompare(b.grantedAt))
      .map((e) => ({ ...e, status: exceptionStatusAt(e, now) }));
    return { status: 200, body: { exceptions } };
  },
});
