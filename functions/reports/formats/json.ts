/**
 * JSON: one object, `{"report": ..., "summary": ..., "<records>": [...]}`, written as it is built. The
 * array holds one record per line, so a 1-million-decision export is read and written in constant memory
 * (and still greps line by line).
 */
import type { ReportDocument } from '../report-model.ts';
import { TextChunks } from './chunks.ts';

export async function* renderJson(doc: ReportDocument): AsyncGenerator<string> {
  const out = new TextChunks();
  out.push(`{"report":${JSON.stringify(doc.meta)},\n"summary":${JSON.stringify(doc.summary)},\n`);
  out.push(`${JSON.stringify(doc.records.key)}:[`);
  let first = true;
  for await (const record of doc.records.items()) {
    out.push(`${first ? '\n' : ',\n'}${JSON.stringify(record.json)}`);
    first = false;
    if (out.full) yield out.take();
  }
  out.push(first ? ']}\n' : '\n]}\n');
  yield out.take();
}
