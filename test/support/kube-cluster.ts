/**
 * A real, throw-away Kubernetes control plane on loopback: etcd, kube-apiserver (RBAC, static tokens,
 * ValidatingAdmissionPolicy) and optionally kube-controller-manager running the deployment and replicaset
 * controllers. No scheduler and no nodes: pods stay Pending. The binaries are built by
 * scripts/build-kube.sh (run by `npm run setup`).
 *
 * Each process runs under a small shell guard in its own process group: the guard stops the process when
 * the test runner's end of its stdin closes, so even a runner killed with SIGKILL leaves no orphans (and,
 * ten seconds later, no temporary folder).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeConfig } from '@kubernetes/client-node';
import { type ClusterCredentials, writeClusterCredentials } from './kube-credentials.ts';

export interface KubeClusterConnection {
  /** https://127.0.0.1:<port> */
  readonly server: string;
  readonly caPem: string;
  readonly tokens: Readonly<Record<'admin' | 'deployer', string>>;
}

export interface KubeCluster {
  readonly connection: KubeClusterConnection;
  kubeConfig(user: 'admin' | 'deployer'): KubeConfig;
  /** Stops every process and removes the data folder; safe to call twice. */
  stop(): Promise<void>;
}

export interface KubeClusterOptions {
  /** Also run kube-controller-manager with the deployment and replicaset controllers. */
  readonly controllerManager?: boolean;
}

const HOST = '127.0.0.1';

/**
 * How long a test waits for the API server to act on a policy, binding or parameter change (admission
 * policies are read through informers: eventually consistent, and slower on a loaded machine).
 */
export const ADMISSION_PROPAGATION = { timeout: 45_000, interval: 200 } as const;
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 5_000;
const MODULE_DIR = fileURLToPath(new URL('../../tools/kube/', import.meta.url));
const BINARIES = ['etcd', 'kube-apiserver', 'kube-controller-manager'] as const;
/**
 * Runs "$@" with stdin detached and stops it (SIGTERM) once the guard's own stdin reaches end of file. The
 * reader gets the stdin through fd 3 because bash gives background jobs /dev/null as stdin. When
 * VERDICT_REMOVE_WHEN_DONE names a folder, the reader removes it as well, once the processes had time to stop
 * (this runs only when the test runner died without stopping the cluster).
 */
const GUARD =
  'exec 3<&0; "$@" </dev/null 3<&- & pid=$!; { cat <&3 >/dev/null; kill -TERM "$pid" 2>/dev/null;' +
  ' if [ -n "$VERDICT_REMOVE_WHEN_DONE" ]; then sleep 10; rm -rf -- "$VERDICT_REMOVE_WHEN_DONE"; fi; } & wait "$pid"';

/**
 * Where scripts/build-kube.sh puts the binaries: `VERDICT_KUBE_BIN_DIR`, or the user cache folder keyed by
 * the pins in tools/kube/go.mod and go.sum (the same key the script computes).
 */
export function kubeBinDir(): string {
  const override = process.env.VERDICT_KUBE_BIN_DIR;
  if (override) return override;
  const key = createHash('sha256')
    .update(readFileSync(join(MODULE_DIR, 'go.mod')))
    .update(readFileSync(join(MODULE_DIR, 'go.sum')))
    .digest('hex')
    .slice(0, 16);
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'verdict', 'kube', key);
}

const START_ATTEMPTS = 3;

export async function startKubeCluster(options: KubeClusterOptions = {}): Promise<KubeCluster> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (error) {
      // a free port taken between probing and binding is worth another try; anything else is not
      const portTaken = error instanceof Error && error.message.includes('address already in use');
      if (!portTaken || attempt === START_ATTEMPTS) throw error;
    }
  }
}

