/** readJsonFile: what a user's editor writes is read; what is not JSON says which file and why. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readJsonFile } from '../../../../functions/local/cli/read-json-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'verdict-read-json-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readJsonFile', () => {
  it('reads a file that starts with a UTF-8 byte order mark', () => {
    const path = join(dir, 'bom.json');
    writeFileSync(path, '\uFEFF{"name":"credit-applications"}');
    expect(readJsonFile(path, 'manifest')).toEqual({ name: 'credit-applications' });
  });

  it('names the file when it is not JSON, or cannot be read', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"name":');
    expect(() => readJsonFile(bad, 'manifest')).toThrow(`manifest ${bad}: not JSON: `);
    const missing = join(dir, 'missing.json');
    expect(() => readJsonFile(missing, 'manifest')).toThrow(`manifest ${missing}: cannot be read (ENOENT)`);
  });
});
