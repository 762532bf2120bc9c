/**
 * Builds a report, writes it to a stream while hashing it, and signs its manifest: the one path the CLI,
 * the local report service and the report-worker Lambda all take.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Signer } from '../ledger/ports/signer.ts';
import type { ReportRequest } from '../ports/report-service.ts';
import { buildAnnexIv } from './builders/annex-iv.ts';
import { buildModelCompliance } from './builders/model-compliance.ts';
import { buildPeriodSummary } from './builders/period-summary.ts';
import { CitationLog } from './citations.ts';
import { assertReiterable } from './decision-source.ts';
import { renderCsv } from './formats/csv.ts';
import { renderHtml } from './formats/html.ts';
import { renderJson } from './formats/json.ts';
import { renderPdf } from './formats/pdf.ts';
import { type ReportManifest, signManifest } from './manifest.ts';
import { type ReportSources, reportInputs } from './report-inputs.ts';
import type {
  Progress,
  ReportDocument,
  ReportFormat,
  ReportInputs,
  ReportParameters,
  ReportType,
} from './report-model.ts';

export async function buildReport(
  type: ReportType,
  format: ReportFormat,
  parameters: ReportParameters,
  inputs: ReportInputs,
): Promise<ReportDocument> {
  assertReiterable(inputs.decisions);
  switch (type) {
    case 'model-compliance':
      return buildModelCompliance(format, parameters, inputs);
    case 'annex-iv':
      return buildAnnexIv(format, parameters, inputs);
    case 'period-summary':
      return buildPeriodSummary(format, parameters, inputs);
  }
}

/** The report's bytes as chunks, in order. */
export function renderReport(doc: ReportDocument): AsyncIterable<string | Uint8Array> {
  switch (doc.meta.format) {
    case 'json':
      return renderJson(doc);
    case 'csv':
      return renderCsv(doc);
    case 'html':
      return renderHtml(doc);
    case 'pdf':
      return renderPdf(doc);
  }
}

/** Writes the chunks to `out` (respecting backpressure) and ends it; returns the SHA-256 and size written. */
export async function writeChunks(
  chunks: AsyncIterable<string | Uint8Array>,
  out: Writable,
): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    for await (const chunk of chunks) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      if (buffer.length === 0) continue;
      hash.update(buffer);
      bytes += buffer.length;
      if (!out.write(buffer)) await once(out, 'drain');
    }
  } catch (error) {
    // Closed without an error event (nobody listens for one); the caller removes what was written.
    out.destroy();
    throw error;
  }
  out.end();
  await finished(out);
  return { sha256: hash.digest('hex'), bytes };
}

export interface GeneratedReport {
  manifest: ReportManifest;
  /** The signed manifest (a signed note), to store next to the report as `<file>.manifest`. */
  manifestNote: string;
}

export async function generateReport(options: {
  request: ReportRequest;
  sources: ReportSources;
  signer: Signer;
  out: Writable;
  now: Date;
  onProgress?: (progress: Progress) => void;
  /** Where the citation lines go (`<report file>.citations`); the manifest signs their digest either way. */
  citations?: (line: string) => void;
}): Promise<GeneratedReport> {
  const { request } = options;
  const { inputs, parameters } = await reportInputs(request, options.sources, {
    now: options.now,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const citations = inputs.locate ? new CitationLog(options.citations) : undefined;
  if (citations) inputs.onCitation = (decision, ref) => citations.add(decision, ref);
  const doc = await buildReport(request.type, request.format, parameters, inputs);
  const written = await writeChunks(renderReport(doc), options.out);
  options.onProgress?.({ phase: 'done', done: doc.records.total, total: doc.records.total });
  const manifest = {
    ...reportManifest(doc, written),
    ...(citations ? { citations: citations.summary() } : {}),
  };
  return { manifest, manifestNote: await signManifest(manifest, options.signer) };
}

/** The manifest of a report as written: its bytes' SHA-256 and size, and what the document says it is. */
export function reportManifest(
  doc: ReportDocument,
  written: { sha256: string; bytes: number },
): ReportManifest {
  return {
    reportSha256: written.sha256,
    reportBytes: written.bytes,
    type: doc.meta.type,
    format: doc.meta.format,
    parameters: doc.meta.parameters,
    checkpoint: doc.meta.checkpoint,
    generatedAt: doc.meta.generatedAt,
    generator: doc.meta.generator,
    decisions: doc.records.total,
  };
}
