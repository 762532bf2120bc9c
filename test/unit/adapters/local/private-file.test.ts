import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOrCreateSecret } from '../../../../functions/adapters/local/ledger/key-file.ts';
import {
  alreadyExists,
  assertPrivate,
  KeyFileError,
  writePrivateFileOnce,
} from '../../../../functions/adapters/local/private-file.ts';
import { loadOrCreateTokenSigningKey } from '../../../../functions/adapters/local/token-key-file.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verdict-private-file-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('private files', () => {
  it('are written once, mode 0600 in a 0700 folder, with no temporary file left', () => {
    const file = path.join(dir, 'keys', 'a.key');
    writePrivateFileOnce(file, 'secret\n');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['a.key']);

    let second: unknown;
    try {
      writePrivateFileOnce(file, 'other\n');
    } catch (error) {
      second = error;
    }
    expect(alreadyExists(second)).toBe(true);
    expect(fs.readFileSync(file, 'utf8')).toBe('secret\n');
    expect(fs.readdirSync(path.dirname(file))).toEqual(['a.key']);
  });

  it('are refused when others can read them, with the same words for every key file', () => {
    const file = path.join(dir, 'a.key');
    fs.writeFileSync(file, 'x', { mode: 0o644 });
    expect(() => assertPrivate(file)).toThrow(
      new KeyFileError(`${file} is readable by others (mode 644): chmod 600 it`),
    );

    const token = path.join(dir, 'api', 'token-signing.key');
    loadOrCreateTokenSigningKey(dir);
    fs.chmodSync(token, 0o640);
    expect(() => loadOrCreateTokenSigningKey(dir)).toThrow(
      new KeyFileError(`${token} is readable by others (mode 640): chmod 600 it`),
    );
  });

  it('keep the first key: a second opener reads the one already there', () => {
    const first = loadOrCreateTokenSigningKey(dir);
    const second = loadOrCreateTokenSigningKey(dir);
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.publicKey.export({ format: 'jwk' })).toEqual(first.publicKey.export({ format: 'jwk' }));
    const secret = path.join(dir, 'pseudonym.key');
    expect(loadOrCreateSecret(secret)).toEqual(loadOrCreateSecret(secret));
  });
});
