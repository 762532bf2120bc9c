/**
 * `POST /deployments` asks for a deployment, `POST /deployments/{id}/rollback` for its rollback: both are
 * events on Verdict's bus, carried out by the deployment orchestration (functions/deployments/README.md).
 * `GET /deployments` and `GET /deployments/{id}` read the records it keeps.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { type Deployment, deploymentSchema, pendingStepSchema } from '../contracts/deployment.ts';
import {
  DEPLOYMENT_REQUESTED,
  DEPLOYMENT_ROLLBACK_REQUESTED,
  type DeploymentRequestedDetail,
  VERDICT_SOURCE,
} from '../contracts/deployment-events.ts';
import { type DeploymentRequest, deploymentRequestSchema } from '../contracts/deployment-request.ts';
import { DEPLOYMENT_STATUSES, type DeploymentStatus } from '../contracts/deployment-status.ts';
import type { Principal } from '../contracts/principal.ts';
import { DeploymentRequestConflictError } from '../deployments/errors.ts';
import { deploymentIdFor, sameRequest as sameDeploymentRequest } from '../deployments/request-deployment.ts';
import { namesAPerson, sealRequester, withRequestersOpened } from '../deployments/requested-by.ts';
import { ROLLBACK_FROM } from '../deployments/rollback-step.ts';
import type { DeploymentStore } from '../ports/deployment-store.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import { ProblemError } from './problem.ts';
import { type ApiDependencies, defineRoute } from './route.ts';
import { cursorParam, decisionSchema, limitParam } from './schemas.ts';

const ID_PATTERN = /^[A-Za-z0-9._:-]{1,200}$/;

const deploymentIdParam = z
  .string()
  .regex(ID_PATTERN, { error: 'expected a deployment id' })
  .meta({ description: 'Deployment id (the `id` POST /deployments answered)' });

const idempotencyKey = z
  .string()
  .regex(ID_PATTERN, { error: 'expected 1 to 200 characters of A-Z a-z 0-9 . _ : -' })
  .meta({
    description:
      'The same key asks for the same deployment: repeated with the same body it answers the deployment, with another body 409. Default: a new key (a new deployment) per call.',
  });

/** The step that holds the deployment, without the claim token the orchestration checks its claims with. */
const pendingViewSchema = pendingStepSchema.omit({ token: true });

export const deploymentViewSchema = deploymentSchema
  .extend({
    decision: decisionSchema,
    pending: pendingViewSchema
      .nullable()
      .meta({ description: 'The step running on it, and since when; null when none is' }),
  })
  .meta({
    id: 'DeploymentRecord',
    description:
      'A deployment as the orchestration keeps it: the request, the gate decision, where it stands and each step it went through (each one an action in the ledger)',
  });

const acceptedSchema = z
  .object({
    id: z.string().meta({ description: 'The deployment id: follow it at GET /deployments/{id}' }),
    status: z.literal('accepted'),
  })
  .meta({ id: 'DeploymentAccepted' });

const locationHeader = z.object({
  location: z.string().meta({ description: 'The deployment: /deployments/{id}' }),
});

const deploymentLink = {
  deployment: {
    operationId: 'deployments.get',
    parameters: { id: '$response.body#/id' },
    description: 'The deployment',
  },
} as const;

function view(deployment: Deployment) {
  const { pending } = deployment;
  return { ...deployment, pending: pending && { step: pending.step, claimedAt: pending.claimedAt } };
}

/** The deployments as a reader sees them: requesters opened (sealed ones stay sealed without the sealer). */
async function views(deployments: readonly Deployment[], deps: ApiDependencies) {
  const opened = deps.personal ? await withRequestersOpened(deployments, deps.personal) : deployments;
  return opened.map(view);
}

async function viewOne(deployment: Deployment, deps: ApiDependencies) {
  return (await views([deployment], deps))[0] as ReturnType<typeof view>;
}

/** Who asks, as the request carries it: sealed when it may name a person, left out when it cannot be sealed. */
async function requesterOf(principal: Principal | undefined, deps: ApiDependencies) {
  if (!principal) return undefined;
  if (!namesAPerson(principal.id)) return principal.id;
  return deps.personal && (await sealRequester(principal.id, deps.personal));
}

function storeOf(deps: ApiDependencies): DeploymentStore {
  if (!deps.deployments) {
    throw new ProblemError(503, 'Deployments not configured', 'this deployment keeps no deployment records');
  }
  return deps.deployments;
}

