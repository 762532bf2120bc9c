/**
 * The AWS ledger store against the emulator (moto): DynamoDB sequencing with conditional writes, write-once
 * tiles in a versioned S3 bucket, checkpoints anchored under Object Lock, KMS-wrapped subject keys, two
 * sequencers racing, a writer that stops between commit and publish, and tampering with stored objects.
 *
 * moto has no Ed25519 KMS keys (ECC_NIST_EDWARDS25519): the ledgers here sign with a file-style Ed25519 key;
 * the KMS signer is tested in ledger-kms-signer.test.ts.
 */
import { CreateTableCommand, DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { CheckpointAnchor } from '../../functions/adapters/aws/ledger/anchor.ts';
import {
  type AwsLedgerOptions,
  awsLedgerOptionsFromEnvironment,
  LedgerConfigurationError,
  openAwsLedger,
} from '../../functions/adapters/aws/ledger/open.ts';
import {
  AwsLedgerStore,
  LedgerStorageTamperError,
  MAX_TRANSACTION_ENTRIES,
} from '../../functions/adapters/aws/ledger/store.ts';
import { DynamoDbSubjectKeyStore } from '../../functions/adapters/aws/ledger/subject-keys.ts';
import { SUBJECT_KEYS_TABLE_KEYS } from '../../functions/adapters/aws/ledger/table-schema.ts';
import { MemoryLedgerStore } from '../../functions/adapters/local/ledger/memory-store.ts';
import { parseCheckpoint } from '../../functions/ledger/core/checkpoint.ts';
import { integrate } from '../../functions/ledger/core/integrate.ts';
import { verifyConsistency, verifyInclusion } from '../../functions/ledger/core/proofs.ts';
import { parseNote, signNote } from '../../functions/ledger/core/signed-note.ts';
import { prepareEntry } from '../../functions/ledger/entry.ts';
import { forgetSubject } from '../../functions/ledger/erasure.ts';
import { verifyExport } from '../../functions/ledger/export/verify-export.ts';
import { Ledger } from '../../functions/ledger/ledger.ts';
import { PersonalData, SubjectForgottenError } from '../../functions/ledger/personal-data.ts';
import type { PreparedEntry } from '../../functions/ledger/ports/ledger-store.ts';
import { LEDGER_ENVIRONMENT } from '../../functions/shared/environment.ts';
import { awsClientConfig, s3ClientConfig, uniqueName } from '../support/aws-clients.ts';
import { exported, logSigner, note, ORIGIN, removeTempDirs } from '../support/ledger-fixture.ts';
import {
  createLedgerResources as createSharedLedgerResources,
  type LedgerResources,
} from '../support/ledger-resources.ts';

const endpoint = inject('motoEndpoint');
const clients = () => ({
  dynamodb: new DynamoDBClient(awsClientConfig(endpoint)),
  s3: new S3Client(s3ClientConfig(endpoint)),
  kms: new KMSClient(awsClientConfig(endpoint)),
});
const shared = clients();

afterAll(removeTempDirs);

type Resources = LedgerResources;

function createLedgerResources(): Promise<Resources> {
  return createSharedLedgerResources(shared);
}

function open(r: Resources, overrides: Partial<AwsLedgerOptions> = {}) {
  return openAwsLedger({
    mode: 'writer',
    tableName: r.table,
    tilesBucket: r.tiles,
    anchorBucket: r.anchor,
    origin: ORIGIN,
    signer: logSigner(),
    clients: shared,
    ...overrides,
  }).open();
}

async function listKeys(bucket: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await shared.s3.send(
      new ListObjectsV2Command({ Bucket: bucket, ...(token ? { ContinuationToken: token } : {}) }),
    );
    keys.push(...(page.Contents ?? []).map((o) => o.Key as string));
    token = page.NextContinuationToken;
  } while (token);
  return keys.sort();
}

