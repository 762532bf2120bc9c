/** `GET /decisions`, `GET /decisions/{id}` and `GET /rejections`: what the gates decided and refused. */
import { z } from 'zod';
import { riskClassSchema } from '../contracts/classification.ts';
import { outcomeSchema } from '../contracts/decision.ts';
import type { DecisionFilter } from '../ports/decision-store.ts';
import type { LedgerPosition, LedgerReader } from '../ports/ledger-reader.ts';
import { vouchForDecisions } from './ledger-vouch.ts';
import { ProblemError } from './problem.ts';
import { defineRoute } from './route.ts';
import {
  cursorParam,
  decisionPageSchema,
  decisionWithLedgerSchema,
  fromBeforeTo,
  limitParam,
  modelName,
  rejectionSchema,
  timeParam,
} from './schemas.ts';

const decisionIdParam = z
  .string()
  .regex(/^[A-Za-z0-9-]{1,64}$/, { error: 'expected a decision id' })
  .meta({ description: 'Decision id' });

const decisionsQuery = z
  .strictObject({
    model: modelName.optional().meta({ description: 'Model package group name' }),
    version: z
      .string()
      .regex(/^[1-9][0-9]{0,9}$/, { error: 'expected a model version number' })
      .optional()
      .meta({ description: 'Model package version' }),
    decision: outcomeSchema.optional(),
    riskClass: riskClassSchema.optional(),
    policyBundle: z
      .string()
      .regex(/^[0-9a-f]{64}$/, { error: 'expected a lowercase hex SHA-256' })
      .optional()
      .meta({ description: 'SHA-256 of the policy bundle that decided' }),
    from: timeParam('Decisions evaluated at or after this time').optional(),
    to: timeParam('Decisions evaluated before this time').optional(),
    order: z.enum(['asc', 'desc']).optional().meta({ description: 'By evaluation time; default asc' }),
    limit: limitParam.optional(),
    cursor: cursorParam.optional(),
  })
  .superRefine(fromBeforeTo);

export const listDecisions = defineRoute({
  id: 'decisions.list',
  tag: 'decisions',
  summary: 'List decisions, filtered, in a stable order',
  description:
    'Ordered by evaluation time, ties in recording order. Pages are keyset-paginated: decisions recorded while you page never shift or repeat the ones already read. A page may be short, even empty, and still carry a cursor; only a missing `nextCursor` means the end.',
  query: decisionsQuery,
  responses: {
    200: {
      description: 'One page of decisions',
      schema: decisionPageSchema,
      links: {
        firstDecision: {
          operationId: 'decisions.get',
          parameters: { id: '$response.body#/decisions/0/id' },
          description: 'The first decision of the page',
        },
      },
    },
  },
  problems: [400, 409],
  async handle({ query }, deps) {
    const { limit, cursor, order, ...filter } = query;
    const page = await deps.decisions.list({
      filter: filter satisfies DecisionFilter,
      ...(limit !== undefined && { limit }),
      ...(cursor !== undefined && { cursor }),
      ...(order !== undefined && { order }),
    });
    await vouchForDecisions(deps.ledger, page.decisions);
    return { status: 200, body: page };
  },
});

export const getDecision = defineRoute({
  id: 'decisions.get',
  tag: 'decisions',
  summary: 'One decision, with its ledger index and an inclusion proof against the latest checkpoint',
  params: z.strictObject({ id: decisionIdParam }),
  responses: { 200: { description: 'The decision', schema: decisionWithLedgerSchema } },
  problems: [400, 404, 409],
  async handle({ params }, deps) {
    const decision = await deps.decisions.get(params.id);
    if (!decision) throw new ProblemError(404, 'Not found', `no decision ${params.id}`);
    const { ledger } = deps;
    if (!ledger) return { status: 200, body: decision };
    const [position] = await vouchForDecisions(ledger, [decision]);
    return {
      status: 200,
      body: { ...decision, ledger: await ledgerEvidence(ledger, position as LedgerPosition) },
    };
  },
});

/** Where the decision sits in the ledger and the proof that the latest checkpoint includes it. */
async function ledgerEvidence(ledger: LedgerReader, { index }: LedgerPosition) {
  const checkpoint = await ledger.latestCheckpoint();
  if (!checkpoint || checkpoint.size <= index) return { index };
  const inclusionProof = await ledger.proveInclusion(index, checkpoint.size);
  return { index, inclusionProof, checkpoint };
}

export const listRejections = defineRoute({
  id: 'rejections.list',
  tag: 'decisions',
  summary: 'The most recent events the gates refused as malformed (no payloads), newest first',
  query: z.strictObject({ limit: limitParam.optional() }),
  responses: {
    200: {
      description: 'Rejections, newest first',
      schema: z.object({ rejections: z.array(rejectionSchema) }).meta({ id: 'RejectionList' }),
    },
  },
  problems: [400],
  async handle({ query }, deps) {
    const rejections = await deps.decisions.listRejections({ limit: query.limit ?? 100 });
    return { status: 200, body: { rejections } };
  },
});
