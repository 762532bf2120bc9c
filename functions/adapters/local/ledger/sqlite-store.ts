/**
 * The ledger store on one machine: an SQLite file (WAL, synchronous = FULL: a batch is on disk before its
 * appends are acknowledged, so it survives kill -9 and power loss).
 *
 * - `ledger_entries` (index, id, leaf hash, leaf bytes), `ledger_nodes` (every completed perfect subtree,
 *   level >= 1), `ledger_checkpoints` and `ledger_cosignatures` are write-once: triggers abort UPDATE and DELETE.
 * - `ledger_head` is the one mutable row: size and compact range. A trigger lets it only grow.
 * - Sequencing is one BEGIN IMMEDIATE transaction that reads the head, dedupes by id, inserts the entries,
 *   nodes and new head and commits: SQLite's write lock serialises writers across processes, so two writers
 *   can never give out one index twice or fork the tree.
 */
import type { Integrate, TreeHead } from '../../../ledger/core/integrate.ts';
import type { NodeId } from '../../../ledger/core/node-id.ts';
import { formatNote, parseNote, parseSignatureLine } from '../../../ledger/core/signed-note.ts';
import {
  dedupeBatch,
  type LedgerStore,
  type PreparedEntry,
  type SequencedEntry,
  type StoredCheckpoint,
  type StoredEntry,
} from '../../../ledger/ports/ledger-store.ts';
import { applyMigrations, type Migration, type SqliteDatabase } from '../sqlite-database.ts';

export const LEDGER_IMMUTABLE_MESSAGE = 'the ledger is append-only: sequenced data cannot be changed';

const immutable = (table: string) => `
  CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table}
    BEGIN SELECT RAISE(ABORT, '${LEDGER_IMMUTABLE_MESSAGE}'); END;
  CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table}
    BEGIN SELECT RAISE(ABORT, '${LEDGER_IMMUTABLE_MESSAGE}'); END;`;

const LEDGER_STORE_MIGRATIONS: readonly Migration[] = [
  {
    id: 'ledger-store/1-tables',
    sql: `
      CREATE TABLE ledger_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
      CREATE TABLE ledger_entries (
        idx       INTEGER PRIMARY KEY,
        id        TEXT NOT NULL UNIQUE,
        leaf_hash BLOB NOT NULL CHECK (length(leaf_hash) = 32),
        body      BLOB NOT NULL
      ) STRICT;
      CREATE TABLE ledger_nodes (
        level INTEGER NOT NULL CHECK (level > 0),
        idx   INTEGER NOT NULL,
        hash  BLOB NOT NULL CHECK (length(hash) = 32),
        PRIMARY KEY (level, idx)
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE ledger_head (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        size      INTEGER NOT NULL,
        range     BLOB NOT NULL
      ) STRICT;
      INSERT INTO ledger_head (singleton, size, range) VALUES (1, 0, X'');
      CREATE TRIGGER ledger_head_only_grows BEFORE UPDATE ON ledger_head WHEN NEW.size < OLD.size
        BEGIN SELECT RAISE(ABORT, 'the ledger head can only grow'); END;
      CREATE TRIGGER ledger_head_no_delete BEFORE DELETE ON ledger_head
        BEGIN SELECT RAISE(ABORT, '${LEDGER_IMMUTABLE_MESSAGE}'); END;
      CREATE TABLE ledger_checkpoints (
        size      INTEGER PRIMARY KEY,
        root_hash BLOB NOT NULL CHECK (length(root_hash) = 32),
        note      TEXT NOT NULL
      ) STRICT;
      CREATE TABLE ledger_cosignatures (
        size INTEGER NOT NULL REFERENCES ledger_checkpoints (size),
        line TEXT NOT NULL,
        PRIMARY KEY (size, line)
      ) STRICT;
      CREATE TABLE ledger_keys (
        seq      INTEGER PRIMARY KEY AUTOINCREMENT,
        vkey     TEXT NOT NULL UNIQUE,
        added_at TEXT NOT NULL
      ) STRICT;
      ${immutable('ledger_entries')}
      ${immutable('ledger_nodes')}
      ${immutable('ledger_checkpoints')}
      ${immutable('ledger_cosignatures')}
      ${immutable('ledger_keys')}
    `,
  },
];

interface EntryRow {
  idx: number;
  id: string;
  leaf_hash: Buffer;
  body: Buffer;
}

interface CheckpointRow {
  size: number;
  root_hash: Buffer;
  note: string;
}