async function getObject(bucket: string, key: string): Promise<Buffer> {
  const out = await shared.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(
    await (out.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
  );
}

/**
 * moto 5.2.5 is not linearizable under concurrent requests, where DynamoDB and S3 are: TransactWriteItems
 * checks conditions and applies items one by one without a lock (a failed one rolls back to a deep copy of
 * the table, undoing whatever committed meanwhile), and PutObject checks If-None-Match apart from writing.
 * Measured: of 30 pairs of transactions conditioned on the same item version, one pair both succeeded. So the
 * racing sequencers below pass their conditional writes through one queue: each is processed alone, as the
 * services do. Everything else, including the read-head, integrate, commit race itself, runs concurrently.
 */
function serializeConditionalWrites(...sets: ReturnType<typeof clients>[]): { serialized: number } {
  const counter = { serialized: 0 };
  let queue: Promise<unknown> = Promise.resolve();
  const conditional = new Set([
    'TransactWriteItemsCommand',
    'TransactWriteCommand',
    'PutItemCommand',
    'PutCommand',
    'PutObjectCommand',
  ]);
  for (const set of sets)
    for (const client of [set.dynamodb, set.s3] as { middlewareStack: DynamoDBClient['middlewareStack'] }[])
      client.middlewareStack.add(
        (next, context) => (args) => {
          if (!conditional.has(context.commandName as string)) return next(args);
          counter.serialized++;
          const run = queue.then(() => next(args));
          queue = run.catch(() => undefined);
          return run;
        },
        { step: 'finalizeRequest', name: 'serializeConditionalWrites' },
      );
  return counter;
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
const b64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));

describe('appending to DynamoDB + S3', () => {
  it('sequences in batches, reads back, dedupes by id, and lays out C2SP tiles', async () => {
    const r = await createLedgerResources();
    const { ledger, store } = await open(r);
    const results = await ledger.appendMany(range(0, 300).map((i) => note(i)));
    expect(results.map((x) => x.index)).toEqual(range(0, 300));
    expect(results.every((x) => x.created)).toBe(true);
    // One transaction per batch of at most 98 entries, one checkpoint per batch.
    expect(await store.checkpointSizes()).toEqual([98, 196, 294, 300]);
    expect(store.stats).toEqual({ lostRaces: 0, repairedBatches: 0 });

    expect(await ledger.append(note(7))).toMatchObject({ index: 7, created: false });
    expect((await ledger.findById('note/299'))?.entry).toEqual(note(299));
    expect((await ledger.get(256))?.text).toBe(
      '{"id":"note/256","note":{"i":256},"recordedAt":"2026-11-28T12:00:00.000Z","type":"note"}',
    );
    expect(await ledger.get(300)).toBeUndefined();
    expect(await ledger.findById('note/300')).toBeUndefined();

    const keys = await listKeys(r.tiles);
    expect(keys).toEqual(
      expect.arrayContaining([
        'tile/0/000.p/98',
        'tile/0/000.p/196',
        'tile/0/000',
        'tile/0/001.p/38',
        'tile/0/001.p/44',
        'tile/1/000.p/1',
        'tile/entries/000.p/98',
        'tile/entries/000',
        'tile/entries/001.p/44',
        'checkpoints/98',
        'checkpoints/300',
      ]),
    );
    expect(keys.filter((k) => k.startsWith('seq/'))).toHaveLength(4);
    const leafTile = await getObject(r.tiles, 'tile/0/000');
    expect(leafTile).toEqual(Buffer.concat(results.slice(0, 256).map((x) => b64(x.leafHash))));
    expect(await getObject(r.tiles, 'tile/1/000.p/1')).toEqual(Buffer.from(await ledger.rootAt(256)));
  });

  it('builds the same tree as the reference store; proofs and the export verify', async () => {
    const r = await createLedgerResources();
    const { ledger } = await open(r, { batch: { maxEntries: 65 } });
    const reference = await Ledger.open({ store: new MemoryLedgerStore(), signer: logSigner() });
    const entries = range(0, 520).map((i) => note(i));
    await ledger.appendMany(entries);
    await reference.appendMany(entries);
    for (const size of [1, 2, 65, 255, 256, 257, 512, 519, 520])
      expect(Buffer.from(await ledger.rootAt(size))).toEqual(Buffer.from(await reference.rootAt(size)));

    const checkpoint = (await ledger.latestCheckpoint()) as NonNullable<
      Awaited<ReturnType<Ledger['latestCheckpoint']>>
    >;
    expect(checkpoint.size).toBe(520);
    for (const index of [0, 255, 256, 519]) {
      const doc = await ledger.proveInclusion(index);
      verifyInclusion(index, 520, b64(doc.leafHash), doc.inclusionPath.map(b64), checkpoint.rootHash);
    }
    const consistency = await ledger.proveConsistency(65, 520);
    const first = parseCheckpoint(parseNote(consistency.checkpoint1 as string).text);
    verifyConsistency(65, 520, first.rootHash, checkpoint.rootHash, consistency.consistencyPath.map(b64));

    const report = verifyExport(await exported(ledger), { logKeys: [logSigner().verifierKey] });
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, entries: 520, latest: { size: 520 } });
  });

  it('reopens over the same table and bucket: origin fixed, keys kept, rotation adds one', async () => {
    const r = await createLedgerResources();
    const first = await open(r);
    await first.ledger.appendMany(range(0, 10).map((i) => note(i)));

    const other = clients();
    const again = await open(r, { clients: other, origin: 'verdict.example/other', signer: logSigner(2) });
    expect(again.ledger.origin).toBe(ORIGIN);
    expect(await again.ledger.size()).toBe(10);
    expect((await again.ledger.get(9))?.entry).toEqual(note(9));
    await again.ledger.append(note(10));
    expect(await again.store.verifierKeys()).toEqual([logSigner().verifierKey, logSigner(2).verifierKey]);
    const report = verifyExport(await exported(again.ledger), {
      logKeys: [logSigner().verifierKey, logSigner(2).verifierKey],
    });
    expect(report.problems).toEqual([]);
  });

  it('commits a batch larger than one transaction in parts, in order', async () => {
    const r = await createLedgerResources();
    const { store } = await open(r);
    const prepared = range(0, 150).map((i) => prepareEntry(note(i)));
    const results = await store.sequence([...prepared, prepared[3] as PreparedEntry], integrate);
    expect(results.map((x) => x.index)).toEqual([...range(0, 150), 3]);
    expect(results.at(-1)?.created).toBe(false);
    expect((await store.head()).size).toBe(150);
    const batches = await shared.dynamodb.send(
      new QueryCommand({
        TableName: r.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: 'BATCH' } },
      }),
    );
    expect(batches.Items?.map((item) => [Number(item.first?.N), Number(item.count?.N)])).toEqual([
      [0, MAX_TRANSACTION_ENTRIES],
      [MAX_TRANSACTION_ENTRIES, 150 - MAX_TRANSACTION_ENTRIES],
    ]);
    expect((await store.entry(149))?.id).toBe('note/149');
  });

  it('refuses an entry a C2SP bundle cannot hold (uint16 length)', async () => {
    const r = await createLedgerResources();
    const { store } = await open(r);
    const bytes = new Uint8Array(0x10000);
    await expect(
      store.sequence([{ id: 'big', bytes, leafHash: new Uint8Array(32) }], () => {
        throw new Error('not reached');
      }),
    ).rejects.toThrow('hold at most 65535');
  });
});

