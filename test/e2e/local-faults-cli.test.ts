/**
 * The CLI and `verdict serve` on a bad day: a read-only data directory is one line and a non-zero exit, no
 * stack trace; a full disk answers POST /events with 503 and records nothing half-way; under concurrent
 * calls stderr stays quiet (metrics and their warnings are off unless asked).
 *
 * A read-only directory is a read-only tmpfs in a user namespace (`unshare -rm`) where that is allowed,
 * else (as a non-root user) a directory without write permission. The full disk is a 1 MiB tmpfs in a user
 * namespace; without `unshare` that case is skipped.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, type CliRun, listeningUrl, ROOT, runCli, spawnCli, userEnv } from '../support/cli.ts';

const canUnshare = (() => {
  try {
    execFileSync('unshare', ['-rm', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const isRoot = process.getuid?.() === 0;

/** `verdict <args>` inside a user and mount namespace, with a fresh tmpfs mounted (options) on `dir` first. */
function inNamespace(dir: string, mountOptions: string, script: string): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(
      'unshare',
      ['-rm', 'sh', '-c', `mount -t tmpfs -o ${mountOptions} tmpfs "$DIR" && ${script}`],
      { cwd: ROOT, env: { ...userEnv(), DIR: dir, VERDICT: `${process.execPath} ${CLI}` } },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

async function onReadOnlyDir(args: string[]): Promise<CliRun> {
  const dir = mkdtempSync(join(tmpdir(), 'verdict-ro-'));
  if (canUnshare) return inNamespace(dir, 'ro,size=1m', `exec $VERDICT ${args.join(' ')} --data-dir "$DIR"`);
  chmodSync(dir, 0o500);
  try {
    return await runCli([...args, '--data-dir', dir]);
  } finally {
    chmodSync(dir, 0o700);
  }
}

describe('a read-only data directory', () => {
  it.skipIf(isRoot && !canUnshare)(
    'is one line and exit 1 for serve --init and token create',
    async () => {
      for (const args of [
        ['serve', '--port', '0', '--init'],
        ['token', 'create', '--role', 'admin'],
      ]) {
        const run = await onReadOnlyDir(args);
        expect(run.code, args.join(' ')).toBe(1);
        expect(run.stderr, args.join(' ')).toMatch(
          /^verdict: the data directory \S+ cannot be used: (read-only file system|permission denied) \(set --data-dir or VERDICT_DATA_DIR\)\n$/,
        );
        expect(run.stdout).toBe('');
      }
    },
    60_000,
  );
});

describe('a full disk', () => {
  it.skipIf(!canUnshare)(
    'answers POST /events with 503, not 200, and 200 again once space is freed',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'verdict-full-'));
      // Serve on a 2 MiB tmpfs, fill it, post a SageMaker event for an unknown package; free it, post again.
      const serve = [
        '$VERDICT serve --port 0 --init --data-dir "$DIR/data" 2>"$DIR/serve.log" &',
        'SERVE=$!',
        'for i in $(seq 1 100); do grep -q listening "$DIR/serve.log" 2>/dev/null && break; sleep 0.2; done',
        'PORT=$(sed -n "s/.*127.0.0.1:\\([0-9]*\\).*/\\1/p" "$DIR/serve.log")',
      ];
      const script = [
        ...serve,
        'dd if=/dev/zero of="$DIR/filler" bs=64k 2>/dev/null',
        `node -e '${postOnce}' "$PORT"`,
        'kill $SERVE',
        'wait $SERVE',
        'rm "$DIR/filler"',
        ...serve,
        `node -e '${postOnce}' "$PORT"`,
        'kill $SERVE',
        'wait $SERVE',
      ].join('\n');
      const run = await inNamespace(dir, 'size=2m', script);
      const [full, freed] = run.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { status: number; body: Record<string, unknown> });
      expect(full).toEqual({
        status: 503,
        body: {
          type: 'https://verdict.dev/problems/event-not-processed',
          title: 'Event not processed',
          status: 503,
          detail:
            'the event could not be processed or kept as a dead letter; nothing is acknowledged: retry later',
        },
      });
      // Once there is room, the unknown package is a recorded rejection: 200.
      expect(freed?.status).toBe(200);
    },
    60_000,
  );
});

