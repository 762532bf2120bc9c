/**
 * The report manifest: what a report is (its SHA-256 and size, type, format, parameters), when and by what
 * it was generated, and the ledger checkpoint it was built from, signed with the ledger's key.
 *
 * It is a C2SP signed note (the format of the ledger's checkpoints, see ledger-format.md), detached from
 * the report: `<report file>.manifest`. Detached, because the report's bytes then are exactly what is
 * hashed: `sha256sum report.pdf` and any signed-note verifier check a report without Verdict, for every
 * format alike (a CSV cannot carry one, and a manifest embedded in a PDF or HTML would have to exclude
 * itself from its own hash). The note text is two lines:
 *
 *   verdict.report.manifest/v1
 *   <the manifest as RFC 8785 canonical JSON, one line>
 *
 * then a blank line and one signature line per key: `— <key name> <base64(key id || Ed25519 signature)>`.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { z } from 'zod';
import { parseCheckpoint } from '../ledger/core/checkpoint.ts';
import type { NoteVerifier } from '../ledger/core/note-keys.ts';
import { fromBase64, toBase64 } from '../ledger/core/rfc6962.ts';
import {
  checkSignatures,
  describeKey,
  NoteFormatError,
  parseNote,
  signNote,
} from '../ledger/core/signed-note.ts';
import type { Signer } from '../ledger/ports/signer.ts';
import { REPORT_FORMATS, REPORT_TYPES } from '../ports/report-service.ts';
import { canonicalJson } from '../shared/canonical-json.ts';
import type { CitationsSummary } from './citations.ts';
import type { CheckpointRef, ReportFormat, ReportParameters, ReportType } from './report-model.ts';

export const MANIFEST_HEADER = 'verdict.report.manifest/v1';
export const MANIFEST_SUFFIX = '.manifest';

export interface ReportManifest {
  /** SHA-256 of the report file's bytes, hex. */
  reportSha256: string;
  reportBytes: number;
  type: ReportType;
  format: ReportFormat;
  parameters: ReportParameters;
  /** The signed ledger checkpoint the report was built from; null when no ledger was available. */
  checkpoint: CheckpointRef | null;
  generatedAt: string;
  generator: { name: string; version: string };
  /** How many decisions the report covers. */
  decisions: number;
  /** The ledger entries the report's decisions were checked against (`<report file>.citations`). */
  citations?: CitationsSummary;
}

const manifestSchema = z.strictObject({
  reportSha256: z.string().regex(/^[0-9a-f]{64}$/),
  reportBytes: z.number().int().min(0),
  type: z.enum(REPORT_TYPES),
  format: z.enum(REPORT_FORMATS),
  parameters: z.strictObject({
    model: z.string().optional(),
    version: z.string().optional(),
    from: z.string().optional(),
    to: z.string().optional(),
  }),
  checkpoint: z
    .strictObject({
      text: z.string(),
      size: z.number().int().min(0),
      root: z.string(),
      note: z.string().optional(),
    })
    .nullable(),
  generatedAt: z.string(),
  generator: z.strictObject({ name: z.string(), version: z.string() }),
  decisions: z.number().int().min(0),
  citations: z
    .strictObject({ count: z.number().int().min(0), sha256: z.string().regex(/^[0-9a-f]{64}$/) })
    .optional(),
});

export function manifestText(manifest: ReportManifest): string {
  return `${MANIFEST_HEADER}\n${canonicalJson(JSON.parse(JSON.stringify(manifest)))}\n`;
}

export function signManifest(manifest: ReportManifest, signer: Signer): Promise<string> {
  return signNote(manifestText(manifest), [signer]);
}

export type ManifestCheck =
  | { ok: true; manifest: ReportManifest; signedBy: string }
  /**
   * `problem` says what does not hold, for a person. `untrusted`: the signatures are sound but by keys
   * not among the trusted ones (a key not pinned, or the wrong ledger's), not altered bytes.
   */
  | { ok: false; problem: string; manifest?: ReportManifest; untrusted?: true };