describe('two sequencers racing on one table and bucket', () => {
  it('never give one index twice and never fork; overlapping ids get one index', async () => {
    const r = await createLedgerResources();
    const [clientsA, clientsB] = [clients(), clients()];
    const queue = serializeConditionalWrites(clientsA, clientsB);
    const a = await open(r, { clients: clientsA, batch: { maxEntries: 7 } });
    const b = await open(r, { clients: clientsB, batch: { maxEntries: 5 } });
    const fromA = range(0, 120).map((i) => note(i));
    const fromB = range(80, 200).map((i) => note(i));
    const [ra, rb] = await Promise.all([
      Promise.all(fromA.map((e) => a.ledger.append(e))),
      Promise.all(fromB.map((e) => b.ledger.append(e))),
    ]);
    expect(a.store.stats.lostRaces + b.store.stats.lostRaces).toBeGreaterThan(0);
    expect(queue.serialized).toBeGreaterThan(0);

    const byId = new Map<string, number>();
    for (const result of [...ra, ...rb]) {
      const seen = byId.get(result.id);
      if (seen !== undefined) expect(result.index).toBe(seen);
      byId.set(result.id, result.index);
    }
    expect(byId.size).toBe(200);
    expect([...byId.values()].sort((x, y) => x - y)).toEqual(range(0, 200));
    // Each overlapping id was created by exactly one of them.
    for (const i of range(80, 120)) {
      const created = [...ra, ...rb].filter((x) => x.id === `note/${i}` && x.created);
      expect(created).toHaveLength(1);
    }

    const reader = await open(r, { clients: clients() });
    expect(await reader.ledger.size()).toBe(200);
    for (const i of [0, 99, 150, 199]) {
      const index = byId.get(`note/${i}`) as number;
      expect((await reader.ledger.get(index))?.id).toBe(`note/${i}`);
    }
    const report = verifyExport(await exported(reader.ledger), { logKeys: [logSigner().verifierKey] });
    expect(report.problems).toEqual([]);
    expect(report.checkpoints).toBeGreaterThan(10);
    await expect(reader.store.verifyWriteOnce()).resolves.toHaveLength(2);
  });
});

