/** `GET /ledger/checkpoint` and the RFC 9162 proofs an auditor checks offline against a checkpoint. */
import { z } from 'zod';
import type { LedgerReader } from '../ports/ledger-reader.ts';
import { ProblemError } from './problem.ts';
import { type ApiDependencies, defineRoute } from './route.ts';
import {
  consistencyProofSchema,
  inclusionProofSchema,
  integerParam,
  ledgerCheckpointSchema,
} from './schemas.ts';

const treeSize = (description: string) => integerParam(0, Number.MAX_SAFE_INTEGER, description);

function ledgerOf(deps: ApiDependencies): LedgerReader {
  if (!deps.ledger) {
    throw new ProblemError(503, 'Ledger not configured', 'this deployment serves no audit ledger yet');
  }
  return deps.ledger;
}

/** The ledger's own range errors (index past the tree, sizes it does not have) are the caller's: 400. */
async function proving<T>(prove: () => Promise<T>): Promise<T> {
  try {
    return await prove();
  } catch (error) {
    if (error instanceof RangeError) throw new ProblemError(400, 'Invalid proof request', error.message);
    throw error;
  }
}

export const getCheckpoint = defineRoute({
  id: 'ledger.checkpoint',
  tag: 'ledger',
  summary: 'The latest signed checkpoint of the audit ledger',
  responses: { 200: { description: 'The checkpoint', schema: ledgerCheckpointSchema } },
  problems: [404, 503],
  async handle(_request, deps) {
    const checkpoint = await ledgerOf(deps).latestCheckpoint();
    if (!checkpoint) throw new ProblemError(404, 'Not found', 'the ledger has no checkpoint yet');
    return { status: 200, body: checkpoint };
  },
});

export const proveInclusion = defineRoute({
  id: 'ledger.inclusion',
  tag: 'ledger',
  summary: 'Proof that entry `index` is in the tree of `size` entries',
  query: z
    .strictObject({
      index: treeSize('Entry index, from 0'),
      size: treeSize('Tree size; default the latest checkpoint').optional(),
    })
    .superRefine((q, ctx) => {
      if (q.size !== undefined && q.index >= q.size)
        ctx.addIssue({ code: 'custom', path: ['index'], message: 'must be below size' });
    }),
  responses: { 200: { description: 'The inclusion proof', schema: inclusionProofSchema } },
  problems: [400, 503],
  async handle({ query }, deps) {
    const ledger = ledgerOf(deps);
    return { status: 200, body: await proving(() => ledger.proveInclusion(query.index, query.size)) };
  },
});

export const proveConsistency = defineRoute({
  id: 'ledger.consistency',
  tag: 'ledger',
  summary: 'Proof that the tree of `from` entries is a prefix of the tree of `to` entries',
  query: z
    .strictObject({ from: treeSize('Smaller tree size'), to: treeSize('Larger tree size') })
    .superRefine((q, ctx) => {
      if (q.from > q.to) ctx.addIssue({ code: 'custom', path: ['from'], message: 'must not exceed to' });
    }),
  responses: { 200: { description: 'The consistency proof', schema: consistencyProofSchema } },
  problems: [400, 503],
  async handle({ query }, deps) {
    const ledger = ledgerOf(deps);
    return { status: 200, body: await proving(() => ledger.proveConsistency(query.from, query.to)) };
  },
});