/** Posts one event to 127.0.0.1:$1/events and prints {status, body}. */
const postOnce = `
const arn = "arn:aws:sagemaker:us-east-1:000000000000:model-package/unknown/1";
fetch("http://127.0.0.1:" + process.argv[1] + "/events", {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ Entries: [{ Source: "aws.sagemaker", DetailType: "SageMaker Model Package State Change",
    Resources: [arn], Detail: JSON.stringify({ ModelPackageArn: arn, ModelPackageGroupName: "unknown",
    ModelPackageVersion: 1, ModelApprovalStatus: "PendingManualApproval", ModelPackageStatus: "Completed" }) }] }),
}).then(async (r) => console.log(JSON.stringify({ status: r.status, body: await r.json() })));
`.replaceAll("'", '');

describe('a data directory without a ledger', () => {
  it('serve, dlq, forget and token revoke refuse in one line (exit 2) and create nothing', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'verdict-no-ledger-')), 'data');
    const noLedger = `verdict: no ledger at ${dataDir} (run \`verdict demo\` to create one, or point --data-dir or VERDICT_DATA_DIR at your data directory)\n`;
    for (const args of [
      ['serve', '--port', '0'],
      ['dlq', 'list'],
      ['dlq', 'redrive'],
      ['forget', '--subject', 'alice@example.com'],
    ]) {
      const run = await runCli([...args, '--data-dir', dataDir]);
      expect(run, args.join(' ')).toEqual({ code: 2, stdout: '', stderr: noLedger });
    }
    const revoke = await runCli(['token', 'revoke', 'some-token-id', '--data-dir', dataDir]);
    expect(revoke).toEqual({
      code: 2,
      stdout: '',
      stderr: `verdict: no token signing key at ${dataDir}: tokens are made there with verdict token create (or pass --data-dir)\n`,
    });
    expect(existsSync(dataDir)).toBe(false);
  });
});

describe('verdict serve on a busy port', () => {
  it('says the port is in use, in one line, and exits 2', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const { port } = busy.address() as AddressInfo;
    try {
      const dataDir = join(mkdtempSync(join(tmpdir(), 'verdict-busy-')), 'data');
      const run = await runCli(['serve', '--port', String(port), '--init', '--data-dir', dataDir]);
      expect(run).toEqual({
        code: 2,
        stdout: '',
        stderr: `verdict: port ${port} is in use (stop what listens on it, or pass --port)\n`,
      });
    } finally {
      busy.close();
    }
  });
});

describe('verdict serve under concurrent calls', () => {
  it('prints nothing on stderr but the listening line', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'verdict-quiet-')), 'data');
    mkdirSync(dataDir);
    const child = spawnCli(
      ['serve', '--port', '0', '--init', '--data-dir', dataDir],
      ['ignore', 'pipe', 'pipe'],
    );
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    try {
      const base = await listeningUrl(child);
      child.stderr?.on('data', (chunk) => {
        output += chunk;
      });
      // Gate invocations and API calls interleave: one call's metrics flush finds another's already gone.
      for (let round = 0; round < 10; round++) {
        await Promise.all(
          Array.from({ length: 16 }, (_, i) =>
            i % 2 === 0
              ? fetch(`${base}/decisions`).then((r) => r.text())
              : fetch(`${base}/events`, {
                  method: 'POST',
                  headers: { 'content-type': 'application/json' },
                  body: unknownPackageEvent(round * 16 + i),
                }).then((r) => r.text()),
          ),
        );
      }
    } finally {
      child.kill('SIGTERM');
    }
    await new Promise((resolve) => child.once('close', resolve));
    expect(output).toBe('');
  }, 60_000);
});

function unknownPackageEvent(version: number): string {
  const arn = `arn:aws:sagemaker:us-east-1:000000000000:model-package/unknown/${version}`;
  const detail = {
    ModelPackageArn: arn,
    ModelPackageGroupName: 'unknown',
    ModelPackageVersion: version,
    ModelApprovalStatus: 'PendingManualApproval',
    ModelPackageStatus: 'Completed',
  };
  return JSON.stringify({
    Entries: [
      {
        Source: 'aws.sagemaker',
        DetailType: 'SageMaker Model Package State Change',
        Resources: [arn],
        Detail: JSON.stringify(detail),
      },
    ],
  });
}