describe('losing the race for the head', () => {
  it('re-reads the head, keeps the ids the winner committed, and integrates again', async () => {
    const r = await createLedgerResources();
    const winner = await open(r, { clients: clients() });
    await winner.ledger.append(note(0));
    const loserClients = clients();
    let interfere = true;
    // Just before the loser's first transaction reaches DynamoDB, the winner commits a batch.
    loserClients.dynamodb.middlewareStack.add(
      (next, context) => async (args) => {
        if (interfere && context.commandName === 'TransactWriteItemsCommand') {
          interfere = false;
          await winner.ledger.appendMany([note(1), note(2), note(3)]);
        }
        return next(args);
      },
      { step: 'initialize', name: 'winnerFirst' },
    );
    const loser = await open(r, { clients: loserClients });
    const results = await loser.ledger.appendMany([note(2), note(10), note(11)]);
    expect(loser.store.stats.lostRaces).toBe(1);
    expect(results.map((x) => [x.id, x.index, x.created])).toEqual([
      ['note/2', 2, false],
      ['note/10', 4, true],
      ['note/11', 5, true],
    ]);
    const report = verifyExport(await exported(loser.ledger), { logKeys: [logSigner().verifierKey] });
    expect(report.problems).toEqual([]);
    expect(report.entries).toBe(6);
  });
});

describe('a writer that stops between commit and publish', () => {
  it('leaves committed batches that the next writer or reader publishes', async () => {
    const r = await createLedgerResources();
    const crashing = clients();
    let crash = false;
    crashing.s3.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { Key?: string };
        if (crash && context.commandName === 'PutObjectCommand' && input.Key?.startsWith('tile/'))
          throw new Error('simulated crash before publishing');
        return next(args);
      },
      { step: 'initialize', name: 'simulatedCrash' },
    );
    const dying = await open(r, { clients: crashing });
    await dying.ledger.append(note(0));
    crash = true;
    await expect(dying.ledger.appendMany(range(1, 20).map((i) => note(i)))).rejects.toThrow(
      'simulated crash',
    );
    await expect(dying.ledger.appendMany(range(20, 30).map((i) => note(i)))).rejects.toThrow(
      'simulated crash',
    );

    // A reader finds committed entries whose tiles are missing, and publishes them.
    const reader = await open(r, { clients: clients() });
    expect(await reader.ledger.size()).toBe(30);
    expect((await reader.ledger.get(25))?.entry).toEqual(note(25));
    expect(reader.store.stats.repairedBatches).toBe(2);

    // The dying writer comes back: its retry is idempotent and the log goes on.
    crash = false;
    const retried = await dying.ledger.appendMany(range(1, 31).map((i) => note(i)));
    expect(retried.map((x) => [x.index, x.created])).toEqual(range(1, 31).map((i) => [i, i === 30]));
    const report = verifyExport(await exported(reader.ledger), { logKeys: [logSigner().verifierKey] });
    expect(report.problems).toEqual([]);
    expect(report.entries).toBe(31);
    await reader.store.verifyWriteOnce();
  });

  it('publishes the missing batches when the next writer appends', async () => {
    const r = await createLedgerResources();
    const crashing = clients();
    crashing.s3.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { Key?: string };
        if (context.commandName === 'PutObjectCommand' && input.Key?.startsWith('tile/'))
          throw new Error('simulated crash before publishing');
        return next(args);
      },
      { step: 'initialize', name: 'simulatedCrash' },
    );
    const dying = await open(r, { clients: crashing });
    // One batch: committed, then the writer stops.
    await expect(dying.ledger.appendMany(range(0, 60).map((i) => note(i)))).rejects.toThrow(
      'simulated crash',
    );
    const writer = await open(r, { clients: clients() });
    expect(await writer.ledger.append(note(1000))).toMatchObject({ index: 60, created: true });
    expect(writer.store.stats.repairedBatches).toBe(1);
    expect((await writer.ledger.get(59))?.entry).toEqual(note(59));
    const report = verifyExport(await exported(writer.ledger), { logKeys: [logSigner().verifierKey] });
    expect(report.problems).toEqual([]);
  });
});

