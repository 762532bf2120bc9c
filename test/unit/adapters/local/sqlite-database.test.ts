import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  applyMigrations,
  BUSY_TIMEOUT_MS,
  openDatabase,
  type SqliteDatabase,
} from '../../../../functions/adapters/local/sqlite-database.ts';

let dir: string;
const open: SqliteDatabase[] = [];

function openAt(file: string): SqliteDatabase {
  const db = openDatabase(file);
  open.push(db);
  return db;
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verdict-sqlite-'));
});

afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const mode = (file: string) => fs.statSync(file).mode & 0o777;

describe('openDatabase', () => {
  it('creates the data directory and a 0600 database file, in WAL mode with full sync', () => {
    const file = path.join(dir, 'data', 'nested', 'verdict.db');
    const db = openAt(file);

    expect(fs.existsSync(file)).toBe(true);
    expect(mode(file)).toBe(0o600);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    // 2 = FULL
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(BUSY_TIMEOUT_MS);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('recursive_triggers', { simple: true })).toBe(1);
  });

  it('gives the WAL file the database file mode', () => {
    const file = path.join(dir, 'verdict.db');
    const db = openAt(file);
    db.exec('CREATE TABLE t (x INTEGER)');
    db.prepare('INSERT INTO t VALUES (1)').run();

    expect(fs.existsSync(`${file}-wal`)).toBe(true);
    expect(mode(`${file}-wal`)).toBe(0o600);
  });

  it('tightens an existing database file to 0600', () => {
    const file = path.join(dir, 'verdict.db');
    openAt(file).close();
    fs.chmodSync(file, 0o644);

    openAt(file);

    expect(mode(file)).toBe(0o600);
  });

  it('opens an in-memory database for ":memory:" without touching the file system', () => {
    const before = fs.readdirSync(process.cwd());
    const db = openAt(':memory:');

    expect(db.memory).toBe(true);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(fs.readdirSync(process.cwd())).toEqual(before);
  });

  it('keeps data across reopen', () => {
    const file = path.join(dir, 'verdict.db');
    const first = openAt(file);
    first.exec('CREATE TABLE t (x INTEGER)');
    first.prepare('INSERT INTO t VALUES (42)').run();
    first.close();

    expect(openAt(file).prepare('SELECT x FROM t').pluck().get()).toBe(42);
  });
});

describe('applyMigrations', () => {
  const migrations = [
    { id: 'test/1-create', sql: 'CREATE TABLE things (id TEXT PRIMARY KEY)' },
    { id: 'test/2-column', sql: 'ALTER TABLE things ADD COLUMN label TEXT' },
  ];

  it('applies each migration once, in order, and records it', () => {
    const db = openAt(':memory:');
    applyMigrations(db, migrations);
    applyMigrations(db, migrations);

    const columns = db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('things');
    expect(columns).toEqual(['id', 'label']);
    expect(db.prepare('SELECT id FROM schema_migrations ORDER BY id').pluck().all()).toEqual([
      'test/1-create',
      'test/2-column',
    ]);
  });

  it('applies only the new migrations when the database is reopened', () => {
    const file = path.join(dir, 'verdict.db');
    const first = openAt(file);
    applyMigrations(first, migrations.slice(0, 1));
    first.close();

    const second = openAt(file);
    applyMigrations(second, migrations);

    expect(second.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('things')).toEqual([
      'id',
      'label',
    ]);
  });

  it('refuses a migration whose SQL changed after it was applied', () => {
    const db = openAt(':memory:');
    applyMigrations(db, migrations.slice(0, 1));

    expect(() => applyMigrations(db, [{ id: 'test/1-create', sql: 'CREATE TABLE other (x TEXT)' }])).toThrow(
      'schema migration test/1-create changed after it was applied (checksum mismatch); add a new migration instead of editing it',
    );
  });

  it('rolls back a failing migration and does not record it', () => {
    const db = openAt(':memory:');
    const broken = { id: 'test/3-broken', sql: 'CREATE TABLE half (x TEXT); CREATE TABLE half (y TEXT);' };

    expect(() => applyMigrations(db, [broken])).toThrow(/already exists/);
    expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'half'").pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBe(0);
  });
});
