import { createHmac } from 'node:crypto';
import { chmodSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HmacSubjectKeyHasher } from '../../../../functions/adapters/local/hmac-subject-key-hasher.ts';
import { openDatabase } from '../../../../functions/adapters/local/sqlite-database.ts';
import { SqliteSubjectIndex } from '../../../../functions/adapters/local/sqlite-subject-index.ts';
import {
  loadOrCreateSubjectKey,
  subjectKeyPath,
} from '../../../../functions/adapters/local/subject-key-file.ts';
import { subjectIndexContract } from '../../../support/subject-index-contract.ts';

describe('HmacSubjectKeyHasher', () => {
  it('is HMAC-SHA256 (RFC 2104), for short keys and keys longer than a block', async () => {
    for (const key of [Buffer.alloc(32, 1), Buffer.alloc(100, 2)]) {
      const hasher = new HmacSubjectKeyHasher(key, 'k');
      const [a, b] = await hasher.macs(['app-1', 'ünïcode']);
      expect(Buffer.from(a as Uint8Array)).toEqual(createHmac('sha256', key).update('app-1').digest());
      expect(Buffer.from(b as Uint8Array)).toEqual(createHmac('sha256', key).update('ünïcode').digest());
    }
  });
});

describe('the subject key file', () => {
  it('is created once, 0600, and refused when others can read it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'verdict-subject-key-'));
    const first = loadOrCreateSubjectKey(dir);
    expect(statSync(first.path).mode & 0o777).toBe(0o600);
    expect(first.key).toHaveLength(32);
    expect(loadOrCreateSubjectKey(dir)).toEqual(first);
    chmodSync(subjectKeyPath(dir), 0o644);
    expect(() => loadOrCreateSubjectKey(dir)).toThrow(/is readable by others \(mode 644\): chmod 600 it/);
  });
});

describe('SqliteSubjectIndex', () => {
  subjectIndexContract(async () => new SqliteSubjectIndex(openDatabase(':memory:')));
});