function busOf(deps: ApiDependencies): { store: DeploymentStore; events: EventPublisher } {
  const store = storeOf(deps);
  if (!deps.events) {
    throw new ProblemError(
      503,
      'Deployments not configured',
      'this deployment has no event bus to send it to',
    );
  }
  return { store, events: deps.events };
}

const location = (id: string) => ({ location: `/deployments/${encodeURIComponent(id)}` });

/** `a,b` and repeated `status=a&status=b` (which API Gateway joins with commas) alike. */
const statusesParam = z
  .string()
  .transform((text) => text.split(','))
  .pipe(z.array(z.enum(DEPLOYMENT_STATUSES)))
  .meta({
    description: `Only deployments in these statuses: repeat the parameter or separate them with commas (${DEPLOYMENT_STATUSES.join(', ')})`,
    override: { type: 'string' },
  });

const deploymentsQuery = z.strictObject({
  status: statusesParam.optional(),
  decisionId: z
    .string()
    .regex(ID_PATTERN, { error: 'expected a decision id' })
    .optional()
    .meta({ description: 'Only deployments of the artifact this model-registry decision approved' }),
  target: z
    .string()
    .max(300)
    .regex(/^(sagemaker:[A-Za-z0-9-]+|eks:[A-Za-z0-9_-]+\/[a-z0-9-]+\/[a-z0-9-]+)$/, {
      error: 'expected sagemaker:ENDPOINT or eks:CLUSTER/NAMESPACE/NAME',
    })
    .optional()
    .meta({
      description: 'Only deployments to this target: `sagemaker:ENDPOINT` or `eks:CLUSTER/NAMESPACE/NAME`',
    }),
  limit: limitParam.optional(),
  cursor: cursorParam.optional(),
});

export const listDeployments = defineRoute({
  id: 'deployments.list',
  tag: 'deployments',
  summary: 'List deployments, filtered, oldest request first',
  description:
    'Pages are keyset-paginated. A page may be short, even empty, and still carry a cursor; only a missing `nextCursor` means the end.',
  query: deploymentsQuery,
  responses: {
    200: {
      description: 'One page of deployments',
      schema: z
        .object({
          deployments: z.array(deploymentViewSchema),
          nextCursor: z.string().optional().meta({ description: 'Absent on the last page' }),
        })
        .meta({ id: 'DeploymentRecordPage' }),
      links: {
        firstDeployment: {
          operationId: 'deployments.get',
          parameters: { id: '$response.body#/deployments/0/id' },
          description: 'The first deployment of the page',
        },
      },
    },
  },
  problems: [400],
  async handle({ query }, deps) {
    const store = storeOf(deps);
    const { status, decisionId, target, limit, cursor } = query;
    const statuses: DeploymentStatus[] | undefined = status && [...new Set(status)];
    try {
      const page = await store.list({
        filter: {
          ...(statuses && { statuses }),
          ...(decisionId !== undefined && { decisionId }),
          ...(target !== undefined && { target }),
        },
        ...(limit !== undefined && { limit }),
        ...(cursor !== undefined && { cursor }),
      });
      return { status: 200, body: { ...page, deployments: await views(page.deployments, deps) } };
    } catch (error) {
      // The stores refuse a cursor they did not issue with a RangeError.
      if (error instanceof RangeError) throw new ProblemError(400, 'Invalid query', error.message);
      throw error;
    }
  },
});

export const getDeployment = defineRoute({
  id: 'deployments.get',
  tag: 'deployments',
  summary: 'One deployment: its request, gate decision, status and history',
  params: z.strictObject({ id: deploymentIdParam }),
  responses: { 200: { description: 'The deployment', schema: deploymentViewSchema } },
  problems: [400, 404],
  async handle({ params }, deps) {
    const deployment = await storeOf(deps).get(params.id);
    if (!deployment) throw new ProblemError(404, 'Not found', `no deployment ${params.id}`);
    return { status: 200, body: await viewOne(deployment, deps) };
  },
});