describe('a read-only ledger (the auditor API)', () => {
  it('reads and proves up to the newest published size, and writes nothing', async () => {
    const r = await createLedgerResources();
    const writerClients = clients();
    let stop = false;
    writerClients.s3.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { Key?: string };
        if (stop && context.commandName === 'PutObjectCommand' && input.Key?.startsWith('tile/'))
          throw new Error('simulated crash before publishing');
        return next(args);
      },
      { step: 'initialize', name: 'simulatedCrash' },
    );
    const writer = await open(r, { clients: writerClients });
    await writer.ledger.appendMany(range(0, 5).map((i) => note(i)));
    stop = true;
    await expect(writer.ledger.append(note(5))).rejects.toThrow('simulated crash');

    const reader = await open(r, { clients: clients(), mode: 'read-only', signer: undefined });
    expect(reader.signer.verifierKey).toBe(logSigner().verifierKey);
    expect(await reader.ledger.size()).toBe(6);
    expect((await reader.ledger.get(4))?.entry).toEqual(note(4));
    // Entry 5 is committed but not published: a reader does not publish, it stops at size 5.
    expect(await reader.ledger.get(5)).toBeUndefined();
    expect(reader.store.stats.repairedBatches).toBe(0);
    const proof = await reader.ledger.proveInclusion(2, 5);
    expect(proof).toMatchObject({ treeSize: 5, leafIndex: 2 });
    await expect(reader.ledger.append(note(6))).rejects.toThrow(
      'this ledger store is read-only: cannot append entries',
    );
    await expect(open(r, { mode: 'read-only', signer: logSigner(3) })).rejects.toThrow(
      "is not one of the log's keys",
    );
    const empty = await createLedgerResources();
    await expect(open(empty, { mode: 'read-only', signer: undefined })).rejects.toThrow(
      `the ledger table ${empty.table} holds no log yet`,
    );
  });
});

describe('tampering with stored objects', () => {
  it('an extra S3 object version of a write-once key is found and named', async () => {
    const r = await createLedgerResources();
    const { ledger, store } = await open(r);
    for (const i of range(0, 6)) await ledger.append(note(i));
    await expect(store.verifyWriteOnce()).resolves.toMatchObject([
      { bucket: r.tiles, problems: [] },
      { bucket: r.anchor, problems: [] },
    ]);

    // A raw PutObject (no If-None-Match) over a tile the log wrote once.
    const original = await getObject(r.tiles, 'tile/0/000.p/5');
    const forged = Buffer.from(original);
    forged[0] = (forged[0] as number) ^ 0xff;
    await shared.s3.send(new PutObjectCommand({ Bucket: r.tiles, Key: 'tile/0/000.p/5', Body: forged }));
    await shared.s3.send(new DeleteObjectCommand({ Bucket: r.tiles, Key: 'tile/entries/000.p/3' }));

    const failure = await store.verifyWriteOnce().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(LedgerStorageTamperError);
    const message = (failure as Error).message;
    expect(message).toContain('2 write-once object(s) changed after they were written');
    expect(message).toContain(
      `s3://${r.tiles}/tile/0/000.p/5 has 2 versions: a write-once object was overwritten`,
    );
    expect(message).toContain(`s3://${r.tiles}/tile/entries/000.p/3 was deleted`);
  });

  it('a changed tile is not built upon: publishing refuses, naming the tile', async () => {
    const r = await createLedgerResources();
    const { ledger } = await open(r);
    for (const i of range(0, 5)) await ledger.append(note(i));
    const forged = await getObject(r.tiles, 'tile/0/000.p/5');
    forged[40] = (forged[40] as number) ^ 0x01;
    await shared.s3.send(new PutObjectCommand({ Bucket: r.tiles, Key: 'tile/0/000.p/5', Body: forged }));

    const fresh = await open(r, { clients: clients() });
    await expect(fresh.ledger.append(note(5))).rejects.toThrow(
      `the tiles of tree size 6 cannot be published: entry 1 of tile/entries/000.p/6 does not hash to its leaf hash in tile/0/000.p/6; a published object they extend was changed (s3://${r.tiles}/tile/entries/000.p/5, s3://${r.tiles}/tile/0/000.p/5): run verifyWriteOnce`,
    );
  });

  it('an object squatting on a write-once key is reported, not accepted', async () => {
    const r = await createLedgerResources();
    const { ledger } = await open(r);
    await ledger.append(note(0));
    await shared.s3.send(
      new PutObjectCommand({ Bucket: r.tiles, Key: 'checkpoints/2', Body: 'not the checkpoint' }),
    );
    await expect(ledger.append(note(1))).rejects.toThrow(
      `s3://${r.tiles}/checkpoints/2 is write-once but holds other content than the log's`,
    );
  });

  it('an id item pointing at another entry is reported', async () => {
    const r = await createLedgerResources();
    const { ledger } = await open(r);
    await ledger.appendMany([note(0), note(1)]);
    await shared.dynamodb.send(
      new PutItemCommand({
        TableName: r.table,
        Item: { pk: { S: 'ID#note/9' }, sk: { S: 'ID' }, id: { S: 'note/9' }, index: { N: '1' } },
      }),
    );
    await expect(ledger.findById('note/9')).rejects.toThrow(
      'the id index says note/9 is entry 1, but that entry is note/1',
    );
  });
});

