/**
 * The ledger as an auditor and an operator use it: `verdict ledger` and `verdict forget` end to end, two
 * writer processes racing on one log, and a writer killed with SIGKILL mid-stream.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openLocalLedger } from '../../functions/adapters/local/ledger/sqlite-ledger.ts';
import { parseCheckpoint } from '../../functions/ledger/core/checkpoint.ts';
import { verifyConsistency, verifyInclusion } from '../../functions/ledger/core/proofs.ts';
import { parseNote } from '../../functions/ledger/core/signed-note.ts';
import { UNPINNED_MESSAGE } from '../../functions/ledger/export/verify-export.ts';
import { ROOT, runCli, userEnv } from '../support/cli.ts';

const EXIT = { ok: 0, badInput: 2, verifyFailed: 3, untrusted: 5 } as const;

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'verdict-e2e-ledger-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const verdict = (args: string[]) => runCli(args, { cwd: work, env: userEnv({ allVerdict: true }) });

const b64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));

function entriesFile(name: string, from: number, to: number): string {
  const file = path.join(work, name);
  const lines = [];
  for (let i = from; i < to; i++)
    lines.push(
      JSON.stringify({ id: `e2e/${i}`, type: 'note', recordedAt: '2026-11-28T12:00:00.000Z', note: { i } }),
    );
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

describe('verdict ledger', () => {
  const dataDir = path.join(work, 'data');
  const d = ['--data-dir', dataDir];

  it('append, checkpoint, export, verify; a tampered copy fails with exit 3 and says where', async () => {
    const first = await verdict(['ledger', 'append', '--file', entriesFile('a.jsonl', 0, 6), ...d]);
    expect(first.code, first.stderr).toBe(EXIT.ok);
    expect(JSON.parse(first.stdout)).toHaveLength(6);
    expect((await verdict(['ledger', 'append', '--file', entriesFile('b.jsonl', 6, 10), ...d])).code).toBe(
      EXIT.ok,
    );
    expect(fs.statSync(path.join(dataDir, 'ledger', 'signer.key')).mode & 0o777).toBe(0o600);

    const checkpoint = await verdict(['ledger', 'checkpoint', ...d]);
    expect(checkpoint.code).toBe(EXIT.ok);
    expect(checkpoint.stdout).toMatch(
      /^verdict\.local\/ledger\n10\n[A-Za-z0-9+/]{43}=\n\n— verdict\.local\/ledger [A-Za-z0-9+/]+=*\n$/,
    );

    const out = path.join(work, 'export');
    const exported = await verdict(['ledger', 'export', '--out', out, ...d]);
    expect(exported.code, exported.stderr).toBe(EXIT.ok);
    expect(fs.readdirSync(out).sort()).toEqual(['checkpoint', 'checkpoints', 'entries.jsonl', 'vkey']);
    expect(fs.readdirSync(path.join(out, 'checkpoints')).sort()).toEqual(['10', '6']);
    const vkey = fs.readFileSync(path.join(out, 'vkey'), 'utf8').trim();

    const ok = await verdict(['ledger', 'verify', out, '--key', vkey]);
    expect(ok.code, ok.stderr).toBe(EXIT.ok);
    expect(ok.stderr).toContain('OK: 10 entries, 2 signed checkpoints, latest size 10');

    const tampered = path.join(work, 'tampered');
    fs.cpSync(out, tampered, { recursive: true });
    const file = path.join(tampered, 'entries.jsonl');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"i":7', '"i":70'));
    const bad = await verdict(['ledger', 'verify', tampered, '--key', vkey]);
    expect(bad.code).toBe(EXIT.verifyFailed);
    expect(bad.stderr).toContain('verification FAILED');
    expect(bad.stderr).toContain(
      'an entry in 6..9 is not the entry that was signed (edited): checkpoints/10 (size 10)',
    );

    const json = await verdict(['ledger', 'verify', tampered, '--key', vkey, '--json']);
    expect(JSON.parse(json.stdout).problems[0]).toMatchObject({
      code: 'entries.edited',
      entryIndex: 6,
      checkpointSize: 10,
    });
  });

  it('prove and consistency print RFC 9162 proofs that verify offline', async () => {
    const proof = await verdict(['ledger', 'prove', '--index', '3', ...d]);
    expect(proof.code, proof.stderr).toBe(EXIT.ok);
    const doc = JSON.parse(proof.stdout);
    const root = parseCheckpoint(parseNote(doc.checkpoint).text).rootHash;
    verifyInclusion(3, doc.treeSize, b64(doc.leafHash), doc.inclusionPath.map(b64), root);

    const c = await verdict(['ledger', 'consistency', '--from', '6', '--to', '10', ...d]);
    const cdoc = JSON.parse(c.stdout);
    verifyConsistency(6, 10, b64(cdoc.rootHash1), b64(cdoc.rootHash2), cdoc.consistencyPath.map(b64));

    const beyond = await verdict(['ledger', 'prove', '--index', '99', ...d]);
    expect(beyond.code).toBe(EXIT.badInput);
    expect(beyond.stderr).toContain('entry index 99 is not below tree size');
    expect((await verdict(['ledger', 'consistency', '--from', 'x', '--to', '3', ...d])).code).toBe(
      EXIT.badInput,
    );
  });

  it('a witness cosigns, refuses to go back, and verify --witness-key requires it', async () => {
    const key = path.join(work, 'witness.key');
    const keygen = await verdict(['ledger', 'keygen', '--name', 'auditor.example/witness', '--out', key]);
    expect(keygen.code, keygen.stderr).toBe(EXIT.ok);
    const witnessVkey = keygen.stdout.trim();
    expect(fs.statSync(key).mode & 0o777).toBe(0o600);

    const out = path.join(work, 'export');
    const vkey = fs.readFileSync(path.join(out, 'vkey'), 'utf8').trim();
    const missing = await verdict(['ledger', 'verify', out, '--key', vkey, '--witness-key', witnessVkey]);
    expect(missing.code).toBe(EXIT.verifyFailed);
    expect(missing.stderr).toContain('no cosignature by witness auditor.example/witness+');

    const older = path.join(work, 'older-checkpoint');
    fs.copyFileSync(path.join(out, 'checkpoints', '6'), older);
    const first = await verdict([
      'ledger',
      'witness',
      '--key',
      key,
      '--checkpoint',
      older,
      '--log-key',
      vkey,
    ]);
    expect(first.code, first.stderr).toBe(EXIT.ok);
    const cosign = await verdict([
      'ledger',
      'witness',
      '--key',
      key,
      '--checkpoint',
      path.join(out, 'checkpoint'),
      ...d,
    ]);
    expect(cosign.code, cosign.stderr).toBe(EXIT.ok);
    expect(cosign.stderr).toContain('cosigned verdict.local/ledger size 10 (consistent with size 6)');
    const ok = await verdict(['ledger', 'verify', out, '--key', vkey, '--witness-key', witnessVkey]);
    expect(ok.code, ok.stderr).toBe(EXIT.ok);

    fs.copyFileSync(path.join(out, 'checkpoints', '6'), older);
    const back = await verdict(['ledger', 'witness', '--key', key, '--checkpoint', older]);
    expect(back.code).toBe(EXIT.verifyFailed);
    expect(back.stderr).toContain('is older than the last cosigned checkpoint (size 10)');

    const attach = await verdict([
      'ledger',
      'add-cosignature',
      '--checkpoint',
      path.join(out, 'checkpoint'),
      ...d,
    ]);
    expect(attach.code, attach.stderr).toBe(EXIT.ok);
    const again = path.join(work, 'export-again');
    await verdict(['ledger', 'export', '--out', again, ...d]);
    expect(
      (await verdict(['ledger', 'verify', again, '--key', vkey, '--witness-key', witnessVkey])).code,
    ).toBe(EXIT.ok);
  });

  it('forget records an erasure with only the pseudonym; the log still verifies', async () => {
    const run = await verdict(['forget', '--subject', 'alice@example.com', ...d]);
    expect(run.code, run.stderr).toBe(EXIT.ok);
    const result = JSON.parse(run.stdout);
    expect(result.subject).toMatch(/^ps1\./);
    expect(run.stdout).not.toContain('alice');
    const out = path.join(work, 'export-after-forget');
    await verdict(['ledger', 'export', '--out', out, ...d]);
    expect(fs.readFileSync(path.join(out, 'entries.jsonl'), 'utf8')).not.toContain('alice');
    // The trusted key, from a file of trusted keys kept since the first export.
    const trusted = path.join(work, 'trusted.vkey');
    fs.copyFileSync(path.join(work, 'export', 'vkey'), trusted);
    expect((await verdict(['ledger', 'verify', out, '--key', trusted])).code).toBe(EXIT.ok);
  });

  it('verify requires a pinned key, unless --trust-export-key; a log signed by another key is untrusted (5)', async () => {
    const out = path.join(work, 'export');
    const unpinned = await verdict(['ledger', 'verify', out]);
    expect(unpinned.code).toBe(EXIT.badInput);
    expect(unpinned.stderr).toBe(`verdict: ${UNPINNED_MESSAGE}\n`);

    const forgerDir = path.join(work, 'forger');
    await verdict(['ledger', 'append', '--file', path.join(work, 'a.jsonl'), '--data-dir', forgerDir]);
    const forged = path.join(work, 'forged-export');
    expect((await verdict(['ledger', 'export', '--out', forged, '--data-dir', forgerDir])).code).toBe(
      EXIT.ok,
    );
    const trusting = await verdict(['ledger', 'verify', forged, '--trust-export-key']);
    expect(trusting.code).toBe(EXIT.ok);
    expect(trusting.stderr).toContain(
      "verdict: warning: trusting the keys in the export's own vkey file (--trust-export-key)",
    );
    const vkey = fs.readFileSync(path.join(out, 'vkey'), 'utf8').trim();
    const pinned = await verdict(['ledger', 'verify', forged, '--key', vkey]);
    expect(pinned.code).toBe(EXIT.untrusted);
    expect(pinned.stderr).toContain(
      `verdict: UNTRUSTED: ${forged} is signed only by keys you did not pin, so nothing vouches for its content; pin the log's own verifier key with --key:\n`,
    );
    expect(pinned.stderr).not.toContain('FAILED');
    expect(pinned.stderr).toMatch(
      /^ {2}- checkpoints\/6: \(size 6\) is not signed by a trusted log key; it has signatures by unknown key verdict\.local\/ledger\+[0-9a-f]{8} \(trusted: verdict\.local\/ledger\+[0-9a-f]{8}\)$/m,
    );
  });

  it('read commands on a data directory without a ledger say "no ledger at DIR" (exit 2) and create nothing', async () => {
    const empty = path.join(work, 'no-ledger');
    const out = path.join(work, 'no-ledger-export');
    const e = ['--data-dir', empty];
    for (const args of [
      ['ledger', 'export', '--out', out, ...e],
      ['ledger', 'prove', '--index', '0', ...e],
      ['ledger', 'consistency', '--from', '1', '--to', '2', ...e],
      ['ledger', 'checkpoint', ...e],
    ]) {
      const run = await verdict(args);
      expect(run.code, args.join(' ')).toBe(EXIT.badInput);
      expect(run.stderr).toBe(
        `verdict: no ledger at ${empty} (run \`verdict demo\` to create one, or point --data-dir or VERDICT_DATA_DIR at your data directory)\n`,
      );
      expect(run.stdout).toBe('');
    }
    expect(fs.existsSync(empty)).toBe(false);
    expect(fs.existsSync(out)).toBe(false);
    // An existing but empty directory stays empty.
    fs.mkdirSync(empty);
    expect((await verdict(['ledger', 'checkpoint', ...e])).code).toBe(EXIT.badInput);
    expect(fs.readdirSync(empty)).toEqual([]);
  });

  it('--since rejects a log smaller than, or inconsistent with, a checkpoint seen before', async () => {
    const dataDir = path.join(work, 'since');
    const sd = ['--data-dir', dataDir];
    await verdict(['ledger', 'append', '--file', path.join(work, 'a.jsonl'), ...sd]);
    const small = path.join(work, 'since-6');
    await verdict(['ledger', 'export', '--out', small, ...sd]);
    await verdict(['ledger', 'append', '--file', path.join(work, 'b.jsonl'), ...sd]);
    const full = path.join(work, 'since-10');
    await verdict(['ledger', 'export', '--out', full, ...sd]);
    const vkey = fs.readFileSync(path.join(full, 'vkey'), 'utf8').trim();
    const seen = path.join(full, 'checkpoint');

    expect((await verdict(['ledger', 'verify', full, '--key', vkey, '--since', seen])).code).toBe(EXIT.ok);
    expect((await verdict(['ledger', 'verify', small, '--key', vkey])).code).toBe(EXIT.ok);
    const smaller = await verdict(['ledger', 'verify', small, '--key', vkey, '--since', seen]);
    expect(smaller.code).toBe(EXIT.verifyFailed);
    expect(smaller.stderr).toContain(
      '  - rolled back: the log has size 6, smaller than the checkpoint of size 10 seen before (--since); a log never shrinks\n',
    );

    // Whoever holds the signing key writes another history and signs it: valid alone, not with --since.
    const rewriteDir = path.join(work, 'rewrite');
    fs.mkdirSync(path.join(rewriteDir, 'ledger'), { recursive: true });
    fs.copyFileSync(
      path.join(dataDir, 'ledger', 'signer.key'),
      path.join(rewriteDir, 'ledger', 'signer.key'),
    );
    await verdict([
      'ledger',
      'append',
      '--file',
      entriesFile('rewrite.jsonl', 20, 32),
      '--data-dir',
      rewriteDir,
    ]);
    const rewritten = path.join(work, 'rewritten-export');
    await verdict(['ledger', 'export', '--out', rewritten, '--data-dir', rewriteDir]);
    expect((await verdict(['ledger', 'verify', rewritten, '--key', vkey])).code).toBe(EXIT.ok);
    const inconsistent = await verdict(['ledger', 'verify', rewritten, '--key', vkey, '--since', seen]);
    expect(inconsistent.code).toBe(EXIT.verifyFailed);
    expect(inconsistent.stderr).toMatch(
      /^ {2}- not consistent with the checkpoint seen before \(--since, size 10\): it commits to root \S+ but entries 0\.\.9 of this log hash to \S+; the history was rewritten$/m,
    );
    expect(inconsistent.stderr).not.toContain('edited');
  });

  it('a ledger.db replaced by an older copy is refused against the anchor, and nothing is signed', async () => {
    const dataDir = path.join(work, 'rollback');
    const rd = ['--data-dir', dataDir];
    const db = path.join(dataDir, 'ledger', 'ledger.db');
    await verdict(['ledger', 'append', '--file', path.join(work, 'a.jsonl'), ...rd]);
    const older = path.join(work, 'ledger-6.db');
    fs.copyFileSync(db, older);
    await verdict(['ledger', 'append', '--file', path.join(work, 'b.jsonl'), ...rd]);
    fs.copyFileSync(older, db);

    const message = new RegExp(
      `^verdict: the ledger does not hold: checkpoint older than the anchored high-water mark: the store's latest checkpoint has size 6 but the log signed size 10 \\(${dataDir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/ledger/ledger\\.anchor\\); the ledger store was rolled back or replaced by an older copy\n$`,
    );
    const checkpoint = await verdict(['ledger', 'checkpoint', ...rd]);
    expect(checkpoint.code).toBe(EXIT.verifyFailed);
    expect(checkpoint.stderr).toMatch(message);
    const out = path.join(work, 'rollback-export');
    const exported = await verdict(['ledger', 'export', '--out', out, ...rd]);
    expect(exported.code).toBe(EXIT.verifyFailed);
    expect(exported.stderr).toMatch(message);
    expect(fs.existsSync(out)).toBe(false);
    const appended = await verdict(['ledger', 'append', '--file', entriesFile('late.jsonl', 40, 41), ...rd]);
    expect(appended.code).toBe(EXIT.verifyFailed);
    expect(appended.stderr).toMatch(message);
  });
});

/** A writer process: appends entries to the local log at DATA_DIR and prints `ack <id> <index>` per entry. */
function writerScript(): string {
  const file = path.join(work, 'writer.mts');
  const local = path.join(ROOT, 'functions/adapters/local/ledger/sqlite-ledger.ts');
  fs.writeFileSync(
    file,
    `import { openLocalLedger } from ${JSON.stringify(local)};
const [dataDir, name, count, concurrency] = process.argv.slice(2);
// Every batch signs, so that both writers' checkpoints race (the local default signs on a cadence).
const { ledger, close } = await openLocalLedger({ dataDir, checkpoint: 'every-batch' }).open();
const entry = (i) => ({ id: name + '/' + i, type: 'note', recordedAt: new Date().toISOString(), note: { writer: name, i } });
for (let i = 0; i < Number(count); i += Number(concurrency)) {
  const ids = Array.from({ length: Math.min(Number(concurrency), Number(count) - i) }, (_, k) => i + k);
  const results = await Promise.all(ids.map((k) => ledger.append(entry(k))));
  for (const r of results) process.stdout.write('ack ' + r.id + ' ' + r.index + '\\n');
}
await close();
`,
  );
  return file;
}

