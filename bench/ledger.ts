/**
 * The audit ledger on its embedded store: append throughput (500-byte entries, batched), export and `verify`
 * of a 1,000,000-entry log (verify in a child process, for its peak RSS), proof generation per second, and the
 * raw SHA-256 throughput of the same bytes on this machine in this run (Node's crypto and `openssl speed`),
 * so the ledger's figures read as ratios of what the hardware hashes.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openLocalLedger } from '../functions/adapters/local/ledger/sqlite-ledger.ts';
import type { NoteEntry } from '../functions/contracts/ledger-entry.ts';
import { exportLedger } from '../functions/ledger/export/write-export.ts';
import { canonicalJson } from '../functions/shared/canonical-json.ts';
import { isMain, perSecond, REPO_ROOT, table, writeResult } from './support.ts';

export const PARAMS = {
  /** Entries appended, exported and verified (VERDICT_BENCH_LEDGER_ENTRIES overrides, for a quick run). */
  entries: Number(process.env.VERDICT_BENCH_LEDGER_ENTRIES ?? 1_000_000),
  entryBytes: 500,
  /** Entries per appendMany call: each is one write transaction and one signed checkpoint. */
  batch: 1000,
  proofSeconds: 2,
  shaSample: 200_000,
  opensslSeconds: 2,
};

/** A note entry whose RFC 8785 form is exactly `bytes` long. */
function entryOfSize(i: number, bytes: number): NoteEntry {
  const base: NoteEntry = {
    id: `bench/${String(i).padStart(9, '0')}`,
    type: 'note',
    recordedAt: '2026-11-28T12:00:00.000Z',
    note: { i: 0, pad: '' },
  };
  const overhead = Buffer.byteLength(canonicalJson({ ...base, note: { i, pad: '' } }));
  return { ...base, note: { i, pad: 'x'.repeat(bytes - overhead) } };
}

function seconds(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e9;
}

/** Runs `fn` repeatedly for `duration` seconds; returns operations per second. */
async function rate(duration: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  let n = 0;
  while (seconds(start) < duration) await fn(n++);
  return n / seconds(start);
}

interface VerifyRun {
  ms: number;
  ok: boolean;
  entries: number;
  maxRssMiB: number;
}

function verifyInChild(dir: string): VerifyRun {
  const module = path.join(REPO_ROOT, 'functions/ledger/export/verify-export.ts');
  const code = `
    const { verifyExport } = await import(${JSON.stringify(module)});
    const t = performance.now();
    const r = verifyExport(${JSON.stringify(dir)});
    const ms = performance.now() - t;
    console.log(JSON.stringify({ ms, ok: r.ok, entries: r.entries, problems: r.problems.slice(0, 3), maxRssMiB: process.resourceUsage().maxRSS / 1024 }));`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').at(-1) as string) as VerifyRun;
}