describe('anchoring checkpoints under Object Lock', () => {
  it('writes checkpoints and verifier keys in COMPLIANCE mode with the configured retention', async () => {
    const r = await createLedgerResources();
    const now = new Date('2026-11-28T12:00:00.000Z');
    const { ledger } = await open(r, { now: () => now, checkpointRetentionDays: 30, anchorIntervalMs: 0 });
    await ledger.append(note(0));
    await ledger.append(note(1));
    const keys = await listKeys(r.anchor);
    const vkeyId = logSigner().verifierKey.split('+')[1];
    expect(keys).toEqual(['checkpoints/1', 'checkpoints/2', `vkeys/${vkeyId}`].sort());
    for (const key of keys) {
      const head = await shared.s3.send(new HeadObjectCommand({ Bucket: r.anchor, Key: key }));
      expect(head.ObjectLockMode).toBe('COMPLIANCE');
      expect(head.ObjectLockRetainUntilDate?.toISOString()).toBe('2026-12-28T12:00:00.000Z');
    }
    expect((await getObject(r.anchor, 'checkpoints/2')).toString()).toBe(
      (await ledger.latestCheckpoint())?.note,
    );
    expect((await getObject(r.anchor, `vkeys/${vkeyId}`)).toString()).toBe(`${logSigner().verifierKey}\n`);
  });

  it('writes them in GOVERNANCE mode where the stack says so (outside production), so they can be removed', async () => {
    const r = await createLedgerResources();
    const { ledger } = await open(r, {
      checkpointRetentionDays: 1,
      objectLockMode: 'GOVERNANCE',
      anchorIntervalMs: 0,
    });
    await ledger.append(note(0));
    const head = await shared.s3.send(new HeadObjectCommand({ Bucket: r.anchor, Key: 'checkpoints/1' }));
    expect(head.ObjectLockMode).toBe('GOVERNANCE');
    await shared.s3.send(
      new DeleteObjectCommand({
        Bucket: r.anchor,
        Key: 'checkpoints/1',
        VersionId: head.VersionId,
        BypassGovernanceRetention: true,
      }),
    );
    expect(await listKeys(r.anchor)).not.toContain('checkpoints/1');
  });

  it('anchors at most once per interval, and refuses a fork of an anchored size', async () => {
    const r = await createLedgerResources();
    let clock = Date.parse('2026-11-28T12:00:00.000Z');
    const { ledger } = await open(r, { now: () => new Date(clock), anchorIntervalMs: 60_000 });
    await ledger.append(note(0));
    clock += 1_000;
    await ledger.append(note(1));
    clock += 60_000;
    await ledger.append(note(2));
    expect((await listKeys(r.anchor)).filter((k) => k.startsWith('checkpoints/'))).toEqual([
      'checkpoints/1',
      'checkpoints/3',
    ]);

    const anchor = new CheckpointAnchor({ s3: shared.s3, bucket: r.anchor, retentionDays: 1 });
    const forkBody = `${ORIGIN}\n3\n${Buffer.alloc(32, 7).toString('base64')}\n`;
    const fork = await signNote(forkBody, [logSigner()]);
    await expect(anchor.anchor({ size: 3, rootHash: Buffer.alloc(32, 7), note: fork })).rejects.toThrow(
      `fork: s3://${r.anchor}/checkpoints/3 anchors a different checkpoint of size 3 than the one the log signed now`,
    );
    // The same checkpoint with an added cosignature is the same checkpoint.
    const stored = (await ledger.latestCheckpoint())?.note as string;
    const cosigned = await signNote(parseNote(stored).text, [logSigner(), logSigner(9, 'auditor.example/w')]);
    await expect(
      anchor.anchor({ size: 3, rootHash: new Uint8Array(32), note: cosigned }),
    ).resolves.toMatchObject({ created: false });
    expect(() => new CheckpointAnchor({ s3: shared.s3, bucket: r.anchor, retentionDays: 0 })).toThrow(
      'checkpoint retention must be a whole number of days from 1 to 36500, got 0',
    );
  });
});