export const requestDeploymentRoute = defineRoute({
  id: 'deployments.request',
  tag: 'deployments',
  summary: 'Ask for a deployment of an approved model version; the deployment gate decides on it',
  description:
    "The request goes to the deployment orchestration on Verdict's bus: the gate decides (a refusal is recorded as a `refused` deployment with its reasons), then the target applies it. In AWS the orchestration runs asynchronously: 202, follow the deployment at the Location. `verdict serve` runs it before answering: 201 with the deployment as recorded. The `Idempotency-Key` names the deployment: the same key with the same body answers 200 with it, with another body 409.",
  headers: z.object({ 'idempotency-key': idempotencyKey.optional() }),
  body: deploymentRequestSchema.meta({
    id: 'DeploymentRequest',
    description: 'What to deploy where, and how (docs/deployments.md "The request")',
  }),
  responses: {
    200: {
      description: 'Asked for already with this Idempotency-Key and the same body: the deployment',
      schema: deploymentViewSchema,
      headers: locationHeader,
    },
    201: {
      description: 'Decided and recorded before the answer (`verdict serve`): the deployment',
      schema: deploymentViewSchema,
      headers: locationHeader,
      links: deploymentLink,
    },
    202: {
      description: 'Sent to the orchestration (AWS): follow the deployment at the Location',
      schema: acceptedSchema,
      headers: locationHeader,
      links: deploymentLink,
    },
  },
  problems: [400, 409, 413, 415],
  async handle({ body, headers, principal }, deps) {
    const { store, events } = busOf(deps);
    const requestId = headers['idempotency-key'] ?? randomUUID();
    const id = deploymentIdFor(requestId);
    const existing = await store.get(id);
    if (existing) {
      return { status: 200, body: await viewOne(sameRequest(existing, body), deps), headers: location(id) };
    }
    const requestedBy = await requesterOf(principal, deps);
    const detail: DeploymentRequestedDetail = {
      requestId,
      request: body,
      ...(requestedBy && { requestedBy }),
    };
    await events.publish({ source: VERDICT_SOURCE, detailType: DEPLOYMENT_REQUESTED, detail });
    // The local bus runs the orchestration before publish returns; EventBridge delivers it later.
    const recorded = await store.get(id);
    if (recorded) {
      return { status: 201, body: await viewOne(sameRequest(recorded, body), deps), headers: location(id) };
    }
    return { status: 202, body: { id, status: 'accepted' }, headers: location(id) };
  },
});

/** The deployment the key named, if it was asked for with this very request; 409 otherwise. */
function sameRequest(deployment: Deployment, request: DeploymentRequest): Deployment {
  try {
    return sameDeploymentRequest(deployment, request);
  } catch (error) {
    if (!(error instanceof DeploymentRequestConflictError)) throw error;
    throw new ProblemError(
      409,
      'Idempotency key reused',
      `deployment ${deployment.id} was requested with another body under the same Idempotency-Key`,
    );
  }
}

export const rollbackDeploymentRoute = defineRoute({
  id: 'deployments.rollback',
  tag: 'deployments',
  summary: 'Roll a deployment back to the version it replaced',
  description: `For a deployment that is ${ROLLBACK_FROM.join(', ')}; 409 otherwise. In AWS the rollback runs asynchronously: 202, follow it at the Location. \`verdict serve\` runs it before answering: 200 with the deployment as it stands after it.`,
  params: z.strictObject({ id: deploymentIdParam }),
  responses: {
    200: {
      description: 'Rolled back (or rolling back) before the answer (`verdict serve`): the deployment',
      schema: deploymentViewSchema,
      headers: locationHeader,
    },
    202: {
      description: 'Sent to the orchestration (AWS): follow the deployment at the Location',
      schema: acceptedSchema,
      headers: locationHeader,
      links: deploymentLink,
    },
  },
  problems: [400, 404, 409],
  async handle({ params }, deps) {
    const { store, events } = busOf(deps);
    const deployment = await store.get(params.id);
    if (!deployment) throw new ProblemError(404, 'Not found', `no deployment ${params.id}`);
    if (!ROLLBACK_FROM.includes(deployment.status)) {
      throw new ProblemError(
        409,
        'Not rollbackable',
        `deployment ${params.id} is ${deployment.status}: only ${ROLLBACK_FROM.join(', ')} deployments roll back`,
      );
    }
    await events.publish({
      source: VERDICT_SOURCE,
      detailType: DEPLOYMENT_ROLLBACK_REQUESTED,
      detail: { deploymentId: deployment.id },
    });
    const after = await store.get(deployment.id);
    if (after && after.version > deployment.version) {
      return { status: 200, body: await viewOne(after, deps), headers: location(deployment.id) };
    }
    return { status: 202, body: { id: deployment.id, status: 'accepted' }, headers: location(deployment.id) };
  },
});
