/**
 * The entries the audit ledger stores: JSON objects with an `id` (appends are idempotent by it) and a
 * `type`. No personal data in clear: a person is a keyed pseudonym and details are sealed under the
 * person's data key. How entries are encoded, hashed and sealed is the ledger's own business (ledger/).
 */
import { z } from 'zod';
import { actionRecordSchema } from './action.ts';
import { decisionSchema, rejectionSchema } from './decision.ts';
import { exceptionSchema } from './exception.ts';

export const ENTRY_TYPES = ['decision', 'action', 'rejection', 'exception', 'erasure', 'note'] as const;
const entryTypeSchema = z.enum(ENTRY_TYPES);
export type EntryType = z.infer<typeof entryTypeSchema>;

/** Details sealed with AES-256-GCM under a person's data key. */
const sealedDetailsSchema = z.object({
  alg: z.literal('A256GCM'),
  /** base64url of the 12-byte nonce, the ciphertext and the 16-byte tag. */
  iv: z.string(),
  ciphertext: z.string(),
  tag: z.string(),
});
export type SealedDetails = z.infer<typeof sealedDetailsSchema>;

/** Personal details attached to an entry: the subject's pseudonym and the details sealed under their key. */
const personalPartSchema = z.object({ subject: z.string(), details: sealedDetailsSchema });
export type PersonalPart = z.infer<typeof personalPartSchema>;

const entryBase = {
  id: z.string(),
  /** When the ledger was asked to record it (ISO 8601). */
  recordedAt: z.string(),
  personal: personalPartSchema.optional(),
};

const decisionEntrySchema = z.object({
  ...entryBase,
  type: z.literal('decision'),
  decision: decisionSchema,
});
export type DecisionEntry = z.infer<typeof decisionEntrySchema>;

const rejectionEntrySchema = z.object({
  ...entryBase,
  type: z.literal('rejection'),
  rejection: rejectionSchema,
});
export type RejectionEntry = z.infer<typeof rejectionEntrySchema>;

const actionEntrySchema = z.object({
  ...entryBase,
  type: z.literal('action'),
  action: actionRecordSchema,
});
export type ActionEntry = z.infer<typeof actionEntrySchema>;

/**
 * What happened to an exception: granted, revoked, or found lapsed (each use is in the decision that
 * applied it).
 */
const exceptionEventSchema = z.enum(['granted', 'revoked', 'expired']);
export type ExceptionEvent = z.infer<typeof exceptionEventSchema>;

const exceptionEntrySchema = z.object({
  ...entryBase,
  type: z.literal('exception'),
  exception: exceptionSchema.extend({ event: exceptionEventSchema }),
});
export type ExceptionEntry = z.infer<typeof exceptionEntrySchema>;

/** A person was forgotten: only the pseudonym, never who. */
const erasureEntrySchema = z.object({
  ...entryBase,
  type: z.literal('erasure'),
  erasure: z.object({ subject: z.string(), dataKey: z.string(), requestedAt: z.string() }),
});
export type ErasureEntry = z.infer<typeof erasureEntrySchema>;

const noteEntrySchema = z.object({
  ...entryBase,
  type: z.literal('note'),
  note: z.record(z.string(), z.json()),
});
export type NoteEntry = z.infer<typeof noteEntrySchema>;

export const ledgerEntrySchema = z.discriminatedUnion('type', [
  decisionEntrySchema,
  rejectionEntrySchema,
  actionEntrySchema,
  exceptionEntrySchema,
  erasureEntrySchema,
  noteEntrySchema,
]);
export type LedgerEntry = z.infer<typeof ledgerEntrySchema>;