async function startOnce(options: KubeClusterOptions): Promise<KubeCluster> {
  const binDir = kubeBinDir();
  const missing = BINARIES.filter((name) => !existsSync(join(binDir, name)));
  if (missing.length > 0) {
    throw new Error(
      `${missing.join(', ')} not found in ${binDir}: run \`npm run setup\` or \`bash scripts/build-kube.sh\` ` +
        '(builds them from the Go module proxy once; about 20 minutes on 2 cores the first time)',
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'verdict-kube-'));
  // Lives as long as the cluster: its guard removes the folder only if the test runner dies without stop().
  // (A janitor that exits at once would have Node close its stdin, and the folder would go under etcd.)
  const janitor = guarded('janitor', 'sleep', ['infinity'], { removeWhenDone: dir });
  const processes: GuardedProcess[] = [];
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      process.off('exit', killNow);
      for (const child of [...processes].reverse()) await child.stop();
      rmSync(dir, { recursive: true, force: true });
      janitor.kill();
    })();
    return stopped;
  };
  const killNow = () => {
    for (const child of processes) child.kill();
    rmSync(dir, { recursive: true, force: true });
    janitor.kill();
  };
  process.on('exit', killNow);
  try {
    const credentials = await writeClusterCredentials(dir);
    const [etcdClient, etcdPeer, apiPort] = await threeFreePorts();
    const etcd = guarded('etcd', join(binDir, 'etcd'), etcdArguments(dir, etcdClient, etcdPeer));
    processes.push(etcd);
    await waitFor(etcd, () => etcdHealthy(etcdClient));

    const apiServer = guarded(
      'kube-apiserver',
      join(binDir, 'kube-apiserver'),
      apiServerArguments(credentials, etcdClient, apiPort),
    );
    processes.push(apiServer);
    const connection: KubeClusterConnection = {
      server: `https://${HOST}:${apiPort}`,
      caPem: credentials.caPem,
      tokens: { admin: credentials.tokens.admin, deployer: credentials.tokens.deployer },
    };
    await waitFor(apiServer, () => apiServerReady(connection));

    if (options.controllerManager) {
      const kubeconfig = join(dir, 'controller-manager.kubeconfig');
      await writeFile(kubeconfig, controllerManagerKubeconfig(connection.server, credentials), {
        mode: 0o600,
      });
      processes.push(
        guarded('kube-controller-manager', join(binDir, 'kube-controller-manager'), [
          `--kubeconfig=${kubeconfig}`,
          '--controllers=deployment,replicaset',
          '--leader-elect=false',
          '--use-service-account-credentials=false',
          '--secure-port=0',
        ]),
      );
    }
    for (const child of processes) child.reportUnexpectedExit();
    return { connection, kubeConfig: (user) => kubeConfigFor(connection, user), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A client configuration for one of the cluster's static-token users. */
export function kubeConfigFor(connection: KubeClusterConnection, user: 'admin' | 'deployer'): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [
      {
        name: 'verdict-test',
        server: connection.server,
        caData: Buffer.from(connection.caPem).toString('base64'),
        skipTLSVerify: false,
      },
    ],
    users: [{ name: user, token: connection.tokens[user] }],
    contexts: [{ name: user, cluster: 'verdict-test', user }],
    currentContext: user,
  });
  return kubeConfig;
}

function etcdArguments(dir: string, clientPort: number, peerPort: number): string[] {
  const client = `http://${HOST}:${clientPort}`;
  const peer = `http://${HOST}:${peerPort}`;
  return [
    '--name=verdict-test',
    `--data-dir=${join(dir, 'etcd')}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=verdict-test=${peer}`,
    '--unsafe-no-fsync', // the data is thrown away: durability costs time for nothing
    '--log-level=warn',
  ];
}

