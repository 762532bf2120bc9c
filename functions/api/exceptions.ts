/**
 * `GET /exceptions?model=` : the exceptions (waivers) recorded for a model, lapsed and revoked ones included,
 * each with its status now. Approvers and reasons are personal data and stay sealed, as in `GET /models`.
 * `POST /exceptions` grants one, with the caller as the accountable approver, under the checks of
 * `verdict exception grant`; `POST /exceptions/{id}/revocation` ends one early, as `verdict exception revoke`.
 * Both write the ledger: where the API reads it only (AWS), they answer 503 and say which command does it.
 */
import { z } from 'zod';
import { exceptionRequestSchema, exceptionStatusAt } from '../contracts/exception.ts';
import { ExceptionRefusedError } from '../gates/exceptions/errors.ts';
import { grantException } from '../gates/exceptions/grant-exception.ts';
import { revokeException } from '../gates/exceptions/revoke-exception.ts';
import { InvalidInputError } from '../shared/validation.ts';
import { ProblemError } from './problem.ts';
import { type ApiDependencies, defineRoute } from './route.ts';
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

/** Where the API cannot write the ledger (AWS: read only), the CLI records exceptions in the stack. */
const NOT_HERE_DETAIL = {
  grant: 'this API reads the ledger only: grant exceptions with `verdict exception grant --stack NAME`',
  revoke: 'this API reads the ledger only: revoke exceptions with `verdict exception revoke ID --stack NAME`',
} as const;

function grantsOf(deps: ApiDependencies, action: keyof typeof NOT_HERE_DETAIL) {
  if (!deps.grants) throw new ProblemError(503, 'Exceptions not configured', NOT_HERE_DETAIL[action]);
  return deps.grants;
}

export const grantExceptionRoute = defineRoute({
  id: 'exceptions.grant',
  tag: 'exceptions',
  summary:
    'Grant an exception (waiver) of one rule for one model, until an expiry; the caller is the approver',
  description:
    'Refused (400) for a rule that can never be waived (Art. 5 prohibitions and the rules without which they cannot be assessed, fail-closed rules), a rule no policy reports, or a model neither registered nor decided. The same grant twice is one exception. Where the API reads the ledger only (in AWS) it answers 503: grant with `verdict exception grant --stack NAME`.',
  body: grantBodySchema,
  responses: {
    200: { description: 'The exception as recorded (approver and reason sealed)', schema: exceptionSchema },
  },
  problems: [400, 413, 415, 503],
  async handle({ body, principal }, deps) {
    const grants = grantsOf(deps, 'grant');
    if (!principal) throw new Error('exceptions.grant is not a public route');
    const { model, ...rest } = body;
    try {
      const granted = await grantException(
        { ...rest, subject: model, approver: principal.id },
        deps.exceptions,
        deps.now(),
        grants.sealer,
        await grants.admission(),
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

const exceptionId = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,200}$/, { error: 'expected an exception id' })
  .meta({ description: 'The exception id (GET /exceptions)' });

export const revokeExceptionRoute = defineRoute({
  id: 'exceptions.revoke',
  tag: 'exceptions',
  summary: 'Revoke an exception before its expiry; the caller is the accountable revoker',
  description:
    'As `verdict exception revoke`: the gate stops applying the exception from now on, and the ledger records who revoked it and why (both sealed) beside the grant. 404 for an id no exception has, 409 for an exception revoked already (its revocation stands). Where the API reads the ledger only (in AWS) it answers 503: revoke with `verdict exception revoke ID --stack NAME`.',
  params: z.strictObject({ id: exceptionId }),
  body: z
    .strictObject({
      reason: z.string().meta({ description: 'Why the exception ends early, in at least 10 characters' }),
    })
    .meta({ id: 'ExceptionRevocation' }),
  responses: {
    200: {
      description: 'The exception with its revocation (revoker and reason sealed)',
      schema: exceptionSchema,
    },
  },
  problems: [400, 404, 409, 413, 415, 503],
  async handle({ params, body, principal }, deps) {
    const grants = grantsOf(deps, 'revoke');
    if (!principal) throw new Error('exceptions.revoke is not a public route');
    const existing = await deps.exceptions.getException(params.id);
    if (!existing) throw new ProblemError(404, 'Not found', `no exception has the id ${params.id}`);
    if (existing.revokedAt !== undefined) throw alreadyRevokedProblem(params.id, existing.revokedAt);
    try {
      const revoked = await revokeException(
        { id: params.id, reason: body.reason, approver: principal.id },
        deps.exceptions,
        deps.now(),
        grants.sealer,
      );
      return { status: 200, body: revoked };
    } catch (error) {
      if (error instanceof ExceptionRefusedError) {
        // Revoked by someone else between the check and the write.
        const now = await deps.exceptions.getException(params.id);
        if (now?.revokedAt !== undefined) throw alreadyRevokedProblem(params.id, now.revokedAt);
      }
      if (error instanceof InvalidInputError) {
        throw new ProblemError(400, 'Invalid revocation', undefined, error.problems);
      }
      throw error;
    }
  },
});

function alreadyRevokedProblem(id: string, revokedAt: string): ProblemError {
  return new ProblemError(409, 'Already revoked', `exception ${id} was revoked at ${revokedAt} already`);
}
