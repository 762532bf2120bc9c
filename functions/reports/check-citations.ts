/**
 * `verdict report verify FILE --ledger DIR`: checks a report's citations (`FILE.citations`) against a ledger
 * export. The export must verify under the pinned log keys and contain the checkpoint the report was built
 * from (as `ledger verify --since` does); the citations file must be the one the manifest signs; and each
 * cited entry must be in that checkpoint, hash to the cited leaf hash, and be the decision the report lists,
 * with the outcome it lists.
 */
import fs from 'node:fs';
import path from 'node:path';
import { leafHash } from '../ledger/core/rfc6962.ts';
import { verifyExport } from '../ledger/export/verify-export.ts';
import { sha256Hex } from '../shared/hashing.ts';
import type { Citation } from './citations.ts';
import type { ReportManifest } from './manifest.ts';

export interface CitationCheck {
  ok: boolean;
  /** For a person: what does not hold. */
  problems: string[];
  checked: number;
}

export function checkCitations(
  manifest: ReportManifest,
  citationsFile: string,
  exportDir: string,
  logKeys: string[],
): CitationCheck {
  const fail = (problem: string): CitationCheck => ({ ok: false, problems: [problem], checked: 0 });
  if (!manifest.citations || !manifest.checkpoint?.note)
    return fail('the manifest cites no ledger entries: the report was built without a ledger');
  if (!fs.existsSync(citationsFile)) return fail(`${citationsFile}: no citations file`);
  const bytes = fs.readFileSync(citationsFile);
  const lines = bytes.toString('utf8').split('\n').slice(0, -1);
  const sha256 = sha256Hex(bytes);
  if (sha256 !== manifest.citations.sha256 || lines.length !== manifest.citations.count)
    return fail(
      `the citations file is not the one the manifest signs: it has SHA-256 ${sha256} (${lines.length} citations), the manifest says ${manifest.citations.sha256} (${manifest.citations.count})`,
    );

  const exported = verifyExport(exportDir, { logKeys, since: manifest.checkpoint.note });
  if (!exported.ok)
    return { ok: false, problems: exported.problems.map((p) => `ledger export: ${p.message}`), checked: 0 };

  const size = manifest.checkpoint.size;
  const problems: string[] = [];
  const cited = new Map<number, Citation[]>();
  for (const line of lines) {
    const c = JSON.parse(line) as Citation;
    if (!(c.index < size))
      problems.push(
        `decision ${c.decision}: cites ledger entry ${c.index}, beyond the checkpoint of size ${size} the report was built from`,
      );
    else cited.set(c.index, [...(cited.get(c.index) ?? []), c]);
  }
  let index = 0;
  for (const line of fs.readFileSync(path.join(exportDir, 'entries.jsonl')).toString('utf8').split('\n')) {
    for (const c of cited.get(index) ?? []) problems.push(...citationProblems(c, line));
    index++;
    if (index >= size) break;
  }
  return { ok: problems.length === 0, problems, checked: lines.length };
}

function citationProblems(c: Citation, line: string): string[] {
  const hash = Buffer.from(leafHash(Buffer.from(line, 'utf8'))).toString('hex');
  const at = `decision ${c.decision}: ledger entry ${c.index}`;
  if (hash !== c.leafHash) return [`${at} has leaf hash ${hash}, the report cites ${c.leafHash}`];
  const entry = JSON.parse(line) as { type?: string; decision?: { id?: string; decision?: string } };
  if (entry.type !== 'decision' || entry.decision?.id !== c.decision)
    return [`${at} is not the entry of that decision`];
  if (entry.decision.decision !== c.outcome)
    return [`${at} says ${entry.decision.decision}, the report says ${c.outcome}`];
  return [];
}