function startWriter(dataDir: string, name: string, count: number, concurrency: number): ChildProcess {
  return spawn(
    process.execPath,
    ['--import', 'tsx', writerScript(), dataDir, name, String(count), String(concurrency)],
    {
      cwd: ROOT,
      env: userEnv({ allVerdict: true }),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
}

function collect(child: ChildProcess): {
  acks: Map<string, number>;
  done: Promise<number | null>;
  stderr: () => string;
} {
  const acks = new Map<string, number>();
  let buffer = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      const [, id, index] = line.split(' ');
      if (id) acks.set(id, Number(index));
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const done = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { acks, done, stderr: () => stderr };
}

describe('concurrency and crashes', () => {
  it('two writer processes racing on one log: one entry per index, no fork, the log verifies', async () => {
    const dataDir = path.join(work, 'race');
    const a = collect(startWriter(dataDir, 'a', 150, 5));
    const b = collect(startWriter(dataDir, 'b', 150, 3));
    expect(await a.done, a.stderr()).toBe(0);
    expect(await b.done, b.stderr()).toBe(0);

    const indices = [...a.acks.values(), ...b.acks.values()].sort((x, y) => x - y);
    expect(indices).toEqual(Array.from({ length: 300 }, (_, i) => i));
    const out = path.join(work, 'race-export');
    expect((await verdict(['ledger', 'export', '--out', out, '--data-dir', dataDir])).code).toBe(EXIT.ok);
    const verified = await verdict(['ledger', 'verify', out, '--trust-export-key']);
    expect(verified.code, verified.stderr).toBe(EXIT.ok);
    const lines = fs.readFileSync(path.join(out, 'entries.jsonl'), 'utf8').trim().split('\n');
    lines.forEach((line, index) => {
      const { id } = JSON.parse(line) as { id: string };
      expect(a.acks.get(id) ?? b.acks.get(id)).toBe(index);
    });
    // Both writers' checkpoints interleave in one consistent history.
    expect(fs.readdirSync(path.join(out, 'checkpoints')).length).toBeGreaterThan(2);
  }, 120_000);

  it('every acknowledged entry survives kill -9 of its writer', async () => {
    const dataDir = path.join(work, 'crash');
    const child = startWriter(dataDir, 'c', 100_000, 1);
    const writer = collect(child);
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (writer.acks.size >= 50) {
          clearInterval(poll);
          resolve();
        }
      }, 5);
    });
    child.kill('SIGKILL');
    await writer.done;
    const acked = new Map(writer.acks);

    const local = await openLocalLedger({ dataDir }).open();
    try {
      for (const [id, index] of acked) expect((await local.ledger.findById(id))?.index, id).toBe(index);
      expect(await local.ledger.size()).toBeGreaterThanOrEqual(acked.size);
    } finally {
      await local.close();
    }
    const out = path.join(work, 'crash-export');
    expect((await verdict(['ledger', 'export', '--out', out, '--data-dir', dataDir])).code).toBe(EXIT.ok);
    const verified = await verdict(['ledger', 'verify', out, '--trust-export-key']);
    expect(verified.code, verified.stderr).toBe(EXIT.ok);
  }, 120_000);
});
