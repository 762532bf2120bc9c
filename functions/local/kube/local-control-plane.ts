/**
 * A real, throw-away Kubernetes control plane on loopback: etcd, kube-apiserver (RBAC, static tokens and
 * optionally a token webhook, ValidatingAdmissionPolicy), optionally kube-controller-manager with the deployment and replicaset
 * controllers, and optionally kube-scheduler and kwok with one simulated GPU node, so that a GPU Deployment
 * rolls out for real without a kubelet. The binaries are built from the Go module proxy by
 * scripts/build-kube.sh (run by `npm run setup`).
 *
 * Every process runs under a guard (guarded-process.ts): nothing outlives the Node process that started it.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { SOURCE_ROOT } from '../../shared/source-root.ts';
import {
  type FakeGpuNodeOptions,
  fakeGpuNode,
  KWOK_NODE_SELECTOR,
  kwokConfiguration,
} from './fake-gpu-node.ts';
import { type GuardedProcess, guarded, waitUntilReady } from './guarded-process.ts';
import {
  type ClusterCredentials,
  type KubeUser,
  writeClusterCredentials,
} from './local-cluster-credentials.ts';

/** The users a client may act as: the admin, the deployer user, and a member of `verdict:deployers`. */
export type ClientUser = 'admin' | 'deployer' | 'groupDeployer';

export interface LocalControlPlaneConnection {
  /** https://127.0.0.1:<port> */
  readonly server: string;
  readonly caPem: string;
  readonly tokens: Readonly<Record<ClientUser, string>>;
}

export interface LocalControlPlane {
  readonly connection: LocalControlPlaneConnection;
  kubeConfig(user: ClientUser): KubeConfig;
  /** Stops every process and removes the data folder; safe to call twice. */
  stop(): Promise<void>;
}

export interface LocalControlPlaneOptions {
  /** Also run kube-controller-manager with the deployment and replicaset controllers. */
  readonly controllerManager?: boolean;
  /**
   * Also run kube-scheduler and kwok with one simulated GPU node (implies the controller manager), so that
   * pods are scheduled and become Ready. `true` is an `nvidia-l4` `g6.xlarge` node with 4 GPUs.
   */
  readonly gpuNode?: boolean | FakeGpuNodeOptions;
  /**
   * Where the data lives (a new folder is made inside it); the system's temporary folder by default. It is
   * removed by stop(), or by the guard if the process dies first.
   */
  readonly dataDir?: string;
  /**
   * A kubeconfig-format file naming a TokenReview webhook (authentication.k8s.io/v1) that the API server
   * asks about bearer tokens the static token file does not know, as EKS does for access-entry tokens.
   */
  readonly tokenWebhookConfigFile?: string;
}

const HOST = '127.0.0.1';
const MODULE_DIRS = ['tools/kube/', 'tools/kwok/'].map((dir) => join(SOURCE_ROOT, dir));
const BINARIES = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok'] as const;
const START_ATTEMPTS = 3;
const NODE_READY_TIMEOUT_MS = 60_000;

/**
 * Where scripts/build-kube.sh puts the binaries: `VERDICT_KUBE_BIN_DIR`, or the user cache folder keyed by
 * the pins in tools/kube and tools/kwok (go.mod and go.sum; the same key the script computes).
 */
export function kubeBinDir(): string {
  const override = process.env.VERDICT_KUBE_BIN_DIR;
  if (override) return override;
  const hash = createHash('sha256');
  for (const dir of MODULE_DIRS) {
    hash.update(readFileSync(join(dir, 'go.mod'))).update(readFileSync(join(dir, 'go.sum')));
  }
  const key = hash.digest('hex').slice(0, 16);
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'verdict', 'kube', key);
}

/** True when every binary of the control plane is built (`bash scripts/build-kube.sh --check`). */
export function localControlPlaneBuilt(): boolean {
  const binDir = kubeBinDir();
  return BINARIES.every((name) => existsSync(join(binDir, name)));
}