describe('subject keys: KMS-wrapped, in a deletable DynamoDB table', () => {
  async function subjectKeys() {
    const table = uniqueName('verdict-subject-keys');
    await shared.dynamodb.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: SUBJECT_KEYS_TABLE_KEYS.partitionKey, KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: SUBJECT_KEYS_TABLE_KEYS.partitionKey, AttributeType: 'S' }],
      }),
    );
    const key = await shared.kms.send(new CreateKeyCommand({ Description: 'verdict subject keys (test)' }));
    const keyId = key.KeyMetadata?.KeyId as string;
    return { table, keyId, store: new DynamoDbSubjectKeyStore({ ...shared, tableName: table, keyId }) };
  }

  it('creates once, reads back, stores only the wrapped key, and destroys', async () => {
    const { table, store } = await subjectKeys();
    const [k1, k2] = await Promise.all([store.getOrCreate('ps1.alice'), store.getOrCreate('ps1.alice')]);
    expect(k1).toHaveLength(32);
    expect(Buffer.from(k2)).toEqual(Buffer.from(k1));
    expect(Buffer.from((await store.get('ps1.alice')) as Uint8Array)).toEqual(Buffer.from(k1));
    const item = await shared.dynamodb.send(
      new GetCommand({ TableName: table, Key: { subject: 'ps1.alice' }, ConsistentRead: true }),
    );
    expect(Buffer.from(item.Item?.wrappedKey as Uint8Array).includes(Buffer.from(k1))).toBe(false);
    expect(await store.get('ps1.bob')).toBeUndefined();
    expect(await store.destroy('ps1.alice')).toBe(true);
    expect(await store.destroy('ps1.alice')).toBe(false);
    expect(await store.get('ps1.alice')).toBeUndefined();
  });

  it('binds a wrapped key to its subject (encryption context)', async () => {
    const { table, store } = await subjectKeys();
    await store.getOrCreate('ps1.alice');
    const item = await shared.dynamodb.send(
      new GetCommand({ TableName: table, Key: { subject: 'ps1.alice' }, ConsistentRead: true }),
    );
    await shared.dynamodb.send(
      new PutItemCommand({
        TableName: table,
        Item: {
          subject: { S: 'ps1.mallory' },
          wrappedKey: { B: item.Item?.wrappedKey as Uint8Array },
          wrappingKeyId: { S: String(item.Item?.wrappingKeyId) },
        },
      }),
    );
    await expect(store.get('ps1.mallory')).rejects.toMatchObject({ name: 'InvalidCiphertextException' });
  });

  it('forgetting a person: the ledger still verifies and the details cannot be read', async () => {
    const r = await createLedgerResources();
    const { table, keyId } = await subjectKeys();
    const { ledger, personal } = await open(r, {
      subjectKeysTable: table,
      dataKeyId: keyId,
      pseudonymKey: Buffer.alloc(32, 5),
    });
    if (!personal) throw new Error('expected personal data support');
    const entry = { ...note(0), id: 'note/with-person' };
    const part = await personal.seal('alice@example.com', { name: 'Alice Example' }, entry.id);
    await ledger.append({ ...entry, personal: part });
    expect(await personal.open(part, entry.id)).toEqual({ name: 'Alice Example' });
    const erased = await forgetSubject(ledger, personal, 'alice@example.com');
    expect(erased).toMatchObject({ keyDestroyed: true, entry: { index: 1, created: true } });
    await expect(personal.open(part, entry.id)).rejects.toThrow(SubjectForgottenError);
    const report = verifyExport(await exported(ledger), { logKeys: [logSigner().verifierKey] });
    expect(report.problems).toEqual([]);
    expect(personal).toBeInstanceOf(PersonalData);
  });
});