function opensslSha256(): { bytesPerSecond: number; version: string } | undefined {
  try {
    const version = execFileSync('openssl', ['version'], { encoding: 'utf8' }).trim();
    const out = execFileSync(
      'openssl',
      ['speed', '-evp', 'sha256', '-bytes', '512', '-seconds', String(PARAMS.opensslSeconds)],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const line = out
      .split('\n')
      .reverse()
      .find((l) => /^sha256\s/i.test(l.trim()));
    const match = line?.match(/([0-9.]+)k\s*$/);
    return match ? { bytesPerSecond: Number(match[1]) * 1000, version } : undefined;
  } catch {
    return undefined;
  }
}

export async function runLedger(): Promise<void> {
  const { entries: n, entryBytes, batch } = PARAMS;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'verdict-bench-ledger-'));
  try {
    const local = await openLocalLedger({
      dataDir: path.join(work, 'data'),
      batch: { maxEntries: batch },
    }).open();
    const { ledger } = local;

    // Append, batched: every appendMany of `batch` entries is one transaction and one signed checkpoint.
    const appendStart = process.hrtime.bigint();
    for (let i = 0; i < n; i += batch) {
      const chunk = Array.from({ length: Math.min(batch, n - i) }, (_, k) => entryOfSize(i + k, entryBytes));
      await ledger.appendMany(chunk);
    }
    const appendSeconds = seconds(appendStart);
    const appendPerSecond = n / appendSeconds;

    // Proofs against the latest checkpoint, from the SQLite node table.
    const size = await ledger.size();
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    const inclusionPerSecond = await rate(PARAMS.proofSeconds, () =>
      ledger.proveInclusion(random() % size, size),
    );
    const consistencyPerSecond = await rate(PARAMS.proofSeconds, () => {
      const a = 1 + (random() % (size - 1));
      return ledger.proveConsistency(a, size);
    });

    // Export, then verify the export from scratch in a child process.
    const out = path.join(work, 'export');
    const exportStart = process.hrtime.bigint();
    const summary = await exportLedger(ledger, out);
    const exportSeconds = seconds(exportStart);
    await local.close();
    const verify = verifyInChild(out);
    if (!verify.ok || verify.entries !== n)
      throw new Error(`verify of the bench export failed: ${JSON.stringify(verify)}`);
    const verifyPerSecond = n / (verify.ms / 1000);

    // Raw SHA-256 of the same leaf bytes (0x00 || entry), in this process.
    const sample = fs
      .readFileSync(path.join(out, 'entries.jsonl'))
      .subarray(0, PARAMS.shaSample * (entryBytes + 1));
    const leaves: Buffer[] = [];
    for (let at = 0; at + entryBytes <= sample.length; at += entryBytes + 1)
      leaves.push(sample.subarray(at, at + entryBytes));
    const zero = Buffer.from([0]);
    for (const leaf of leaves.slice(0, 10_000)) createHash('sha256').update(zero).update(leaf).digest();
    const shaStart = process.hrtime.bigint();
    for (const leaf of leaves) createHash('sha256').update(zero).update(leaf).digest();
    const nodeShaPerSecond = leaves.length / seconds(shaStart);
    const openssl = opensslSha256();
    const opensslPerSecond = openssl ? openssl.bytesPerSecond / (entryBytes + 1) : undefined;

    const ratio = (x: number, y: number | undefined) => (y ? Math.round((x / y) * 1000) / 1000 : null);
    const results = {
      entries: n,
      entryBytes,
      batch,
      append: { seconds: Math.round(appendSeconds * 10) / 10, perSecond: Math.round(appendPerSecond) },
      export: { seconds: Math.round(exportSeconds * 10) / 10, checkpoints: summary.checkpoints },
      verify: {
        seconds: Math.round(verify.ms / 100) / 10,
        perSecond: Math.round(verifyPerSecond),
        peakRssMiB: Math.round(verify.maxRssMiB),
      },
      proofs: {
        inclusionPerSecond: Math.round(inclusionPerSecond),
        consistencyPerSecond: Math.round(consistencyPerSecond),
        treeSize: size,
      },
      sha256: {
        nodePerSecond: Math.round(nodeShaPerSecond),
        nodeMiBPerSecond: Math.round((nodeShaPerSecond * (entryBytes + 1)) / 2 ** 20),
        ...(openssl
          ? {
              opensslPerSecond: Math.round(opensslPerSecond as number),
              opensslMiBPerSecond: Math.round(openssl.bytesPerSecond / 2 ** 20),
              openssl: openssl.version,
            }
          : { openssl: 'not available' }),
      },
      ratios: {
        appendToNodeSha: ratio(appendPerSecond, nodeShaPerSecond),
        verifyToNodeSha: ratio(verifyPerSecond, nodeShaPerSecond),
        verifyToOpensslSha: ratio(verifyPerSecond, opensslPerSecond),
        appendToOpensslSha: ratio(appendPerSecond, opensslPerSecond),
      },
    };
    console.log(
      table(
        `ledger: ${n.toLocaleString('en-US')} entries of ${entryBytes} bytes, SQLite store, batches of ${batch}`,
        ['measure', 'per second', 'vs SHA-256 (node)', 'vs SHA-256 (openssl)'],
        [
          [
            'append (durable, checkpointed)',
            perSecond(appendPerSecond),
            String(results.ratios.appendToNodeSha),
            String(results.ratios.appendToOpensslSha ?? '-'),
          ],
          [
            'verify (export from scratch)',
            perSecond(verifyPerSecond),
            String(results.ratios.verifyToNodeSha),
            String(results.ratios.verifyToOpensslSha ?? '-'),
          ],
          ['inclusion proofs', perSecond(inclusionPerSecond), '', ''],
          ['consistency proofs', perSecond(consistencyPerSecond), '', ''],
          ['SHA-256 of a leaf, node', perSecond(nodeShaPerSecond), '1', ''],
          ['SHA-256 of 512 B, openssl', opensslPerSecond ? perSecond(opensslPerSecond) : '-', '', '1'],
        ],
      ),
    );
    console.log(
      `export ${results.export.seconds} s (${summary.checkpoints} checkpoints); verify ${results.verify.seconds} s, peak RSS ${results.verify.peakRssMiB} MiB`,
    );
    console.log(`wrote ${writeResult('ledger', { params: PARAMS, results })}`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) await runLedger();
