/**
 * zod schemas shared by several routes: the documents the API returns and the query fields it parses.
 * Each `.meta({ id })` becomes a component of the OpenAPI document.
 */
import { z } from 'zod';
import {
  decisionSchema as decisionContract,
  decisionSubjectSchema,
  obligationSchema as obligationContract,
  rejectionSchema as rejectionContract,
  violationSchema as violationContract,
} from '../contracts/decision.ts';
import { exceptionSchema as exceptionContract } from '../contracts/exception.ts';
import { approvalStatusSchema as approvalStatusContract } from '../contracts/model-package-state-change.ts';
import { MAX_PAGE_SIZE } from '../ports/decision-store.ts';

// ---------------------------------------------------------------------------------------------- query fields

/** A query value that is a decimal integer in [min, max]; documented as an integer. */
export function integerParam(min: number, max: number, description: string) {
  return z
    .string()
    .regex(/^(0|[1-9][0-9]{0,15})$/, { error: 'expected a decimal integer' })
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .meta({ description, override: { type: 'integer', minimum: min, maximum: max } });
}

export const limitParam = integerParam(1, MAX_PAGE_SIZE, `Page size, 1 to ${MAX_PAGE_SIZE}; default 50`);

export const cursorParam = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,2048}$/, { error: 'expected the nextCursor of an earlier page' })
  .meta({ description: 'The `nextCursor` of the previous page, with the same filters' });

/** RFC 3339 date-time with an offset (`Z` or `+01:00`). */
export const timeParam = (description: string) => z.iso.datetime({ offset: true }).meta({ description });

/** SageMaker's pattern for model package group names. */
export const modelName = z
  .string()
  .regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/, { error: 'expected a model package group name' });

/** `from` before `to`, when both are given. */
export function fromBeforeTo(value: { from?: string; to?: string }, ctx: z.RefinementCtx): void {
  if (value.from !== undefined && value.to !== undefined && Date.parse(value.from) >= Date.parse(value.to)) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be later than from' });
  }
}

// ------------------------------------------------------------------------------------------------- documents

// Stored documents are returned as recorded: the contract's fields are described, newer ones pass through.
export const violationSchema = violationContract.loose().meta({ id: 'Violation' });

export const obligationSchema = obligationContract.meta({ id: 'Obligation' });

const decisionShape = {
  ...decisionContract.shape,
  subject: decisionSubjectSchema.loose(),
  violations: z.array(violationSchema),
  obligations: z.array(obligationSchema),
};

export const decisionSchema = z.looseObject(decisionShape).meta({
  id: 'Decision',
  description: 'What a gate decided, on which input, under which policy bundle (README "Decisions")',
});

export const ledgerCheckpointSchema = z
  .object({
    text: z.string().meta({ description: 'The signed note: C2SP tlog-checkpoint body and signatures' }),
    size: z.number().int().min(0),
    rootHash: z.string().meta({ description: 'base64 root hash of the first `size` entries' }),
  })
  .meta({ id: 'LedgerCheckpoint' });

export const inclusionProofSchema = z
  .object({
    format: z.literal('rfc9162-inclusion-proof'),
    origin: z.string(),
    leafIndex: z.number().int().min(0),
    treeSize: z.number().int().min(1),
    entry: z.string().meta({ description: 'The leaf bytes (RFC 8785 JSON)' }),
    leafHash: z.string(),
    inclusionPath: z.array(z.string()),
    rootHash: z.string(),
    checkpoint: z.string().optional(),
  })
  .meta({ id: 'InclusionProof', description: 'RFC 9162 section 2.1.3 inclusion proof; hashes in base64' });

export const consistencyProofSchema = z
  .object({
    format: z.literal('rfc9162-consistency-proof'),
    origin: z.string(),
    size1: z.number().int().min(0),
    size2: z.number().int().min(0),
    rootHash1: z.string(),
    rootHash2: z.string(),
    consistencyPath: z.array(z.string()),
    checkpoint1: z.string().optional(),
    checkpoint2: z.string().optional(),
  })
  .meta({
    id: 'ConsistencyProof',
    description: 'RFC 9162 section 2.1.4 consistency proof; hashes in base64',
  });

export const decisionWithLedgerSchema = z
  .looseObject({
    ...decisionShape,
    ledger: z
      .object({
        index: z.number().int().min(0).meta({ description: 'The entry index of the decision in the ledger' }),
        inclusionProof: inclusionProofSchema.optional(),
        checkpoint: ledgerCheckpointSchema.optional(),
      })
      .optional()
      .meta({
        description:
          'Present when the ledger is configured and has sequenced the decision; the proof and checkpoint once a checkpoint covers it',
      }),
  })
  .meta({ id: 'DecisionWithLedger' });

export const decisionPageSchema = z
  .object({
    decisions: z.array(decisionSchema),
    nextCursor: z.string().optional().meta({ description: 'Absent on the last page' }),
  })
  .meta({ id: 'DecisionPage' });

export const exceptionSchema = exceptionContract.meta({ id: 'Exception' });

export const rejectionSchema = rejectionContract.meta({ id: 'Rejection' });

export const approvalStatusSchema = approvalStatusContract.meta({ id: 'ApprovalStatus' });