export async function startLocalControlPlane(
  options: LocalControlPlaneOptions = {},
): Promise<LocalControlPlane> {
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

async function startOnce(options: LocalControlPlaneOptions): Promise<LocalControlPlane> {
  const binDir = kubeBinDir();
  const needed = options.gpuNode ? BINARIES : BINARIES.slice(0, 3);
  const missing = needed.filter((name) => !existsSync(join(binDir, name)));
  if (missing.length > 0) {
    throw new Error(
      `${missing.join(', ')} not found in ${binDir}: run \`npm run setup\` or \`bash scripts/build-kube.sh\` ` +
        '(builds them from the Go module proxy once; about 20 minutes on 2 cores the first time)',
    );
  }
  const parent = options.dataDir ?? tmpdir();
  mkdirSync(parent, { recursive: true });
  const dir = await mkdtemp(join(parent, 'verdict-kube-'));
  // Lives as long as the plane: its guard removes the folder only if Node dies without stop(). (A janitor
  // that exits at once would have Node close its stdin, and the folder would go under etcd.)
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
    await waitUntilReady(etcd, () => etcdHealthy(etcdClient));

    const apiServer = guarded(
      'kube-apiserver',
      join(binDir, 'kube-apiserver'),
      apiServerArguments(credentials, etcdClient, apiPort, options.tokenWebhookConfigFile),
    );
    processes.push(apiServer);
    const connection: LocalControlPlaneConnection = {
      server: `https://${HOST}:${apiPort}`,
      caPem: credentials.caPem,
      tokens: {
        admin: credentials.tokens.admin,
        deployer: credentials.tokens.deployer,
        groupDeployer: credentials.tokens.groupDeployer,
      },
    };
    await waitUntilReady(apiServer, () => apiServerReady(connection));

    const kubeconfigOf = async (user: KubeUser) => {
      const file = join(dir, `${user}.kubeconfig`);
      await writeFile(file, componentKubeconfig(connection.server, credentials, user), { mode: 0o600 });
      return file;
    };
    if (options.controllerManager || options.gpuNode) {
      processes.push(
        guarded('kube-controller-manager', join(binDir, 'kube-controller-manager'), [
          `--kubeconfig=${await kubeconfigOf('controllerManager')}`,
          '--controllers=deployment,replicaset',
          '--leader-elect=false',
          '--use-service-account-credentials=false',
          '--secure-port=0',
        ]),
      );
    }
    if (options.gpuNode) {
      const node = fakeGpuNode(options.gpuNode === true ? {} : options.gpuNode);
      const kwokConfig = join(dir, 'kwok.yaml');
      await writeFile(kwokConfig, kwokConfiguration());
      processes.push(
        guarded('kube-scheduler', join(binDir, 'kube-scheduler'), [
          `--kubeconfig=${await kubeconfigOf('scheduler')}`,
          '--leader-elect=false',
          '--secure-port=0',
        ]),
        guarded('kwok', join(binDir, 'kwok'), [
          `--kubeconfig=${await kubeconfigOf('nodeSimulator')}`,
          `--config=${kwokConfig}`,
          '--manage-all-nodes=false',
          `--manage-nodes-with-annotation-selector=${KWOK_NODE_SELECTOR}`,
          `--node-ip=${HOST}`,
          '--cidr=10.244.0.0/16',
        ]),
      );
      const core = kubeConfigFor(connection, 'admin').makeApiClient(CoreV1Api);
      await core.createNode({ body: node });
      const kwok = processes[processes.length - 1] as GuardedProcess;
      const name = node.metadata?.name as string;
      await waitUntilReady(kwok, () => nodeReady(core, name), NODE_READY_TIMEOUT_MS);
      // The API server taints a new node not-ready; the node lifecycle controller, which does not run here,
      // would lift that taint once the node reports Ready. Only the GPU pool's own taint stays.
      await core.patchNode(
        { name, body: { spec: { taints: node.spec?.taints } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    }
    for (const child of processes) child.reportUnexpectedExit();
    return { connection, kubeConfig: (user) => kubeConfigFor(connection, user), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A client configuration for one of the control plane's static-token users. */
export function kubeConfigFor(connection: LocalControlPlaneConnection, user: ClientUser): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [
      {
        name: 'verdict-local',
        server: connection.server,
        caData: Buffer.from(connection.caPem).toString('base64'),
        skipTLSVerify: false,
      },
    ],
    users: [{ name: user, token: connection.tokens[user] }],
    contexts: [{ name: user, cluster: 'verdict-local', user }],
    currentContext: user,
  });
  return kubeConfig;
}

function etcdArguments(dir: string, clientPort: number, peerPort: number): string[] {
  const client = `http://${HOST}:${clientPort}`;
  const peer = `http://${HOST}:${peerPort}`;
  return [
    '--name=verdict-local',
    `--data-dir=${join(dir, 'etcd')}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=verdict-local=${peer}`,
    '--unsafe-no-fsync', // the data is thrown away: durability costs time for nothing
    '--log-level=warn',
  ];
}

function apiServerArguments(
  credentials: ClusterCredentials,
  etcdPort: number,
  port: number,
  tokenWebhookConfigFile: string | undefined,
): string[] {
  const tokenWebhook = tokenWebhookConfigFile
    ? [
        `--authentication-token-webhook-config-file=${tokenWebhookConfigFile}`,
        '--authentication-token-webhook-version=v1',
      ]
    : [];
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
    ...tokenWebhook,
    '--anonymous-auth=false',
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${credentials.serviceAccountPublicKeyFile}`,
    `--service-account-signing-key-file=${credentials.serviceAccountSigningKeyFile}`,
    '--service-cluster-ip-range=10.96.0.0/24',
    '--profiling=false',
  ];
}

function componentKubeconfig(server: string, credentials: ClusterCredentials, user: KubeUser): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'local', cluster: { server, 'certificate-authority': credentials.caCertFile } }],
    users: [{ name: user, user: { token: credentials.tokens[user] } }],
    contexts: [{ name: 'local', context: { cluster: 'local', user } }],
    'current-context': 'local',
  });
}

async function etcdHealthy(port: number): Promise<string | true> {
  const response = await fetch(`http://${HOST}:${port}/health`, { signal: AbortSignal.timeout(1_000) });
  const body = await response.text();
  return response.ok && body.includes('"health":"true"') ? true : `HTTP ${response.status} ${body}`;
}

function apiServerReady(connection: LocalControlPlaneConnection): Promise<string | true> {
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

async function nodeReady(core: CoreV1Api, name: string): Promise<string | true> {
  const node = await core.readNode({ name });
  const ready = node.status?.conditions?.find((condition) => condition.type === 'Ready');
  return ready?.status === 'True' ? true : `node ${name} Ready=${ready?.status ?? 'Unknown'}`;
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