/**
 * Checks a signed manifest against the report's digest and the trusted verifier keys. Fails when the note
 * is malformed, no trusted key signed it (or a signature does not verify), the checkpoint in it is not
 * consistent or not signed by a trusted key, or the report's bytes are not the ones it names.
 */
export function checkManifest(
  note: string,
  report: { sha256: string; bytes: number },
  verifiers: readonly NoteVerifier[],
): ManifestCheck {
  let parsed: ReturnType<typeof parseNote>;
  try {
    parsed = parseNote(note);
  } catch (error) {
    const why = error instanceof NoteFormatError ? error.message : String(error);
    return { ok: false, problem: `the manifest is not a signed note (${why})` };
  }
  const signatures = checkSignatures(parsed, verifiers);
  if (signatures.invalid.length)
    return {
      ok: false,
      problem: `the manifest's signature by ${describeKey(signatures.invalid[0] ?? { name: '?', keyId: 0 })} does not verify: the manifest was altered after signing`,
    };
  if (!signatures.verified.length)
    return {
      ok: false,
      untrusted: true,
      problem: `the manifest is not signed by a trusted key (signed by ${parsed.signatures.map(describeKey).join(', ') || 'no key'}; trusted: ${verifiers.map((v) => describeKey(v)).join(', ') || 'none'})`,
    };
  const [header, json, rest] = parsed.text.split('\n');
  if (header !== MANIFEST_HEADER || json === undefined || rest !== '')
    return { ok: false, problem: `the signed text is not a ${MANIFEST_HEADER} manifest` };
  let manifest: ReportManifest;
  try {
    manifest = manifestSchema.parse(JSON.parse(json)) as ReportManifest;
  } catch (error) {
    return {
      ok: false,
      problem: `the manifest's JSON is not a report manifest (${(error as Error).message.split('\n')[0]})`,
    };
  }
  const problem = checkpointProblem(manifest.checkpoint, verifiers);
  if (problem === UNTRUSTED_CHECKPOINT) return { ok: false, problem, manifest, untrusted: true };
  if (problem) return { ok: false, problem, manifest };
  if (manifest.reportSha256 !== report.sha256 || manifest.reportBytes !== report.bytes)
    return {
      ok: false,
      manifest,
      problem:
        `the report's bytes are not the ones the manifest names: the file has SHA-256 ${report.sha256} ` +
        `(${report.bytes} bytes), the manifest says ${manifest.reportSha256} (${manifest.reportBytes} bytes)`,
    };
  return { ok: true, manifest, signedBy: signatures.verified.map((v) => describeKey(v)).join(', ') };
}

const UNTRUSTED_CHECKPOINT = 'the ledger checkpoint in the manifest is not signed by a trusted key';

function checkpointProblem(
  checkpoint: CheckpointRef | null,
  verifiers: readonly NoteVerifier[],
): string | undefined {
  if (!checkpoint) return undefined;
  try {
    const body = parseCheckpoint(checkpoint.text);
    if (
      body.size !== checkpoint.size ||
      toBase64(body.rootHash) !== checkpoint.root ||
      !fromBase64(checkpoint.root)
    )
      return 'the checkpoint size or root in the manifest does not match its checkpoint text';
    if (checkpoint.note !== undefined) {
      const note = parseNote(checkpoint.note);
      if (note.text !== checkpoint.text)
        return 'the signed checkpoint note in the manifest is not the checkpoint text';
      if (!checkSignatures(note, verifiers).verified.length) return UNTRUSTED_CHECKPOINT;
    }
  } catch (error) {
    return `the checkpoint in the manifest is malformed (${(error as Error).message})`;
  }
  return undefined;
}

/** SHA-256 (hex) and size of a file, read as a stream. */
export async function digestFile(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** A CheckpointRef from a stored signed checkpoint note. */
export function checkpointRef(note: string): CheckpointRef {
  const text = parseNote(note).text;
  const body = parseCheckpoint(text);
  return { text, size: body.size, root: toBase64(body.rootHash), note };
}