describe('configuration from the Lambda environment', () => {
  it('reads the variables the stack sets, and names every missing one', () => {
    const env = {
      [LEDGER_ENVIRONMENT.tableName]: 'ledger',
      [LEDGER_ENVIRONMENT.tilesBucket]: 'tiles',
      [LEDGER_ENVIRONMENT.anchorBucket]: 'anchor',
      [LEDGER_ENVIRONMENT.signingKeyId]: 'arn:aws:kms:eu-west-1:123456789012:key/abc',
      [LEDGER_ENVIRONMENT.origin]: 'verdict.example/prod/ledger',
      [LEDGER_ENVIRONMENT.checkpointRetentionDays]: '400',
      [LEDGER_ENVIRONMENT.subjectKeysTable]: 'subjects',
      [LEDGER_ENVIRONMENT.dataKeyId]: 'arn:aws:kms:eu-west-1:123456789012:key/def',
    };
    expect(
      awsLedgerOptionsFromEnvironment('read-only', shared, {
        ...env,
        [LEDGER_ENVIRONMENT.signingKeyId]: '',
      }),
    ).toMatchObject({ mode: 'read-only', tableName: 'ledger' });
    expect(awsLedgerOptionsFromEnvironment('writer', shared, env)).toMatchObject({
      mode: 'writer',
      tableName: 'ledger',
      tilesBucket: 'tiles',
      anchorBucket: 'anchor',
      signingKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/abc',
      origin: 'verdict.example/prod/ledger',
      checkpointRetentionDays: 400,
      objectLockMode: 'COMPLIANCE',
      subjectKeysTable: 'subjects',
      dataKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/def',
    });
    expect(
      awsLedgerOptionsFromEnvironment('writer', shared, {
        ...env,
        [LEDGER_ENVIRONMENT.objectLockMode]: 'GOVERNANCE',
      }),
    ).toMatchObject({ objectLockMode: 'GOVERNANCE' });
    expect(() =>
      awsLedgerOptionsFromEnvironment('writer', shared, {
        ...env,
        [LEDGER_ENVIRONMENT.objectLockMode]: 'none',
      }),
    ).toThrowError(
      new LedgerConfigurationError(
        'ledger configuration: VERDICT_OBJECT_LOCK_MODE must be one of COMPLIANCE, GOVERNANCE',
      ),
    );
    expect(() =>
      awsLedgerOptionsFromEnvironment('writer', shared, {
        [LEDGER_ENVIRONMENT.origin]: 'has space',
        [LEDGER_ENVIRONMENT.checkpointRetentionDays]: '0',
      }),
    ).toThrowError(
      new LedgerConfigurationError(
        'ledger configuration: VERDICT_LEDGER_TABLE is not set; VERDICT_LEDGER_TILES_BUCKET is not set; VERDICT_LEDGER_SIGNING_KEY_ID is not set; VERDICT_LEDGER_ORIGIN "has space" is not a signed-note key name (no spaces or "+"); VERDICT_LEDGER_CHECKPOINT_RETENTION_DAYS must be a whole number of days from 1 to 36500',
      ),
    );
  });

  it('opens with a KMS signing key, refusing one that is not Ed25519', async () => {
    const r = await createLedgerResources();
    const p256 = await shared.kms.send(
      new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }),
    );
    await expect(
      open(r, { signer: undefined, signingKeyId: p256.KeyMetadata?.KeyId as string }),
    ).rejects.toThrow('has key spec ECC_NIST_P256: checkpoints need an ECC_NIST_EDWARDS25519 key');
  });
});

describe('the store directly', () => {
  it('keeps cosignatures apart from the write-once checkpoint', async () => {
    const r = await createLedgerResources();
    const { ledger, store } = await open(r);
    await ledger.append(note(0));
    const stored = (await store.checkpointAt(1))?.note as string;
    const witness = logSigner(40, 'auditor.example/witness');
    const cosigned = await signNote(parseNote(stored).text, [logSigner(), witness]);
    await ledger.addCosignatures(cosigned);
    await ledger.addCosignatures(cosigned);
    const again = (await store.checkpointAt(1))?.note as string;
    expect(parseNote(again).signatures.map((s) => s.name)).toEqual([ORIGIN, 'auditor.example/witness']);
    // The S3 copy stays as signed.
    expect((await getObject(r.tiles, 'checkpoints/1')).toString()).toBe(stored);
    const head = await shared.dynamodb.send(
      new GetCommand({ TableName: r.table, Key: { pk: 'HEAD', sk: 'HEAD' }, ConsistentRead: true }),
    );
    expect(head.Item).toMatchObject({ size: 1, version: 1 });
    expect(MAX_TRANSACTION_ENTRIES).toBe(98);
    expect(store).toBeInstanceOf(AwsLedgerStore);
  });
});