function apiServerArguments(credentials: ClusterCredentials, etcdPort: number, port: number): string[] {
  return [
    `--etcd-servers=http://${HOST}:${etcdPort}`,
    `--bind-address=${HOST}`,
    `--advertise-address=${HOST}`,
    `--secure-port=${port}`,
    '--endpoint-reconciler-type=none',
    `--tls-cert-file=${credentials.servingCertFile}`,
    `--tls-private-key-file=${credentials.servingKeyFile}`,
    '--authorization-mode=RBAC',
    `--token-auth-file=${credentials.tokenFile}`,
    '--anonymous-auth=false',
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${credentials.serviceAccountPublicKeyFile}`,
    `--service-account-signing-key-file=${credentials.serviceAccountSigningKeyFile}`,
    '--service-cluster-ip-range=10.96.0.0/24',
    '--profiling=false',
  ];
}

function controllerManagerKubeconfig(server: string, credentials: ClusterCredentials): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'local', cluster: { server, 'certificate-authority': credentials.caCertFile } }],
    users: [{ name: 'controller-manager', user: { token: credentials.tokens.controllerManager } }],
    contexts: [{ name: 'local', context: { cluster: 'local', user: 'controller-manager' } }],
    'current-context': 'local',
  });
}

interface GuardedProcess {
  readonly name: string;
  /** Why the process is gone, or undefined while it runs. */
  exitReason(): string | undefined;
  /** The tail of its stderr: enough to explain a failed start. */
  stderrTail(): string;
  stop(): Promise<void>;
  /** From now on, an exit that stop() did not ask for is written to stderr with the process's own stderr. */
  reportUnexpectedExit(): void;
  /** SIGKILL to the whole process group, synchronously (for `process.on('exit')`). */
  kill(): void;
}

function guarded(
  name: string,
  binary: string,
  args: string[],
  options: { removeWhenDone?: string } = {},
): GuardedProcess {
  const child: ChildProcess = spawn('bash', ['-c', GUARD, name, binary, ...args], {
    env: { ...process.env, VERDICT_REMOVE_WHEN_DONE: options.removeWhenDone ?? '' },
    detached: true, // its own process group, so that kill() reaches the binary and the guard alike
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4_000);
  });
  let exited: string | undefined;
  let stopping = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = `exited with ${signal ?? `code ${code}`}`;
      resolve();
    });
    child.once('error', (error) => {
      exited = `failed to spawn: ${error.message}`;
      resolve();
    });
  });
  const kill = () => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // the group is already gone
    }
  };
  return {
    name,
    exitReason: () => exited,
    stderrTail: () => stderr.trim(),
    kill,
    reportUnexpectedExit() {
      child.once('exit', () => {
        if (stopping) return;
        console.error(`${name} stopped unexpectedly: ${exited}\n--- ${name} stderr ---\n${stderr.trim()}`);
      });
    },
    async stop() {
      stopping = true;
      if (exited === undefined) {
        child.stdin?.end(); // the guard sends SIGTERM
        const timer = setTimeout(kill, STOP_TIMEOUT_MS);
        await exit;
        clearTimeout(timer);
      }
      kill(); // whatever is left of the group (the guard's reader)
    },
  };
}

async function waitFor(child: GuardedProcess, ready: () => Promise<string | true>): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    const reason = child.exitReason();
    if (reason) throw startError(child, reason);
    const answer = await ready().catch((error: unknown) =>
      error instanceof Error ? error.message : String(error),
    );
    if (answer === true) return;
    last = answer;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw startError(child, `not ready within ${START_TIMEOUT_MS} ms (last: ${last})`);
}

function startError(child: GuardedProcess, reason: string): Error {
  return new Error(
    `${child.name} did not start: ${reason}\n--- ${child.name} stderr ---\n${child.stderrTail()}`,
  );
}

async function etcdHealthy(port: number): Promise<string | true> {
  const response = await fetch(`http://${HOST}:${port}/health`, { signal: AbortSignal.timeout(1_000) });
  const body = await response.text();
  return response.ok && body.includes('"health":"true"') ? true : `HTTP ${response.status} ${body}`;
}

function apiServerReady(connection: KubeClusterConnection): Promise<string | true> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${connection.server}/readyz`,
      {
        ca: connection.caPem,
        headers: { authorization: `Bearer ${connection.tokens.admin}` },
        timeout: 1_000,
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () =>
          resolve(response.statusCode === 200 ? true : `HTTP ${response.statusCode} ${body}`),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** Three ports free at the time of asking; all held at once so that they differ. */
async function threeFreePorts(): Promise<[number, number, number]> {
  const servers = await Promise.all(
    Array.from(
      { length: 3 },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, HOST, () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => {
    const address = server.address();
    if (!address || typeof address !== 'object') throw new Error('could not determine a free port');
    return address.port;
  });
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports as [number, number, number];
}
