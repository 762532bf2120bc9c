/**
 * Finds a piece of personal data in stored bytes however it was written: as is, in lower case, URL-encoded,
 * or inside base64 / base64url text at any alignment. Deliberately independent of the code under test.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

function base64Forms(text: string): string[] {
  const bytes = Buffer.from(text, 'utf8');
  const forms: string[] = [];
  for (const pad of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(pad), bytes]).toString('base64');
    // Keep only the characters that depend on `text` alone (drop the ones mixing in pad or following bytes).
    const core = encoded.slice(pad === 0 ? 0 : pad + 1, Math.floor(((pad + bytes.length) * 8) / 6));
    forms.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return forms;
}

export function plaintextHits(haystack: Buffer | string, secret: string): string[] {
  const raw = Buffer.isBuffer(haystack) ? haystack.toString('latin1') : haystack;
  const lower = raw.toLowerCase();
  const hits: string[] = [];
  for (const form of [secret.toLowerCase(), encodeURIComponent(secret).toLowerCase()])
    if (lower.includes(form)) hits.push(form);
  for (const form of [...base64Forms(secret), ...base64Forms(secret.toLowerCase())])
    if (raw.includes(form)) hits.push(`base64:${form}`);
  return hits;
}

/** Every file under `dir` that holds `secret` in any of those forms, with the forms found. */
export function filesHolding(dir: string, secret: string): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) {
        const hits = plaintextHits(readFileSync(path), secret);
        if (hits.length) found[relative(dir, path)] = hits;
      }
    }
  };
  walk(dir);
  return found;
}