const PAGE = 1000;

export class SqliteLedgerStore implements LedgerStore {
  readonly #db: SqliteDatabase;
  readonly #statements;

  constructor(db: SqliteDatabase) {
    applyMigrations(db, LEDGER_STORE_MIGRATIONS);
    this.#db = db;
    this.#statements = {
      head: db.prepare<[], { size: number; range: Buffer }>('SELECT size, range FROM ledger_head'),
      setHead: db.prepare<[number, Buffer]>('UPDATE ledger_head SET size = ?, range = ? WHERE singleton = 1'),
      byId: db.prepare<[string], EntryRow>(
        'SELECT idx, id, leaf_hash, body FROM ledger_entries WHERE id = ?',
      ),
      byIndex: db.prepare<[number], EntryRow>(
        'SELECT idx, id, leaf_hash, body FROM ledger_entries WHERE idx = ?',
      ),
      page: db.prepare<[number, number, number], EntryRow>(
        'SELECT idx, id, leaf_hash, body FROM ledger_entries WHERE idx >= ? AND idx < ? ORDER BY idx LIMIT ?',
      ),
      insertEntry: db.prepare<[number, string, Uint8Array, Uint8Array]>(
        'INSERT INTO ledger_entries (idx, id, leaf_hash, body) VALUES (?, ?, ?, ?)',
      ),
      insertNode: db.prepare<[number, number, Uint8Array]>(
        'INSERT INTO ledger_nodes (level, idx, hash) VALUES (?, ?, ?)',
      ),
      leaf: db.prepare<[number], { leaf_hash: Buffer }>('SELECT leaf_hash FROM ledger_entries WHERE idx = ?'),
      node: db.prepare<[number, number], { hash: Buffer }>(
        'SELECT hash FROM ledger_nodes WHERE level = ? AND idx = ?',
      ),
      latestCheckpoint: db.prepare<[], CheckpointRow>(
        'SELECT size, root_hash, note FROM ledger_checkpoints ORDER BY size DESC LIMIT 1',
      ),
      checkpointAt: db.prepare<[number], CheckpointRow>(
        'SELECT size, root_hash, note FROM ledger_checkpoints WHERE size = ?',
      ),
      checkpointSizes: db.prepare<[], { size: number }>('SELECT size FROM ledger_checkpoints ORDER BY size'),
      insertCheckpoint: db.prepare<[number, Uint8Array, string]>(
        'INSERT INTO ledger_checkpoints (size, root_hash, note) VALUES (?, ?, ?) ON CONFLICT (size) DO NOTHING',
      ),
      cosignatures: db.prepare<[number], { line: string }>(
        'SELECT line FROM ledger_cosignatures WHERE size = ? ORDER BY rowid',
      ),
      insertCosignature: db.prepare<[number, string]>(
        'INSERT INTO ledger_cosignatures (size, line) VALUES (?, ?) ON CONFLICT DO NOTHING',
      ),
      keys: db.prepare<[], { vkey: string }>('SELECT vkey FROM ledger_keys ORDER BY seq'),
      insertKey: db.prepare<[string, string]>(
        'INSERT INTO ledger_keys (vkey, added_at) VALUES (?, ?) ON CONFLICT (vkey) DO NOTHING',
      ),
      meta: db.prepare<[string], { value: string }>('SELECT value FROM ledger_meta WHERE key = ?'),
      insertMeta: db.prepare<[string, string]>(
        'INSERT INTO ledger_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING',
      ),
    };
  }

  #readHead(): TreeHead {
    const row = this.#statements.head.get() as { size: number; range: Buffer };
    const range: Uint8Array[] = [];
    for (let at = 0; at < row.range.length; at += 32) range.push(row.range.subarray(at, at + 32));
    return { size: row.size, range };
  }

  async sequence(entries: readonly PreparedEntry[], integrate: Integrate): Promise<SequencedEntry[]> {
    const s = this.#statements;
    const run = this.#db.transaction(() => {
      const head = this.#readHead();
      const { results, fresh } = dedupeBatch(entries, head.size, (id) => {
        const existing = s.byId.get(id);
        return existing && { index: existing.idx, leafHash: new Uint8Array(existing.leaf_hash) };
      });
      if (fresh.length === 0) return results;
      const integration = integrate(
        head,
        fresh.map((e) => e.leafHash),
      );
      if (integration.head.size !== head.size + fresh.length)
        throw new Error('integration lost or added leaves');
      fresh.forEach((entry, i) => {
        s.insertEntry.run(head.size + i, entry.id, entry.leafHash, entry.bytes);
      });
      for (const node of integration.nodes) s.insertNode.run(node.level, node.index, node.hash);
      s.setHead.run(integration.head.size, Buffer.concat(integration.head.range));
      return results;
    });
    return run.immediate();
  }

  async head(): Promise<TreeHead> {
    return this.#readHead();
  }

  async entry(index: number): Promise<StoredEntry | undefined> {
    const row = this.#statements.byIndex.get(index);
    return row ? toEntry(row) : undefined;
  }

  async entryById(id: string): Promise<StoredEntry | undefined> {
    const row = this.#statements.byId.get(id);
    return row ? toEntry(row) : undefined;
  }

  async *entries(start: number, end: number): AsyncIterable<StoredEntry> {
    let at = start;
    while (at < end) {
      const rows = this.#statements.page.all(at, end, PAGE);
      if (rows.length === 0) return;
      for (const row of rows) yield toEntry(row);
      at = (rows.at(-1) as EntryRow).idx + 1;
    }
  }

  async nodeHashes(ids: readonly NodeId[]): Promise<Uint8Array[]> {
    const s = this.#statements;
    return ids.map(({ level, index }) => {
      const row = level === 0 ? s.leaf.get(index) : s.node.get(level, index);
      const hash = row && ('leaf_hash' in row ? row.leaf_hash : row.hash);
      if (!hash) throw new RangeError(`tree node ${level}/${index} is not in the log`);
      return new Uint8Array(hash);
    });
  }

  #checkpoint(row: CheckpointRow | undefined): StoredCheckpoint | undefined {
    if (!row) return undefined;
    const lines = this.#statements.cosignatures.all(row.size).map((r) => r.line);
    let note = row.note;
    if (lines.length > 0) {
      const parsed = parseNote(note);
      const known = new Set(parsed.signatures.map((sig) => sig.line));
      const extra = lines.filter((line) => !known.has(line)).map(parseSignatureLine);
      note = formatNote({ text: parsed.text, signatures: [...parsed.signatures, ...extra] });
    }
    return { size: row.size, rootHash: new Uint8Array(row.root_hash), note };
  }

  async latestCheckpoint(): Promise<StoredCheckpoint | undefined> {
    return this.#checkpoint(this.#statements.latestCheckpoint.get());
  }

  async checkpointAt(size: number): Promise<StoredCheckpoint | undefined> {
    return this.#checkpoint(this.#statements.checkpointAt.get(size));
  }

  async checkpointSizes(): Promise<number[]> {
    return this.#statements.checkpointSizes.all().map((r) => r.size);
  }

  async publishCheckpoint(
    checkpoint: StoredCheckpoint,
  ): Promise<{ stored: StoredCheckpoint; created: boolean }> {
    const { changes } = this.#statements.insertCheckpoint.run(
      checkpoint.size,
      checkpoint.rootHash,
      checkpoint.note,
    );
    const stored = this.#checkpoint(this.#statements.checkpointAt.get(checkpoint.size)) as StoredCheckpoint;
    return { stored, created: changes === 1 };
  }

  async addCosignatures(size: number, note: string): Promise<void> {
    const row = this.#statements.checkpointAt.get(size);
    if (!row) throw new RangeError(`no checkpoint of size ${size}`);
    const parsed = parseNote(note);
    if (parsed.text !== parseNote(row.note).text)
      throw new Error(`the cosigned note is not the checkpoint of size ${size}`);
    const own = new Set(parseNote(row.note).signatures.map((sig) => sig.line));
    const add = this.#db.transaction(() => {
      for (const sig of parsed.signatures)
        if (!own.has(sig.line)) this.#statements.insertCosignature.run(size, sig.line);
    });
    add.immediate();
  }

  async verifierKeys(): Promise<string[]> {
    return this.#statements.keys.all().map((r) => r.vkey);
  }

  async addVerifierKey(vkey: string): Promise<void> {
    this.#statements.insertKey.run(vkey, new Date().toISOString());
  }

  async origin(proposed: string): Promise<string> {
    this.#statements.insertMeta.run('origin', proposed);
    return (this.#statements.meta.get('origin') as { value: string }).value;
  }
}

function toEntry(row: EntryRow): StoredEntry {
  return {
    index: row.idx,
    id: row.id,
    bytes: new Uint8Array(row.body),
    leafHash: new Uint8Array(row.leaf_hash),
  };
}
