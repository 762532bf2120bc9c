/**
 * `GET /exceptions?model=` : the exceptions (waivers) recorded for a model, lapsed and revoked ones included,
 * each with its status now. Approvers and reasons are personal data and stay sealed, as in `GET /models`.
 * `POST /exceptions` grants one, with the caller as the accountable approver, under the checks of
 * `verdict exception grant`.
 */
import { z } from 'zod';
import { exceptionRequestSchema, exceptionStatusAt } from '../contracts/exception.ts';
import { ExceptionRefusedError } from '../gates/exceptions/errors.ts';
import { grantException } from '../gates/exceptions/grant-exception.ts';
import { InvalidInputError } from '../shared/validation.ts';
import { ProblemError } from './problem.ts';
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

const grantBodySchema = exceptionRequestSchema
  .omit({ subject: true, approver: true })
  .extend({
    model: z
      .union([modelName, modelPackageArn])
      .meta({ description: 'Model package group name (every version) or one package ARN' }),
  })
  .meta({ id: 'ExceptionGrant' });

/** The body's fields as the API names them: the subject is `model`. */
const bodyField = (field: string) => (field === 'subject' ? 'model' : field);

export const grantExceptionRoute = defineRoute({
  id: 'exceptions.grant',
  tag: 'exceptions',
  summary:
    'Grant an exception (waiver) of one rule for one model, until an expiry; the caller is the approver',
  description:
    'Refused (400) for a rule that can never be waived (Art. 5 prohibitions and the rules without which they cannot be assessed, fail-closed rules), a rule no policy reports, or a model neither registered nor decided. The same grant twice is one exception.',
  body: grantBodySchema,
  responses: {
    200: { description: 'The exception as recorded (approver and reason sealed)', schema: exceptionSchema },
  },
  problems: [400, 413, 415, 503],
  async handle({ body, principal }, deps) {
    if (!deps.grants || !principal) {
      throw new ProblemError(
        503,
        'Exceptions not configured',
        'this deployment grants exceptions from the CLI only',
      );
    }
    const { model, ...rest } = body;
    try {
      const granted = await grantException(
        { ...rest, subject: model, approver: principal.id },
        deps.exceptions,
        deps.now(),
        deps.grants.sealer,
        await deps.grants.admission(),
      );
      return { status: 200, body: granted };
    } catch (error) {
      if (error instanceof ExceptionRefusedError) {
        const { problems } = error.worded(bodyField);
        throw new ProblemError(400, 'Exception refused', undefined, problems);
      }
      if (error instanceof InvalidInputError) {
        throw new ProblemError(400, 'Invalid exception', undefined, error.problems);
      }
      throw error;
    }
  },
});
