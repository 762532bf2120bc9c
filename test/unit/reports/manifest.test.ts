/**
 * The signed manifest: it verifies against the report's bytes and the ledger key, and fails, saying what,
 * on a one-byte change to the report, an edited manifest, another key, or an inconsistent checkpoint.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { NoteVerifier } from '../../../functions/ledger/core/note-keys.ts';
import { parseVerifierKey } from '../../../functions/ledger/core/note-keys.ts';
import { parseNote, signNote } from '../../../functions/ledger/core/signed-note.ts';
import {
  buildReport,
  renderReport,
  reportManifest,
  writeChunks,
} from '../../../functions/reports/generate-report.ts';
import {
  checkManifest,
  MANIFEST_HEADER,
  manifestText,
  signManifest,
} from '../../../functions/reports/manifest.ts';
import type { ReportFormat } from '../../../functions/reports/report-model.ts';
import {
  DECISIONS,
  fixtureInputs,
  OTHER_SIGNER,
  SIGNER,
  signedCheckpoint,
} from '../../support/report-fixtures.ts';
import { BufferSink } from './tools.ts';

const trusted: NoteVerifier[] = [parseVerifierKey(SIGNER.verifierKey)];
const digest = (bytes: Buffer) => ({
  sha256: createHash('sha256').update(bytes).digest('hex'),
  bytes: bytes.length,
});

async function signedReport(format: ReportFormat) {
  const inputs = await fixtureInputs(DECISIONS);
  const doc = await buildReport('period-summary', format, {}, inputs);
  const sink = new BufferSink();
  const written = await writeChunks(renderReport(doc), sink);
  const manifest = reportManifest(doc, written);
  return { bytes: sink.bytes(), manifest, note: await signManifest(manifest, SIGNER) };
}

describe('report manifest', () => {
  it.each(['json', 'csv', 'html', 'pdf'] as const)(
    'a %s report verifies against its manifest',
    async (format) => {
      const { bytes, note, manifest } = await signedReport(format);
      const check = checkManifest(note, digest(bytes), trusted);
      expect(check).toEqual({
        ok: true,
        manifest,
        signedBy: `${SIGNER.name}+${SIGNER.keyId.toString(16).padStart(8, '0')}`,
      });
    },
  );

  it.each(['json', 'csv', 'html', 'pdf'] as const)(
    'a one-byte change to a %s report fails',
    async (format) => {
      const { bytes, note } = await signedReport(format);
      const tampered = Buffer.from(bytes);
      const at = Math.floor(tampered.length / 2);
      tampered[at] = (tampered[at] ?? 0) ^ 0x01;
      const check = checkManifest(note, digest(tampered), trusted);
      expect(check.ok).toBe(false);
      if (!check.ok)
        expect(check.problem).toMatch(
          /the report's bytes are not the ones the manifest names: the file has SHA-256 [0-9a-f]{64}/,
        );
    },
  );

  it('is a two-line signed note: header, then canonical JSON', async () => {
    const { note, manifest } = await signedReport('csv');
    const parsed = parseNote(note);
    expect(parsed.text).toBe(manifestText(manifest));
    const [header, json] = parsed.text.split('\n');
    expect(header).toBe(MANIFEST_HEADER);
    expect(JSON.parse(json ?? '')).toEqual(manifest);
    expect(parsed.signatures).toHaveLength(1);
    expect(parsed.signatures[0]?.line.startsWith(`\u2014 ${SIGNER.name} `)).toBe(true);
    expect(manifest.checkpoint?.size).toBe(42);
  });

  it('fails for an edited manifest, saying the signature does not verify', async () => {
    const { bytes, note } = await signedReport('csv');
    const edited = note.replace('"format":"csv"', '"format":"pdf"');
    expect(edited).not.toBe(note);
    const check = checkManifest(edited, digest(bytes), trusted);
    expect(check).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/does not verify: the manifest was altered/),
    });
  });

  it('fails for a manifest signed by another key', async () => {
    const { bytes, manifest } = await signedReport('csv');
    const check = checkManifest(await signManifest(manifest, OTHER_SIGNER), digest(bytes), trusted);
    expect(check).toMatchObject({ ok: false, problem: expect.stringMatching(/not signed by a trusted key/) });
  });

  it('fails for something that is not a signed note, or not a manifest', async () => {
    const { bytes } = await signedReport('csv');
    expect(checkManifest('hello', digest(bytes), trusted)).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/not a signed note/),
    });
    const other = await signNote('verdict.test/ledger\n1\nAAAA\n', [SIGNER]);
    expect(checkManifest(other, digest(bytes), trusted)).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/not a verdict.report.manifest\/v1 manifest/),
    });
  });

  it('fails when the checkpoint in it is inconsistent or signed by another key', async () => {
    const { bytes, manifest } = await signedReport('csv');
    const wrongSize = {
      ...manifest,
      checkpoint: manifest.checkpoint && { ...manifest.checkpoint, size: 43 },
    };
    expect(checkManifest(await signManifest(wrongSize, SIGNER), digest(bytes), trusted)).toMatchObject({
      ok: false,
      problem: 'the checkpoint size or root in the manifest does not match its checkpoint text',
    });
    const foreign = { ...manifest, checkpoint: await signedCheckpoint(OTHER_SIGNER) };
    expect(checkManifest(await signManifest(foreign, SIGNER), digest(bytes), trusted)).toMatchObject({
      ok: false,
      problem: 'the ledger checkpoint in the manifest is not signed by a trusted key',
    });
  });
});
